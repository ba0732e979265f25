#!/usr/bin/env bash
# fuzz-long.sh: the long fuzz run. Every fuzz target of core/ gets an equal
# share of FUZZ_TOTAL seconds (default 3600), one worker each (GOMAXPROCS=1,
# -parallel 1) so the machine stays usable. Writes a report (executions, new
# interesting inputs, failures per target) to build/fuzz-report.txt (or
# FUZZ_REPORT). Crashers that go test writes into testdata/fuzz are left in
# place for review and commit as regression seeds.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
total=${FUZZ_TOTAL:-3600}
report=${FUZZ_REPORT:-build/fuzz-report.txt}
logs=build/fuzz-logs
mkdir -p "$logs" "$(dirname "$report")"

targets=()
for pkg in $(go list ./core/...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for t in $(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)' "$dir"/*_test.go 2>/dev/null | awk '{print $2}' | sort -u); do
    targets+=("$pkg $t")
  done
done
n=${#targets[@]}
[ "$n" -gt 0 ] || { echo "no fuzz targets"; exit 1; }
each=$((total / n)); [ "$each" -ge 5 ] || each=5

{
  echo "# Fuzz report: $n targets, ${each}s each (FUZZ_TOTAL=${total}s), GOMAXPROCS=1, -parallel 1"
  echo "# started $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(go version | awk '{print $3}'), $(nproc) CPUs"
  printf '%-16s %-22s %12s %10s %8s %s\n' package target execs new_inputs seconds result
} >"$report"

failed=0
for entry in "${targets[@]}"; do
  read -r pkg t <<<"$entry"
  short=${pkg#mailwire/}
  log="$logs/${short//\//_}_$t.log"
  start=$SECONDS
  GOMAXPROCS=1 go test -run '^$' -fuzz "^${t}\$" -fuzztime "${each}s" -parallel 1 "$pkg" >"$log" 2>&1
  rc=$?
  # The last progress line holds the totals: "execs: N (.../sec), new interesting: M (total: T)".
  execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  newi=$(grep -oE 'new interesting: [0-9]+' "$log" | tail -1 | awk '{print $3}')
  if [ "$rc" -eq 0 ]; then result=ok; else result="FAIL (see $log)"; failed=$((failed+1)); fi
  printf '%-16s %-22s %12s %10s %8s %s\n' "$short" "$t" "${execs:-0}" "${newi:-0}" $((SECONDS-start)) "$result" >>"$report"
  if [ "$rc" -ne 0 ]; then
    grep -E 'Failing input written to|--- FAIL|panic:' "$log" | head -5 | sed 's/^/#   /' >>"$report"
  fi
done
echo "# finished $(date -u +%Y-%m-%dT%H:%M:%SZ): $((n-failed)) targets ok, $failed failed" >>"$report"
cat "$report"
[ "$failed" -eq 0 ]
