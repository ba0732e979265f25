#!/usr/bin/env bash
# bench/run.sh: Mailwire against its peers and the machine's floors, on
# loopback, every workload in its own process, implementations alternating
# within each round.  See bench/README.md.
#
#   bench/run.sh            ROUNDS rounds (default 7) at full size
#   bench/run.sh quick      smaller sizes (ROUNDS=3 bench/run.sh quick: fastest)
#   ONLY="smtp_1rcpt pop3_fetch" bench/run.sh    only these workloads
#   PIN=1 bench/run.sh      sinks on the last processor, clients on the first
#   ONLY="wan_1ms wan_20ms" bench/run.sh    the simulated round-trip workloads
#   PREV=DIR bench/run.sh   also every Mailwire row with DIR/libmailwire.so
#                           (an earlier build), as "ROW_prev", in the same run
set -euo pipefail

B=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$B/.." && pwd)
BIN=$B/bin
OUT=$B/out
ROUNDS=${ROUNDS:-7}
MODE=${1:-full}
ONLY=${ONLY:-}
PREV=${PREV:-}
PY=/usr/bin/python3
TMP=$(mktemp -d /tmp/mw-bench.XXXXXX)
RAW=$OUT/raw.tsv
NODE_DIR=${MW_BENCH_NODE:-${XDG_CACHE_HOME:-$HOME/.cache}/mailwire-bench}
export NODE_PATH=$NODE_DIR/node_modules

if [ "$MODE" = quick ]; then
	N=300 N_RAW=3000 N_CURL=50 N_POOL=2000 ATTACH=20000000 POP_N=200
	CORPUS_N=200 CORPUS_BYTES=16500000
else
	N=1000 N_RAW=10000 N_CURL=200 N_POOL=10000 ATTACH=100000000 POP_N=1000
	CORPUS_N=2000 CORPUS_BYTES=165000000
fi
ATTACH_ROUNDS=$((ROUNDS < 3 ? ROUNDS : 3))
# The round-trip workloads keep to 5 rounds: each takes minutes at 20 ms.
WAN_ROUNDS=$((ROUNDS < 5 ? ROUNDS : 5))

# With PIN=1 (and two processors or more) the sinks run on the last
# processor and the measured clients on the first: round trips then always
# cross processors, instead of crossing or not as the scheduler places them.
# The 8-connection workload stays unpinned: its clients would share one
# processor, which measures that and not the round trips.
SINK_PIN=() CLIENT_PIN=
if [ "${PIN:-0}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
	SINK_PIN=(taskset -c "$(($(nproc) - 1))")
	CLIENT_PIN="taskset -c 0 "
fi

log() { echo "bench: $*" >&2; }

# ---------------------------------------------------------------- install

APT_UPDATED=
need() { # need COMMAND PACKAGE: install PACKAGE from Debian when COMMAND is missing
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ -z "$APT_UPDATED" ]; then
		apt-get update -qq
		APT_UPDATED=1
	fi
	log "installing $2"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}

install() {
	need "$PY" python3
	need curl curl
	need node nodejs
	need npm npm
	need gcc gcc
	need make make
	need /usr/bin/time time
	need go golang-go
	# Nodemailer goes into a cache outside the source tree (npm ci of the
	# committed lock file), found through NODE_PATH.
	if [ ! -d "$NODE_DIR/node_modules/nodemailer" ] || ! cmp -s "$B/package-lock.json" "$NODE_DIR/package-lock.json"; then
		log "npm ci (nodemailer) in $NODE_DIR"
		mkdir -p "$NODE_DIR"
		cp "$B/package.json" "$B/package-lock.json" "$NODE_DIR/"
		(cd "$NODE_DIR" && npm ci --no-audit --no-fund --silent)
	fi
}

# ------------------------------------------------------------------ build

MW=1
build() {
	mkdir -p "$BIN" "$OUT"
	log "building the library"
	make -C "$ROOT" >"$TMP/make.log" 2>&1 || log "make failed (see below); using build/libmailwire.so if present:
$(tail -5 "$TMP/make.log")"
	(cd "$ROOT" && go build -o "$BIN/" ./bench/sink ./bench/floor ./bench/gopeer ./bench/gen ./bench/report ./bench/delay)
	gcc -O2 -Wall -Wextra -fPIC -shared -o "$BIN/libplain.so" "$B/plain.c"
	gcc -O2 -Wall -Wextra -o "$BIN/dl_bench" "$B/dl_bench.c" -ldl
	if ! gcc -O2 -Wall -Wextra -I"$ROOT/include" -o "$BIN/mw_bench" "$B/mw_bench.c" \
		-L"$ROOT/build" -L"$BIN" -lmailwire -lplain -lpthread \
		-Wl,-rpath,"$ROOT/build" -Wl,-rpath,"$BIN" 2>"$TMP/cc.log"; then
		log "the C driver does not link yet; Mailwire is left out:
$(grep -o "undefined reference to \`[a-z_0-9]*'" "$TMP/cc.log" | sort -u | head)"
		MW=0
	fi
	if [ -n "$PREV" ]; then
		PREV=$(cd "$PREV" && pwd)
		[ -f "$PREV/libmailwire.so" ] || { log "PREV=$PREV has no libmailwire.so"; exit 1; }
		gcc -O2 -Wall -Wextra -I"$ROOT/include" -o "$BIN/mw_bench_prev" "$B/mw_bench.c" \
			-L"$PREV" -L"$BIN" -lmailwire -lplain -lpthread \
			-Wl,-rpath,"$PREV" -Wl,-rpath,"$BIN"
		log "rows ending in _prev use $PREV/libmailwire.so"
	fi
}

# ----------------------------------------------------------------- inputs

inputs() {
	[ -s "$OUT/msg2k.eml" ] || "$BIN/gen" msg "$OUT/msg2k.eml"
	BLOB=$OUT/blob-$ATTACH.bin
	[ -s "$BLOB" ] || { log "writing the $ATTACH-byte attachment"; "$BIN/gen" blob "$ATTACH" "$BLOB"; }
	EML=$OUT/attach-$ATTACH.eml
	[ -s "$EML" ] || "$BIN/gen" attachmsg "$BLOB" "$EML"
	CORPUS=$OUT/corpus-$CORPUS_N
	if [ ! -f "$CORPUS/.done" ]; then
		log "writing the MIME corpus ($CORPUS_N messages)"
		rm -rf "$CORPUS"
		"$BIN/gen" corpus "$CORPUS_N" "$CORPUS_BYTES" "$CORPUS"
		touch "$CORPUS/.done"
	fi
}

# --------------------------------------------------------- sinks and peers

PIDS=()
PEERS_DIR=
SRV_FD=
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	if [ -n "$SRV_FD" ]; then exec 9>&-; fi
	if [ -n "$IMAP" ]; then exec 8>&-; fi
	if [ -n "$PEERS_DIR" ]; then "$ROOT/tests/peers/stop.sh" "$PEERS_DIR" --rm >/dev/null 2>&1 || true; fi
	wait 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

# port_of FILE: waits for "PORT n" in FILE and prints n.
port_of() {
	for _ in $(seq 100); do
		if grep -q '^PORT ' "$1" 2>/dev/null; then
			awk '/^PORT /{ print $2; exit }' "$1"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

sinks() {
	"${SINK_PIN[@]}" "$BIN/sink" >"$TMP/sink.out" 2>"$TMP/sink.err" &
	PIDS+=($!)
	"${SINK_PIN[@]}" "$BIN/sink" -chunking >"$TMP/sinkc.out" 2>"$TMP/sinkc.err" &
	PIDS+=($!)
	SINK=$(port_of "$TMP/sink.out")
	SINKC=$(port_of "$TMP/sinkc.out")
	EMB=
	if [ "$MW" = 1 ]; then
		mkfifo "$TMP/srv.in"
		"${SINK_PIN[@]}" "$BIN/mw_bench" serve <"$TMP/srv.in" >"$TMP/srv.out" 2>"$TMP/srv.err" &
		PIDS+=($!)
		exec 9>"$TMP/srv.in"
		SRV_FD=1
		EMB=$(port_of "$TMP/srv.out") || { log "embedded server: $(cat "$TMP/srv.err")"; EMB=; }
	fi
	log "sink :$SINK, chunking sink :$SINKC, embedded server :${EMB:-none}"
	local rtt
	for rtt in $WAN_RTTS; do
		if wanted "wan_$rtt"; then wan_sinks "$rtt"; fi
	done
}

# wanted WORKLOAD: whether this run measures WORKLOAD.
wanted() {
	[ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]
}

# start NAME COMMAND...: starts a sink or proxy; its port goes into PORT.
start() {
	local name=$1
	shift
	"${SINK_PIN[@]}" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	PIDS+=($!)
	PORT=$(port_of "$TMP/$name.out") || { log "$name does not start: $(cat "$TMP/$name.err")"; return 1; }
}

# wan_sinks RTT starts what the round-trip workloads at RTT talk to: the Go
# sinks delaying their own replies (-rtt), and the delay line (bench/delay)
# in front of the embedded server and of an undelayed Go sink.
declare -A WSINK WSINKC WEMB WPROXY
wan_sinks() {
	local rtt=$1
	start "sink-$rtt" "$BIN/sink" -rtt "$rtt"
	WSINK[$rtt]=$PORT
	start "sinkc-$rtt" "$BIN/sink" -chunking -rtt "$rtt"
	WSINKC[$rtt]=$PORT
	start "proxy-$rtt" "$BIN/delay" -rtt "$rtt" -to "$H:$SINK"
	WPROXY[$rtt]=$PORT
	WEMB[$rtt]=
	if [ -n "$EMB" ]; then
		start "emb-$rtt" "$BIN/delay" -rtt "$rtt" -to "$H:$EMB"
		WEMB[$rtt]=$PORT
	fi
	log "at $rtt: sink :${WSINK[$rtt]}, chunking sink :${WSINKC[$rtt]}, delay line to the sink :${WPROXY[$rtt]}, to the embedded server :${WEMB[$rtt]:-none}"
}

# dovecot starts Dovecot (tests/peers, which picks free ports) and fills
# alice's maildrop over LMTP once; the messages are kept as a snapshot that
# pop3_restore copies back before each POP3 run.
POP= DIMAP= DPASS=
declare -A DPROXY
dovecot() {
	local dir
	dir=$(mktemp -d /tmp/mw-bench-peers.XXXXXX)
	if PEERS_ALT_ADDR='' "$ROOT/tests/peers/start.sh" "$dir" >"$TMP/peers.out" 2>&1; then
		PEERS_DIR=$dir
	else
		rm -rf "$dir"
	fi
	if [ -z "$PEERS_DIR" ]; then
		log "Dovecot does not start; POP3 is left out: $(tail -3 "$TMP/peers.out")"
		return 0
	fi
	# shellcheck disable=SC1091
	. "$PEERS_DIR/peers.env"
	POP=$POP3_PORT
	MAILDIR=$PEERS_MAILDIR_ALICE
	log "Dovecot POP3 :$POP; delivering $POP_N messages of 50 KB over LMTP"
	"$BIN/gen" lmtp "127.0.0.1:$LMTP_PORT" alice "$POP_N" 51200
	mkdir -p "$TMP/popsnap"
	cp -p "$MAILDIR"/new/* "$MAILDIR"/cur/* "$TMP/popsnap/" 2>/dev/null || true
	rm -f "$MAILDIR"/new/* "$MAILDIR"/cur/*
	# IMAP reads bob's INBOX, which BODY.PEEK[] leaves as it is: filled
	# once, and read once before any run so that Dovecot's index is built.
	DIMAP=$IMAP_PORT DPASS=$PEERS_PASSWORD
	log "Dovecot IMAP :$DIMAP; delivering $POP_N messages of 50 KB to bob over LMTP"
	"$BIN/gen" lmtp "127.0.0.1:$LMTP_PORT" bob "$POP_N" 51200
	"$PY" "$B/peers/py_bench.py" imap 127.0.0.1 "$DIMAP" bob "$DPASS" range >/dev/null ||
		{ log "Dovecot IMAP does not answer; its workloads are left out"; DIMAP=; }
	local rtt
	for rtt in $WAN_RTTS; do
		DPROXY[$rtt]=
		if [ -n "$DIMAP" ] && wanted "imap_$rtt"; then
			start "dimap-$rtt" "$BIN/delay" -rtt "$rtt" -to "127.0.0.1:$DIMAP" && DPROXY[$rtt]=$PORT
		fi
	done
}

# imap_server starts a second embedded server (mw_bench imapserve: IMAP and
# LMTP, in memory) and fills alice's INBOX over LMTP once; BODY.PEEK[]
# leaves it as it is, so every run fetches the same messages.
IMAP=
imap_server() {
	[ "$MW" = 1 ] || return 0
	mkfifo "$TMP/imapsrv.in"
	"${SINK_PIN[@]}" "$BIN/mw_bench" imapserve <"$TMP/imapsrv.in" >"$TMP/imapsrv.out" 2>"$TMP/imapsrv.err" &
	PIDS+=($!)
	exec 8>"$TMP/imapsrv.in"
	IMAP=$(port_of "$TMP/imapsrv.out") || { log "IMAP server: $(cat "$TMP/imapsrv.err")"; IMAP=; return 0; }
	local lmtp
	lmtp=$(awk '/^LMTP /{ print $2; exit }' "$TMP/imapsrv.out")
	log "embedded IMAP :$IMAP; delivering $POP_N messages of 50 KB over LMTP"
	"$BIN/gen" lmtp "127.0.0.1:$lmtp" alice@bench.test "$POP_N" 51200
}

RESTORES=0
pop3_restore() {
	RESTORES=$((RESTORES + 1))
	"$BIN/gen" refill "$TMP/popsnap" "$MAILDIR" "r$RESTORES."
}

# ------------------------------------------------------------- measuring

# job IMPL KIND COMMAND...: queues one implementation of the workload.
JOBS=()
job() {
	local impl=$1 kind=$2
	shift 2
	if [ "$kind" = mailwire ] && [ "$MW" != 1 ]; then return 0; fi
	JOBS+=("$impl $kind $(printf '%q ' "$@")")
	if [ "$kind" = mailwire ] && [ -n "$PREV" ] && [ "$1" = "$BIN/mw_bench" ] && [ "$2" != serve ]; then
		shift
		JOBS+=("${impl}_prev previous $(printf '%q ' "$BIN/mw_bench_prev" "$@")")
	fi
}

declare -A FAILED
# measure WORKLOAD ROUND IMPL KIND COMMAND: runs one process under
# /usr/bin/time and appends its figure and peak RSS to RAW.
measure() {
	local wl=$1 round=$2 impl=$3 kind=$4 cmd=$5 value unit rss
	local pin=$CLIENT_PIN
	[ "$wl" = smtp_8conn ] && pin=
	[[ $impl == *_x8 ]] && pin=
	if eval "/usr/bin/time -f %M -o $TMP/rss timeout 600 $pin$cmd" >"$TMP/out" 2>"$TMP/err" &&
		read -r _ value unit < <(grep -m1 '^RESULT' "$TMP/out"); then
		rss=$(tail -1 "$TMP/rss")
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" "$impl" "$kind" "$round" "$value" "$unit" "$rss" >>"$RAW"
		if read -r _ value unit < <(grep -m1 '^FLOOR' "$TMP/out"); then
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" floor_c_plain_so floor "$round" "$value" "$unit" 0 >>"$RAW"
		fi
	elif [ -z "${FAILED[$wl/$impl]:-}" ]; then
		FAILED[$wl/$impl]=1
		log "$wl/$impl failed: $(tail -3 "$TMP/err" "$TMP/out" | tr '\n' ' ' | cut -c1-400)"
	fi
}

# run WORKLOAD ROUND: runs the queued jobs, in reverse order on even
# rounds so that no implementation always runs first.
PRE=:
run() {
	local wl=$1 round=$2 i n=${#JOBS[@]} impl kind cmd
	for ((k = 0; k < n; k++)); do
		i=$k
		if ((round % 2 == 0)); then i=$((n - 1 - k)); fi
		read -r impl kind cmd <<<"${JOBS[$i]}"
		$PRE
		measure "$wl" "$round" "$impl" "$kind" "$cmd"
	done
}

# ------------------------------------------------------------- workloads

M=$OUT/msg2k.eml
H=127.0.0.1

w_smtp_1rcpt() {
	job mailwire mailwire "$BIN/mw_bench" send $H "$SINK" "$M" "$N" 1 auto auto
	job mailwire_batch mailwire "$BIN/mw_bench" batch $H "$SINK" "$M" "$N" 1 auto auto
	job floor_raw_replay floor "$BIN/floor" replay "$H:$SINK" "$M" "$N_RAW" 1 1
	job floor_one_rt floor "$BIN/floor" onert "$H:$SINK" "$M" "$N" 1
	job floor_bdat floor "$BIN/floor" bdat "$H:$SINKC" "$M" "$N_RAW" 1
	job go_netsmtp peer "$BIN/gopeer" send "$H:$SINK" "$M" "$N" 1 1
	job python_smtplib peer "$PY" "$B/peers/py_bench.py" send $H "$SINK" "$M" "$N" 1
	job nodemailer_pool1 peer node "$B/peers/node_bench.js" send $H "$SINK" "$M" "$N" 1 1
	job curl_per_process peer "$B/peers/curl_bench.sh" send $H "$SINK" "$M" "$N_CURL" 1
}

w_smtp_5rcpt() {
	job mailwire mailwire "$BIN/mw_bench" send $H "$SINK" "$M" "$N" 5 auto auto
	job mailwire_batch mailwire "$BIN/mw_bench" batch $H "$SINK" "$M" "$N" 5 auto auto
	job mailwire_no_pipelining mailwire "$BIN/mw_bench" send $H "$SINK" "$M" "$N" 5 never auto
	job floor_raw_replay floor "$BIN/floor" replay "$H:$SINK" "$M" "$N_RAW" 5 1
	job floor_one_rt floor "$BIN/floor" onert "$H:$SINK" "$M" "$N" 5
	job go_netsmtp peer "$BIN/gopeer" send "$H:$SINK" "$M" "$N" 5 1
	job python_smtplib peer "$PY" "$B/peers/py_bench.py" send $H "$SINK" "$M" "$N" 5
	job nodemailer_pool1 peer node "$B/peers/node_bench.js" send $H "$SINK" "$M" "$N" 5 1
	job curl_per_process peer "$B/peers/curl_bench.sh" send $H "$SINK" "$M" "$N_CURL" 5
}

w_smtp_chunking() {
	[ -n "$EMB" ] || return 0
	job mailwire mailwire "$BIN/mw_bench" send $H "$EMB" "$M" "$N" 1 auto auto
	job mailwire_batch mailwire "$BIN/mw_bench" batch $H "$EMB" "$M" "$N" 1 auto auto
	job mailwire_data mailwire "$BIN/mw_bench" send $H "$EMB" "$M" "$N" 1 auto never
	job floor_bdat floor "$BIN/floor" bdat "$H:$EMB" "$M" "$N" 1
	job floor_one_rt floor "$BIN/floor" onert "$H:$EMB" "$M" "$N" 1
	job mailwire_vs_go_sink mailwire "$BIN/mw_bench" send $H "$SINKC" "$M" "$N" 1 auto auto
	job floor_bdat_go_sink floor "$BIN/floor" bdat "$H:$SINKC" "$M" "$N" 1
}

w_smtp_8conn() {
	job mailwire mailwire "$BIN/mw_bench" pool $H "$SINK" "$M" "$N_POOL" 8
	# 8 threads sharing 2 connections: waiting sends go out in batches.
	job mailwire_8thr_2conn mailwire "$BIN/mw_bench" pool $H "$SINK" "$M" "$N_POOL" 8 2
	job floor_raw_replay floor "$BIN/floor" replay "$H:$SINK" "$M" "$N_POOL" 1 8
	job go_netsmtp_8 peer "$BIN/gopeer" send "$H:$SINK" "$M" "$N_POOL" 1 8
	job python_smtplib_threads peer "$PY" "$B/peers/py_bench.py" threads $H "$SINK" "$M" "$N_POOL" 8
	job nodemailer_pool8 peer node "$B/peers/node_bench.js" send $H "$SINK" "$M" "$N_POOL" 1 8
}

w_attach_100mb() {
	job mailwire mailwire "$BIN/mw_bench" attach $H "$SINK" "$BLOB"
	job floor_sendfile floor "$BIN/floor" sendfile "$H:$SINK" "$EML" "$ATTACH"
	job floor_base64 floor "$BIN/floor" b64 "$H:$SINK" "$BLOB"
	job go_multipart peer "$BIN/gopeer" attach "$H:$SINK" "$BLOB"
	job python_email peer "$PY" "$B/peers/py_bench.py" attach $H "$SINK" "$BLOB"
	job nodemailer peer node "$B/peers/node_bench.js" attach $H "$SINK" "$BLOB"
	job curl peer "$B/peers/curl_bench.sh" attach $H "$SINK" "$BLOB"
}

w_pop3_fetch() {
	[ -n "$POP" ] || return 0
	PRE=pop3_restore
	job mailwire mailwire "$BIN/mw_bench" pop3 $H "$POP" alice secret
	job mailwire_lockstep mailwire "$BIN/mw_bench" pop3 $H "$POP" alice secret lockstep
	job mailwire_retrieve_file mailwire "$BIN/mw_bench" pop3 $H "$POP" alice secret file
	job floor_pipelined floor "$BIN/floor" pop3 "$H:$POP" alice secret
	job python_poplib peer "$PY" "$B/peers/py_bench.py" pop3 $H "$POP" alice secret
	job curl_url_glob peer "$B/peers/curl_bench.sh" pop3 $H "$POP" alice secret "$POP_N"
}

# imap_jobs PORT USER PASS N [file]: the IMAP rows against the server at
# PORT, the first N messages of the INBOX; with "file", also
# mw_imap_fetch_file.
imap_jobs() {
	local port=$1 user=$2 pass=$3 n=$4
	job mailwire mailwire "$BIN/mw_bench" imap $H "$port" "$user" "$pass" many "$n"
	job mailwire_fetch mailwire "$BIN/mw_bench" imap $H "$port" "$user" "$pass" single "$n"
	if [ "${5:-}" = file ]; then
		job mailwire_fetch_file mailwire "$BIN/mw_bench" imap $H "$port" "$user" "$pass" file "$n"
	fi
	job python_imaplib peer "$PY" "$B/peers/py_bench.py" imap $H "$port" "$user" "$pass" single "$n"
	job python_imaplib_range peer "$PY" "$B/peers/py_bench.py" imap $H "$port" "$user" "$pass" range "$n"
	job curl_url_glob peer "$B/peers/curl_bench.sh" imap $H "$port" "$user" "$pass" "$n"
}

w_imap_fetch() {
	[ -n "$IMAP" ] || return 0
	imap_jobs "$IMAP" alice secret "$POP_N" file
}

w_imap_dovecot() {
	[ -n "$DIMAP" ] || return 0
	imap_jobs "$DIMAP" bob "$DPASS" "$POP_N" file
}

# imap_wan RTT: the IMAP rows against Dovecot behind the delay line
# (bench/delay), fewer messages at 20 ms.
imap_wan() {
	local p=${DPROXY[$1]:-} n=500
	[ -n "$p" ] || return 0
	[ "$1" = 1ms ] || n=100
	[ "$MODE" = quick ] && n=$((n / 5))
	imap_jobs "$p" bob "$DPASS" "$n"
}
w_imap_1ms() { imap_wan 1ms; }
w_imap_20ms() { imap_wan 20ms; }

w_mime_parse() {
	job mailwire mailwire "$BIN/mw_bench" parse "$CORPUS"
	job floor_read_only floor "$BIN/floor" read "$CORPUS"
	job go_mail_multipart peer "$BIN/gopeer" parse "$CORPUS"
	job python_email peer "$PY" "$B/peers/py_bench.py" parse "$CORPUS"
}

w_abi_call() {
	job mailwire mailwire "$BIN/mw_bench" abi 2000000
}

w_dlopen_first() {
	[ "$MW" = 1 ] || return 0
	job mailwire mailwire "$BIN/dl_bench" "$ROOT/build/libmailwire.so" mw_version
	job floor_plain_so floor "$BIN/dl_bench" "$BIN/libplain.so" plain_fn
}

# The round-trip workloads: every client against sinks whose replies come
# back RTT after they were written (see bench/README.md, "Round trips").
# Counts per round, chosen so that each run takes a few seconds at 20 ms
# with today's clients: one-connection clients that pay round trips per
# message (ONE), DATA streams at one round trip per message (RT), the
# CHUNKING streams and their floor (STREAM: also the peak-RSS row, so
# 10,000 in every mode), 8 connections (X8), curl's process per message.
WAN_RTTS="1ms 20ms"
wan_counts() { # wan_counts RTT: sets ONE RT STREAM X8 CURL SMALL
	STREAM=10000
	case $1 in
	1ms) ONE=500 RT=1000 X8=4000 CURL=100 SMALL=500 ;;
	*) ONE=50 RT=100 X8=400 CURL=20 SMALL=100 ;;
	esac
	if [ "$MODE" = quick ]; then
		ONE=$((ONE / 5)) RT=$((RT / 5)) X8=$((X8 / 5)) CURL=$((CURL / 5)) SMALL=$((SMALL / 5))
	fi
}

# wan RTT queues the round-trip workload at RTT.  DATA rows talk to the
# sink without CHUNKING, CHUNKING rows to the one offering it; rows ending
# in _x8 use 8 connections (8 threads for the pool).  The last rows check
# the delay line against the sink's own delay (floor_one_rt_via_delay) and
# measure the embedded server behind it.
wan() {
	local rtt=$1 s=${WSINK[$1]} c=${WSINKC[$1]} p=${WPROXY[$1]} e=${WEMB[$1]}
	wan_counts "$rtt"
	job floor_one_rt floor "$BIN/floor" onert "$H:$s" "$M" "$RT" 1
	job floor_bdat floor "$BIN/floor" bdat "$H:$c" "$M" "$STREAM" 1
	job go_netsmtp peer "$BIN/gopeer" send "$H:$s" "$M" "$ONE" 1 1
	job python_smtplib peer "$PY" "$B/peers/py_bench.py" send $H "$s" "$M" "$ONE" 1
	job nodemailer_pool1 peer node "$B/peers/node_bench.js" send $H "$s" "$M" "$ONE" 1 1
	job curl_per_process peer "$B/peers/curl_bench.sh" send $H "$s" "$M" "$CURL" 1
	job mailwire_send_data mailwire "$BIN/mw_bench" send $H "$s" "$M" "$ONE" 1 auto auto
	job mailwire_send_bdat mailwire "$BIN/mw_bench" send $H "$c" "$M" "$RT" 1 auto auto
	job mailwire_many_data mailwire "$BIN/mw_bench" batch $H "$s" "$M" "$RT" 1 auto auto
	job mailwire_many_bdat mailwire "$BIN/mw_bench" batch $H "$c" "$M" "$STREAM" 1 auto auto
	job mailwire_many1k_bdat mailwire "$BIN/mw_bench" batch $H "$c" "$M" "$STREAM" 1 auto auto 1000
	job mailwire_stream_bdat mailwire "$BIN/mw_bench" batch $H "$c" "$M" "$STREAM" 1 auto auto "$STREAM"
	job floor_one_rt_x8 floor "$BIN/floor" onert "$H:$s" "$M" "$X8" 1 8
	job go_netsmtp_x8 peer "$BIN/gopeer" send "$H:$s" "$M" "$X8" 1 8
	job nodemailer_pool_x8 peer node "$B/peers/node_bench.js" send $H "$s" "$M" "$X8" 1 8
	job mailwire_pool_data_x8 mailwire "$BIN/mw_bench" pool $H "$s" "$M" "$X8" 8
	job mailwire_pool_bdat_x8 mailwire "$BIN/mw_bench" pool $H "$c" "$M" "$X8" 8
	job floor_one_rt_via_delay floor "$BIN/floor" onert "$H:$p" "$M" "$SMALL" 1
	if [ -n "$e" ]; then
		job mailwire_send_bdat_embedded mailwire "$BIN/mw_bench" send $H "$e" "$M" "$SMALL" 1 auto auto
	fi
}
w_wan_1ms() { wan 1ms; }
w_wan_20ms() { wan 20ms; }

WORKLOADS="smtp_1rcpt smtp_5rcpt smtp_chunking smtp_8conn attach_100mb pop3_fetch imap_fetch imap_dovecot mime_parse abi_call dlopen_first wan_1ms wan_20ms imap_1ms imap_20ms"

main() {
	install
	build
	inputs
	sinks
	case " ${ONLY:-pop3_fetch} " in *" pop3_fetch "* | *" imap_dovecot "* | *" imap_1ms "* | *" imap_20ms "*) dovecot ;; esac
	case " ${ONLY:-imap_fetch} " in *" imap_fetch "*) imap_server ;; esac
	: >"$RAW"
	local start=$SECONDS wl rounds r
	for wl in $WORKLOADS; do
		wanted "$wl" || continue
		JOBS=()
		PRE=:
		"w_$wl"
		rounds=$ROUNDS
		[ "$wl" = attach_100mb ] && rounds=$ATTACH_ROUNDS
		[[ $wl == wan_* || $wl == imap_*ms ]] && rounds=$WAN_ROUNDS
		for ((r = 1; r <= rounds; r++)); do
			log "$wl: round $r of $rounds ($((SECONDS - start)) s)"
			run "$wl" "$r"
		done
	done
	log "done in $((SECONDS - start)) s; $(cat "$TMP/sink.err" 2>/dev/null)"
	"$BIN/report" "$RAW" "$B/results.json" "$B/results.svg"
}

main "$@"
