#!/usr/bin/env bash
# 50-peers.sh: the end-to-end tests of tests/e2e against real servers.
#
# Starts Dovecot and Exim with tests/peers/start.sh (installing them when
# missing), exports peers.env, compiles every tests/e2e/*_test.c with
# -Wall -Wextra -Werror against include/mailwire.h and build/libmailwire.so,
# runs each under tests/watchdog.sh, and stops the servers on exit, failure
# included.
# E2E_PEERS_DIR=DIR uses an instance already started by start.sh instead.
#
#   tests/suites/50-peers.sh              every test
#   tests/suites/50-peers.sh pop3 exim    only tests/e2e/{pop3,exim}_test.c
#
# PEERS_PORT_OFFSET picks the ports (tests/peers/README.md); when unset, the
# first free offset of 300, 400, ... is used so that a colleague's instance on
# the default ports is left alone.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BUILD=${MW_BUILD:-$ROOT/build}
OUT=$BUILD/e2e
mkdir -p "$OUT"
p=0 f=0

[ -f "$BUILD/libmailwire.so" ] || make -s "$BUILD/libmailwire.so" >&2 || {
  echo "peers: 0 passed, 1 failed (library does not build)"
  exit 1
}

PEERS=""
# shellcheck disable=SC2317
stop_peers() {
  if [ -n "$PEERS" ]; then
    tests/peers/stop.sh "$PEERS" --rm >/dev/null 2>&1 || echo "peers: stop.sh failed for $PEERS" >&2
    PEERS=""
  fi
}
trap stop_peers EXIT
trap 'exit 130' INT TERM

# start_peers starts the servers on the first offset whose ports are free.
start_peers() {
  local offsets=${PEERS_PORT_OFFSET:-300 400 500 600 800 900} o d out
  for o in $offsets; do
    d=$(mktemp -d /tmp/mw-e2e.XXXXXX)
    if out=$(PEERS_PORT_OFFSET=$o tests/peers/start.sh "$d" 2>"$OUT/start.log"); then
      PEERS=$(tail -n 1 <<<"$out")
      return 0
    fi
    cat "$OUT/start.log" >&2
    rmdir "$d" 2>/dev/null || rm -rf "$d"
  done
  return 1
}

start=$SECONDS
if [ -n "${E2E_PEERS_DIR:-}" ]; then
  # An instance that is already running (while developing): used, not stopped.
  trap - EXIT
  PEERS=""
elif ! start_peers; then
  echo "peers: 0 passed, 1 failed (Dovecot and Exim did not start)"
  exit 1
fi
echo "peers started in $((SECONDS - start))s in ${PEERS:-$E2E_PEERS_DIR}"
set -a
# shellcheck source=/dev/null
. "${PEERS:-$E2E_PEERS_DIR}/peers.env"
set +a

SELECTED="$*"

for src in tests/e2e/*_test.c; do
  name=$(basename "$src" _test.c)
  [ -z "$SELECTED" ] || [[ " $SELECTED " == *" $name "* ]] || continue
  if ! ${CC:-cc} -Wall -Wextra -Werror -O1 -g -Iinclude -Itests/c -o "$OUT/$name" "$src" \
    -L"$BUILD" -lmailwire -lpthread -Wl,-rpath,"$BUILD"; then
    f=$((f + 1))
    echo "$name: does not compile"
    continue
  fi
  t=$SECONDS
  out=$(cd "$OUT" && GODEBUG=cgocheck=1 "$ROOT/tests/watchdog.sh" 900 "./$name" 2>&1)
  rc=$?
  if [ $rc -eq 124 ]; then echo "$out"; else echo "$out" | tail -n 60; fi
  line=$(echo "$out" | grep -E '^[a-z0-9]+: [0-9]+ passed, [0-9]+ failed' | tail -1)
  if [ -n "$line" ]; then
    p=$((p + $(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line")))
    f=$((f + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
  fi
  [ $rc -ne 0 ] && { [ -z "$line" ] || grep -q ' 0 failed' <<<"$line"; } && f=$((f + 1)) && echo "$name: exit $rc"
  echo "($name took $((SECONDS - t))s)"
done
stop_peers
echo "peers: $p passed, $f failed"
[ "$f" -eq 0 ]
