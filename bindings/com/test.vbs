' test.vbs: tests of the Mailwire COM objects against mailwire.dll and the
' embedded server.  Run with cscript //nologo test.vbs.  The last lines are
' "com: N passed, N failed" and the marker "com-test: end"; a script that
' stops early (Wine's cscript reports no script errors) has no marker.
Option Explicit

Const BYTE_ARRAY = 8209 ' vbArray + vbByte: what VB6 calls Byte()

Dim passed, failed, fso, dir, ca, report, logo, kw, baseline
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

' Count returns how often part occurs in s.
Function Count(s, part)
    Count = (Len(s) - Len(Replace(s, part, ""))) / Len(part)
End Function

' UrlEncode percent-encodes everything but letters, digits and -._~.
Function UrlEncode(s)
    Dim i, ch
    UrlEncode = ""
    For i = 1 To Len(s)
        ch = Mid(s, i, 1)
        If InStr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_~", ch) > 0 Then
            UrlEncode = UrlEncode & ch
        Else
            UrlEncode = UrlEncode & "%" & Right("0" & Hex(Asc(ch)), 2)
        End If
    Next
End Function

Set fso = CreateObject("Scripting.FileSystemObject")
dir = fso.GetSpecialFolder(2) & "\mailwire-com-test"
If Not fso.FolderExists(dir) Then fso.CreateFolder dir
ca = dir & "\ca.pem"
report = dir & "\report.txt"
logo = dir & "\logo.png"
With fso.CreateTextFile(report, True)
    .Write "Quarterly figures: all green." & vbCrLf
    .Close
End With
With fso.CreateTextFile(logo, True)
    .Write "not really a PNG"
    .Close
End With
Set kw = CreateObject("Mailwire.Keywords")

Sub TestMessage()
    Dim m, back, rc
    Set m = CreateObject("Mailwire.Message")
    m.FromName = "Bob Example"
    m.FromAddress = "bob@example.test"
    CheckEq m.FromAddress, "bob@example.test", "FromAddress"
    CheckEq m.FromName, "Bob Example", "FromName"
    m.Subject = "Gr" & Chr(252) & "sse"
    CheckEq m.Subject, "Gr" & Chr(252) & "sse", "Subject round trip through UTF-8"
    m.BodyText = "Hello" & vbLf
    CheckEq m.AddTo("alice@example.test", "Alice"), 0, "AddTo"
    CheckEq m.To, "Alice <alice@example.test>", "To"
    CheckEq m.AddTo("bad <"), -3, "AddTo of a bad address"
    CheckEq m.LastError, -3, "LastError"
    Check m.LastErrorText <> "", "LastErrorText after a failure"
    CheckEq m.AddAttachment(dir & "\missing.txt"), -6, "AddAttachment of a missing file"
    CheckEq m.AddAttachment(report), 0, "AddAttachment"
    CheckEq m.LastError, 0, "LastError after a success"
    CheckEq m.LastErrorText, "", "LastErrorText after a success"
    Check InStr(m.MimeText, "Subject: =?") > 0, "MimeText has an encoded Subject"
    CheckEq m.Size, Len(m.MimeText), "Size is the length of MimeText (all ASCII)"
    CheckEq m.Save(dir & "\saved.eml"), 0, "Save"
    Set back = CreateObject("Mailwire.Message")
    CheckEq back.Load(dir & "\saved.eml"), 0, "Load"
    CheckEq back.Subject, m.Subject, "Subject after Save and Load"
    CheckEq back.FromAddress, "bob@example.test", "FromAddress of a loaded message"
    CheckEq back.AttachmentCount, 1, "AttachmentCount"
    CheckEq back.AttachmentName(0), "report.txt", "AttachmentName"
    CheckEq m.GetErrorDescription(-23), "authentication failed", "GetErrorDescription"
    CheckEq UBound(Split(m.Version, ".")), 2, "Version is MAJOR.MINOR.PATCH: " & m.Version
    CheckEq kw.Version, m.Version, "every object tells the same Version"
End Sub

' TestBytes: attachments from strings and arrays, and back as Byte().
Sub TestBytes()
    Dim m, b, mime, copy, gone
    Set m = CreateObject("Mailwire.Message")
    m.FromAddress = "bob@example.test"
    m.AddTo "alice@example.test"
    CheckEq m.AddAttachmentData("Gr" & Chr(252) & "sse", "text.txt", "text/plain"), 0, "AddAttachmentData of a string"
    CheckEq m.AttachmentSize(0), 7, "a string is attached as UTF-8"
    CheckEq m.Attachment(0, "content_type"), "text/plain", "Attachment(0, content_type)"
    CheckEq m.AddAttachmentData(Array(77, 87, 0, 255), "bytes.bin"), 0, "AddAttachmentData of Array(77, 87, 0, 255)"
    CheckEq m.AttachmentSize(1), 4, "AttachmentSize of the array"
    CheckEq Count(m.MimeText, "TVcA/w=="), 1, "the array's bytes, base64 in MimeText"
    b = m.AttachmentData(1)
    CheckEq VarType(b), BYTE_ARRAY, "AttachmentData is a Byte() array"
    CheckEq m.AddAttachmentData(b, "copy.bin", "application/octet-stream"), 0, "AddAttachmentData of a Byte() array"
    CheckEq m.AttachmentSize(2), 4, "AttachmentSize of the Byte() copy"
    CheckEq Count(m.MimeText, "TVcA/w=="), 2, "the Byte() copy has the same bytes"
    CheckEq m.AddAttachmentData("", "empty.txt"), 0, "AddAttachmentData of an empty string"
    CheckEq m.AttachmentSize(3), 0, "an empty attachment"
    CheckEq VarType(m.AttachmentData(3)), BYTE_ARRAY, "an empty attachment is an empty Byte() array"
    gone = m.AttachmentData(9)
    Check IsEmpty(gone), "AttachmentData of a missing attachment is Empty"
    CheckEq m.LastError, -8, "LastError after AttachmentData(9)"
    CheckEq m.Attachment(0, "bogus"), "", "Attachment of an unknown field"
    CheckEq m.LastError, -3, "LastError after Attachment(0, bogus)"
    CheckEq m.AttachmentSize(9), -8, "AttachmentSize of a missing attachment"
    On Error Resume Next
    m.AddAttachmentData Array(256), "x.bin"
    CheckEq Err.Number, 13, "a number above 255 in the array is a type mismatch"
    Err.Clear
    m.AddAttachmentData Array("x"), "x.bin"
    CheckEq Err.Number, 13, "text in the array is a type mismatch"
    Err.Clear
    On Error GoTo 0
    CheckEq m.AttachmentCount, 4, "the refused arrays attached nothing"

    ' MimeData and LoadFromString(Byte()): the raw bytes round trip.
    m.Subject = "Bytes " & Chr(228)
    mime = m.MimeData
    CheckEq VarType(mime), BYTE_ARRAY, "MimeData is a Byte() array"
    Set copy = CreateObject("Mailwire.Message")
    CheckEq copy.LoadFromString(mime), 0, "LoadFromString of a Byte() array"
    CheckEq copy.Subject, "Bytes " & Chr(228), "Subject after MimeData and LoadFromString"
    CheckEq copy.AttachmentCount, 4, "AttachmentCount after the round trip"
    CheckEq copy.Attachment(2, "name"), "copy.bin", "Attachment(2, name)"
    CheckEq copy.Attachment(2, "disposition"), "attachment", "Attachment(2, disposition)"
    CheckEq copy.AttachmentSize(2), 4, "AttachmentSize after the round trip"
    CheckEq copy.SaveAttachment(2, dir), 0, "SaveAttachment into a folder"
    CheckEq fso.GetFile(dir & "\copy.bin").Size, 4, "the saved attachment's size"
End Sub

' TestInline: EmbedImage and an HTML body that shows it.
Sub TestInline()
    Dim m, back
    Set m = CreateObject("Mailwire.Message")
    m.FromAddress = "bob@example.test"
    m.AddTo "alice@example.test"
    m.BodyHtml = "<p>Logo: <img src=""cid:logo""></p>"
    CheckEq m.EmbedImage(dir & "\missing.png", "logo"), -6, "EmbedImage of a missing file"
    CheckEq m.EmbedImage(logo, "logo"), 0, "EmbedImage"
    Set back = CreateObject("Mailwire.Message")
    CheckEq back.LoadFromString(m.MimeText), 0, "LoadFromString of MimeText"
    CheckEq back.AttachmentCount, 1, "the inline part is listed"
    CheckEq back.Attachment(0, "disposition"), "inline", "the part is inline"
    Check InStr(back.Attachment(0, "content_id"), "logo") > 0, "its Content-ID: " & back.Attachment(0, "content_id")
    CheckEq back.Attachment(0, "content_type"), "image/png", "its type from the extension"
    Check InStr(back.BodyHtml, "cid:logo") > 0, "the HTML body refers to it"
End Sub

' TestTrace: the RFC 3848 keywords of a parsed message's Received headers.
Sub TestTrace()
    Dim m, raw
    raw = "Received: from a.test by b.test with UTF8SMTPSA id 1; Mon, 1 Jan 2024 10:00:03 +0000" & vbCrLf & _
          "Received: from c.test by d.test with LMTP; Mon, 1 Jan 2024 10:00:02 +0000" & vbCrLf & _
          "Received: from e.test by f.test with HTTP; Mon, 1 Jan 2024 10:00:01 +0000" & vbCrLf & _
          "From: bob@example.test" & vbCrLf & "To: alice@example.test" & vbCrLf & _
          "Subject: traced" & vbCrLf & vbCrLf & "Body" & vbCrLf
    Set m = CreateObject("Mailwire.Message")
    CheckEq m.LoadFromString(raw), 0, "LoadFromString of text"
    CheckEq m.Subject, "traced", "parsed Subject"
    CheckEq m.TraceCount, 3, "TraceCount"
    CheckEq m.Trace(0, "with"), "UTF8SMTPSA", "Trace(0, with)"
    CheckEq m.TraceFlags(0), kw.MW_WITH_TLS + kw.MW_WITH_AUTH + kw.MW_WITH_UTF8, "TraceFlags(0)"
    Check m.TraceTls(0) And m.TraceAuth(0) And m.TraceUtf8(0), "TraceTls, TraceAuth, TraceUtf8 of hop 0"
    CheckEq kw.Flags(m.Trace(0, "with")), m.TraceFlags(0), "Keywords.Flags of hop 0's keyword"
    CheckEq kw.Protocol(m.Trace(0, "with")), "ESMTP", "Keywords.Protocol of hop 0's keyword"
    CheckEq kw.Keyword("ESMTP", m.TraceTls(0), m.TraceAuth(0), m.TraceUtf8(0)), "UTF8SMTPSA", "Keywords.Keyword from hop 0's flags"
    CheckEq m.TraceFlags(1), 0, "TraceFlags of LMTP"
    Check Not m.TraceTls(1) And Not m.TraceAuth(1), "LMTP has neither TLS nor AUTH"
    CheckEq kw.Protocol(m.Trace(1, "with")), "LMTP", "Keywords.Protocol of LMTP"
    CheckEq m.TraceFlags(2), -8, "TraceFlags of an unregistered keyword"
    CheckEq m.LastError, 0, "an unregistered keyword is an answer, not a failure"
    Check Not m.TraceTls(2), "TraceTls of an unregistered keyword"
    CheckEq m.TraceFlags(2) And kw.MW_WITH_TLS, 0, "-8 bears no flag bit"
    CheckEq m.TraceFlags(7), -8, "TraceFlags of a missing hop"
    CheckEq m.LastError, -8, "a missing hop is a failure"
    m.RaiseErrors = True
    On Error Resume Next
    m.TraceFlags 2
    CheckEq Err.Number, 0, "an unregistered keyword does not raise"
    Err.Clear
    m.TraceTls 7
    CheckEq Hex(Err.Number), "80040208", "a missing hop raises"
    Err.Clear
    On Error GoTo 0
End Sub

Sub TestKeywords()
    CheckEq kw.Keyword("ESMTP", True, True), "ESMTPSA", "Keyword(ESMTP, TLS, AUTH)"
    CheckEq kw.Keyword("esmtp"), "ESMTP", "Keyword(esmtp)"
    CheckEq kw.Keyword("LMTP", True), "LMTPS", "Keyword(LMTP, TLS)"
    CheckEq kw.Keyword("ESMTP", False, True, True), "UTF8SMTPA", "Keyword(ESMTP, AUTH, UTF8)"
    CheckEq kw.Keyword("SMTP", True), "", "nothing is registered for SMTP with TLS"
    CheckEq kw.Keyword("HTTP"), "", "an unknown protocol"
    CheckEq kw.Flags("esmtpsa"), 3, "Flags(esmtpsa)"
    CheckEq kw.Flags("UTF8LMTPS"), 5, "Flags(UTF8LMTPS)"
    CheckEq kw.Flags("SMTP"), 0, "Flags(SMTP)"
    CheckEq kw.Flags("LSMTPS"), -8, "Flags of the misspelt LSMTPS"
    CheckEq kw.Protocol("UTF8LMTPSA"), "LMTP", "Protocol(UTF8LMTPSA)"
    CheckEq kw.Protocol("UTF8SMTP"), "ESMTP", "Protocol(UTF8SMTP)"
    CheckEq kw.Protocol("nope"), "", "Protocol of an unregistered keyword"
    CheckEq kw.MW_WITH_TLS & kw.MW_WITH_AUTH & kw.MW_WITH_UTF8, "124", "the MW_WITH_* constants"
    CheckEq kw.LastError, 0, "Keywords.LastError"
End Sub

Sub TestErrors()
    Dim m, x
    Set m = CreateObject("Mailwire.Message")
    On Error Resume Next
    x = m.NoSuchMember
    CheckEq Err.Number, 438, "an unknown member"
    Err.Clear
    m.To = "eve@example.test"
    CheckEq Err.Number, 438, "To cannot be assigned"
    Err.Clear
    m.Subject = "Hi" & vbCrLf & "Bcc: eve@example.test"
    CheckEq Hex(Err.Number), "80040203", "a property put with CRLF raises"
    Check Err.Description <> "", "the raised error has a description"
    Err.Clear
    m.RaiseErrors = True
    m.AddTo "bad <"
    CheckEq Hex(Err.Number), "80040203", "RaiseErrors raises on a bad address"
    CheckEq Err.Source, "Mailwire.Message", "Err.Source"
    Err.Clear
    x = CreateObject("Mailwire.Smtp").Send("not a message")
    Check Err.Number <> 0, "Send of a string fails"
    Err.Clear
    x = CreateObject("Mailwire.Smtp").SendMany(Array(m, "not a message"))
    CheckEq Err.Number, 13, "SendMany of an array with a string"
    Err.Clear
    On Error GoTo 0
End Sub

Sub SetClient(c, port, user, password)
    c.Host = "127.0.0.1"
    c.Port = port
    c.Security = "starttls"
    c.Username = user
    c.Password = password
    CheckEq c.SetOption("ca_file", ca), 0, "SetOption ca_file"
End Sub

Function Letter(toAddress, subject)
    Dim m
    Set m = CreateObject("Mailwire.Message")
    m.FromAddress = "bob@example.test"
    m.AddTo toAddress
    m.Subject = subject
    m.BodyText = "Sent by the COM test." & vbLf
    Set Letter = m
End Function

Sub TestSend(srv)
    Dim m, smtp, bad, cold, i
    Set bad = CreateObject("Mailwire.Smtp")
    SetClient bad, srv.Port("submission"), "bob", "wrong"
    CheckEq bad.Connect(), -23, "Connect with a wrong password"
    CheckEq bad.Port, srv.Port("submission"), "Port reads back"
    Set m = Letter("alice@example.test", "From VBScript")
    m.AddCc "reject-me@example.test"
    m.AddAttachment report
    Set smtp = CreateObject("Mailwire.Smtp")
    SetClient smtp, srv.Port("submission"), "bob", "secret"
    smtp.KeepSessionLog = True
    CheckEq smtp.KeepSessionLog, True, "KeepSessionLog reads back"
    CheckEq smtp.LastReplyCode, 0, "LastReplyCode before Connect"
    CheckEq smtp.Connect(), 0, "Connect"
    Check InStr(smtp.Capabilities, "PIPELINING") > 0, "Capabilities: " & Replace(smtp.Capabilities, vbLf, "|")
    Check InStr(smtp.Capabilities, "STARTTLS") = 0, "STARTTLS is not offered again inside TLS"
    CheckEq smtp.Send(m), -20, "Send to a good and a refused recipient"
    CheckEq m.LastError, -20, "the message's LastError after a partial send"
    CheckEq smtp.ResultCount, 2, "ResultCount"
    CheckEq smtp.ResultAddress(0), "alice@example.test", "ResultAddress(0)"
    CheckEq smtp.ResultCode(0), 250, "ResultCode(0)"
    CheckEq smtp.ResultCode(1), 550, "ResultCode(1)"
    CheckEq Left(smtp.ResultEnhanced(1), 2), "5.", "ResultEnhanced(1): " & smtp.ResultEnhanced(1)
    CheckEq m.ResultCount, 2, "the message's ResultCount"
    CheckEq smtp.LastReplyCode, 250, "LastReplyCode after the data"
    Check smtp.LastReply <> "", "LastReply"
    Check smtp.BytesTransferred >= m.Size, "BytesTransferred " & smtp.BytesTransferred & " of " & m.Size
    CheckEq smtp.Cancel(), 0, "Cancel with nothing in flight"

    ' SendMany: three messages pipelined, each with its own outcome.
    Dim batch(2)
    Set batch(0) = Letter("carol@example.test", "batch 0")
    Set batch(1) = Letter("reject-all@example.test", "batch 1")
    Set batch(2) = Letter("carol@example.test", "batch 2")
    CheckEq smtp.SendMany(batch), -20, "SendMany with one refused message"
    CheckEq smtp.LastError, -20, "LastError after SendMany"
    CheckEq batch(0).LastError, 0, "batch(0) accepted"
    CheckEq batch(1).LastError, -21, "batch(1) refused"
    Check batch(1).LastErrorText <> "", "batch(1) says why"
    CheckEq batch(1).ResultCode(0), 550, "batch(1) ResultCode"
    CheckEq batch(2).LastError, 0, "batch(2) accepted"
    CheckEq batch(2).ResultCode(0), 250, "batch(2) ResultCode"
    CheckEq smtp.SendMany(Array(Letter("carol@example.test", "batch 3"))), 0, "SendMany of Array(...)"
    CheckEq smtp.Disconnect(), 0, "Disconnect"
    Check InStr(smtp.SessionLog, "C: EHLO ") > 0, "SessionLog has EHLO"
    Check InStr(smtp.SessionLog, "C: MAIL FROM:<bob@example.test>") > 0, "SessionLog has MAIL"
    CheckEq Count(Replace(smtp.SessionLog, "<secret>", ""), "secret"), 0, "no password in the SessionLog"
    CheckEq smtp.ClearSessionLog(), 0, "ClearSessionLog"
    CheckEq smtp.SessionLog, "", "SessionLog after ClearSessionLog"
    CheckEq srv.MessageCount("alice"), 1, "the server holds the message"
    CheckEq srv.MessageCount("carol"), 3, "the server holds the batch"

    ' Not connected: nothing is sent and every message says so.
    Set cold = CreateObject("Mailwire.Smtp")
    SetClient cold, srv.Port("submission"), "bob", "secret"
    Set m = Letter("carol@example.test", "never")
    CheckEq cold.SendMany(Array(m)), -4, "SendMany when not connected"
    CheckEq m.LastError, -4, "the message's LastError when not connected"
    CheckEq cold.Connect(), 0, "Connect without a session log"
    On Error Resume Next
    cold.KeepSessionLog = True
    CheckEq Hex(Err.Number), "80040204", "KeepSessionLog while connected raises MW_E_STATE"
    Err.Clear
    On Error GoTo 0
    cold.Disconnect

    ' The one-call Send(url, message).
    Set m = Letter("erin@example.test", "by URL")
    CheckEq smtp.Send("smtp://bob:secret@127.0.0.1:" & srv.Port("submission") & "?security=starttls&ca_file=" & _
        UrlEncode(ca), m), 0, "Send(url, message)"
    CheckEq m.LastError, 0, "the message's LastError after Send(url)"
    CheckEq m.ResultCode(0), 250, "the message's ResultCode after Send(url)"
    Set m = Letter("erin@example.test", "by a bad URL")
    Check smtp.Send("smtp://bob:wrong@127.0.0.1:" & srv.Port("submission") & "?security=starttls&ca_file=" & _
        UrlEncode(ca), m) = -23, "Send(url) with a wrong password"
    CheckEq m.LastError, -23, "the message's LastError after a refused login"
    Check smtp.LastErrorText <> "" And smtp.LastErrorText = m.LastErrorText, "the URL send's error text: " & smtp.LastErrorText
    CheckEq srv.MessageCount("erin"), 1, "the server holds the URL send"
End Sub

Sub TestPool(srv)
    Dim pool, m, i, rc
    Set pool = CreateObject("Mailwire.Pool")
    SetClient pool, srv.Port("submission"), "bob", "secret"
    pool.MaxConnections = 2
    CheckEq pool.MaxConnections, 2, "MaxConnections reads back"
    CheckEq pool.Host, "127.0.0.1", "Pool Host reads back"
    For i = 1 To 3
        Set m = Letter("dave@example.test", "pooled " & i)
        CheckEq pool.Send(m), 0, "Pool Send " & i
        CheckEq m.LastError, 0, "the pooled message's LastError"
        CheckEq m.ResultCode(0), 250, "the pooled message's ResultCode"
    Next
    Set m = Letter("dave@example.test", "pooled, partly refused")
    m.AddTo "reject-x@example.test"
    CheckEq pool.Send(m), -20, "Pool Send with a refused recipient"
    CheckEq m.ResultCode(1), 550, "its refused recipient"
    CheckEq pool.SetOption("timeout", "30"), -4, "Pool options are set before the first send"
    CheckEq pool.Cancel(), 0, "Pool Cancel with nothing in flight"
    CheckEq srv.MessageCount("dave"), 4, "the server holds the pooled messages"
End Sub

Sub TestReadBack(srv)
    Dim pop, m, gone, top, data, msgs, file, i
    Set pop = CreateObject("Mailwire.Pop3")
    SetClient pop, srv.Port("pop3"), "alice", "secret"
    pop.KeepSessionLog = True
    CheckEq pop.Connect(), 0, "POP3 Connect"
    Check InStr(pop.Capabilities, "UIDL") > 0, "POP3 Capabilities: " & Replace(pop.Capabilities, vbLf, "|")
    CheckEq pop.Count, 1, "Count"
    Check pop.Size(1) > 0, "Size(1)"
    Check pop.Uid(1) <> "", "Uid(1)"
    CheckEq pop.Uid(42), "", "Uid(42)"
    CheckEq pop.LastError, -8, "LastError after Uid(42)"
    Set m = pop.Retrieve(1)
    Check Not (m Is Nothing), "Retrieve(1)"
    If Not (m Is Nothing) Then
        CheckEq m.Subject, "From VBScript", "retrieved Subject"
        CheckEq m.FromAddress, "bob@example.test", "retrieved FromAddress"
        CheckEq m.AttachmentCount, 1, "retrieved AttachmentCount"
        CheckEq m.TraceCount, 1, "TraceCount"
        CheckEq m.Trace(0, "with"), "ESMTPSA", "Trace(0, with)"
        CheckEq m.TraceFlags(0), kw.MW_WITH_TLS + kw.MW_WITH_AUTH, "TraceFlags(0) of the received message"
        Check m.TraceTls(0) And m.TraceAuth(0) And Not m.TraceUtf8(0), "TraceTls and TraceAuth of the received message"
        CheckEq kw.Protocol(m.Trace(0, "with")), "ESMTP", "Keywords.Protocol of the received message's hop"
        CheckEq kw.Keyword("ESMTP", m.TraceTls(0), m.TraceAuth(0)), m.Trace(0, "with"), "Keywords.Keyword agrees with the hop"
    End If
    Check pop.BytesTransferred > 0, "POP3 BytesTransferred"
    Set top = pop.Top(1, 0)
    Check Not (top Is Nothing), "Top(1, 0)"
    If Not (top Is Nothing) Then CheckEq top.Subject, "From VBScript", "Top's Subject"
    Check pop.Top(99) Is Nothing, "Top(99) is Nothing"
    data = pop.RetrieveData(1)
    CheckEq VarType(data), BYTE_ARRAY, "RetrieveData is a Byte() array"
    Set m = CreateObject("Mailwire.Message")
    CheckEq m.LoadFromString(data), 0, "LoadFromString of RetrieveData"
    CheckEq m.Subject, "From VBScript", "Subject of RetrieveData"
    Check IsEmpty(pop.RetrieveData(99)), "RetrieveData(99) is Empty"
    file = dir & "\retrieved.eml"
    CheckEq pop.RetrieveToFile(1, file), 0, "RetrieveToFile"
    Set m = CreateObject("Mailwire.Message")
    CheckEq m.Load(file), 0, "Load of the retrieved file"
    CheckEq m.Subject, "From VBScript", "Subject of the retrieved file"
    CheckEq pop.RetrieveToFile(99, file), -8, "RetrieveToFile(99)"
    Set gone = pop.Retrieve(99)
    Check gone Is Nothing, "Retrieve(99) is Nothing"
    CheckEq pop.LastError, -8, "LastError after Retrieve(99)"
    CheckEq pop.Delete(1), 0, "Delete(1)"
    CheckEq pop.Reset(), 0, "Reset"
    CheckEq pop.Cancel(), 0, "POP3 Cancel with nothing in flight"
    CheckEq pop.Disconnect(), 0, "POP3 Disconnect"
    CheckEq srv.MessageCount("alice"), 1, "Reset kept the message"
    Check InStr(pop.SessionLog, "C: RSET") > 0, "the POP3 SessionLog has RSET"

    ' RetrieveMany: carol's batch in one pipelined call, then deleted.
    Set pop = CreateObject("Mailwire.Pop3")
    SetClient pop, srv.Port("pop3"), "carol", "secret"
    CheckEq pop.Connect(), 0, "POP3 Connect as carol"
    msgs = pop.RetrieveMany(1, 3)
    CheckEq UBound(msgs), 2, "RetrieveMany returns three messages"
    CheckEq msgs(0).Subject & "," & msgs(1).Subject & "," & msgs(2).Subject, "batch 0,batch 2,batch 3", "their Subjects"
    CheckEq msgs(2).LastError, 0, "each message's LastError"
    msgs = pop.RetrieveMany(2, 3, True)
    CheckEq pop.LastError, -8, "RetrieveMany past the end"
    CheckEq msgs(0).LastError & "," & msgs(1).LastError & "," & msgs(2).LastError, "0,0,-8", "only the missing one failed"
    CheckEq msgs(1).Subject, "batch 3", "the last one there"
    Check IsEmpty(pop.RetrieveMany(1, -1)), "RetrieveMany of a negative count is Empty"
    CheckEq pop.LastError, -3, "LastError after RetrieveMany(1, -1)"
    CheckEq pop.Disconnect(), 0, "POP3 Disconnect as carol"
    CheckEq srv.MessageCount("carol"), 1, "RetrieveMany deleted what it retrieved"
    Set pop = CreateObject("Mailwire.Pop3")
    Check IsEmpty(pop.RetrieveMany(1, 1)), "RetrieveMany when not connected is Empty"
    CheckEq pop.LastError, -4, "LastError when not connected"
End Sub

Sub TestStored(srv)
    Dim m, data
    Set m = srv.Message("alice", 0)
    Check Not (m Is Nothing), "Server.Message(alice, 0)"
    If Not (m Is Nothing) Then
        CheckEq m.Subject, "From VBScript", "the stored message's Subject"
        CheckEq m.Trace(0, "with"), "ESMTPSA", "the stored message's Received keyword"
        CheckEq m.TraceFlags(0), 3, "the stored message's TraceFlags"
    End If
    Check srv.Message("alice", 5) Is Nothing, "Server.Message(alice, 5) is Nothing"
    CheckEq srv.LastError, -8, "LastError after Server.Message(alice, 5)"
    data = srv.MessageData("erin", 0)
    CheckEq VarType(data), BYTE_ARRAY, "MessageData is a Byte() array"
    Set m = CreateObject("Mailwire.Message")
    CheckEq m.LoadFromString(data), 0, "LoadFromString of MessageData"
    CheckEq m.Subject, "by URL", "the URL send as stored"
    Check IsEmpty(srv.MessageData("nobody", 0)), "MessageData of an empty mailbox is Empty"
End Sub

Sub TestServer()
    Dim srv
    Set srv = CreateObject("Mailwire.Server")
    srv.Users = "alice:secret,bob:secret,carol:secret"
    CheckEq srv.SetOption("ca_out", ca), 0, "SetOption ca_out"
    CheckEq srv.SetOption("smtps_port", "-1"), 0, "SetOption smtps_port"
    CheckEq srv.Start(), 0, "Start"
    Check srv.Port("submission") > 0, "Port(submission)"
    CheckEq srv.Port("smtps"), -8, "Port of a service that is off"
    TestSend srv
    TestPool srv
    TestReadBack srv
    TestStored srv
    CheckEq srv.Stop(), 0, "Stop"
End Sub


' NewOAuth2 is a Mailwire.OAuth2 for the test token server, whose URL the
' suite passes in MW_TOKEN_URL and whose CA it puts beside the script.
Function NewOAuth2(clientId, path)
    Dim o, url
    url = CreateObject("WScript.Shell").Environment("PROCESS")("MW_TOKEN_URL")
    Check url <> "", "MW_TOKEN_URL is set (tests/oauth/tokenserver.sh starts the token server)"
    Set o = CreateObject("Mailwire.OAuth2")
    o.TokenUrl = url & path
    o.DeviceUrl = url & "/device"
    CheckEq o.SetOption("ca_file", fso.GetAbsolutePathName("oauth-ca.pem")), 0, "OAuth2 SetOption ca_file"
    o.ClientId = clientId
    Set NewOAuth2 = o
End Function

' TestOAuth2: the grants and their errors, the device flow, and Smtp, Pop3
' and Pool sending with a first token the server refuses.  Token families
' are this run's own: the token server numbers tokens by family.
Sub TestOAuth2()
    Dim o, fam, t, srv, smtp, pop, imap, pool, m, mca
    Randomize
    fam = CStr(Int(Rnd * 100000000))
    Set o = NewOAuth2("app", "/token")
    o.ClientSecret = "app-secret"
    o.RefreshToken = "rt-rotvbs" & fam
    CheckEq o.Token, "at-rotvbs" & fam & "-1", "OAuth2.Token"
    CheckEq o.LastError, 0, "OAuth2.LastError after Token"
    CheckEq o.RefreshToken, "rt-rotvbs" & fam & "~1", "the rotated RefreshToken"
    CheckEq o.Get("token_type"), "Bearer", "Get(token_type)"
    Check CDbl(o.Get("expires_at")) > 1700000000, "Get(expires_at)"
    CheckEq o.Get("user_code"), "", "Get of a field without a value"
    CheckEq o.LastError, 0, "LastError after an empty field"
    CheckEq o.Get("colour"), "", "Get of an unknown field"
    CheckEq o.LastError, -3, "LastError after an unknown field"
    CheckEq o.SetOption("grant", "password"), -5, "SetOption grant password"
    o.RefreshToken = "rt-bad"
    CheckEq o.Token, "", "Token with a bad refresh token"
    CheckEq o.LastError, -23, "LastError after invalid_grant"
    Check InStr(o.LastErrorText, "invalid_grant") > 0 And InStr(o.LastErrorText, "app-secret") = 0, _
        "LastErrorText " & o.LastErrorText
    CheckEq o.Get("error"), "invalid_grant", "Get(error)"
    o.RaiseErrors = True
    On Error Resume Next
    t = o.Token
    CheckEq Hex(Err.Number), "80040217", "Token raises with RaiseErrors"
    Check InStr(Err.Description, "invalid_grant") > 0, "Err.Description " & Err.Description
    Err.Clear
    On Error GoTo 0

    Set o = NewOAuth2("svc", "/token")
    o.ClientSecret = "s3cret +/=&%"
    o.Grant = "client_credentials"
    CheckEq o.Grant, "client_credentials", "Grant"
    CheckEq Left(o.Token, 7), "at-svc-", "client credentials"

    Set o = NewOAuth2("app", "/html/token")
    o.ClientSecret = "app-secret"
    o.RefreshToken = "rt-x"
    CheckEq o.Token, "", "Token from an HTML page"
    CheckEq o.LastError, -43, "LastError after an HTML page"

    Set o = NewOAuth2("dev-now", "/token")
    o.Grant = "device_code"
    CheckEq o.DeviceStart(), 0, "DeviceStart"
    CheckEq Left(o.UserCode, 5), "WDJB-", "UserCode"
    Check InStr(o.Message, o.UserCode) > 0, "Message " & o.Message
    Check Right(o.VerificationUri, 13) = "/device-login", "VerificationUri " & o.VerificationUri
    CheckEq o.DevicePoll(), 0, "DevicePoll: granted"
    CheckEq Left(o.Token, 11), "at-dev-now-", "the device token"
    CheckEq o.DevicePoll(), -4, "DevicePoll after the grant"

    mca = dir & "\oauth-mail-ca.pem"
    Set srv = CreateObject("Mailwire.Server")
    srv.SetOption "ca_out", mca
    CheckEq srv.SetOption("oauth_tokens", "alice@mx.test:at-vbs" & fam & "-2"), 0, "Server oauth_tokens"
    CheckEq srv.Start(), 0, "Start the server with tokens"
    Set o = NewOAuth2("pub", "/token")
    o.RefreshToken = "rt-vbs" & fam
    Set m = CreateObject("Mailwire.Message")
    m.FromAddress = "alice@mx.test"
    m.AddTo "bob@mx.test"
    m.Subject = "with a token"
    m.BodyText = "hello"

    Set smtp = CreateObject("Mailwire.Smtp")
    smtp.Host = "localhost"
    smtp.Port = srv.Port("smtps")
    smtp.Security = "tls"
    smtp.SetOption "ca_file", mca
    smtp.Username = "alice@mx.test"
    Check smtp.OAuth2 Is Nothing, "OAuth2 is Nothing at first"
    Set smtp.OAuth2 = o
    Check smtp.OAuth2 Is o, "OAuth2 gives the object back"
    CheckEq smtp.Connect(), 0, "Connect with a refused first token: " & smtp.LastErrorText
    CheckEq smtp.Send(m), 0, "Send with the refreshed token"
    smtp.Disconnect
    CheckEq o.Get("access_token"), "at-vbs" & fam & "-2", "one refresh after the refusal"
    On Error Resume Next
    Set smtp.OAuth2 = m
    CheckEq Err.Number, 13, "a Message as OAuth2: type mismatch"
    Err.Clear
    On Error GoTo 0

    Set pop = CreateObject("Mailwire.Pop3")
    pop.Host = "localhost"
    pop.Port = srv.Port("pop3s")
    pop.Security = "tls"
    pop.SetOption "ca_file", mca
    pop.Username = "alice@mx.test"
    Set pop.OAuth2 = o
    CheckEq pop.Connect(), 0, "Pop3 Connect with the token"
    CheckEq pop.Count, 0, "Pop3 Count"
    pop.Disconnect

    Set imap = CreateObject("Mailwire.Imap")
    imap.Host = "localhost"
    imap.Port = srv.Port("imaps")
    imap.Security = "tls"
    imap.SetOption "ca_file", mca
    imap.Username = "alice@mx.test"
    Check imap.OAuth2 Is Nothing, "Imap OAuth2 is Nothing at first"
    Set imap.OAuth2 = o
    Check imap.OAuth2 Is o, "Imap OAuth2 gives the object back"
    CheckEq imap.Connect(), 0, "Imap Connect with the token: " & imap.LastErrorText
    CheckEq imap.Select("INBOX", True), 0, "Imap Select with the token"
    imap.Disconnect

    Set pool = CreateObject("Mailwire.Pool")
    pool.Host = "localhost"
    pool.Port = srv.Port("smtps")
    pool.Security = "tls"
    pool.SetOption "ca_file", mca
    pool.Username = "alice@mx.test"
    Set pool.OAuth2 = o
    Set o = Nothing ' the clients keep it
    CheckEq pool.Send(m), 0, "Pool Send with the token"
    CheckEq srv.MessageCount("bob"), 2, "messages sent with tokens"
    Set smtp.OAuth2 = Nothing
    Check smtp.OAuth2 Is Nothing, "OAuth2 = Nothing"
    srv.Stop
End Sub

Dim watch
Set watch = CreateObject("Mailwire.Server")
baseline = watch.OpenHandles
TestMessage
TestBytes
TestInline
TestTrace
TestKeywords
TestErrors
TestServer
TestOAuth2
CheckEq watch.OpenHandles, baseline, "every handle is closed when its object goes"
fso.DeleteFolder dir, True
WScript.Echo "com: " & passed & " passed, " & failed & " failed"
WScript.Echo "com-test: end"
