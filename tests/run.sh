#!/usr/bin/env bash
# run.sh: every test of the project, as `make test` runs it (the library is
# built first). Each suite prints its own "N passed, N failed" line or is
# counted as one test by its exit code; the last line sums them all.
#
#   tests/run.sh              every suite
#   tests/run.sh go c         only the named suites
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LOGS=$ROOT/build/test-logs
mkdir -p "$LOGS"
export MW_BUILD=$ROOT/build
# One locale for every suite, whatever the machine's: sort, join, comm and
# grep then order and match bytes the same way everywhere, and the tools
# that print text (Python, Mono, PHP, Wine) still speak UTF-8. glibc has
# C.UTF-8 built in (Debian 12), so it needs no locales package.
if locale -a 2>/dev/null | grep -ixE 'c\.utf-?8' >/dev/null; then export LC_ALL=C.UTF-8; else export LC_ALL=C; fi
unset LANGUAGE

# gdb: tests/watchdog.sh prints every thread's stack of a hung test with it.
tests/need.sh valgrind:valgrind gcc:gcc gdb:gdb

passed=0 failed=0 summary=()

# suite NAME CMD...: runs one suite, logs its output, adds up its counts.
suite() {
  local name=$1; shift
  local log=$LOGS/$name.log start=$SECONDS
  echo "=== $name"
  "$@" >"$log" 2>&1
  local rc=$? p f line
  line=$(grep -E '^([A-Za-z0-9_./-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    p=$(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  elif [ "$rc" -eq 0 ]; then p=1 f=0; else p=0 f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -ne 0 ]; then
    echo "--- $name FAILED (exit $rc); last lines of $log:"
    tail -n 40 "$log"
    grep -q '^watchdog: still running' "$log" &&
      echo "--- $name: a process hung; the watchdog's report (every thread's stack) is in $log"
  fi
  summary+=("$(printf '%-22s %5d passed, %3d failed  (%ds)' "$name" "$p" "$f" $((SECONDS - start)))")
}

want() { [ -z "$SELECTED" ] || [[ " $SELECTED " == *" $1 "* ]]; }
SELECTED="$*"

want lint     && suite lint     tests/suites/lint.sh
want go       && suite go       tests/suites/go.sh
want fuzz     && suite fuzz     tests/suites/fuzz.sh
want c        && suite c        tests/suites/c.sh
want valgrind && suite valgrind tests/suites/valgrind.sh
for s in tests/suites/[0-9]*.sh; do
  [ -e "$s" ] || continue
  n=$(basename "$s" .sh); n=${n#*-}
  want "$n" && suite "$n" "$s"
done

echo
printf '%s\n' "${summary[@]}"
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
