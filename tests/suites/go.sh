#!/usr/bin/env bash
# Every Go test of the module; counts top-level tests and subtests.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp)
go test -count=1 -v ./... >"$out" 2>&1
rc=$?
grep -E '^(ok|FAIL|---)|panic:' "$out" | grep -v -- '--- PASS' | head -200
p=$(grep -cE -- '--- PASS' "$out")
f=$(grep -cE -- '--- FAIL' "$out")
[ $rc -ne 0 ] && [ "$f" -eq 0 ] && { f=1; tail -50 "$out"; }
rm -f "$out"
echo "go test: $p passed, $f failed"
