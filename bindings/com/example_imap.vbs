' example_imap.vbs: IMAP from VBScript (also ASP and VB6, by the same
' objects).  It starts the embedded server, delivers two messages to alice
' through submission, then reads her mailbox over IMAP (STARTTLS, the
' server's CA for verification): lists the folders, searches the unseen
' messages, fetches them, flags the first one and moves the second to the
' Trash folder.
'
' Register once:  regsvr32 mailwirecom.dll   (mailwire.dll next to it)
' Run:            cscript //nologo example_imap.vbs
Option Explicit

Dim fso, dir, ca, srv, smtp, msg, subject, imap, i, trash, line, unseen, uid, m

Set fso = CreateObject("Scripting.FileSystemObject")
dir = fso.GetSpecialFolder(2) & "\mailwire-example-imap"
If Not fso.FolderExists(dir) Then fso.CreateFolder dir
ca = dir & "\ca.pem"

' Any failure below raises, with Err.Description from the library.
Set srv = CreateObject("Mailwire.Server")
srv.RaiseErrors = True
srv.Users = "alice:secret,bob:secret"
srv.SetOption "ca_out", ca
srv.Start
WScript.Echo "Mailwire " & srv.Version & " from VBScript, IMAP on port " & srv.Port("imap")

Set smtp = CreateObject("Mailwire.Smtp")
smtp.RaiseErrors = True
smtp.Host = "127.0.0.1"
smtp.Port = srv.Port("submission")
smtp.Security = "starttls"
smtp.Username = "bob"
smtp.Password = "secret"
smtp.SetOption "ca_file", ca
smtp.Connect
For Each subject In Array("Lunch on Friday?", "Minutes of the meeting")
    Set msg = CreateObject("Mailwire.Message")
    msg.FromName = "Bob"
    msg.FromAddress = "bob@example.test"
    msg.AddTo "alice@example.test", "Alice"
    msg.Subject = subject
    msg.BodyText = "Hi Alice," & vbCrLf & subject & vbCrLf & "Bob" & vbCrLf
    smtp.Send msg
Next
smtp.Disconnect

Set imap = CreateObject("Mailwire.Imap")
imap.RaiseErrors = True
imap.Host = "127.0.0.1"
imap.Port = srv.Port("imap")
imap.Security = "starttls"
imap.Username = "alice"
imap.Password = "secret"
imap.SetOption "ca_file", ca
imap.Connect

' The folders, with their attributes and special use (RFC 6154).
trash = "Trash"
For i = 0 To imap.FolderCount - 1
    line = "folder " & imap.Folder(i, "name") & " [" & imap.Folder(i, "flags") & "]"
    If imap.Folder(i, "special_use") <> "" Then line = line & " special use " & imap.Folder(i, "special_use")
    WScript.Echo line
    If imap.Folder(i, "special_use") = "\Trash" Then trash = imap.Folder(i, "name")
Next

WScript.Echo "INBOX holds " & imap.Select("INBOX") & " messages"
imap.Search "UNSEEN"
unseen = imap.SearchUids
line = ""
For Each uid In unseen
    If line <> "" Then line = line & ", "
    line = line & uid
Next
WScript.Echo "unseen: " & (UBound(unseen) + 1) & " (UIDs " & line & ")"
For Each uid In unseen
    Set m = imap.Fetch(uid)
    WScript.Echo "uid " & uid & ": """ & m.Subject & """ from " & m.FromName & " <" & m.FromAddress & ">"
Next

imap.Store unseen(0), "\Seen \Flagged", 1 ' 1 adds, -1 removes, 0 replaces (MW_STORE_ADD ...)
WScript.Echo "uid " & unseen(0) & " flags: " & imap.Flags(unseen(0))
imap.Move unseen(1), trash
WScript.Echo "moved uid " & unseen(1) & " to " & trash
WScript.Echo "INBOX: " & imap.Status("exists") & " message(s), " & imap.Status("unseen") & " unseen"
WScript.Echo trash & ": " & imap.Select(trash, True) & " message(s)"
imap.Disconnect
srv.Stop
fso.DeleteFolder dir, True
WScript.Echo "example-imap: done"
