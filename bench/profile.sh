#!/usr/bin/env bash
# bench/profile.sh WORKLOAD: a perf profile of the Mailwire C driver in one
# workload, against an unstripped build of the library, printing the
# hottest symbols.  Run bench/run.sh once first (it builds bench/bin and
# the inputs).
#
#   bench/profile.sh send|send5|pool|chunking|attach|parse|abi|pop3
#
# pop3 needs POP3_PORT (a maildrop of alice/secret, e.g. tests/peers).
set -euo pipefail
B=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$B/.." && pwd)
BIN=$B/bin
OUT=$B/out
TMP=$(mktemp -d /tmp/mw-prof.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

command -v perf >/dev/null || { echo "profile: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
mkdir -p "$OUT/prof"
(cd "$ROOT" && CGO_ENABLED=1 go build -buildmode=c-shared -o "$OUT/prof/libmailwire.so" .)
export LD_LIBRARY_PATH=$OUT/prof

# start_sink [-chunking]: starts the Go sink and sets PORT (not in a
# subshell, so that cleanup knows its pid).
start_sink() {
	"$BIN/sink" "$@" >"$TMP/sink.out" 2>/dev/null &
	PIDS+=($!)
	for _ in $(seq 100); do
		grep -q '^PORT' "$TMP/sink.out" 2>/dev/null && break
		sleep 0.05
	done
	PORT=$(awk '/^PORT/{ print $2 }' "$TMP/sink.out")
}

M=$OUT/msg2k.eml
case ${1:-} in
send | send5 | pool | attach) start_sink ;;
chunking) start_sink -chunking ;;
esac
case ${1:-} in
send) cmd=(send 127.0.0.1 "$PORT" "$M" 10000 1 auto auto) ;;
send5) cmd=(send 127.0.0.1 "$PORT" "$M" 10000 5 auto auto) ;;
chunking) cmd=(send 127.0.0.1 "$PORT" "$M" 10000 1 auto auto) ;;
pool) cmd=(pool 127.0.0.1 "$PORT" "$M" 20000 8) ;;
attach) cmd=(attach 127.0.0.1 "$PORT" "$OUT/blob-100000000.bin") ;;
parse) cmd=(parse "$OUT/corpus-2000") ;;
abi) cmd=(abi 20000000) ;;
pop3) cmd=(pop3 127.0.0.1 "${POP3_PORT:?}" alice secret) ;;
*) echo "usage: bench/profile.sh send|send5|chunking|pool|attach|parse|abi|pop3" >&2; exit 2 ;;
esac

perf record -q -F 1999 -g -o "$TMP/perf.data" "$BIN/mw_bench" "${cmd[@]}"
echo "--- self"
perf report -i "$TMP/perf.data" --no-children --sort symbol --stdio -g none --percent-limit 0.7 2>/dev/null |
	grep -E '^ +[0-9]'
echo "--- inclusive (children)"
perf report -i "$TMP/perf.data" --children --sort symbol --stdio -g none --percent-limit 4 2>/dev/null |
	grep -E '^ +[0-9]'
