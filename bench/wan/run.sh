#!/usr/bin/env bash
# bench/wan/run.sh: SMTP throughput at a simulated round-trip time, against
# wan's delay-line sink: floors, Go net/smtp and Mailwire through the C API
# (bench/mw_bench.c; bench/wan/c/many.c for send_many with 1,000 messages a
# call). Medians of ROUNDS rounds (default 3).
#
#   bench/wan/run.sh [LIB_DIR...]   each LIB_DIR holds a libmailwire.so to
#                                   measure (default: build); the figures of
#                                   several libraries alternate in each round
#   RTTS="1ms 20ms" ONLY="batch_chunking pool8_chunking" bench/wan/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=$ROOT/build/wan
ROUNDS=${ROUNDS:-3}
RTTS=${RTTS:-1ms 20ms}
ONLY=${ONLY:-}
LIBS=("$@")
[ ${#LIBS[@]} -gt 0 ] || LIBS=(build)
mkdir -p "$BIN"
go build -o "$BIN/" ./bench/wan ./bench/gopeer ./bench/gen
gcc -O2 -Wall -Iinclude -o "$BIN/mw_bench" bench/mw_bench.c bench/plain.c -L"$ROOT/build" -lmailwire -lpthread
gcc -O2 -Wall -Iinclude -o "$BIN/many" bench/wan/c/many.c -L"$ROOT/build" -lmailwire
MSG=$BIN/msg2k.eml
[ -s "$MSG" ] || "$BIN/gen" msg "$MSG"

PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
start_sink() { # start_sink VAR RTT [-chunking]: starts a sink, its port in VAR
	local var=$1 f=$BIN/sink.$$.$RANDOM
	shift
	"$BIN/wan" sink -rtt "$@" >"$f" &
	PIDS+=($!)
	for _ in $(seq 100); do grep -q PORT "$f" && break; sleep 0.05; done
	printf -v "$var" '%s' "$(sed -n 's/PORT //p' "$f")"
	rm -f "$f"
}

# n RTT FAST SLOW: the message count for a workload (FAST at 1 ms, SLOW above).
n() { [ "$1" = 1ms ] && echo "$2" || echo "$3"; }

run() { # run NAME LIB CMD...: one figure
	local name=$1 lib=$2; shift 2
	[ -z "$ONLY" ] || [[ " $ONLY " == *" ${name} "* ]] || return 0
	local r
	r=$(LD_LIBRARY_PATH=$ROOT/$lib:$ROOT/build "$@" 2>/dev/null | sed -n 's/^RESULT \([0-9.]*\).*/\1/p' || true)
	echo "$RTT $name $lib ${r:-FAIL}" >>"$RAW"
}

RAW=$BIN/raw.$$
: >"$RAW"
for RTT in $RTTS; do
	start_sink P "$RTT"
	start_sink C "$RTT" -chunking
	for round in $(seq "$ROUNDS"); do
		run floor_bdat - "$BIN/wan" bdat 127.0.0.1:$C "$MSG" "$(n $RTT 20000 20000)"
		run floor_onert - "$BIN/wan" onert 127.0.0.1:$P "$MSG" "$(n $RTT 600 60)" 1
		run floor_onert8 - "$BIN/wan" onert 127.0.0.1:$P "$MSG" "$(n $RTT 4000 400)" 8
		run netsmtp - "$BIN/gopeer" send 127.0.0.1:$P "$MSG" "$(n $RTT 200 16)" 1 1
		run netsmtp8 - "$BIN/gopeer" send 127.0.0.1:$P "$MSG" "$(n $RTT 1600 160)" 1 8
		for lib in "${LIBS[@]}"; do
			run send_data "$lib" "$BIN/mw_bench" send 127.0.0.1 $P "$MSG" "$(n $RTT 400 40)" 1 auto never
			run send_chunking "$lib" "$BIN/mw_bench" send 127.0.0.1 $C "$MSG" "$(n $RTT 600 60)" 1 auto auto
			run batch_data "$lib" "$BIN/mw_bench" batch 127.0.0.1 $P "$MSG" "$(n $RTT 600 100)" 1 auto never
			run batch_chunking "$lib" "$BIN/mw_bench" batch 127.0.0.1 $C "$MSG" "$(n $RTT 10000 10000)" 1 auto auto
			run many1000_chunking "$lib" "$BIN/many" 127.0.0.1 $C "$MSG" "$(n $RTT 20000 20000)" 1000 auto
			run pool8_data "$lib" "$BIN/mw_bench" pool 127.0.0.1 $P "$MSG" "$(n $RTT 3200 320)" 8
			run pool8_chunking "$lib" "$BIN/mw_bench" pool 127.0.0.1 $C "$MSG" "$(n $RTT 4000 400)" 8
		done
	done
	kill "${PIDS[@]}" 2>/dev/null || true
	PIDS=()
done
# medians
awk '{k=$1" "$2" "$3; v[k]=v[k]" "$4} END {for (k in v) print k, v[k]}' "$RAW" | sort | while read -r rtt name lib vals; do
	med=$(tr ' ' '\n' <<<"$vals" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
	printf '%-5s %-15s %-14s %10.1f   (%s)\n' "$rtt" "$name" "$lib" "$med" "$(echo $vals)"
done
rm -f "$RAW"
