' test.vbs: tests of the Mailwire COM objects against mailwire.dll and the
' embedded server.  Run with cscript //nologo test.vbs.  The last lines are
' "com: N passed, N failed" and the marker "com-test: end"; a script that
' stops early (Wine's cscript reports no script errors) has no marker.
Option Explicit

Dim passed, failed, fso, dir, ca, report
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

Set fso = CreateObject("Scripting.FileSystemObject")
dir = fso.GetSpecialFolder(2) & "\mailwire-com-test"
If Not fso.FolderExists(dir) Then fso.CreateFolder dir
ca = dir & "\ca.pem"
report = dir & "\report.txt"
With fso.CreateTextFile(report, True)
    .Write "Quarterly figures: all green." & vbCrLf
    .Close
End With

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
    Check InStr(m.MimeText, "Subject: =?") > 0, "MimeText has an encoded Subject"
    CheckEq m.Save(dir & "\saved.eml"), 0, "Save"
    Set back = CreateObject("Mailwire.Message")
    CheckEq back.Load(dir & "\saved.eml"), 0, "Load"
    CheckEq back.Subject, m.Subject, "Subject after Save and Load"
    CheckEq back.FromAddress, "bob@example.test", "FromAddress of a loaded message"
    CheckEq back.AttachmentCount, 1, "AttachmentCount"
    CheckEq back.AttachmentName(0), "report.txt", "AttachmentName"
    CheckEq m.GetErrorDescription(-23), "authentication failed", "GetErrorDescription"
End Sub

Sub TestErrors()
    Dim m, x
    Set m = CreateObject("Mailwire.Message")
    On Error Resume Next
    x = m.NoSuchMember
    CheckEq Err.Number, 438, "an unknown member"
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

Sub TestSend(srv)
    Dim m, smtp, bad
    Set bad = CreateObject("Mailwire.Smtp")
    SetClient bad, srv.Port("submission"), "bob", "wrong"
    CheckEq bad.Connect(), -23, "Connect with a wrong password"
    CheckEq bad.Port, srv.Port("submission"), "Port reads back"
    Set m = CreateObject("Mailwire.Message")
    m.FromAddress = "bob@example.test"
    m.AddTo "alice@example.test"
    m.AddCc "reject-me@example.test"
    m.Subject = "From VBScript"
    m.BodyText = "Sent by the COM test." & vbLf
    m.AddAttachment report
    Set smtp = CreateObject("Mailwire.Smtp")
    SetClient smtp, srv.Port("submission"), "bob", "secret"
    CheckEq smtp.Connect(), 0, "Connect"
    CheckEq smtp.Send(m), -20, "Send to a good and a refused recipient"
    CheckEq smtp.ResultCount, 2, "ResultCount"
    CheckEq smtp.ResultAddress(0), "alice@example.test", "ResultAddress(0)"
    CheckEq smtp.ResultCode(0), 250, "ResultCode(0)"
    CheckEq smtp.ResultCode(1), 550, "ResultCode(1)"
    CheckEq m.ResultCount, 2, "the message's ResultCount"
    CheckEq smtp.Disconnect(), 0, "Disconnect"
    CheckEq srv.MessageCount("alice"), 1, "the server holds the message"
End Sub

Sub TestReadBack(srv)
    Dim pop, m, gone
    Set pop = CreateObject("Mailwire.Pop3")
    SetClient pop, srv.Port("pop3"), "alice", "secret"
    CheckEq pop.Connect(), 0, "POP3 Connect"
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
    End If
    Set gone = pop.Retrieve(99)
    Check gone Is Nothing, "Retrieve(99) is Nothing"
    CheckEq pop.LastError, -8, "LastError after Retrieve(99)"
    CheckEq pop.Delete(1), 0, "Delete(1)"
    CheckEq pop.Disconnect(), 0, "POP3 Disconnect"
    CheckEq srv.MessageCount("alice"), 0, "the message is gone after QUIT"
End Sub

Sub TestServer()
    Dim srv
    Set srv = CreateObject("Mailwire.Server")
    srv.Users = "alice:secret,bob:secret"
    CheckEq srv.SetOption("ca_out", ca), 0, "SetOption ca_out"
    CheckEq srv.SetOption("smtps_port", "-1"), 0, "SetOption smtps_port"
    CheckEq srv.Start(), 0, "Start"
    Check srv.Port("submission") > 0, "Port(submission)"
    CheckEq srv.Port("smtps"), -8, "Port of a service that is off"
    TestSend srv
    TestReadBack srv
    CheckEq srv.Stop(), 0, "Stop"
End Sub

TestMessage
TestErrors
TestServer
fso.DeleteFolder dir, True
WScript.Echo "com: " & passed & " passed, " & failed & " failed"
WScript.Echo "com-test: end"
