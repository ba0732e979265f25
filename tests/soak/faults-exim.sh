#!/usr/bin/env bash
# faults-exim.sh: faults under load against Exim (tests/peers): while
# build/soak/faults sends from 8 threads (STARTTLS, to alice@mta.test, which
# Exim hands to Dovecot LMTP and its Maildir), Exim's daemon is in turn
# restarted (SIGTERM of the daemon, then started again: its sessions go
# on), killed (SIGKILL of the daemon and every session) and stalled
# (SIGSTOP of the daemon and every session for 3 s,
# longer than the clients' 2 s timeout). Afterwards Exim's queue is run to
# the end and the Maildir is compared with the clients' log as in faults.sh.
#
#   tests/soak/faults-exim.sh [SECONDS]     default 30
#
# tests/peers/start.sh picks free ports (or PEERS_PORT_OFFSET's).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
secs=${1:-30}
every=${FAULT_EVERY:-4}
B=build/soak
mkdir -p "$B"
# shellcheck source=tests/soak/lib.sh
. tests/soak/lib.sh
cc -Wall -Wextra -Werror -O1 -g -Iinclude -Itests/c -o "$B/faults" tests/soak/c/faults.c \
  -Lbuild -lmailwire -lpthread -Wl,-rpath,"$PWD/build" || { echo "faults-exim: 0 passed, 1 failed"; exit 1; }

dir=$(tests/peers/start.sh | tail -n 1)
if [ ! -f "$dir/peers.env" ]; then
  bad "the peers do not start"; echo "faults-exim: $p passed, $f failed"; exit 1
fi
# shellcheck disable=SC1091
. "$dir/peers.env"
W=$(mktemp -d /tmp/mw-faults-exim.XXXXXX)
trap 'tests/peers/stop.sh "$dir" --rm >/dev/null 2>&1; rm -rf "$W"' EXIT
conf=$dir/exim/exim.conf
daemon() { head -c 32 "$dir/exim/run/exim.pid" 2>/dev/null | tr -dc 0-9; }
# procs lists this instance's Exim processes: the daemon and its sessions
# (also those orphaned by an earlier restart), by their command line.
procs() {
  local d
  for d in /proc/[0-9]*; do
    tr '\0' ' ' 2>/dev/null <"$d/cmdline" | grep -F -- "-C $conf" >/dev/null && echo "${d#/proc/}"
  done
}
launch() { exim4 -C "$conf" -bd -q30s </dev/null >>"$dir/exim/log/stdio.log" 2>&1; }
# up waits until the SMTP port answers again.
up() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

echo "Exim on port $SMTP_PORT; faults every ${every}s for ${secs}s"
"$B/faults" 127.0.0.1 "$SMTP_PORT" "$secs" "$W/log" alice@mta.test starttls "$PEERS_CA" >"$W/clients" 2>&1 &
clients=$!
faults=(restart kill stall)
n=0 failed_restarts=0
end=$((SECONDS + secs - every))
while [ $SECONDS -lt $end ]; do
  sleep "$every"
  kind=${faults[$((n % 3))]}; n=$((n+1))
  pid=$(daemon)
  [ -n "$pid" ] || { failed_restarts=$((failed_restarts+1)); continue; }
  all=$(procs)
  # shellcheck disable=SC2086 # a list of PIDs
  case $kind in
    restart) kill -TERM "$pid"; sleep 0.3; launch ;;
    kill)    kill -KILL $all 2>/dev/null; sleep 0.3; launch ;;
    stall)   kill -STOP $all 2>/dev/null; sleep 3; kill -CONT $all 2>/dev/null ;;
  esac
  up || failed_restarts=$((failed_restarts+1))
  echo "$(date +%T) $kind"
done
wait "$clients"; rc=$?
cat "$W/clients"
if [ "$rc" -eq 0 ]; then ok "client checks (defined codes, calls within 10 s, reconnect after the faults)"
else bad "client checks (exit $rc)"; fi
if [ "$failed_restarts" -eq 0 ]; then ok "$n faults, Exim answered again each time"
else bad "$failed_restarts restarts failed"; fi

# Deliver what Exim queued, then wait for its queue to empty.
exim4 -C "$conf" -qff >/dev/null 2>&1
for _ in $(seq 1 120); do
  [ "$(exim4 -C "$conf" -bpc 2>/dev/null)" = 0 ] && break
  sleep 0.5
done
left=$(exim4 -C "$conf" -bpc 2>/dev/null)
if [ "$left" = 0 ]; then ok "Exim's queue is empty"; else bad "$left messages left in Exim's queue"; fi
verify "$W/log" "$PEERS_MAILDIR_ALICE"
echo "faults-exim: $p passed, $f failed"
[ "$f" -eq 0 ]
