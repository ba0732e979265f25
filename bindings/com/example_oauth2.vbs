' example_oauth2.vbs: sending through Microsoft 365 with OAuth2 from
' VBScript (ASP and VB6 use the same objects), in the two shapes a script
' takes:
'
'   cscript //nologo example_oauth2.vbs device    a desktop script: the user
'                                                 signs in on any device
'   cscript //nologo example_oauth2.vbs service   a service: client
'                                                 credentials, no user
'
' For Microsoft 365 set MAILWIRE_CLIENT_ID (your app registration), and for
' the service MAILWIRE_TENANT and MAILWIRE_CLIENT_SECRET.  The test suite
' points the object at its test token server instead (MW_TOKEN_URL, its CA
' as oauth-ca.pem beside the script), and the message goes to the embedded
' server, which is told the token the object got, as Microsoft's server
' would know it.
Option Explicit

Dim env, fso, mode, testUrl, oauth, srv, smtp, msg, mca, host, port

Set env = CreateObject("WScript.Shell").Environment("PROCESS")
Set fso = CreateObject("Scripting.FileSystemObject")

Function Setting(name, default)
    Setting = env(name)
    If Setting = "" Then Setting = default
End Function

mode = "device"
If WScript.Arguments.Count > 0 Then mode = WScript.Arguments(0)
testUrl = env("MW_TOKEN_URL")

' Any failure below raises, with Err.Description from the library (for the
' token: the server's error and its description).
Set oauth = CreateObject("Mailwire.OAuth2")
oauth.RaiseErrors = True
oauth.Provider = "microsoft"
If mode = "service" Then
    ' A service: its own identity and secret, in a tenant.
    oauth.Tenant = Setting("MAILWIRE_TENANT", "contoso.onmicrosoft.com")
    oauth.ClientId = Setting("MAILWIRE_CLIENT_ID", "svc")
    oauth.ClientSecret = Setting("MAILWIRE_CLIENT_SECRET", "s3cret +/=&%")
    oauth.Grant = "client_credentials"
Else
    ' A desktop script: a public client; the user signs in elsewhere.
    oauth.ClientId = Setting("MAILWIRE_CLIENT_ID", "dev-now")
    oauth.Grant = "device_code"
End If
If testUrl <> "" Then
    oauth.TokenUrl = testUrl & "/token"
    oauth.DeviceUrl = testUrl & "/device"
    oauth.SetOption "ca_file", fso.GetAbsolutePathName("oauth-ca.pem")
End If
If mode <> "service" Then
    oauth.DeviceStart
    WScript.Echo oauth.Message
End If
oauth.Token ' waits for the sign-in in the device flow
WScript.Echo "token expires at " & DateAdd("s", CDbl(oauth.Get("expires_at")), #1/1/1970#) & " UTC"
If oauth.RefreshToken <> "" Then WScript.Echo "keep oauth.RefreshToken for the next run"

host = "smtp.office365.com"
port = 587
If testUrl <> "" Then
    mca = fso.GetSpecialFolder(2) & "\mailwire-oauth-ca.pem"
    Set srv = CreateObject("Mailwire.Server")
    srv.RaiseErrors = True
    srv.SetOption "ca_out", mca
    srv.SetOption "oauth_tokens", "robot@contoso.test:" & oauth.Get("access_token")
    srv.Start
    host = "localhost"
    port = srv.Port("submission")
End If

Set msg = CreateObject("Mailwire.Message")
msg.FromName = "Robot"
msg.FromAddress = "robot@contoso.test"
msg.AddTo "alice@contoso.test"
msg.Subject = "Nightly report"
msg.BodyText = "All systems nominal." & vbCrLf

Set smtp = CreateObject("Mailwire.Smtp")
smtp.RaiseErrors = True
smtp.Host = host
smtp.Port = port
smtp.Security = "starttls"
If testUrl <> "" Then smtp.SetOption "ca_file", mca
smtp.Username = "robot@contoso.test"
Set smtp.OAuth2 = oauth
smtp.Connect
smtp.Send msg
WScript.Echo "sent: " & smtp.ResultAddress(0) & " " & smtp.ResultCode(0)
smtp.Disconnect
If testUrl <> "" Then
    WScript.Echo "example-oauth2: the server holds " & srv.MessageCount("alice") & " message(s)"
    srv.Stop
    fso.DeleteFile mca
End If
WScript.Echo "example-oauth2: done"
