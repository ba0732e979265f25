#!/usr/bin/env bash
# 70-bindings-windows.sh: the Delphi/Free Pascal binding on Linux, and the
# Windows DLLs and their COM shim: the x64 build run under Wine, the x86
# build checked without running it.
#
#   1. Free Pascal (-Mdelphi) compiles bindings/delphi; its tests (test.dpr,
#      and test_imap.dpr against the embedded server's IMAP service) and
#      examples run against build/libmailwire.so.
#   2. `make windows` cross-builds build/windows/x64/ and x86/ (mailwire.dll,
#      mailwirecom.dll with its type library) with -Werror.
#   3. A Wine prefix is made under build/wine (kept between runs), with the
#      bcryptprimitives.dll stand-in Wine 8 needs for the Go runtime.
#   4. tests/windows/dll_test.c runs against mailwire.dll under Wine.
#   5. The COM shim is registered with regsvr32.  Without the stand-in (the
#      Go runtime cannot start), tests/windows/nostart.vbs checks that the
#      objects report why, with E_FAIL, and that cscript survives; with it,
#      tests/windows/com_test.c drives its objects from several threads, and
#      bindings/com/test.vbs and example.vbs run under cscript.  Wine's
#      cscript exits 0 and prints nothing on a script error, so each
#      script's last line is checked.  tests/windows/early_test.c calls the
#      objects early bound, through the type library's vtables, and compares
#      the type library with what IDispatch serves and with the x86 one.
#   6. The x86 build, statically (this kind of machine cannot run 32-bit
#      code): PE machine i386, the exports (every mw_* of the header; the
#      COM entry points), imports of system DLLs only and the same as x64's,
#      the type library embedded as widl --win32 makes it from the IDL, and
#      the C tests compiled for x86 with -Werror.  When the host can run
#      32-bit programs and has Wine's 32-bit loader, the x86 build also runs
#      there: dll_test, regsvr32 from syswow64, early_test, test.vbs.
#
# Every program runs under tests/watchdog.sh: a hang fails with every
# thread's stack and the Wine processes.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
OUT=$ROOT/build/windows/x64
X86=$ROOT/build/windows/x86
GEN=$ROOT/build/windows/gen
LIBID='{2E65411A-6531-4745-BD95-2283DDB9ED3A}'
PAS=$ROOT/build/delphi
WINEDIR=$ROOT/build/wine
export PATH=$PATH:/usr/lib/wine
export WINEPREFIX=$WINEDIR/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
MINGW=x86_64-w64-mingw32-gcc
p=0 f=0

pass() { p=$((p + 1)); echo "ok   $1"; }
fail() { f=$((f + 1)); echo "FAIL $1"; }
step() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; return 1; fi; }

# counted NAME OUTPUT: adds a program's own "N passed, N failed" line.
counted() {
  local line
  line=$(tr -d '\r' <<<"$2" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
  if [ -z "$line" ]; then fail "$1: no result line"; return; fi
  p=$((p + $(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line")))
  f=$((f + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
  echo "     $line"
}

finish() {
  [ -n "${WINE_STARTED:-}" ] && wineserver -k 2>/dev/null
  declare -F token_server_stop >/dev/null && token_server_stop
  echo "bindings-windows: $p passed, $f failed"
  [ "$f" -eq 0 ]
  exit
}

if ! tests/need.sh $MINGW:gcc-mingw-w64-x86-64 /usr/lib/wine/wine64:wine64 fpc:fp-compiler-3.2.2 \
  /usr/lib/x86_64-linux-gnu/fpc/3.2.2/units/x86_64-linux/rtl/system.ppu:fp-units-rtl-3.2.2; then
  fail "installing mingw-w64, wine64 and Free Pascal"
  finish
fi
mkdir -p "$OUT" "$PAS" "$WINEDIR"

# The OAuth2 tests and examples (Free Pascal natively, VBScript under Wine)
# get their tokens from the test authorization server; Wine's processes
# inherit MW_TOKEN_URL and find its CA as oauth-ca.pem beside them.
. tests/oauth/tokenserver.sh
if ! token_server_start "$OUT/oauth"; then
  fail "the test token server starts"
  finish
fi
cp "$MW_TOKEN_CA" "$OUT/oauth-ca.pem"

# 1. Delphi / Free Pascal, natively; warnings are errors.
# shellcheck disable=SC2317 # called through step
fpc_build() {
  fpc -Mdelphi -vw -Sew -FU"$PAS" -FE"$PAS" -Fl"$ROOT/build" -k-rpath -k"$ROOT/build" \
    "bindings/delphi/$1.dpr" >"$PAS/$1.log" 2>&1
}
delphi() {
  step "make build/libmailwire.so" make -s build/libmailwire.so || return
  local prog
  for prog in test test_imap example example_imap; do
    step "fpc -Mdelphi $prog.dpr" fpc_build "$prog" || { cat "$PAS/$prog.log"; return; }
  done
  step "fpc -Mdelphi example_oauth2.dpr" fpc_build example_oauth2 || { cat "$PAS/example_oauth2.log"; return; }
  counted "delphi test" "$(tests/watchdog.sh 120 "$PAS/test" 2>&1)"
  local out mode
  out=$(tests/watchdog.sh 180 "$PAS/test_imap" 2>&1)
  grep '^FAIL' <<<"$out"
  counted "delphi test_imap" "$out"
  out=$(tests/watchdog.sh 120 "$PAS/example" 2>&1)
  if grep -q '^example: done$' <<<"$out"; then pass "delphi example"; else fail "delphi example"; echo "$out"; fi
  # The IMAP example: folders listed, the two unseen messages fetched, one flagged, one moved.
  out=$(tests/watchdog.sh 120 "$PAS/example_imap" 2>&1)
  if grep -q '^Trash: 1 message(s)$' <<<"$out" && grep -q '^example-imap: done$' <<<"$out"; then
    pass "delphi example_imap"
  else fail "delphi example_imap"; echo "$out"; fi
  for mode in device service; do
    out=$(tests/watchdog.sh 120 "$PAS/example_oauth2" "$mode" 2>&1)
    if grep -q '^example-oauth2: the server holds 1 message(s)$' <<<"$out"; then pass "delphi example_oauth2 $mode"
    else fail "delphi example_oauth2 $mode"; echo "$out"; fi
  done
}
delphi

# 2. The DLLs, both architectures.
step "make windows" make -s windows || finish

# 3. The Wine prefix, made once; the stub is rebuilt and copied every run.
if [ ! -e "$WINEDIR/ready" ]; then
  rm -rf "$WINEPREFIX"
  WINE_STARTED=1
  step "wineboot --init" tests/watchdog.sh 300 wine64 wineboot --init >"$WINEDIR/wineboot.log" 2>&1 || finish
  touch "$WINEDIR/ready"
fi
step "bcryptprimitives.dll stand-in" $MINGW -Wall -Wextra -Werror -shared -O2 -o "$WINEDIR/bcryptprimitives.dll" \
  tests/windows/bcryptprimitives.c tests/windows/bcryptprimitives.def -lbcrypt || finish
STUB=$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll
cp "$WINEDIR/bcryptprimitives.dll" "$STUB"
WINE_STARTED=1

# 4. A C program against mailwire.dll.
if step "dll_test.exe builds" $MINGW -Wall -Wextra -Werror -O2 -Iinclude -Itests/c -o "$OUT/dll_test.exe" \
  tests/windows/dll_test.c -L"$OUT" -l:mailwire.dll; then
  counted "dll_test.exe" "$(cd "$OUT" && "$ROOT/tests/watchdog.sh" 120 wine64 dll_test.exe 2>&1)"
fi

# 5. The COM shim and the scripts.
# shellcheck disable=SC2317 # called through step
wine_in_out() { local t=$1; shift; (cd "$OUT" && "$ROOT/tests/watchdog.sh" "$t" wine64 "$@"); }

# nostart runs tests/windows/nostart.vbs without the bcryptprimitives.dll
# stand-in, so that the Go runtime of mailwire.dll could not start.
# shellcheck disable=SC2317 # called below
nostart() {
  local out want
  want="mailwire.dll cannot start: its Go runtime needs ProcessPrng from bcryptprimitives.dll"
  cp tests/windows/nostart.vbs "$OUT/"
  rm -f "$STUB"
  out=$(wine_in_out 120 cscript //nologo nostart.vbs 2>&1 | tr -d '\r')
  cp "$WINEDIR/bcryptprimitives.dll" "$STUB"
  echo "$out" | sed 's/^/     | /'
  # TypeName is the type library's name for the object's interface.
  if grep -q "^create: 0 IMwMessage" <<<"$out"; then pass "no runtime: CreateObject gives an object that says why"
  else fail "no runtime: CreateObject gives an object that says why"; fi
  if grep -q "^lasterror: -4$" <<<"$out" && grep -qF "lasterrortext: $want" <<<"$out"; then
    pass "no runtime: LastError is MW_E_STATE, LastErrorText the reason"
  else fail "no runtime: LastError is MW_E_STATE, LastErrorText the reason"; fi
  if grep -qF "put: 80004005 Mailwire.Message: $want" <<<"$out" &&
    grep -qF "connect: 80004005 Mailwire.Smtp: $want" <<<"$out"; then
    pass "no runtime: members raise E_FAIL with the reason"
  else fail "no runtime: members raise E_FAIL with the reason"; fi
  if [ "$(tail -n 1 <<<"$out")" = "nostart: end" ]; then pass "no runtime: cscript survives to the script's end"
  else fail "no runtime: cscript survives to the script's end"; fi
}
com() {
  step "regsvr32 mailwirecom.dll" wine_in_out 60 regsvr32 /s mailwirecom.dll || return
  local clsid tlb
  clsid=$(tests/watchdog.sh 60 wine64 reg query 'HKCR\Mailwire.Pop3\CLSID' 2>/dev/null | tr -d '\r')
  if grep -q '{E99E6E7E-A4AC-42EE-AC13-B095E4BA0F9D}' <<<"$clsid"; then pass "ProgID Mailwire.Pop3 registered"
  else fail "ProgID Mailwire.Pop3 registered: $clsid"; fi
  tlb=$(tests/watchdog.sh 60 wine64 reg query "HKCR\\TypeLib\\$LIBID\\0.1\\0\\win64" 2>/dev/null | tr -d '\r')
  if grep -qi 'x64\\mailwirecom.dll' <<<"$tlb"; then pass "type library registered (win64, this DLL's path)"
  else fail "type library registered (win64): $tlb"; fi
  clsid=$(tests/watchdog.sh 60 wine64 reg query 'HKCR\CLSID\{E99E6E7E-A4AC-42EE-AC13-B095E4BA0F9D}\TypeLib' 2>/dev/null | tr -d '\r')
  if grep -q "$LIBID" <<<"$clsid"; then pass "CLSID names its type library"
  else fail "CLSID names its type library: $clsid"; fi
  nostart
  local out
  if step "com_test.exe builds" $MINGW -Wall -Wextra -Werror -O2 -Itests/c -o "$OUT/com_test.exe" \
    tests/windows/com_test.c -lole32 -loleaut32 -luuid -lws2_32; then
    out=$(wine_in_out 180 com_test.exe 2>&1 | tr -d '\r')
    grep '^FAIL' <<<"$out"
    counted "com_test.exe" "$out"
  fi
  cp bindings/com/test.vbs bindings/com/example.vbs bindings/com/example_oauth2.vbs "$OUT/"
  out=$(wine_in_out 180 cscript //nologo test.vbs 2>&1 | tr -d '\r')
  grep '^FAIL' <<<"$out"
  counted "test.vbs" "$out"
  if [ "$(tail -n 1 <<<"$out")" = "com-test: end" ]; then pass "test.vbs ran to its end"
  else fail "test.vbs ran to its end (a script error stops it silently)"; echo "$out" | tail -n 20; fi
  out=$(wine_in_out 120 cscript //nologo example.vbs 2>&1 | tr -d '\r')
  if [ "$(tail -n 1 <<<"$out")" = "example: done" ] && grep -q '^    hop 0: .* with ESMTPSA (ESMTP, TLS, AUTH)$' <<<"$out"
  then pass "example.vbs"; else fail "example.vbs"; echo "$out"; fi
  local mode
  for mode in device service; do
    out=$(wine_in_out 120 cscript //nologo example_oauth2.vbs "$mode" 2>&1 | tr -d '\r')
    if [ "$(tail -n 1 <<<"$out")" = "example-oauth2: done" ] && grep -q '^example-oauth2: the server holds 1 message(s)$' <<<"$out"
    then pass "example_oauth2.vbs $mode"; else fail "example_oauth2.vbs $mode"; echo "$out"; fi
  done
  com_imap
  early
  step "regsvr32 /u mailwirecom.dll" wine_in_out 60 regsvr32 /u /s mailwirecom.dll
  if tests/watchdog.sh 60 wine64 reg query 'HKCR\Mailwire.Pop3\CLSID' >/dev/null 2>&1; then fail "ProgID removed by /u"
  else pass "ProgID removed by /u"; fi
  if tests/watchdog.sh 60 wine64 reg query "HKCR\\TypeLib\\$LIBID\\0.1\\0\\win64" >/dev/null 2>&1; then
    fail "type library removed by /u"
  else pass "type library removed by /u"; fi
}

# com_imap runs the scripts of Mailwire.Imap under cscript, against the
# embedded server's imap and imaps services: bindings/com/test_imap.vbs
# (every member and its errors) and example_imap.vbs (list the folders,
# search the unseen messages, fetch, flag, move).  As for test.vbs, each
# script's last line is checked.
# shellcheck disable=SC2317 # called from com
com_imap() {
  local out
  cp bindings/com/test_imap.vbs bindings/com/example_imap.vbs "$OUT/"
  out=$(wine_in_out 180 cscript //nologo test_imap.vbs 2>&1 | tr -d '\r')
  grep '^FAIL' <<<"$out"
  counted "test_imap.vbs" "$out"
  if [ "$(tail -n 1 <<<"$out")" = "com-imap-test: end" ]; then pass "test_imap.vbs ran to its end"
  else fail "test_imap.vbs ran to its end (a script error stops it silently)"; echo "$out" | tail -n 20; fi
  out=$(wine_in_out 120 cscript //nologo example_imap.vbs 2>&1 | tr -d '\r')
  if [ "$(tail -n 1 <<<"$out")" = "example-imap: done" ] && grep -q '^unseen: 2 (UIDs 1, 2)$' <<<"$out" &&
    grep -q '^folder Trash \[.*\] special use \\Trash$' <<<"$out" && grep -q '^moved uid 2 to Trash$' <<<"$out" &&
    grep -q '^Trash: 1 message(s)$' <<<"$out"
  then pass "example_imap.vbs"; else fail "example_imap.vbs"; echo "$out"; fi
}

# early runs tests/windows/early_test.c: the objects through the vtables
# of the type library's interfaces, as VB6 calls them, and the type
# library compared with IDispatch and with the x86 build's.
# shellcheck disable=SC2317 # called from com
early() {
  local out
  step "x86 type library taken out of x86/mailwirecom.dll" \
    go run ./tests/windows/pecheck -extract "TYPELIB/1=$OUT/x86.tlb" "$X86/mailwirecom.dll" >/dev/null || return
  step "early_test.exe builds" $MINGW -Wall -Wextra -Werror -O2 -I"$GEN" -o "$OUT/early_test.exe" \
    tests/windows/early_test.c -lole32 -loleaut32 -luuid || return
  out=$(wine_in_out 120 early_test.exe x86.tlb 2>&1 | tr -d '\r')
  grep -E '^(FAIL|     )' <<<"$out"
  counted "early_test.exe (early bound, type library)" "$out"
}

# can_run_32 tells whether this host runs 32-bit x86 programs: it runs a
# 96-byte static i386 ELF that only exits (the kernel's IA-32 emulation is
# off on some machines: "Exec format error").
can_run_32() {
  local elf=$ROOT/build/windows/exit32
  printf '\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00\x01\x00\x00\x00\x54\x80\x04\x08\x34\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x34\x00\x20\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x80\x04\x08\x00\x80\x04\x08\x60\x00\x00\x00\x60\x00\x00\x00\x05\x00\x00\x00\x00\x10\x00\x00\xb8\x01\x00\x00\x00\xbb\x00\x00\x00\x00\xcd\x80' >"$elf"
  chmod +x "$elf"
  "$elf" 2>/dev/null
}

# x86 checks the 32-bit build without running it, and runs it where the
# host can.
x86() {
  local facts want got imports64 name
  facts=$(go run ./tests/windows/pecheck "$X86/mailwire.dll")
  if grep -qx 'machine i386' <<<"$facts"; then pass "x86/mailwire.dll: PE machine i386"
  else fail "x86/mailwire.dll: PE machine i386: $(head -n 1 <<<"$facts")"; fi
  want=$(sed -n 's/^MW_API .*MW_CALL \(mw_[a-z0-9_]*\)(.*/\1/p' include/mailwire.h | sort)
  got=$(sed -n 's/^export \(mw_.*\)/\1/p' <<<"$facts" | sort)
  if [ -n "$want" ] && [ "$want" = "$got" ]; then pass "x86/mailwire.dll exports the $(wc -l <<<"$want") functions of mailwire.h"
  else fail "x86/mailwire.dll exports the functions of mailwire.h"; diff <(echo "$want") <(echo "$got") | head; fi
  for name in mailwire.dll mailwirecom.dll; do
    got=$(go run ./tests/windows/pecheck "$X86/$name" | sed -n 's/^import //p' | tr 'A-Z' 'a-z')
    imports64=$(go run ./tests/windows/pecheck "$OUT/$name" | sed -n 's/^import //p' | tr 'A-Z' 'a-z')
    if [ -n "$got" ] && ! grep -qvxE 'kernel32.dll|msvcrt.dll|advapi32.dll|ole32.dll|oleaut32.dll' <<<"$got" &&
      [ "$got" = "$imports64" ]; then pass "x86/$name imports system DLLs only, as x64's: $(echo $got)"
    else fail "x86/$name imports: $(echo $got) (x64: $(echo $imports64))"; fi
  done
  facts=$(go run ./tests/windows/pecheck -extract "TYPELIB/1=$X86.tlb" "$X86/mailwirecom.dll")
  if grep -qx 'machine i386' <<<"$facts"; then pass "x86/mailwirecom.dll: PE machine i386"
  else fail "x86/mailwirecom.dll: PE machine i386"; fi
  want=$'export DllCanUnloadNow\nexport DllGetClassObject\nexport DllRegisterServer\nexport DllUnregisterServer'
  if [ "$(grep '^export' <<<"$facts")" = "$want" ]; then pass "x86/mailwirecom.dll exports the four COM entry points"
  else fail "x86/mailwirecom.dll exports: $(grep '^export' <<<"$facts" | tr '\n' ' ')"; fi
  if grep -q '^resource VERSION/1 ' <<<"$facts"; then pass "x86/mailwirecom.dll has its version resource"
  else fail "x86/mailwirecom.dll has its version resource"; fi
  # widl stamps its time into a type library, so the embedded one is compared
  # with the file the build compiled from the IDL (and, under Wine in early,
  # member by member with the x64 one).
  if cmp -s "$X86.tlb" "$X86/mailwire.tlb"; then
    pass "x86/mailwirecom.dll embeds x86/mailwire.tlb, compiled from bindings/com/mailwire.idl (SYS_WIN32)"
  else fail "x86/mailwirecom.dll embeds x86/mailwire.tlb"; fi
  step "x86 dll_test.exe builds and links against x86/mailwire.dll (-Werror)" i686-w64-mingw32-gcc -Wall -Wextra \
    -Werror -O2 -Iinclude -Itests/c -o "$X86/dll_test.exe" tests/windows/dll_test.c -L"$X86" -l:mailwire.dll
  step "x86 early_test.exe builds (-Werror)" i686-w64-mingw32-gcc -Wall -Wextra -Werror -O2 -I"$GEN" \
    -o "$X86/early_test.exe" tests/windows/early_test.c -lole32 -loleaut32 -luuid
  step "x86 com_test.exe builds (-Werror)" i686-w64-mingw32-gcc -Wall -Wextra -Werror -O2 -Itests/c \
    -o "$X86/com_test.exe" tests/windows/com_test.c -lole32 -loleaut32 -luuid -lws2_32
  if ! can_run_32; then
    echo "skip the x86 build under 32-bit Wine: this host cannot run 32-bit programs (checked statically above)"
    return
  fi
  if [ ! -x /usr/lib/wine/wine ]; then
    echo "skip the x86 build under 32-bit Wine: this host runs 32-bit programs, but wine32 is not installed"
    return
  fi
  x86_run
}

# x86_run runs the 32-bit build under Wine's WoW64 side of the same prefix:
# the C test against mailwire.dll, regsvr32 from syswow64 beside the 64-bit
# registration, the early-bound test and test.vbs under the 32-bit cscript.
# shellcheck disable=SC2317 # called from x86
x86_run() {
  local out sys32=C:\\windows\\syswow64
  x86_in() { local t=$1; shift; (cd "$X86" && "$ROOT/tests/watchdog.sh" "$t" wine "$@"); }
  step "x86 bcryptprimitives.dll stand-in" i686-w64-mingw32-gcc -Wall -Wextra -Werror -shared -O2 \
    -o "$WINEPREFIX/drive_c/windows/syswow64/bcryptprimitives.dll" \
    tests/windows/bcryptprimitives.c tests/windows/bcryptprimitives.def -lbcrypt || return
  counted "x86 dll_test.exe" "$(x86_in 120 dll_test.exe 2>&1)"
  step "x86: regsvr32 from syswow64" x86_in 60 "$sys32\\regsvr32.exe" /s mailwirecom.dll || return
  step "x64: regsvr32 beside it" wine_in_out 60 regsvr32 /s mailwirecom.dll
  out=$(x86_in 180 com_test.exe 2>&1 | tr -d '\r')
  grep '^FAIL' <<<"$out"
  counted "x86 com_test.exe" "$out"
  out=$(x86_in 120 early_test.exe ../x64/mailwire.tlb 2>&1 | tr -d '\r')
  grep '^FAIL' <<<"$out"
  counted "x86 early_test.exe" "$out"
  cp bindings/com/test.vbs "$X86/"
  out=$(x86_in 180 "$sys32\\cscript.exe" //nologo test.vbs 2>&1 | tr -d '\r')
  grep '^FAIL' <<<"$out"
  counted "x86 test.vbs" "$out"
  cp bindings/com/test_imap.vbs "$X86/"
  out=$(x86_in 180 "$sys32\\cscript.exe" //nologo test_imap.vbs 2>&1 | tr -d '\r')
  grep '^FAIL' <<<"$out"
  counted "x86 test_imap.vbs" "$out"
  x86_in 60 "$sys32\\regsvr32.exe" /u /s mailwirecom.dll
  wine_in_out 60 regsvr32 /u /s mailwirecom.dll
}

com
x86
finish
