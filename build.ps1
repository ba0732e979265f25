# build.ps1: builds mailwire.dll natively on Windows.
# Needs Go and a mingw-w64 gcc (for example from MSYS2) on PATH.
#   powershell -ExecutionPolicy Bypass -File build.ps1
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot
$out = Join-Path $PSScriptRoot "build\windows"
New-Item -ItemType Directory -Force -Path $out | Out-Null
if (-not (Get-Command gcc -ErrorAction SilentlyContinue)) {
    throw "gcc (mingw-w64) is not on PATH; cgo needs it to build the DLL"
}
$env:CGO_ENABLED = "1"
$env:GOOS = "windows"
$env:GOARCH = "amd64"
go build -buildmode=c-shared -trimpath -ldflags="-s -w" -o (Join-Path $out "mailwire.dll") .
if ($LASTEXITCODE -ne 0) { throw "go build failed" }
Copy-Item include\mailwire.h $out
Write-Host "built $out\mailwire.dll"
