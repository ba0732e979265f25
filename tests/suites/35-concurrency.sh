#!/usr/bin/env bash
# Leaks, memory safety, concurrency and faults under load, short versions
# (make soak runs the long ones): the soak harness (3,000 messages through
# the C ABI with the RSS curve, 8 threads for 10 s, MW_E_BUSY from two
# threads), the same C programs and the C tests under AddressSanitizer and
# UBSan (on the C side, linked to the normal library), the Go variant with
# -race, and 30 s of server restarts, kills and stalls under 8 senders.
# Every program runs under tests/watchdog.sh. Prints "concurrency: N
# passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
B=build/soak A=build/soak/asan
mkdir -p "$B" "$A"
p=0 f=0
ok() { p=$((p+1)); echo "ok   $*"; }
bad() { f=$((f+1)); echo "FAIL $*"; }

# run NAME CMD...: one check by exit code, with the output's tail on failure
# (all of it after a hang: the watchdog's report).
run() {
  local name=$1 out rc; shift
  out=$(tests/watchdog.sh 600 "$@" 2>&1); rc=$?
  if [ $rc -eq 0 ]; then ok "$name"
  elif [ $rc -eq 124 ]; then bad "$name (hung)"; echo "$out"
  else bad "$name (exit $rc)"; echo "$out" | tail -25; fi
  echo "$out" | grep -E '^ *[0-9]+ +[0-9]+ +[0-9.]+$|RSS after|threads, .* s:|two threads|codes:|slowest|^sent ' | sed 's/^/     /'
}

# expect_fail NAME PATTERN CMD...: the command must fail and print PATTERN
# (proof that a check can fail).
expect_fail() {
  local name=$1 pat=$2 out rc; shift 2
  out=$(tests/watchdog.sh 600 "$@" 2>&1); rc=$?
  if [ $rc -ne 0 ] && grep -qE "$pat" <<<"$out"; then ok "$name"; else bad "$name (exit $rc)"; echo "$out" | tail -10; fi
}

CFLAGS=(-Wall -Wextra -Werror -O1 -g -Iinclude -Itests/c)
LINK=(-Lbuild -lmailwire -lpthread "-Wl,-rpath,$ROOT/build")
cc "${CFLAGS[@]}" -o $B/soak tests/soak/c/soak.c "${LINK[@]}" || bad "soak.c does not compile"

echo "--- soak through the C ABI"
run "soak leak 3000: RSS within 20% from the 2,000th message, registry empty" $B/soak leak 3000
expect_fail "soak leak with a deliberate leak of 16 KiB per message fails on RSS" "RSS grew" $B/soak leak 3000 canary
run "soak threads 10: 8 threads send and fetch, every result checked" $B/soak threads 10
run "soak busy: one handle from two threads gives MW_E_BUSY" $B/soak busy

echo "--- AddressSanitizer and UBSan on the C side"
# allow_user_segv_handler=1: the Go runtime of the library installs its own
# SIGSEGV/SIGBUS handlers (it needs them for its nil checks and stack
# growth) and forwards the signals that are not its own to the handler it
# found, ASan's; without it ASan would keep Go from installing them.
# handle_segv=1 keeps ASan reporting faults of the C side. LeakSanitizer
# stays on, with the library's own lifetime allocations suppressed
# (tests/soak/lsan.supp): leaks of the C side are still reported.
export ASAN_OPTIONS=allow_user_segv_handler=1:handle_segv=1:halt_on_error=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$ROOT/tests/soak/lsan.supp
# shellcheck disable=SC2054 # the commas belong to the option
SAN=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
gcc "${CFLAGS[@]}" "${SAN[@]}" -o $A/soak tests/soak/c/soak.c "${LINK[@]}" || bad "soak.c does not compile with ASan"
run "ASan: soak leak 1000" $A/soak leak 1000
run "ASan: soak threads 5" $A/soak threads 5
run "ASan: soak busy" $A/soak busy
for src in tests/c/*_test.c; do
  n=$(basename "$src" .c)
  gcc "${CFLAGS[@]}" "${SAN[@]}" -o "$A/$n" "$src" "${LINK[@]}" || { bad "$n does not compile with ASan"; continue; }
  # The test's own checks belong to the c suite; here it fails only on a
  # sanitizer report.
  out=$(tests/watchdog.sh 600 "$A/$n" 2>&1)
  if grep -q '^watchdog: still running' <<<"$out"; then
    bad "ASan: $n (hung)"; echo "$out"
  elif grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' <<<"$out"; then
    bad "ASan: $n"; grep -A25 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' <<<"$out" | head -40
  else ok "ASan: $n: no sanitizer report ($(grep -E '[0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -1))"; fi
done
gcc -O0 -g -Iinclude "${SAN[@]}" -o $A/canary tests/c/valgrind_canary.c "${LINK[@]}"
expect_fail "ASan reports the canary's read past a library buffer" "heap-buffer-overflow" $A/canary
expect_fail "LeakSanitizer reports a leak of the C side despite the suppression" "in leak tests/soak/c/soak.c" $A/soak leak 1000 canary
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

echo "--- Go variant with -race"
run "go test -race ./tests/soak (8 workers and a shared pool, 5 s)" env SOAK_SECONDS=5 go test -race -count=1 -timeout 5m ./tests/soak

echo "--- faults under load (30 s)"
out=$(tests/soak/faults.sh "${FAULT_SECONDS:-30}" 2>&1); rc=$?
echo "$out" | grep -E '^(ok|FAIL|codes:|slowest|sent) ' | sed 's/^/     /'
line=$(grep -E '^faults: [0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -1)
if [ -n "$line" ]; then
  p=$((p + $(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line"))); f=$((f + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
fi
[ $rc -ne 0 ] && [ -z "$line" ] && { bad "faults.sh (exit $rc)"; echo "$out" | tail -20; }

echo "concurrency: $p passed, $f failed"
[ "$f" -eq 0 ]
