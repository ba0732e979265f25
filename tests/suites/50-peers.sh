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
# start.sh chooses free ports itself (tests/peers/README.md), so an instance
# already running, or anything else listening, is left alone;
# PEERS_PORT_OFFSET picks them instead.
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

# Dovecot and Exim are started as root (they switch to their own users and
# to the owner of the mailboxes); another user needs sudo without a password.
SUDO=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "peers: Dovecot and Exim must be started as root: run as root, or allow sudo without a password"
    echo "peers: 0 passed, 1 failed"
    exit 1
  fi
fi

PEERS=""
# shellcheck disable=SC2317
stop_peers() {
  if [ -n "$PEERS" ]; then
    "${SUDO[@]}" tests/peers/stop.sh "$PEERS" --rm >/dev/null 2>&1 || echo "peers: stop.sh failed for $PEERS" >&2
    PEERS=""
  fi
}
trap stop_peers EXIT
trap 'exit 130' INT TERM

# start_peers starts the servers (start.sh finds free ports).
start_peers() {
  local d out
  d=$(mktemp -d /tmp/mw-e2e.XXXXXX)
  if out=$("${SUDO[@]}" tests/peers/start.sh "$d" 2>"$OUT/start.log"); then
    PEERS=$(tail -n 1 <<<"$out")
    return 0
  fi
  cat "$OUT/start.log"
  rm -rf "$d"
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
