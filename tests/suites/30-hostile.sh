#!/usr/bin/env bash
# The hostile-server suite (tests/hostile): every scripted SMTP and POP3
# case run through the Go clients, then through the C API by driver.c
# against cmd/hostile-server. Prints "hostile: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
B=build/hostile
mkdir -p "$B"
p=0 f=0

# The Go variant: one subtest per case, plus the table and checker tests.
tests/watchdog.sh 900 go test -count=1 -timeout 10m -v ./tests/hostile >"$B/go.log" 2>&1
go_rc=$?
gp=$(grep -E '^\s*--- PASS' "$B/go.log" | grep -cv 'TestCases ')
gf=$(grep -E '^\s*--- FAIL' "$B/go.log" | grep -cv 'TestCases ')
grep -E '^\s*--- FAIL|hostile_test.go' "$B/go.log"
[ $go_rc -ne 0 ] && [ "$gf" -eq 0 ] && gf=1
echo "hostile-go: $gp passed, $gf failed"
p=$((p + gp)); f=$((f + gf))

# The C variant.
if go build -o "$B/hostile-server" ./tests/hostile/cmd/hostile-server &&
  ${CC:-cc} -Wall -Wextra -Werror -O1 -g -Iinclude -o "$B/driver" tests/hostile/driver.c \
    -Lbuild -lmailwire -Wl,-rpath,"$PWD/build"; then
  GODEBUG=cgocheck=1 tests/watchdog.sh 900 "$B/driver" "$B/hostile-server" >"$B/c.log" 2>&1
  c_rc=$?
  grep -vE '^PASS ' "$B/c.log"
  line=$(grep -E '^hostile-c: [0-9]+ passed' "$B/c.log" | tail -1)
  cp=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"${line:-x 0 passed}")
  cf=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"${line:-x 0 failed}")
  [ $c_rc -ne 0 ] && [ "$cf" -eq 0 ] && cf=1
  p=$((p + cp)); f=$((f + cf))
else
  echo "hostile-c: does not build"; f=$((f + 1))
fi

# Cases per category and outcome, both variants.
{ grep -oE -- '--- (PASS|FAIL): TestCases/[a-z0-9]+/[a-z]+' "$B/go.log" | sed -E 's/--- (PASS|FAIL): TestCases\//go \1 /'
  grep -oE '^(PASS|FAIL) [a-z0-9]+/[a-z]+' "$B/c.log" 2>/dev/null | sed 's/^/c /'
} | awk '{n[$1" "$3]++; if ($2=="FAIL") x[$1" "$3]++} END {for (k in n) printf "%-24s %3d run, %3d failed\n", k, n[k], x[k]}' | sort

echo "hostile: $p passed, $f failed"
[ "$f" -eq 0 ]
