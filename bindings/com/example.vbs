' example.vbs: Mailwire from VBScript (also ASP and VB6, by the same
' objects).  It starts the embedded server, sends a message with an
' attachment through submission (STARTTLS + AUTH), reads it back over POP3
' (STLS) and prints its Received trace with the RFC 3848 meaning of each
' hop's "with" keyword.
'
' Register once:  regsvr32 mailwirecom.dll   (mailwire.dll next to it)
' Run:            cscript //nologo example.vbs
Option Explicit

Dim fso, dir, ca, report, srv, msg, smtp, pop, got, i, hop, rc, kw, what
Set fso = CreateObject("Scripting.FileSystemObject")
dir = fso.GetSpecialFolder(2) & "\mailwire-example"
If Not fso.FolderExists(dir) Then fso.CreateFolder dir
ca = dir & "\ca.pem"
report = dir & "\report.txt"
With fso.CreateTextFile(report, True)
    .Write "Quarterly figures: all green." & vbCrLf
    .Close
End With

' Any failure below raises, with Err.Description from the library.
Set srv = CreateObject("Mailwire.Server")
srv.RaiseErrors = True
srv.Users = "alice:secret,bob:secret"
srv.SetOption "ca_out", ca
srv.Start
WScript.Echo "Embedded server: submission " & srv.Port("submission") & ", POP3 " & srv.Port("pop3")

Set msg = CreateObject("Mailwire.Message")
msg.RaiseErrors = True
msg.FromName = "Bob"
msg.FromAddress = "bob@example.test"
msg.AddTo "alice@example.test", "Alice"
msg.Subject = "Quarterly report"
msg.BodyText = "Hi Alice," & vbCrLf & "the report is attached." & vbCrLf & "Bob" & vbCrLf
msg.AddAttachment report

' The classic style: methods return 0 or a negative code.
Set smtp = CreateObject("Mailwire.Smtp")
smtp.Host = "127.0.0.1"
smtp.Port = srv.Port("submission")
smtp.Security = "starttls"
smtp.Username = "bob"
smtp.Password = "secret"
smtp.SetOption "ca_file", ca
rc = smtp.Connect()
If rc = 0 Then rc = smtp.Send(msg)
If rc <> 0 Then
    WScript.Echo "Sending failed: " & smtp.GetErrorDescription(rc) & ": " & smtp.LastErrorText
Else
    For i = 0 To smtp.ResultCount - 1
        WScript.Echo "  " & smtp.ResultAddress(i) & " " & smtp.ResultCode(i) & " " & smtp.ResultText(i)
    Next
End If
smtp.Disconnect

Set kw = CreateObject("Mailwire.Keywords")
Set pop = CreateObject("Mailwire.Pop3")
pop.RaiseErrors = True
pop.Host = "127.0.0.1"
pop.Port = srv.Port("pop3")
pop.Security = "starttls"
pop.Username = "alice"
pop.Password = "secret"
pop.SetOption "ca_file", ca
pop.Connect
WScript.Echo pop.Count & " message(s) for alice"
For i = 1 To pop.Count
    Set got = pop.Retrieve(i)
    WScript.Echo "  """ & got.Subject & """ from " & got.FromName & " <" & got.FromAddress & ">, " & _
        got.AttachmentCount & " attachment(s)"
    ' The keyword tells how the message travelled: ESMTPSA is ESMTP with TLS
    ' and AUTH (RFC 3848).
    For hop = 0 To got.TraceCount - 1
        what = kw.Protocol(got.Trace(hop, "with"))
        If what = "" Then what = "unregistered"
        If got.TraceTls(hop) Then what = what & ", TLS"
        If got.TraceAuth(hop) Then what = what & ", AUTH"
        If got.TraceUtf8(hop) Then what = what & ", UTF8"
        WScript.Echo "    hop " & hop & ": from " & got.Trace(hop, "from") & " by " & got.Trace(hop, "by") & _
            " with " & got.Trace(hop, "with") & " (" & what & ")"
    Next
    pop.Delete i
Next
pop.Disconnect
srv.Stop
fso.DeleteFolder dir, True
WScript.Echo "example: done"
