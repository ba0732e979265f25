#!/usr/bin/env bash
# 45-postfix.sh: Postfix's test programs against Mailwire, from the Debian
# package unpacked by tests/postfix/tools.sh (never installed: Postfix
# conflicts with the Exim the peers suite uses; its service never runs).
#
#   1. smtp-source against the embedded server (build/mailwire-server with
#      a Maildir store): SMTP and LMTP, sessions in parallel (-s), several
#      messages per session (-d -m), several recipients (-r), a prepared
#      file with dot-led lines (-F), large bodies (-l), refused and
#      deferred recipients. Every message is counted in the store (exact
#      numbers, no Message-ID twice) and a sample is read back: its
#      Received header (from, by, with SMTP/LMTP, for) and its content.
#   2. Our SMTP client, through the C API (tests/postfix/sink_test.c),
#      against smtp-sink with its reject, disconnect and delay options at
#      every stage, each case with a new smtp-sink capturing what it got.
#
# Prints "postfix: N passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BUILD=${MW_BUILD:-$ROOT/build}
OUT=$BUILD/postfix
mkdir -p "$OUT"
export LC_ALL=C
p=0 f=0
ok() { p=$((p + 1)); echo "ok   $*"; }
bad() { f=$((f + 1)); echo "FAIL $*"; }
finish() {
  echo "postfix: $p passed, $f failed"
  [ "$f" -eq 0 ]
  exit
}

BIN=$(tests/postfix/tools.sh | tail -n 1) && [ -x "$BIN/smtp-sink" ] || { bad "smtp-source and smtp-sink from the postfix package"; finish; }
ok "smtp-source and smtp-sink from $(basename "$(find "$OUT/deb" -name 'postfix_*.deb' | head -n 1)")"
[ -x "$BUILD/mailwire-server" ] || make -s "$BUILD/mailwire-server" >&2 || { bad "mailwire-server builds"; finish; }

D=$(mktemp -d /tmp/mw-postfix.XXXXXX)
chmod 755 "$D" # smtp-sink drops to nobody and writes its captures below
SRV="" SINK=""
# shellcheck disable=SC2317
cleanup() {
  [ -n "$SINK" ] && { kill "$SINK"; wait "$SINK"; } 2>/dev/null
  [ -n "$SRV" ] && { kill "$SRV"; wait "$SRV"; } 2>/dev/null
  exec 3>&- 2>/dev/null
  rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --------------------------------------------- smtp-source -> embedded server

mkfifo "$D/in"
"$BUILD/mailwire-server" store="$D/store" hostname=mailwire.test submission_port=-1 smtps_port=-1 \
  pop3_port=-1 pop3s_port=-1 <"$D/in" >"$D/ports" 2>"$D/server.err" &
SRV=$!
exec 3>"$D/in" # the server stops at the end of its input
for _ in $(seq 200); do
  grep -q MW_READY=1 "$D/ports" 2>/dev/null && break
  kill -0 "$SRV" 2>/dev/null || break
  sleep 0.05
done
grep -q MW_READY=1 "$D/ports" || { bad "mailwire-server starts: $(cat "$D/server.err")"; finish; }
SMTP=$(sed -n 's/^MW_SMTP_PORT=//p' "$D/ports")
LMTP=$(sed -n 's/^MW_LMTP_PORT=//p' "$D/ports")

# count BOX: the messages in the store's mailbox BOX.
count() { find "$D/store/$1/new" "$D/store/$1/cur" -type f 2>/dev/null | wc -l; }

# unfolded FILE: the message's header lines, each folded header on one line.
unfolded() { tr -d '\r' <"$1" | awk '/^$/ {exit} /^[ \t]/ {h = h " " $0; next} {if (h != "") print h; h = $0} END {if (h != "") print h}'; }

# stored_ok NAME PROTO N BOX...: each BOX holds exactly N messages, no
# Message-ID twice, and a sample's newest Received header says from
# source.test, by mailwire.test, with PROTO, for its mailbox.
stored_ok() {
  local name=$1 proto=$2 n=$3 box got dups sample rec
  shift 3
  for box in "$@"; do
    got=$(count "$box")
    if [ "$got" -ne "$n" ]; then bad "$name: $got messages in $box, want $n"; continue; fi
    dups=$(find "$D/store/$box/new" "$D/store/$box/cur" -type f -exec grep -hi '^Message-Id:' {} + 2>/dev/null | sort | uniq -d | wc -l)
    sample=$(find "$D/store/$box/new" -type f | sort | tail -n 1)
    rec=$(unfolded "$sample" | grep -m1 '^Received:')
    if [ "$dups" -ne 0 ]; then
      bad "$name: $dups Message-IDs twice in $box"
    elif ! grep -qE "^Received: from source\.test \(\[127\.0\.0\.1\]\) +by mailwire\.test with $proto id [^ ]+ +for <$box@example\.test>; " <<<"$rec"; then
      bad "$name: the Received header of $sample: $rec"
    else
      ok "$name: $n messages in $box, each once; $rec"
    fi
  done
}

# source NAME ARGS...: runs smtp-source (2 minutes at most).
source_run() {
  local name=$1
  shift
  timeout 120 "$BIN/smtp-source" -M source.test -f src@source.test "$@" >"$D/$name.out" 2>&1
}

# Several sessions in parallel, several messages each, two recipients.
if source_run smtp-sessions -s 4 -m 40 -d -r 2 -S "smtp-source sessions" -t smtp-par@example.test "127.0.0.1:$SMTP"; then
  stored_ok "smtp: -s 4 -m 40 -d -r 2" SMTP 40 smtp-par 2smtp-par
else bad "smtp: -s 4 -m 40 -d -r 2: smtp-source failed: $(tail -n 3 "$D/smtp-sessions.out")"; fi

# One message per session, 6 sessions at once.
if source_run smtp-onebyone -s 6 -m 30 -t smtp-one@example.test "127.0.0.1:$SMTP"; then
  stored_ok "smtp: -s 6 -m 30 (a session per message)" SMTP 30 smtp-one
else bad "smtp: -s 6 -m 30: smtp-source failed: $(tail -n 3 "$D/smtp-onebyone.out")"; fi

# LMTP: sessions in parallel, three recipients per transaction.
if source_run lmtp-sessions -L -s 3 -m 30 -d -r 3 -t lmtp-par@example.test "127.0.0.1:$LMTP"; then
  stored_ok "lmtp: -L -s 3 -m 30 -d -r 3" LMTP 30 lmtp-par 2lmtp-par 3lmtp-par
else bad "lmtp: -L -s 3 -m 30 -d -r 3: smtp-source failed: $(tail -n 3 "$D/lmtp-sessions.out")"; fi

# Large bodies, over both protocols.
if source_run smtp-large -s 2 -m 4 -d -l 300000 -t smtp-large@example.test "127.0.0.1:$SMTP" &&
  source_run lmtp-large -L -s 2 -m 4 -d -l 300000 -t lmtp-large@example.test "127.0.0.1:$LMTP"; then
  stored_ok "smtp: -l 300000" SMTP 4 smtp-large
  stored_ok "lmtp: -l 300000" LMTP 4 lmtp-large
  small=$(find "$D/store/smtp-large" "$D/store/lmtp-large" -type f -size -300000c | wc -l)
  if [ "$small" -eq 0 ]; then ok "large bodies arrive whole (300,000 bytes and more each)"
  else bad "$small of the large messages are shorter than their body"; fi
else bad "large bodies: smtp-source failed: $(tail -n 3 "$D/smtp-large.out" "$D/lmtp-large.out")"; fi

# A prepared message (-F): dot-led lines (smtp-source stuffs them, the
# server must unstuff them once), a line of dots, 8-bit text. The stored
# message is the file with CRLF line ends (and the empty line smtp-source
# adds before the dot), below the server's Received header.
printf '%s\n' "From: File Sender <src@source.test>" "To: smtp-file@example.test" "Subject: prepared by smtp-source -F" \
  "Message-ID: <file-1@source.test>" "" ".leading dot" "..two dots" "." "..." "K$(printf '\303\266')ln" "last line" >"$D/msg.txt"
file_case() {
  local proto=$1 box=$2 port=$3 want sample
  shift 3
  source_run "file-$box" "$@" -m 3 -d -F "$D/msg.txt" -t "$box@example.test" "127.0.0.1:$port" ||
    { bad "$proto -F: smtp-source failed: $(tail -n 3 "$D/file-$box.out")"; return; }
  [ "$(count "$box")" -eq 3 ] || { bad "$proto -F: $(count "$box") messages in $box, want 3"; return; }
  # smtp-source sends an empty line after the file, before the dot.
  { sed 's/$/\r/' "$D/msg.txt"; printf '\r\n'; } >"$D/want-$box"
  for sample in $(find "$D/store/$box/new" -type f | sort); do
    # Drop the Received header the server prepended (its folded lines).
    awk 'NR == 1 && /^Received:/ {skip = 1; next} skip && /^[ \t]/ {next} {skip = 0; print}' "$sample" >"$D/got-$box"
    cmp -s "$D/want-$box" "$D/got-$box" || { bad "$proto -F: $sample differs from the file:"; diff <(cat -A "$D/want-$box") <(cat -A "$D/got-$box") | head; return; }
  done
  ok "$proto -F: 3 messages stored byte for byte as the file (dot-led lines unstuffed once, 8-bit kept)"
}
file_case SMTP smtp-file "$SMTP"
file_case LMTP lmtp-file "$LMTP" -L

# Refused and deferred recipients: smtp-source stops with an error, nothing
# is stored for them.
refused_case() {
  local box=$1 code=$2
  if source_run "refuse-$box" -m 2 -t "$box@example.test" "127.0.0.1:$SMTP"; then
    bad "smtp-source to $box succeeded"
  elif ! grep -q "$code" "$D/refuse-$box.out"; then
    bad "smtp-source to $box: no $code: $(cat "$D/refuse-$box.out")"
  elif [ "$(count "$box")" -ne 0 ]; then
    bad "$(count "$box") messages stored for $box"
  else
    ok "smtp-source to $box: refused with $code, nothing stored ($(tail -n 1 "$D/refuse-$box.out"))"
  fi
}
refused_case reject-postfix 550
refused_case tempfail-postfix 450

# The store holds exactly what was sent, nothing more.
total=$(find "$D/store" -path '*/new/*' -type f | wc -l)
want=$((40 * 2 + 30 + 30 * 3 + 4 + 4 + 3 + 3))
if [ "$total" -eq "$want" ]; then ok "the store holds $total messages, as many as were accepted"
else bad "the store holds $total messages, want $want"; fi
kill "$SRV"
wait "$SRV" 2>/dev/null
SRV=""

# ------------------------------------------------------- client -> smtp-sink

if ! ${CC:-cc} -Wall -Wextra -Werror -O1 -g -Iinclude -Itests/c -o "$OUT/sink_test" tests/postfix/sink_test.c \
  -L"$BUILD" -lmailwire -Wl,-rpath,"$BUILD"; then
  bad "sink_test.c compiles"
  finish
fi

# smtp-sink must drop its privileges when started as root.
USER_OPT=()
[ "$(id -u)" = 0 ] && USER_OPT=(-u nobody)

# listening PID PORT: succeeds when process PID listens on 127.0.0.1:PORT
# (its socket's inode in /proc/net/tcp is one of its descriptors), so a
# server of someone else on that port is never taken for ours.
listening() {
  local hex inode
  hex=$(printf '0100007F:%04X' "$2")
  for inode in $(awk -v a="$hex" '$2 == a && $4 == "0A" {print $10}' /proc/net/tcp); do
    find "/proc/$1/fd" -lname "socket:\[$inode\]" 2>/dev/null | grep . >/dev/null && return 0
  done
  return 1
}

# sink_start DUMPDIR OPTIONS...: starts smtp-sink on a free port of
# 127.0.0.1 (another one when the one it tried is taken), capturing into
# DUMPDIR; sets SINK and SINK_PORT.
sink_start() {
  local dump=$1 port
  shift
  mkdir -p "$dump"
  [ "$(id -u)" = 0 ] && chown nobody "$dump"
  for _ in $(seq 1 40); do
    port=$((20000 + RANDOM % 12000))
    "$BIN/smtp-sink" "${USER_OPT[@]}" -d "$dump/m." "$@" "127.0.0.1:$port" 64 >>"$D/sink.log" 2>&1 &
    SINK=$!
    for _ in $(seq 1 250); do
      listening "$SINK" "$port" && { SINK_PORT=$port; return 0; }
      kill -0 "$SINK" 2>/dev/null || break
      sleep 0.02
    done
    kill "$SINK" 2>/dev/null
    wait "$SINK" 2>/dev/null
    SINK=""
  done
  return 1
}

n=0
while IFS=$'\t' read -r name opts; do
  n=$((n + 1))
  read -ra sopts <<<"$opts"
  if ! sink_start "$D/dump-$n" "${sopts[@]}"; then
    bad "sink $name: smtp-sink $opts does not start: $(tail -n 3 "$D/sink.log")"
    continue
  fi
  out=$(timeout 120 "$OUT/sink_test" "$name" "$SINK_PORT" "$D/dump-$n" 2>&1)
  rc=$?
  kill "$SINK" 2>/dev/null
  wait "$SINK" 2>/dev/null
  SINK=""
  line=$(grep -E '^sink [a-z0-9.-]+: [0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -n 1)
  if [ "$rc" -eq 0 ] && [ -n "$line" ]; then
    ok "$line (smtp-sink ${opts:-without options})"
  else
    bad "sink $name (smtp-sink $opts, exit $rc)"
    sed 's/^/     | /' <<<"$out" | tail -n 40
  fi
done < <("$OUT/sink_test" --list)
[ "$n" -gt 40 ] || bad "only $n smtp-sink cases listed"
finish
