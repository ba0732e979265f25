#!/usr/bin/env bash
# faults.sh: faults under load against the embedded server in a child
# process (build/mailwire-server, Maildir store). While build/soak/faults
# sends from 8 threads, the server is in turn restarted (SIGTERM), killed
# (SIGKILL) and stalled (SIGSTOP for 3 s, longer than the clients' 2 s
# timeout, then SIGCONT), once every FAULT_EVERY seconds (default 3).
# Then: every message the server accepted is in the store (nothing lost),
# no Message-ID is stored twice (nothing delivered twice), and the clients'
# checks hold (defined codes, bounded calls, a reconnect works).
#
#   tests/soak/faults.sh [SECONDS]     default 30
#
# Prints "faults: N passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
secs=${1:-30}
every=${FAULT_EVERY:-3}
B=build/soak
mkdir -p "$B"
cc -Wall -Wextra -Werror -O1 -g -Iinclude -Itests/c -o "$B/faults" tests/soak/c/faults.c \
  -Lbuild -lmailwire -lpthread -Wl,-rpath,"$PWD/build" || { echo "faults: 0 passed, 1 failed"; exit 1; }
[ -x build/mailwire-server ] || { echo "build/mailwire-server missing (make build/mailwire-server)"; echo "faults: 0 passed, 1 failed"; exit 1; }

D=$(mktemp -d /tmp/mw-faults.XXXXXX)
mkfifo "$D/in"
exec 3<>"$D/in" # held open: the server stops at the end of its input
srv=
# shellcheck source=tests/soak/lib.sh
. tests/soak/lib.sh

# start runs the server on port $1 (0: any) and waits for MW_READY.
start() {
  : >"$D/out"
  build/mailwire-server store="$D/store" smtp_port="$1" submission_port=-1 smtps_port=-1 \
    lmtp_port=-1 pop3_port=-1 pop3s_port=-1 max_sessions=64 <&3 >"$D/out" 2>>"$D/err" &
  srv=$!
  for _ in $(seq 1 100); do
    grep -q MW_READY=1 "$D/out" && return 0
    kill -0 "$srv" 2>/dev/null || break
    sleep 0.05
  done
  return 1
}

cleanup() {
  [ -n "$srv" ] && { kill -CONT "$srv"; kill "$srv"; wait "$srv"; } 2>/dev/null
  exec 3>&-
  rm -rf "$D"
}
trap cleanup EXIT

start 0 || { bad "the server does not start: $(cat "$D/err")"; echo "faults: $p passed, $f failed"; exit 1; }
port=$(sed -n 's/^MW_SMTP_PORT=//p' "$D/out")
echo "server on port $port, store $D/store; faults every ${every}s for ${secs}s"

# The clients run under the watchdog; the server does not, since it is
# signalled by its pid.
tests/watchdog.sh $((secs + 300)) "$B/faults" 127.0.0.1 "$port" "$secs" "$D/log" faults@soak.test none >"$D/clients" 2>&1 &
clients=$!

faults=(restart kill stall)
n=0 failed_restarts=0
end=$((SECONDS + secs - every))
while [ $SECONDS -lt $end ]; do
  sleep "$every"
  kind=${faults[$((n % 3))]}; n=$((n+1))
  case $kind in
    restart) kill -TERM "$srv"; wait "$srv" 2>/dev/null ;;
    kill)    kill -KILL "$srv"; wait "$srv" 2>/dev/null ;;
    stall)   kill -STOP "$srv"; sleep 3; kill -CONT "$srv" ;;
  esac
  if [ "$kind" != stall ]; then
    # The old sessions may hold the port for a moment: retry.
    for _ in 1 2 3 4 5; do start "$port" && break; sleep 0.5; done || failed_restarts=$((failed_restarts+1))
  fi
  echo "$(date +%T) $kind"
done
wait "$clients"; rc=$?
cat "$D/clients"
if [ "$rc" -eq 0 ]; then ok "client checks (defined codes, calls within 10 s, reconnect after the faults)"
else bad "client checks (exit $rc)"; fi
if [ "$failed_restarts" -eq 0 ]; then ok "$n faults, the server restarted each time"
else bad "$failed_restarts restarts failed"; fi

kill -TERM "$srv"; wait "$srv" 2>/dev/null; srv=

verify "$D/log" "$D/store"
echo "faults: $p passed, $f failed"
[ "$f" -eq 0 ]
