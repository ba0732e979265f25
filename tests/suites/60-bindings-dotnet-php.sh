#!/usr/bin/env bash
# 60-bindings-dotnet-php.sh: the C# (Mono) and PHP (FFI) bindings against
# build/libmailwire.so: their examples, their tests, the check that the PHP
# declarations are generated from include/mailwire.h, the start-up stress
# under Mono (8, 64 and 256 threads entering the library at once, 20 fresh
# processes each) and PHP's pcntl_fork. Every process runs under
# tests/watchdog.sh: a hang fails with every thread's stack. Installs
# mono-mcs, mono-runtime and php8.2-cli when missing.
#
# STRESS_RUNS sets the processes per thread count (default 20).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
OUT=$ROOT/build/bindings
mkdir -p "$OUT"
p=0 f=0

# need installs the packages, waiting while another apt run holds the lock.
need() {
  for _ in $(seq 1 30); do
    tests/need.sh "$@" && return 0
    sleep 5
  done
  return 1
}

# shown NAME RC: the end of NAME's log, or all of it after a hang (the
# watchdog's report).
shown() {
  if [ "$2" -eq 124 ]; then cat "$OUT/$1.log"; else tail -n 30 "$OUT/$1.log"; fi
}

# step NAME CMD...: runs one step under the watchdog (180 s) and counts it;
# its output is kept in $OUT/NAME.log.
step() {
  local name=$1 rc; shift
  tests/watchdog.sh 180 "$@" >"$OUT/$name.log" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then
    p=$((p + 1)); echo "ok   $name"
  else
    f=$((f + 1)); echo "FAIL $name (exit $rc):"; shown "$name" $rc
  fi
}

# tests NAME CMD...: runs a test program, which prints its own
# "name: N passed, N failed" line, and adds its counts.
tests() {
  local name=$1; shift
  tests/watchdog.sh 180 "$@" >"$OUT/$name.log" 2>&1
  local rc=$? line tp=0 tf=0
  line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' "$OUT/$name.log" | tail -n 1)
  if [ -n "$line" ]; then
    tp=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
    tf=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  fi
  [ "$rc" -ne 0 ] && [ "$tf" -eq 0 ] && tf=1
  p=$((p + tp)); f=$((f + tf))
  if [ "$tf" -eq 0 ]; then echo "ok   $name: $line"; else echo "FAIL $name (exit $rc):"; shown "$name" $rc; fi
}

# stress N: STRESS_RUNS fresh Mono processes in which N threads enter the
# library at once right after start-up while the garbage collector stops
# the world; each under the watchdog (60 s). One check per N: a process
# that hangs fails it, and the first hang's report is shown whole.
stress() {
  local n=$1 runs=${STRESS_RUNS:-20} i rc hung=0 bad=0 shown=0 name start=$SECONDS
  for i in $(seq "$runs"); do
    name=cs-stress-$n-$i
    tests/watchdog.sh 60 mono "$OUT/StartupStress.exe" "$n" >"$OUT/$name.log" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q "^startup-stress: $n threads ok" "$OUT/$name.log"; then
      rm -f "$OUT/$name.log"
      continue
    fi
    if [ $rc -eq 124 ]; then hung=$((hung + 1)); else bad=$((bad + 1)); fi
    echo "     run $i of $n threads: exit $rc (log: $OUT/$name.log)"
    [ $shown -eq 0 ] && { shown=1; shown "$name" $rc; }
  done
  if [ $((hung + bad)) -eq 0 ]; then
    p=$((p + 1)); echo "ok   cs-startup-stress: $n threads entering at start-up, $runs processes, none hung ($((SECONDS - start))s)"
  else
    f=$((f + 1)); echo "FAIL cs-startup-stress: $n threads: $hung of $runs processes hung, $bad failed otherwise"
  fi
}

[ -e build/libmailwire.so ] || make build/libmailwire.so >/dev/null || { echo "bindings-dotnet-php: 0 passed, 1 failed"; exit 1; }
need mcs:mono-mcs mono:mono-runtime php:php8.2-cli zip:zip unzip:unzip file:file || { echo "bindings-dotnet-php: 0 passed, 1 failed"; exit 1; }
php -m | grep -x pcntl >/dev/null || { echo "FAIL php8.2-cli has no pcntl (needed by the fork test)"; f=$((f + 1)); }
# The OAuth2 tests and examples get their tokens from the test authorization server.
. tests/oauth/tokenserver.sh
token_server_start "$OUT/oauth" || { echo "bindings-dotnet-php: 0 passed, 1 failed"; exit 1; }
trap token_server_stop EXIT
export LD_LIBRARY_PATH=$ROOT/build${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export MAILWIRE_LIB=$ROOT/build/libmailwire.so

# C# under Mono, with its default (preemptive, signal-based) suspension and
# once more with cooperative suspension, which some hosts select.
CS=bindings/csharp
LIBSRC=("$CS/Mailwire.cs" "$CS/MimeMessage.cs" "$CS/Clients.cs" "$CS/OAuth2.cs")
step cs-build-example mcs -warnaserror+ -out:"$OUT/Example.exe" "$CS/Example.cs" "${LIBSRC[@]}"
step cs-build-tests   mcs -warnaserror+ -out:"$OUT/Tests.exe" "$CS/Tests.cs" "${LIBSRC[@]}"
step cs-build-stress  mcs -warnaserror+ -out:"$OUT/StartupStress.exe" tests/dotnet/StartupStress.cs "${LIBSRC[@]}"
step cs-build-example-imap mcs -warnaserror+ -out:"$OUT/ExampleImap.exe" "$CS/ExampleImap.cs" "${LIBSRC[@]}"
step cs-build-example-oauth2 mcs -warnaserror+ -out:"$OUT/ExampleOAuth2.exe" "$CS/ExampleOAuth2.cs" "${LIBSRC[@]}"
step cs-example bash -c "mono '$OUT/Example.exe' | tee /dev/stderr | grep -q '^  hop 0: .* with ESMTPSA (ESMTP, Tls, Auth)'"
# The IMAP example: folders listed, the two unseen messages fetched, one flagged, one moved.
step cs-example-imap bash -c "mono '$OUT/ExampleImap.exe' | tee /dev/stderr | grep -q '^Trash: 1 message(s)\$'"
# The OAuth2 examples: a token from the token server by the object alone, a message through
# the embedded server with it.
SENT="grep -q '^example-oauth2: the server holds 1 message(s)\$'"
step cs-example-oauth2-device bash -c "mono '$OUT/ExampleOAuth2.exe' device | tee /dev/stderr | $SENT"
step cs-example-oauth2-service bash -c "mono '$OUT/ExampleOAuth2.exe' service | tee /dev/stderr | $SENT"
tests cs-tests mono "$OUT/Tests.exe"
tests cs-tests-coop env MONO_THREADS_SUSPEND=coop mono "$OUT/Tests.exe"

# The NuGet package (make packages): unpacked, its layout checked, and the
# C# tests compiled against its assembly and run with its linux-x64 library
# and nothing else on the library path.
V=$(sed -n 's/^#define MW_VERSION *"\(.*\)"/\1/p' include/mailwire.h)
PKG=$OUT/nupkg
# nupkg_layout checks the unpacked package: the files, the nuspec's id and
# version, the XML docs, each native library's platform.
nupkg_layout() {
  local f bad=0
  for f in Mailwire.nuspec README.md lib/netstandard2.0/Mailwire.dll lib/netstandard2.0/Mailwire.xml \
    runtimes/win-x64/native/mailwire.dll runtimes/win-x86/native/mailwire.dll runtimes/linux-x64/native/libmailwire.so; do
    [ -s "$PKG/$f" ] || { echo "missing: $f"; bad=1; }
  done
  grep -q "<id>Mailwire</id>" "$PKG/Mailwire.nuspec" || { echo "nuspec: no id"; bad=1; }
  grep -q "<version>$V</version>" "$PKG/Mailwire.nuspec" || { echo "nuspec: version is not $V"; bad=1; }
  grep -q "<Version>$V</Version>" bindings/csharp/Mailwire.csproj || { echo "Mailwire.csproj: Version is not $V"; bad=1; }
  grep -q 'name="M:Mailwire.SmtpClient.SendAsync' "$PKG/lib/netstandard2.0/Mailwire.xml" || { echo "XML docs lack SendAsync"; bad=1; }
  [ "$(go run ./tests/windows/pecheck "$PKG/runtimes/win-x64/native/mailwire.dll" | sed -n 1p)" = "machine amd64" ] ||
    { echo "win-x64 is not amd64"; bad=1; }
  [ "$(go run ./tests/windows/pecheck "$PKG/runtimes/win-x86/native/mailwire.dll" | sed -n 1p)" = "machine i386" ] ||
    { echo "win-x86 is not i386"; bad=1; }
  file -b "$PKG/runtimes/linux-x64/native/libmailwire.so" | grep -q 'ELF 64-bit.*x86-64' || { echo "linux-x64 is not an x86-64 ELF"; bad=1; }
  return $bad
}
step nupkg-build make -s packages
rm -rf "$PKG" "$OUT/nupkg-tests"
mkdir -p "$PKG" "$OUT/nupkg-tests"
step nupkg-unpack unzip -q "build/packages/Mailwire.$V.nupkg" -d "$PKG"
export -f nupkg_layout
export PKG V
step nupkg-layout bash -c nupkg_layout
step cs-build-tests-nupkg mcs -warnaserror+ -r:"$PKG/lib/netstandard2.0/Mailwire.dll" -out:"$OUT/nupkg-tests/Tests.exe" "$CS/Tests.cs"
tests cs-tests-nupkg env LD_LIBRARY_PATH="$PKG/runtimes/linux-x64/native" MONO_PATH="$PKG/lib/netstandard2.0" \
  mono "$OUT/nupkg-tests/Tests.exe"

# Threads entering the library at once right after start-up (the first
# call of a thread is where a signal-based stop-the-world could deadlock).
for n in 8 64 256; do stress "$n"; done

# PHP through FFI.
step php-cdef php bindings/php/gen-cdef.php --check include/mailwire.h bindings/php/mailwire.ffi.h
step php-example bash -c "php bindings/php/example.php | tee /dev/stderr | grep -q '^  hop 0: .* with ESMTPSA (ESMTP, TLS, AUTH)'"
step php-example-imap bash -c "php bindings/php/example_imap.php | tee /dev/stderr | grep -q '^Trash: 1 message(s)\$'"
step php-example-oauth2-device bash -c "php bindings/php/example_oauth2.php device | tee /dev/stderr | $SENT"
step php-example-oauth2-service bash -c "php bindings/php/example_oauth2.php service | tee /dev/stderr | $SENT"
tests php-tests php bindings/php/test.php
# pcntl_fork after loading: the child gets the binding's exception at once.
tests php-fork php tests/php/fork_test.php

echo "bindings-dotnet-php: $p passed, $f failed"
[ "$f" -eq 0 ]
