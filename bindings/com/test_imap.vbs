' test_imap.vbs: tests of Mailwire.Imap against mailwire.dll and the
' embedded server's imap and imaps services: every member, and the errors
' of each.  Run with cscript //nologo test_imap.vbs.  The last lines are
' "com-imap: N passed, N failed" and the marker "com-imap-test: end"; a
' script that stops early (Wine's cscript reports no script errors) has no
' marker.
Option Explicit

Dim passed, failed, fso, dir, ca, watch, baseline
passed = 0
failed = 0

Sub Check(cond, what)
    If cond Then
        passed = passed + 1
    Else
        failed = failed + 1
        WScript.Echo "FAIL " & what
    End If
End Sub

Sub CheckEq(got, want, what)
    Check got = want, what & " = """ & got & """, want """ & want & """"
End Sub

' Has tells whether the space-separated list s holds word.
Function Has(s, word)
    Has = InStr(" " & s & " ", " " & word & " ") > 0
End Function

Set fso = CreateObject("Scripting.FileSystemObject")
dir = fso.GetSpecialFolder(2) & "\mailwire-com-imap-test"
If Not fso.FolderExists(dir) Then fso.CreateFolder dir
ca = dir & "\ca.pem"

Function Letter(subject)
    Dim m
    Set m = CreateObject("Mailwire.Message")
    m.FromAddress = "bob@example.test"
    m.AddTo "alice@example.test"
    m.Subject = subject
    m.BodyText = "Sent by the COM IMAP test." & vbLf
    Set Letter = m
End Function

' Deliver sends messages with these subjects to alice through submission.
Sub Deliver(srv, subjects)
    Dim smtp, s
    Set smtp = CreateObject("Mailwire.Smtp")
    smtp.Host = "127.0.0.1"
    smtp.Port = srv.Port("submission")
    smtp.Security = "starttls"
    smtp.Username = "bob"
    smtp.Password = "secret"
    smtp.SetOption "ca_file", ca
    CheckEq smtp.Connect(), 0, "SMTP Connect to deliver"
    For Each s In subjects
        CheckEq smtp.Send(Letter(s)), 0, "deliver """ & s & """"
    Next
    smtp.Disconnect
End Sub

Function NewImap(srv, password)
    Dim imap
    Set imap = CreateObject("Mailwire.Imap")
    imap.Host = "127.0.0.1"
    imap.Port = srv.Port("imap")
    imap.Security = "starttls"
    imap.Username = "alice"
    imap.Password = password
    CheckEq imap.SetOption("ca_file", ca), 0, "SetOption ca_file"
    Set NewImap = imap
End Function

' TestCold: the options, and every member before Connect.
Sub TestCold(srv)
    Dim imap
    Set imap = NewImap(srv, "secret")
    CheckEq imap.Host, "127.0.0.1", "Host reads back"
    CheckEq imap.Port, srv.Port("imap"), "Port reads back"
    CheckEq imap.Security, "starttls", "Security reads back"
    CheckEq imap.Username, "alice", "Username reads back"
    CheckEq imap.Timeout, 0, "Timeout before it is set"
    imap.Timeout = 30
    CheckEq imap.Timeout, 30, "Timeout reads back"
    CheckEq imap.SetOption("colour", "blue"), -5, "SetOption of an unknown option"
    CheckEq imap.LastError, -5, "LastError after SetOption"
    Check imap.LastErrorText <> "", "LastErrorText after SetOption"
    On Error Resume Next
    imap.Security = "carrier-pigeon"
    CheckEq Hex(Err.Number), "80040205", "a bad Security raises MW_E_OPTION"
    CheckEq Err.Source, "Mailwire.Imap", "Err.Source"
    Err.Clear
    imap.Host = "bad" & vbCrLf & "host"
    Check Err.Number <> 0, "a Host with CRLF raises"
    Err.Clear
    On Error GoTo 0
    CheckEq imap.Security, "starttls", "a refused Security is not kept"
    CheckEq imap.FolderCount, -4, "FolderCount before Connect"
    CheckEq imap.Select("INBOX"), -4, "Select before Connect"
    CheckEq imap.Search("ALL"), -4, "Search before Connect"
    Check imap.Fetch(1) Is Nothing, "Fetch before Connect is Nothing"
    CheckEq imap.LastError, -4, "LastError after Fetch before Connect"
    Check IsEmpty(imap.FetchMany(Array(1, 2))), "FetchMany before Connect is Empty"
    CheckEq imap.LastError, -4, "LastError after FetchMany before Connect"
    Check IsEmpty(imap.Status("exists")), "Status before Connect is Empty"
    CheckEq imap.CreateFolder("x"), -4, "CreateFolder before Connect"
    CheckEq imap.Idle(1), -4, "Idle before Connect"
    CheckEq imap.Capabilities, "", "Capabilities before Connect"
    CheckEq imap.Disconnect(), 0, "Disconnect when not connected"
    CheckEq imap.Cancel(), 0, "Cancel with nothing in flight"

    Set imap = NewImap(srv, "wrong")
    CheckEq imap.Connect(), -23, "Connect with a wrong password"
    Check imap.LastErrorText <> "", "LastErrorText after a refused login: " & imap.LastErrorText
    imap.RaiseErrors = True
    On Error Resume Next
    imap.Connect
    CheckEq Hex(Err.Number), "80040217", "RaiseErrors: a refused login raises"
    Check Err.Description <> "", "the raised error has a description"
    Err.Clear
    On Error GoTo 0

    ' Connect(host, port) and implicit TLS (imaps).
    Set imap = CreateObject("Mailwire.Imap")
    imap.Security = "tls"
    imap.Username = "alice"
    imap.Password = "secret"
    imap.SetOption "ca_file", ca
    CheckEq imap.Connect("127.0.0.1", srv.Port("imaps")), 0, "Connect(host, port) with implicit TLS: " & imap.LastErrorText
    CheckEq imap.Port, srv.Port("imaps"), "Port after Connect(host, port)"
    CheckEq imap.Host, "127.0.0.1", "Host after Connect(host, port)"
    CheckEq imap.Disconnect(), 0, "Disconnect from imaps"
End Sub

' TestFolders: FolderCount, Folder, CreateFolder, RenameFolder, DeleteFolder.
Sub TestFolders(imap)
    Dim n, i, names, trash, utf, renamed
    n = imap.FolderCount
    Check n >= 5, "FolderCount " & n
    names = ""
    trash = ""
    For i = 0 To n - 1
        names = names & "|" & imap.Folder(i, "name")
        If imap.Folder(i, "special_use") = "\Trash" Then trash = imap.Folder(i, "name")
    Next
    Check InStr(names & "|", "|INBOX|") > 0, "INBOX is listed: " & names
    CheckEq trash, "Trash", "the folder with special use \Trash"
    CheckEq imap.LastError, 0, "LastError after Folder"
    Check imap.Folder(0, "delimiter") <> "", "Folder(0, delimiter)"
    CheckEq imap.Folder(n, "name"), "", "Folder past the end"
    CheckEq imap.LastError, -8, "LastError after Folder past the end"
    CheckEq imap.Folder(0, "colour"), "", "Folder of an unknown field"
    CheckEq imap.LastError, -3, "LastError after Folder of an unknown field"

    ' A folder name beyond ASCII (modified UTF-7 or UTF-8 on the wire).
    utf = "Entw" & Chr(252) & "rfe " & Chr(228) & "h"
    renamed = "Archiv " & Chr(246) & "l"
    CheckEq imap.CreateFolder(utf), 0, "CreateFolder of a UTF-8 name: " & imap.LastErrorText
    CheckEq imap.FolderCount, n + 1, "FolderCount after CreateFolder"
    names = ""
    For i = 0 To n
        names = names & "|" & imap.Folder(i, "name")
    Next
    Check InStr(names & "|", "|" & utf & "|") > 0, "the UTF-8 name comes back as it was"
    CheckEq imap.CreateFolder(utf), -21, "CreateFolder of a folder that exists"
    CheckEq imap.CreateFolder("bad" & vbCrLf & "name"), -3, "CreateFolder of a name with CRLF"
    CheckEq imap.RenameFolder(utf, renamed), 0, "RenameFolder"
    CheckEq imap.Select(renamed), 0, "Select of the renamed folder"
    CheckEq imap.Status("name"), renamed, "Status(name) of the renamed folder"
    CheckEq imap.RenameFolder("No such folder", "Other"), -8, "RenameFolder of a folder that does not exist"
    CheckEq imap.DeleteFolder(renamed), 0, "DeleteFolder"
    CheckEq imap.DeleteFolder(renamed), -8, "DeleteFolder of a folder that is gone"
    CheckEq imap.FolderCount, n, "FolderCount after DeleteFolder"
End Sub

' TestMessages: Select, Status, Search, Fetch*, Flags, Store, Copy, Move,
' Expunge, Append; alice's INBOX holds the three messages delivered.
Sub TestMessages(srv, imap)
    Dim uids, u, m, ms, file, uid, n, got, before
    CheckEq imap.Select("INBOX"), 3, "Select(INBOX)"
    CheckEq imap.Status("exists"), 3, "Status(exists) compares as a number"
    CheckEq TypeName(imap.Status("exists")), "Long", "Status(exists) is a Long"
    CheckEq imap.Status("unseen"), 3, "Status(unseen)"
    CheckEq imap.Status("name"), "INBOX", "Status(name)"
    CheckEq imap.Status("readonly"), False, "Status(readonly)"
    Check imap.Status("uidvalidity") > 0, "Status(uidvalidity) " & imap.Status("uidvalidity")
    Check imap.Status("uidnext") > 3, "Status(uidnext) " & imap.Status("uidnext")
    Check imap.Status("highestmodseq") >= 0, "Status(highestmodseq)"
    Check IsEmpty(imap.Status("colour")), "Status of an unknown field is Empty"
    CheckEq imap.LastError, -3, "LastError after Status(colour)"

    CheckEq imap.Search("UNSEEN"), 3, "Search(UNSEEN)"
    uids = imap.SearchUids
    CheckEq UBound(uids), 2, "SearchUids holds three UIDs"
    CheckEq imap.SearchUid(0), uids(0), "SearchUid(0) is SearchUids(0)"
    Check uids(0) < uids(1) And uids(1) < uids(2), "the UIDs ascend"
    CheckEq imap.SearchUid(3), -8, "SearchUid past the end"
    CheckEq imap.LastError, -8, "LastError after SearchUid past the end"
    CheckEq imap.Search(), 3, "Search() is ALL"
    CheckEq imap.Search("SUBJECT ""second"""), 1, "Search(SUBJECT ""second"")"
    CheckEq imap.SearchUid(0), uids(1), "the second message's UID"
    CheckEq imap.Search("SUBJECT """ & Chr(252) & "ber"""), 1, "Search of a UTF-8 string"
    CheckEq imap.Search("(UNSEEN"), -3, "Search with an unbalanced parenthesis"
    CheckEq imap.Search("ALL" & vbCrLf & "A1 LOGOUT"), -3, "Search with CRLF"
    CheckEq imap.Search("SUBJECT {5}"), -3, "Search with a literal"
    CheckEq imap.Search("NONSENSE"), -21, "Search the server refuses"
    CheckEq UBound(imap.SearchUids), -1, "SearchUids after a failed Search is empty"

    ' Fetch: the message, unseen still (BODY.PEEK).
    Set m = imap.Fetch(uids(0))
    Check Not (m Is Nothing), "Fetch(uid)"
    If Not (m Is Nothing) Then CheckEq m.Subject, "first", "the fetched Subject"
    Check Not Has(imap.Flags(uids(0)), "\Seen"), "Fetch leaves the message unseen: " & imap.Flags(uids(0))
    Check imap.BytesTransferred > 0, "BytesTransferred after Fetch"
    Set m = imap.Fetch(CStr(uids(1)))
    Check Not (m Is Nothing), "Fetch of a UID as text"
    Set m = imap.Fetch(CDbl(uids(2)))
    Check Not (m Is Nothing), "Fetch of a UID as a Double"
    Check imap.Fetch(uids(2) + 1000) Is Nothing, "Fetch of a UID the folder does not have is Nothing"
    CheckEq imap.LastError, -8, "LastError after Fetch of a missing UID"
    Check imap.Fetch(0) Is Nothing, "Fetch(0) is Nothing"
    CheckEq imap.LastError, -3, "LastError after Fetch(0)"
    Check imap.Fetch(4294967296) Is Nothing, "Fetch(4294967296) is Nothing"
    CheckEq imap.LastError, -3, "a UID past 4294967295 is MW_E_ARG"
    On Error Resume Next
    Set m = imap.Fetch("abc")
    CheckEq Err.Number, 13, "Fetch of text that is no number: type mismatch"
    Err.Clear
    Set m = imap.Fetch(1.5)
    CheckEq Err.Number, 13, "Fetch of a fraction: type mismatch"
    Err.Clear
    On Error GoTo 0

    ' FetchToFile.
    file = dir & "\fetched.eml"
    CheckEq imap.FetchToFile(uids(1), file), 0, "FetchToFile"
    Set m = CreateObject("Mailwire.Message")
    CheckEq m.Load(file), 0, "Load of the fetched file"
    CheckEq m.Subject, "second", "Subject of the fetched file"
    CheckEq imap.FetchToFile(uids(2) + 1000, file), -8, "FetchToFile of a missing UID"
    CheckEq imap.FetchToFile(uids(1), dir & "\no\such\folder\x.eml"), -6, "FetchToFile into a missing folder"

    ' FetchMany: arrays of Variants, one UID, a missing UID among them.
    ms = imap.FetchMany(uids)
    CheckEq UBound(ms), 2, "FetchMany returns three messages"
    CheckEq ms(0).Subject & "," & ms(1).Subject & "," & ms(2).Subject, "first,second," & Chr(252) & "ber alles", _
        "their Subjects, in order"
    CheckEq ms(2).LastError, 0, "each message's LastError"
    ms = imap.FetchMany(Array(uids(2), uids(2) + 1000, uids(0)))
    CheckEq imap.LastError, -8, "FetchMany with a missing UID"
    CheckEq ms(0).LastError & "," & ms(1).LastError & "," & ms(2).LastError, "0,-8,0", "only the missing one failed"
    CheckEq ms(2).Subject, "first", "the one after the missing one"
    ms = imap.FetchMany(uids(1))
    CheckEq UBound(ms), 0, "FetchMany of one UID"
    CheckEq ms(0).Subject, "second", "FetchMany of one UID: its Subject"
    ms = imap.FetchMany(Array())
    CheckEq UBound(ms), -1, "FetchMany of an empty array"
    Check IsEmpty(imap.FetchMany(Array(uids(0), 0))), "FetchMany with UID 0 is Empty"
    CheckEq imap.LastError, -3, "LastError after FetchMany with UID 0"
    On Error Resume Next
    ms = imap.FetchMany(Array(uids(0), "x"))
    CheckEq Err.Number, 13, "FetchMany with text in the array: type mismatch"
    Err.Clear
    On Error GoTo 0

    ' Flags and Store: add, remove, replace; the modes of MwStore.
    got = imap.Flags(uids(0))
    Check Not Has(got, "\Seen") And Not Has(got, "\Flagged"), "Flags of a new message: " & got
    CheckEq imap.Store(uids(0), "\Seen \Flagged $Work", 1), 0, "Store add"
    got = imap.Flags(uids(0))
    Check Has(got, "\Seen") And Has(got, "\Flagged") And Has(got, "$Work"), "Flags after Store add: " & got
    CheckEq imap.Status("unseen"), 2, "Status(unseen) after \Seen"
    CheckEq imap.Store(uids(0), "\Flagged", -1), 0, "Store remove"
    got = imap.Flags(uids(0))
    Check Has(got, "\Seen") And Not Has(got, "\Flagged"), "Flags after Store remove: " & got
    CheckEq imap.Store(uids(0), "\Answered", 0), 0, "Store replace"
    got = imap.Flags(uids(0))
    Check Has(got, "\Answered") And Not Has(got, "\Seen") And Not Has(got, "$Work"), "Flags after Store replace: " & got
    CheckEq imap.Search("ANSWERED"), 1, "Search(ANSWERED) finds it"
    CheckEq imap.Store(uids(0), "\Recent", 1), -3, "Store of \Recent"
    CheckEq imap.Store(uids(0), "bad(flag", 1), -3, "Store of a flag that is not an atom"
    ' A UID the folder does not have is no error to UID STORE and UID MOVE
    ' (RFC 3501 6.4.8): nothing happens.
    CheckEq imap.Store(uids(2) + 1000, "\Seen", 1), 0, "Store on a missing UID"
    CheckEq imap.Flags(uids(2) + 1000), "", "Flags of a missing UID"
    CheckEq imap.LastError, -8, "LastError after Flags of a missing UID"

    ' Copy, Move, Expunge.
    CheckEq imap.Copy(uids(0), "Junk"), 0, "Copy to Junk"
    CheckEq imap.Copy(uids(0), "No such folder"), -8, "Copy to a folder that does not exist"
    CheckEq imap.Move(uids(1), "Trash"), 0, "Move to Trash"
    CheckEq imap.Status("exists"), 2, "Status(exists) after Move"
    CheckEq imap.Move(uids(1), "Trash"), 0, "Move of a UID that is gone"
    CheckEq imap.Status("exists"), 2, "Status(exists) after Move of a UID that is gone"
    CheckEq imap.Store(uids(2), "\Deleted", 1), 0, "Store \Deleted"
    CheckEq imap.Expunge(), 0, "Expunge"
    CheckEq imap.Status("exists"), 1, "Status(exists) after Expunge"

    ' Append: a new UID (UIDPLUS), with flags.
    before = imap.Status("uidnext")
    uid = imap.Append("INBOX", Letter("appended"), "\Seen \Draft")
    CheckEq uid, before, "Append returns the new UID"
    CheckEq imap.Status("exists"), 2, "Status(exists) after Append"
    got = imap.Flags(uid)
    Check Has(got, "\Seen") And Has(got, "\Draft"), "Flags of the appended message: " & got
    CheckEq imap.Fetch(uid).Subject, "appended", "the appended message fetched"
    Check imap.Append("Junk", Letter("no flags")) > 0, "Append without flags"
    CheckEq imap.Append("No such folder", Letter("lost")), -8, "Append to a folder that does not exist"
    CheckEq imap.Append("INBOX", Letter("x"), "\Recent"), -3, "Append with \Recent"
    On Error Resume Next
    uid = imap.Append("INBOX", "not a message")
    CheckEq Err.Number, 13, "Append of text: type mismatch"
    Err.Clear
    On Error GoTo 0

    ' Read only: EXAMINE.
    n = imap.Select("Trash", True)
    CheckEq n, 1, "Select(Trash, True)"
    CheckEq imap.Status("readonly"), True, "Status(readonly) after EXAMINE"
    CheckEq imap.Select("Junk"), 2, "Select(Junk)"
    CheckEq imap.Select("No such folder"), -8, "Select of a folder that does not exist"
    Check IsEmpty(imap.Status("exists")), "no folder is selected after a failed Select"
    CheckEq imap.LastError, -4, "LastError of Status without a folder"
    CheckEq imap.Search("ALL"), -4, "Search without a folder"
End Sub

' TestIdle: IDLE told of a delivery, and IDLE that times out.
Sub TestIdle(srv, imap)
    CheckEq imap.Select("INBOX"), 2, "Select(INBOX) before Idle"
    CheckEq imap.Idle(0), -3, "Idle(0)"
    Deliver srv, Array("while idle")
    CheckEq imap.Idle(30), 1, "Idle tells of the delivery"
    CheckEq imap.Status("exists"), 3, "Status(exists) after Idle"
    CheckEq imap.Idle(1), 0, "Idle with nothing new times out"
    CheckEq imap.Search("SUBJECT ""while idle"""), 1, "the delivered message is found"
End Sub

Sub TestImap()
    Dim srv, imap, logtext
    Set srv = CreateObject("Mailwire.Server")
    srv.Users = "alice:secret,bob:secret"
    CheckEq srv.SetOption("ca_out", ca), 0, "Server SetOption ca_out"
    CheckEq srv.Start(), 0, "Server Start"
    Check srv.Port("imap") > 0 And srv.Port("imaps") > 0, "Server Port(imap), Port(imaps)"
    Deliver srv, Array("first", "second", Chr(252) & "ber alles")
    TestCold srv

    Set imap = NewImap(srv, "secret")
    imap.KeepSessionLog = True
    CheckEq imap.Connect(), 0, "Connect: " & imap.LastErrorText
    CheckEq imap.LastError, 0, "LastError after Connect"
    Check Has(Replace(imap.Capabilities, vbLf, " "), "IDLE"), "Capabilities: " & Replace(imap.Capabilities, vbLf, " ")
    Check Has(Replace(imap.Capabilities, vbLf, " "), "UIDPLUS"), "Capabilities has UIDPLUS"
    TestFolders imap
    TestMessages srv, imap
    TestIdle srv, imap
    CheckEq imap.Cancel(), 0, "Cancel with nothing in flight"
    logtext = imap.SessionLog
    Check InStr(logtext, "C: ") > 0 And InStr(logtext, "S: ") > 0, "SessionLog has commands and replies"
    Check InStr(logtext, "UID FETCH") > 0, "SessionLog has UID FETCH"
    CheckEq InStr(Replace(logtext, "<secret>", ""), "secret"), 0, "no password in the SessionLog"
    CheckEq imap.ClearSessionLog(), 0, "ClearSessionLog"
    CheckEq imap.SessionLog, "", "SessionLog after ClearSessionLog"
    imap.RaiseErrors = True
    On Error Resume Next
    imap.Select "No such folder"
    CheckEq Hex(Err.Number), "80040208", "RaiseErrors: Select of a missing folder raises"
    CheckEq Err.Source, "Mailwire.Imap", "Err.Source of the raised error"
    Err.Clear
    On Error GoTo 0
    imap.RaiseErrors = False
    CheckEq imap.Disconnect(), 0, "Disconnect"
    CheckEq imap.FolderCount, -4, "FolderCount after Disconnect"
    CheckEq imap.Connect(), 0, "Connect again after Disconnect"
    CheckEq imap.Select("INBOX"), 3, "the mailbox as left"
    CheckEq imap.Disconnect(), 0, "Disconnect again"
    CheckEq imap.GetErrorDescription(-8), srv.GetErrorDescription(-8), "GetErrorDescription"
    CheckEq imap.Version, srv.Version, "Version"
    CheckEq srv.Stop(), 0, "Server Stop"
End Sub

Set watch = CreateObject("Mailwire.Server")
baseline = watch.OpenHandles
TestImap
CheckEq watch.OpenHandles, baseline, "every handle is closed when its object goes"
fso.DeleteFolder dir, True
WScript.Echo "com-imap: " & passed & " passed, " & failed & " failed"
WScript.Echo "com-imap-test: end"
