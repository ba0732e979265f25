#!/usr/bin/env bash
# Every Go test of the module; counts top-level tests and subtests. go test
# has its own -timeout (a hang prints every goroutine); the watchdog above it
# catches a hang of the go command itself.
set -uo pipefail
cd "$(dirname "$0")/../.."
# CPython's email test messages, which core/mime's TestPythonEmail reads
# with Mailwire and with Python's email package and compares.
tests/need.sh /usr/lib/python3.11/test/test_email/data/msg_01.txt:libpython3.11-testsuite
export MW_PYEMAIL_DATA=/usr/lib/python3.11/test/test_email/data
out=$(mktemp)
# tests/ packages run in their own suites.
tests/watchdog.sh 1200 go test -count=1 -timeout 15m -v . ./core/... ./tools/... >"$out" 2>&1
rc=$?
grep -E '^(ok|FAIL|---)|panic:' "$out" | grep -v -- '--- PASS' | head -200
p=$(grep -cE -- '--- PASS' "$out")
f=$(grep -cE -- '--- FAIL' "$out")
[ $rc -ne 0 ] && [ "$f" -eq 0 ] && { f=1; tail -50 "$out"; }
rm -f "$out"
echo "go: $p passed, $f failed"
[ "$f" -eq 0 ]
