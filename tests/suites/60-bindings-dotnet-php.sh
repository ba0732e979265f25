#!/usr/bin/env bash
# 60-bindings-dotnet-php.sh: the C# (Mono) and PHP (FFI) bindings against
# build/libmailwire.so: their examples, their tests, and the check that the
# PHP declarations are generated from include/mailwire.h. Installs
# mono-mcs, mono-runtime and php8.2-cli when missing.
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

# step NAME CMD...: runs one step with a time limit (a hang fails it) and
# counts it; its output is kept in $OUT/NAME.log.
step() {
  local name=$1; shift
  if timeout 180 "$@" >"$OUT/$name.log" 2>&1; then
    p=$((p + 1)); echo "ok   $name"
  else
    f=$((f + 1)); echo "FAIL $name (exit $?):"; tail -n 30 "$OUT/$name.log"
  fi
}

# tests NAME CMD...: runs a test program, which prints its own
# "name: N passed, N failed" line, and adds its counts.
tests() {
  local name=$1; shift
  timeout 180 "$@" >"$OUT/$name.log" 2>&1
  local rc=$? line tp=0 tf=0
  line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' "$OUT/$name.log" | tail -n 1)
  if [ -n "$line" ]; then
    tp=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
    tf=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  fi
  [ "$rc" -ne 0 ] && [ "$tf" -eq 0 ] && tf=1
  p=$((p + tp)); f=$((f + tf))
  if [ "$tf" -eq 0 ]; then echo "ok   $name: $line"; else echo "FAIL $name (exit $rc):"; tail -n 30 "$OUT/$name.log"; fi
}

[ -e build/libmailwire.so ] || make build/libmailwire.so >/dev/null || { echo "bindings-dotnet-php: 0 passed, 1 failed"; exit 1; }
need mcs:mono-mcs mono:mono-runtime php:php8.2-cli || { echo "bindings-dotnet-php: 0 passed, 1 failed"; exit 1; }
# The OAuth2 tests and examples get their tokens from the test authorization server.
. tests/oauth/tokenserver.sh
token_server_start "$OUT/oauth" || { echo "bindings-dotnet-php: 0 passed, 1 failed"; exit 1; }
trap token_server_stop EXIT
export LD_LIBRARY_PATH=$ROOT/build${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export MAILWIRE_LIB=$ROOT/build/libmailwire.so

# C# under Mono. The binding lets 32 threads enter the library once at load
# (see Library.Prewarm); the pool test then sends from 8 threads with
# collections in between. The second run skips the warm-up and relies on
# cooperative suspension instead, the other documented remedy.
CS=bindings/csharp
LIBSRC=("$CS/Mailwire.cs" "$CS/MimeMessage.cs" "$CS/Clients.cs" "$CS/OAuth2.cs")
step cs-build-example mcs -warnaserror+ -out:"$OUT/Example.exe" "$CS/Example.cs" "${LIBSRC[@]}"
step cs-build-tests   mcs -warnaserror+ -out:"$OUT/Tests.exe" "$CS/Tests.cs" "${LIBSRC[@]}"
step cs-build-example-oauth2 mcs -warnaserror+ -out:"$OUT/ExampleOAuth2.exe" "$CS/ExampleOAuth2.cs" "${LIBSRC[@]}"
step cs-example bash -c "mono '$OUT/Example.exe' | tee /dev/stderr | grep -q '^  hop 0: .* with ESMTPSA (ESMTP, Tls, Auth)'"
# The OAuth2 examples: a token from the token server by the object alone, a message through
# the embedded server with it.
SENT="grep -q '^example-oauth2: the server holds 1 message(s)\$'"
step cs-example-oauth2-device bash -c "mono '$OUT/ExampleOAuth2.exe' device | tee /dev/stderr | $SENT"
step cs-example-oauth2-service bash -c "mono '$OUT/ExampleOAuth2.exe' service | tee /dev/stderr | $SENT"
tests cs-tests mono "$OUT/Tests.exe"
tests cs-tests-coop env MAILWIRE_PREWARM=0 MONO_THREADS_SUSPEND=coop mono "$OUT/Tests.exe"

# PHP through FFI.
step php-cdef php bindings/php/gen-cdef.php --check include/mailwire.h bindings/php/mailwire.ffi.h
step php-example bash -c "php bindings/php/example.php | tee /dev/stderr | grep -q '^  hop 0: .* with ESMTPSA (ESMTP, TLS, AUTH)'"
step php-example-oauth2-device bash -c "php bindings/php/example_oauth2.php device | tee /dev/stderr | $SENT"
step php-example-oauth2-service bash -c "php bindings/php/example_oauth2.php service | tee /dev/stderr | $SENT"
tests php-tests php bindings/php/test.php

echo "bindings-dotnet-php: $p passed, $f failed"
[ "$f" -eq 0 ]
