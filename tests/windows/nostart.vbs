' nostart.vbs: the COM objects in a process where the Go runtime of
' mailwire.dll cannot start (run under Wine without the bcryptprimitives.dll
' stand-in of tests/windows).  CreateObject still gives an object; its members
' fail with E_FAIL and the reason, LastErrorText gives the reason without
' raising, and the host survives to print the marker "nostart: end".
' Wine's cscript prints nothing on script errors, hence On Error Resume Next.
Option Explicit
On Error Resume Next
Dim m, s, rc
Set m = CreateObject("Mailwire.Message")
WScript.Echo "create: " & Err.Number & " " & TypeName(m)
Err.Clear
WScript.Echo "lasterror: " & m.LastError
WScript.Echo "lasterrortext: " & m.LastErrorText
m.Subject = "x"
WScript.Echo "put: " & Hex(Err.Number) & " " & Err.Source & ": " & Err.Description
Err.Clear
Set s = CreateObject("Mailwire.Smtp")
rc = s.Connect("127.0.0.1", 25)
WScript.Echo "connect: " & Hex(Err.Number) & " " & Err.Source & ": " & Err.Description
Err.Clear
WScript.Echo "nostart: end"
