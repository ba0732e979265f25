#!/usr/bin/env bash
# soak.sh: the long soak (make soak). The leak soak of 10,000 messages with
# its RSS curve, natively, under AddressSanitizer and under valgrind
# (memcheck, unstripped library; SOAK_VG_MESSAGES overrides the count:
# about 4 minutes for 10,000); 8 threads for a minute; the Go
# race variant for a minute; faults under load against the embedded server
# for two minutes and, unless SOAK_EXIM=0, against Exim. Output goes to
# build/soak-report.txt too. Prints "soak: N passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
B=build/soak A=build/soak/asan V=build/soak/vg
mkdir -p "$B" "$A" "$V"
exec > >(tee build/soak-report.txt) 2>&1
p=0 f=0
ok() { p=$((p+1)); echo "ok   $*"; }
bad() { f=$((f+1)); echo "FAIL $*"; }
# run NAME CMD...: one check by exit code; shows the output without its
# FAIL lines (the first 10 of those follow on failure).
run() {
  local name=$1 rc log; shift
  log=$(mktemp)
  echo "--- $name"
  "$@" >"$log" 2>&1
  rc=$?
  grep -vE '^FAIL ' "$log" | tail -n 40
  if [ "$rc" -eq 0 ]; then ok "$name"; else bad "$name (exit $rc)"; grep -E '^FAIL ' "$log" | head -n 10; fi
  rm -f "$log"
}
n=${SOAK_MESSAGES:-10000}
CFLAGS=(-Wall -Wextra -Werror -O1 -g -Iinclude -Itests/c)
cc "${CFLAGS[@]}" -o $B/soak tests/soak/c/soak.c -Lbuild -lmailwire -lpthread -Wl,-rpath,"$ROOT/build"
gcc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
  -o $A/soak tests/soak/c/soak.c -Lbuild -lmailwire -lpthread -Wl,-rpath,"$ROOT/build"
cc "${CFLAGS[@]}" -O0 -o $V/soak tests/soak/c/soak.c -Lbuild/dbg -lmailwire -lpthread -Wl,-rpath,"$ROOT/build/dbg"

run "soak leak $n" $B/soak leak "$n"
run "soak threads 60" $B/soak threads 60
run "soak busy" $B/soak busy
# A small quarantine: ASan keeps freed memory (256 MB by default), which
# the RSS bound would take for a leak.
run "ASan: soak leak $n" env ASAN_OPTIONS=allow_user_segv_handler=1:handle_segv=1:halt_on_error=1:quarantine_size_mb=16 \
  LSAN_OPTIONS=suppressions="$ROOT"/tests/soak/lsan.supp UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $A/soak leak "$n"
run "ASan: soak threads 60" env ASAN_OPTIONS=allow_user_segv_handler=1:handle_segv=1:halt_on_error=1:quarantine_size_mb=16 \
  LSAN_OPTIONS=suppressions="$ROOT"/tests/soak/lsan.supp $A/soak threads 60
tests/need.sh valgrind:valgrind >/dev/null
tests/valgrind-syscalls.sh > "$V/valgrind-syscalls.supp"
# Under valgrind the curve is valgrind's allocator's, but it stays within
# the bound as well; what counts here is memcheck's verdict.
run "valgrind: soak leak ${SOAK_VG_MESSAGES:-10000}" env MW_VG_SUPP="$V/valgrind-syscalls.supp" tests/memcheck.sh $V/soak leak "${SOAK_VG_MESSAGES:-10000}"
run "valgrind: soak busy" env MW_VG_SUPP="$V/valgrind-syscalls.supp" tests/memcheck.sh $V/soak busy
run "go test -race ./tests/soak, 60 s" env SOAK_SECONDS=60 go test -race -count=1 -v -run . ./tests/soak
run "faults: embedded server, 120 s" tests/soak/faults.sh 120
if [ "${SOAK_EXIM:-1}" != 0 ]; then
  run "faults: Exim, 60 s" tests/soak/faults-exim.sh 60
fi
echo "soak: $p passed, $f failed"
[ "$f" -eq 0 ]
