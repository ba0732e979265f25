#!/usr/bin/env bash
# The C tests: each compiled with -Wall -Wextra -Werror against
# include/mailwire.h, linked to build/libmailwire.so, run with cgocheck on,
# under tests/watchdog.sh (a hang fails with every thread's stack), while
# the test authorization server of tests/oauth runs, the tests of the
# threading rules also with MAILWIRE_HANDOFF=1 (calls on worker threads);
# then the C++ wrapper's test (include/mailwire.hpp, C++17), run plainly
# and under AddressSanitizer and UBSan, also under the watchdog, and the
# README's C++ IMAP example.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/tests
[ -n "${CXX:-}" ] || tests/need.sh c++:g++ # the header is checked from C++ too
p=0 f=0
# The OAuth2 test needs the test authorization server.
. tests/oauth/tokenserver.sh
token_server_start build/tests/oauth || { echo "c: 0 passed, 1 failed"; exit 1; }
trap token_server_stop EXIT
for src in tests/c/*_test.c; do
  name=$(basename "$src" .c)
  if ! ${CC:-cc} -Wall -Wextra -Werror -O1 -g -Iinclude -Itests/c -o "build/tests/$name" "$src" -Lbuild -lmailwire -lpthread -Wl,-rpath,"$PWD/build"; then
    f=$((f+1)); echo "$name: does not compile"; continue
  fi
  # The tests of the API's threading rules run once more with every call
  # handed to a worker thread of the library, as under Mono.
  modes=("")
  case $name in api_test|threads_test|oauth2_test|fork_test|abi_test) modes=("" 1) ;; esac
  for handoff in "${modes[@]}"; do
    [ "$handoff" = 1 ] && echo "$name with MAILWIRE_HANDOFF=1:"
    out=$(MAILWIRE_HANDOFF=$handoff GODEBUG=cgocheck=1 tests/watchdog.sh 300 "build/tests/$name" 2>&1); rc=$?
    if [ $rc -eq 124 ]; then echo "$out"; else echo "$out" | tail -n 20; fi
    line=$(echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -1)
    p=$((p + $(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"${line:-0 passed}")))
    f=$((f + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"${line:-x 0 failed}")))
    [ $rc -ne 0 ] && [ -z "$line" ] && f=$((f+1))
  done
done
# Python's imaplib drives the embedded server's IMAP service through the
# built library (build/mailwire-server), on free ports.
if make -s build/mailwire-server >&2; then
  out=$(tests/watchdog.sh 300 /usr/bin/python3 tests/imap/imaplib_test.py build 2>&1); rc=$?
  echo "$out" | tail -n 30
  line=$(echo "$out" | grep -E '^imaplib: [0-9]+ passed, [0-9]+ failed' | tail -1)
  p=$((p + $(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"${line:-0 passed}")))
  f=$((f + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"${line:-x 0 failed}")))
  [ $rc -ne 0 ] && [ -z "$line" ] && f=$((f+1))
else
  f=$((f+1)); echo "mailwire-server does not build"
fi
# The README's example compiles as it stands.
awk '/^```c$/{on=1; next} /^```$/{if(on) exit} on' README.md > build/tests/readme.c
if ${CC:-cc} -Wall -Wextra -Werror -Iinclude -o build/tests/readme build/tests/readme.c -Lbuild -lmailwire; then
  p=$((p+1)); else f=$((f+1)); echo "the README's C example does not compile"; fi
# C++ must accept the header too.
if echo '#include "mailwire.h"
int main(void){ return mw_version_number() > 0 ? 0 : 1; }' | ${CXX:-c++} -Wall -Wextra -Werror -x c++ -Iinclude -o build/tests/cxx - -Lbuild -lmailwire -Wl,-rpath,"$PWD/build" && tests/watchdog.sh 60 build/tests/cxx; then
  p=$((p+1)); else f=$((f+1)); echo "the header does not compile or link from C++"; fi
# count NAME OUTPUT RC: adds a test program's "N passed, N failed" line.
count() {
  local line
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' <<<"$2" | tail -1)
  if [ -z "$line" ]; then f=$((f+1)); echo "$1: no result line (exit $3)"; echo "$2" | tail -20; return; fi
  p=$((p + $(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line")))
  f=$((f + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
  [ "$3" -ne 0 ] && [ -n "$(grep -E ' 0 failed' <<<"$line")" ] && { f=$((f+1)); echo "$1: exit $3"; }
  echo "$1: $line"
}
# The C++ wrapper.  Sanitizers need the Go runtime's signal handlers beside
# theirs (see tests/suites/35-concurrency.sh); the library's own lifetime
# allocations are suppressed for LeakSanitizer, the C++ side's are not.
CXXFLAGS=(-std=c++17 -Wall -Wextra -Werror -O1 -g -Iinclude)
CXXLINK=(-Lbuild -lmailwire -pthread "-Wl,-rpath,$PWD/build")
if ${CXX:-g++} "${CXXFLAGS[@]}" -o build/tests/cxx_test tests/cxx/mailwire_test.cpp "${CXXLINK[@]}"; then
  out=$(GODEBUG=cgocheck=1 tests/watchdog.sh 300 build/tests/cxx_test 2>&1); count "cxx" "$out" $?
else f=$((f+1)); echo "tests/cxx/mailwire_test.cpp does not compile"; fi
# shellcheck disable=SC2054 # the commas belong to the option
SAN=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
if g++ "${CXXFLAGS[@]}" "${SAN[@]}" -o build/tests/cxx_test_asan tests/cxx/mailwire_test.cpp "${CXXLINK[@]}"; then
  out=$(ASAN_OPTIONS=allow_user_segv_handler=1:handle_segv=1:halt_on_error=1:abort_on_error=0 \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 LSAN_OPTIONS=suppressions=$PWD/tests/soak/lsan.supp \
        tests/watchdog.sh 300 build/tests/cxx_test_asan 2>&1); rc=$?
  if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' <<<"$out"; then
    f=$((f+1)); echo "cxx under ASan/UBSan: sanitizer report"; grep -A25 -E 'ERROR: |runtime error:' <<<"$out" | head -40
  else count "cxx under ASan/UBSan" "$out" $rc; fi
else f=$((f+1)); echo "tests/cxx/mailwire_test.cpp does not compile with ASan"; fi
# The README's IMAP example for C++ (its second C++ block) runs as it stands
# (tests/suites/45-packages.sh also builds it outside the tree).
awk '$0 == "```cpp" {k++; if (k == 2) {on=1; next}} /^```/ {if (on) exit} on' README.md > build/tests/readme_imap.cpp
if g++ "${CXXFLAGS[@]}" -o build/tests/readme_imap build/tests/readme_imap.cpp "${CXXLINK[@]}"; then
  out=$(env -C build/tests "$PWD/tests/watchdog.sh" 60 ./readme_imap 2>&1); rc=$?
  rm -f build/tests/test-ca.pem
  if [ $rc -eq 0 ] && grep -qx 'folder Trash \\Trash' <<<"$out" && grep -qx 'uid 1: Lunch on Friday?' <<<"$out"; then
    p=$((p+1)); else f=$((f+1)); echo "the README's C++ IMAP example (exit $rc):"; tail -n 10 <<<"$out"; fi
else f=$((f+1)); echo "the README's C++ IMAP example does not compile"; fi
# The sanitizers see the C++ side through the library's calls: a read past
# a buffer the wrapper copied is reported (proof that the check can fail).
printf '%s\n' '#include "mailwire.hpp"' \
  'int main() { mailwire::message m; m.set("Subject", "x"); mailwire::bytes b = m.mime();' \
  '  volatile unsigned char c = b.data()[b.capacity() + 8]; (void)c; return 0; }' > build/tests/cxx_canary.cpp
g++ -std=c++17 -O0 -g -Iinclude "${SAN[@]}" -o build/tests/cxx_canary build/tests/cxx_canary.cpp "${CXXLINK[@]}"
out=$(ASAN_OPTIONS=allow_user_segv_handler=1:handle_segv=1 LSAN_OPTIONS=suppressions=$PWD/tests/soak/lsan.supp tests/watchdog.sh 60 build/tests/cxx_canary 2>&1)
if grep -q 'heap-buffer-overflow' <<<"$out"; then p=$((p+1)); else f=$((f+1)); echo "ASan missed the C++ canary's overflow"; echo "$out" | tail -5; fi
echo "c: $p passed, $f failed"
[ "$f" -eq 0 ]
