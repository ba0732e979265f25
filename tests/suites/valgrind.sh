#!/usr/bin/env bash
# The C tests again under valgrind's memcheck (unstripped library, run by
# tests/memcheck.sh with Go's runtime false positives suppressed, under
# tests/watchdog.sh): no invalid read or write on the caller's side.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
mkdir -p build/dbg/tests
LOG=build/dbg/tests/valgrind.log
tests/valgrind-syscalls.sh > build/dbg/valgrind-syscalls.supp
p=0 f=0
# The OAuth2 test needs the test authorization server.
. tests/oauth/tokenserver.sh
token_server_start build/dbg/tests/oauth || { echo "valgrind: 0 passed, 1 failed"; exit 1; }
trap token_server_stop EXIT
for src in tests/c/*_test.c; do
  name=$(basename "$src" .c)
  grep -q 'NO_VALGRIND' "$src" && continue
  ${CC:-cc} -Wall -Wextra -Werror -O0 -g -Iinclude -Itests/c -o "build/dbg/tests/$name" "$src" -Lbuild/dbg -lmailwire -lpthread -Wl,-rpath,"$PWD/build/dbg" || { f=$((f+1)); continue; }
  if tests/watchdog.sh 900 tests/memcheck.sh "build/dbg/tests/$name" >"$LOG" 2>&1; then
    p=$((p+1)); echo "ok   $name under valgrind"
  else
    f=$((f+1)); echo "FAIL $name under valgrind"; tail -60 "$LOG"
  fi
done
# The canary reads past a buffer on purpose: memcheck must see it.
${CC:-cc} -O0 -g -Iinclude -o build/dbg/tests/canary tests/c/valgrind_canary.c -Lbuild/dbg -lmailwire -Wl,-rpath,"$PWD/build/dbg"
if tests/watchdog.sh 300 tests/memcheck.sh build/dbg/tests/canary >"$LOG" 2>&1; then
  f=$((f+1)); echo "FAIL the canary's invalid read went unreported: the suppressions hide too much"
elif grep -q "Invalid read" "$LOG"; then
  p=$((p+1)); echo "ok   the canary's invalid read is reported"
else
  f=$((f+1)); echo "FAIL the canary run failed otherwise"; tail -20 "$LOG"
fi
echo "valgrind: $p passed, $f failed"
[ "$f" -eq 0 ]
