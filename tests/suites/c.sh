#!/usr/bin/env bash
# The C tests: each compiled with -Wall -Wextra -Werror against
# include/mailwire.h, linked to build/libmailwire.so, run with cgocheck on,
# under tests/watchdog.sh (a hang fails with every thread's stack).
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/tests
[ -n "${CXX:-}" ] || tests/need.sh c++:g++ # the header is checked from C++ too
p=0 f=0
for src in tests/c/*_test.c; do
  name=$(basename "$src" .c)
  if ! ${CC:-cc} -Wall -Wextra -Werror -O1 -g -Iinclude -Itests/c -o "build/tests/$name" "$src" -Lbuild -lmailwire -lpthread -Wl,-rpath,"$PWD/build"; then
    f=$((f+1)); echo "$name: does not compile"; continue
  fi
  out=$(GODEBUG=cgocheck=1 tests/watchdog.sh 300 "build/tests/$name" 2>&1); rc=$?
  if [ $rc -eq 124 ]; then echo "$out"; else echo "$out" | tail -n 20; fi
  line=$(echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -1)
  p=$((p + $(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"${line:-0 passed}")))
  f=$((f + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"${line:-x 0 failed}")))
  [ $rc -ne 0 ] && [ -z "$line" ] && f=$((f+1))
done
# Python's imaplib drives the embedded server's IMAP service through the
# built library (build/mailwire-server), on free ports.
if [ -x build/mailwire-server ] || make -s build/mailwire-server >&2; then
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
echo "c: $p passed, $f failed"
[ "$f" -eq 0 ]
