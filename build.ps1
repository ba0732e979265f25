# build.ps1: builds on Windows what `make windows` cross-builds on Linux:
#   build\windows\x64\  mailwire.dll, mailwirecom.dll, mailwire.tlb
#   build\windows\x86\  the same, 32-bit
#   build\windows\include\mailwire.h
# Needs Go and the mingw-w64 toolchains of MSYS2 (pacman -S
# mingw-w64-x86_64-toolchain mingw-w64-x86_64-tools-git for x64,
# mingw-w64-i686-toolchain mingw-w64-i686-tools-git for x86: gcc, windres
# and widl with the SDK's IDL files).
#   powershell -ExecutionPolicy Bypass -File build.ps1               # both
#   powershell -ExecutionPolicy Bypass -File build.ps1 -Arch x64     # one
# A toolchain is found as <triplet>-gcc on PATH, else in -Msys (C:\msys64)
# under mingw64\bin (x64) or mingw32\bin (x86).
param(
    [string[]]$Arch = @("x64", "x86"),
    [string]$Msys = "C:\msys64"
)
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot

$targets = @{
    x64 = @{ GoArch = "amd64"; Triplet = "x86_64-w64-mingw32"; Dir = "mingw64"; Tlb = "--win64"; Ld = @() }
    x86 = @{ GoArch = "386"; Triplet = "i686-w64-mingw32"; Dir = "mingw32"; Tlb = "--win32"; Ld = @("-Wl,--enable-stdcall-fixup") }
}

# Tool returns the path of a toolchain program: <triplet>-<name> on PATH,
# else <name>.exe in the MSYS2 folder of that architecture.
function Tool([hashtable]$t, [string]$name) {
    $c = Get-Command "$($t.Triplet)-$name" -ErrorAction SilentlyContinue
    if ($c) { return $c.Source }
    $p = Join-Path $Msys "$($t.Dir)\bin\$name.exe"
    if (Test-Path $p) { return $p }
    throw "$($t.Triplet)-$name is not on PATH and $p does not exist (install MSYS2's mingw-w64 toolchain)"
}

function Run([string]$exe, [string[]]$arguments) {
    & $exe @arguments
    if ($LASTEXITCODE -ne 0) { throw "$exe failed ($LASTEXITCODE)" }
}

if (-not (Get-Command go -ErrorAction SilentlyContinue)) { throw "Go is not on PATH" }
$win = Join-Path $PSScriptRoot "build\windows"
$gen = Join-Path $win "gen"
New-Item -ItemType Directory -Force -Path (Join-Path $win "include"), $gen | Out-Null
Copy-Item include\mailwire.h (Join-Path $win "include\mailwire.h")

# The version resource's numbers, from the header.
$version = (Select-String -Path include\mailwire.h -Pattern '^#define MW_VERSION\s+"([^"]+)"').Matches[0].Groups[1].Value
Set-Content -Encoding ascii -Path (Join-Path $gen "mailwirecom_version.h") -Value @(
    "#define MW_RC_VERSION `"$version`"",
    "#define MW_RC_VERSION_BIN $($version -replace '\.', ','),0")

$env:CGO_ENABLED = "1"
$env:GOOS = "windows"
foreach ($a in $Arch) {
    $t = $targets[$a]
    if (-not $t) { throw "unknown architecture $a (x64 or x86)" }
    $out = Join-Path $win $a
    $obj = Join-Path $gen $a
    New-Item -ItemType Directory -Force -Path $out, $obj | Out-Null
    $gcc = Tool $t "gcc"
    $widl = Tool $t "widl"
    $windres = Tool $t "windres"

    # mailwire.dll; cgo's own header is removed: include\mailwire.h is the one.
    $env:GOARCH = $t.GoArch
    $env:CC = $gcc
    Run go @("build", "-buildmode=c-shared", "-trimpath", "-ldflags=-s -w", "-o", (Join-Path $out "mailwire.dll"), ".")
    Remove-Item -ErrorAction SilentlyContinue (Join-Path $out "mailwire.h")

    # The type library and widl's C header of the IDL; stdole2.tlb is the system's.
    $idlInc = Join-Path (Split-Path (Split-Path $gcc)) "include"
    $sys = Join-Path $env:SystemRoot "System32"
    Run $widl @($t.Tlb, "-I$idlInc", "-L$sys", "-t", "-o", (Join-Path $out "mailwire.tlb"), "bindings\com\mailwire.idl")
    Run $widl @("-I$idlInc", "-h", "-o", (Join-Path $gen "mailwire_tlb.h"), "bindings\com\mailwire.idl")
    Run $windres @("-I$out", "-I$gen", "-O", "coff", "-o", (Join-Path $obj "mailwirecom.res.o"), "bindings\com\mailwirecom.rc")

    # mailwirecom.dll, warnings as errors as in the cross build.
    $sources = Get-ChildItem bindings\com\*.c | ForEach-Object { $_.FullName }
    Run $gcc (@("-Wall", "-Wextra", "-Werror", "-O2", "-Iinclude", "-Ibindings\com", "-I$gen", "-shared", "-s",
        "-static-libgcc", "-Wl,--fatal-warnings") + $t.Ld + @("-o", (Join-Path $out "mailwirecom.dll")) + $sources +
        @((Join-Path $obj "mailwirecom.res.o"), "bindings\com\mailwirecom.def", "-loleaut32", "-lole32", "-luuid", "-ladvapi32"))
    Write-Host "built $out\mailwire.dll, $out\mailwirecom.dll"
}
