#!/usr/bin/env bash
# check.sh DIR - prove that every service start.sh started for DIR works.
#
# Uses swaks, curl and python3 against the ports in DIR/peers.env. Each check's
# transcript goes to DIR/check/NAME.log. The last line is "N passed, N failed";
# the exit status is non-zero when any check failed.
set -uo pipefail

[[ $# -eq 1 && -r $1/peers.env ]] || {
	echo "usage: check.sh DIR   (DIR made by start.sh, with peers.env)" >&2
	exit 2
}
# shellcheck source=/dev/null
. "$1/peers.env"
LOGS=$PEERS_DIR/check
mkdir -p "$LOGS"
RUN=$$.$RANDOM # makes every subject of this run unique
PASSED=0
FAILED=0
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

# check runs "$@" as the check named $1 (the rest is the command) and counts it.
check() {
	local name=$1
	shift
	if "$@" >"$LOGS/$name.log" 2>&1; then
		PASSED=$((PASSED + 1))
		echo "ok   $name"
	else
		FAILED=$((FAILED + 1))
		echo "FAIL $name (log: $LOGS/$name.log)"
		tail -n 15 "$LOGS/$name.log" | sed 's/^/     | /'
	fi
}

# delivered waits up to 15 s for a message containing $2 in Maildir $1 and prints it.
delivered() {
	local md=$1 token=$2 i f
	for ((i = 0; i < 300; i++)); do
		f=$(grep -rlF -- "$token" "$md/new" "$md/cur" 2>/dev/null | head -n 1)
		if [[ -n $f ]]; then
			cat "$f"
			return 0
		fi
		sleep 0.05
	done
	echo "no message with $token in $md"
	return 1
}

# contains succeeds when file $1 holds every fixed string that follows, printing the file.
contains() {
	local f=$1 s ok=0
	shift
	cat "$f"
	for s in "$@"; do
		grep -qF -- "$s" "$f" || {
			echo "MISSING: $s"
			ok=1
		}
	done
	return $ok
}

# smtp runs swaks against 127.0.0.1 with certificate verification against PEERS_CA.
smtp() {
	swaks --server 127.0.0.1 --tls-verify --tls-ca-path "$PEERS_CA" \
		--h-Subject "peers check $SUBJ" --body "peers check body $SUBJ" "$@"
}

# submission_to_alice: submission + STARTTLS + AUTH PLAIN -> Exim -> LMTP -> alice's Maildir.
submission_to_alice() {
	SUBJ=sub-$RUN
	smtp --port "$SUBMISSION_PORT" -tls -a PLAIN -au alice -ap "$PEERS_PASSWORD" \
		-f alice@dovecot.test -t alice@dovecot.test || return 1
	delivered "$PEERS_MAILDIR_ALICE" "$SUBJ" >"$LOGS/msg.eml" || return 1
	# Newest first: LMTP (Dovecot), esmtpsa (Exim), ESMTPSA (Dovecot submission).
	contains "$LOGS/msg.eml" "with LMTP" "with esmtpsa" "with ESMTPSA"
}

# submissions_to_bob: submissions (implicit TLS) + AUTH LOGIN -> bob's Maildir.
submissions_to_bob() {
	SUBJ=subs-$RUN
	smtp --port "$SUBMISSIONS_PORT" --tlsc -a LOGIN -au bob -ap "$PEERS_PASSWORD" \
		-f bob@dovecot.test -t bob@mta.test || return 1
	delivered "$PEERS_MAILDIR_BOB" "$SUBJ"
}

# lmtp_two_rcpts: one known and one unknown recipient give one 250 and one 550.
lmtp_two_rcpts() {
	SUBJ=lmtp-$RUN
	smtp --port "$LMTP_PORT" --protocol LMTP -f bob@example.test \
		-t carol@dovecot.test,nosuchuser@dovecot.test >"$LOGS/lmtp.out" 2>&1
	contains "$LOGS/lmtp.out" "<-  250 2.1.5" "<** 550 5.1.1 <nosuchuser@dovecot.test>" \
		"<-  250 2.0.0 <carol@dovecot.test>" || return 1
	[[ $(grep -c 'Saved' "$LOGS/lmtp.out") == 1 ]] || return 1
	delivered "$PEERS_MAILDIR_CAROL" "$SUBJ" >/dev/null
}

# lmtp_starttls: LMTP after STARTTLS (the Received header says LMTPS).
lmtp_starttls() {
	SUBJ=lmtps-$RUN
	smtp --port "$LMTP_PORT" --protocol LMTP -tls -f bob@example.test -t carol@dovecot.test || return 1
	delivered "$PEERS_MAILDIR_CAROL" "$SUBJ" >"$LOGS/msg.eml" && contains "$LOGS/msg.eml" "with LMTPS"
}

# pop3_stls_list: POP3 with STLS (required) lists alice's messages.
pop3_stls_list() {
	curl -sS --ssl-reqd --cacert "$PEERS_CA" "pop3://alice:$PEERS_PASSWORD@127.0.0.1:$POP3_PORT/" >"$LOGS/list.out" || return 1
	cat "$LOGS/list.out"
	grep -qE '^1 [0-9]+' "$LOGS/list.out"
}

# pop3s_retrieve: POP3S (implicit TLS, certificate checked for localhost) retrieves
# the message that submission_to_alice delivered.
pop3s_retrieve() {
	local url="pop3s://alice:$PEERS_PASSWORD@localhost:$POP3S_PORT" n
	curl -sS --cacert "$PEERS_CA" "$url/" >"$LOGS/list.out" || return 1
	for n in $(cut -d' ' -f1 "$LOGS/list.out" | tr -dc '0-9\n'); do
		curl -sS --cacert "$PEERS_CA" "$url/$n" >"$LOGS/retr.out" || return 1
		if grep -qF "Subject: peers check sub-$RUN" "$LOGS/retr.out"; then
			cat "$LOGS/retr.out"
			return 0
		fi
	done
	echo "no message with Subject: peers check sub-$RUN"
	return 1
}

# pop3_plain_refused: without TLS on the alternative address, Dovecot refuses USER
# and AUTH PLAIN (on 127.0.0.1 it treats the connection as secure and accepts them).
pop3_plain_refused() {
	sasl_py REFUSE "$PEERS_ALT_HOST" "$POP3_PORT" alice "$PEERS_PASSWORD"
}

# pop3_cram_md5: CRAM-MD5 works without TLS, even on 127.0.0.2.
pop3_cram_md5() {
	curl -sS --login-options AUTH=CRAM-MD5 "pop3://bob:$PEERS_PASSWORD@$ALT:$POP3_PORT/"
}

# exim_smtps_auth: Exim SMTPS (implicit TLS) + AUTH LOGIN, to a local user.
exim_smtps_auth() {
	SUBJ=smtps-$RUN
	smtp --port "$SMTPS_PORT" --tlsc -a LOGIN -au carol -ap "$PEERS_PASSWORD" \
		-f carol@mta.test -t carol@localhost || return 1
	delivered "$PEERS_MAILDIR_CAROL" "$SUBJ" >"$LOGS/msg.eml" && contains "$LOGS/msg.eml" "with esmtpsa"
}

# exim_relay_to_sink: Exim STARTTLS + AUTH PLAIN to a remote domain lands in the sink.
exim_relay_to_sink() {
	SUBJ=sink-$RUN
	smtp --port "$SMTP_PORT" -tls -a PLAIN -au alice -ap "$PEERS_PASSWORD" \
		-f alice@mta.test -t someone@example.org || return 1
	delivered "$PEERS_SINK_MAILDIR" "$SUBJ" >"$LOGS/msg.eml" &&
		contains "$LOGS/msg.eml" "Envelope-to: someone@example.org"
}

# exim_refusals: no AUTH before TLS, no relaying without AUTH, unknown local user refused.
exim_refusals() {
	SUBJ=refuse-$RUN
	smtp --port "$SMTP_PORT" --quit-after EHLO -f x@example.test -t alice@dovecot.test >"$LOGS/ehlo.out" 2>&1
	contains "$LOGS/ehlo.out" "250-STARTTLS" || return 1
	! grep -q '250.AUTH' "$LOGS/ehlo.out" || return 1
	smtp --port "$SMTP_PORT" -f x@example.test -t carol@example.org >"$LOGS/relay.out" 2>&1
	contains "$LOGS/relay.out" "<** 550 relay not permitted" || return 1
	smtp --port "$SMTP_PORT" -f x@example.test -t nosuchuser@dovecot.test >"$LOGS/unknown.out" 2>&1
	contains "$LOGS/unknown.out" "<** 550"
}

# sasl_py runs the python3 POP3 client below with mechanism $1 against $2:$3.
sasl_py() {
	"$PY" - "$@" <<'EOF'
import base64, hashlib, hmac, os, socket, sys
mech, host, port, user, pw = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
s = socket.create_connection((host, port), timeout=10)
f = s.makefile("rb")
def line():
    l = f.readline(4096).decode().rstrip("\r\n"); print("S:", l); return l
def send(l):
    print("C:", l); s.sendall(l.encode() + b"\r\n")
greet = line()
if mech == "REFUSE":
    send("USER " + user)
    ok = line().startswith("-ERR [AUTH] Plaintext")
    send("AUTH PLAIN " + base64.b64encode(("\0%s\0%s" % (user, pw)).encode()).decode())
    ok = line().startswith("-ERR [AUTH] Plaintext") and ok
elif mech == "APOP":
    ts = greet[greet.index("<"):greet.index(">") + 1]
    send("APOP %s %s" % (user, hashlib.md5((ts + pw).encode()).hexdigest()))
    ok = line().startswith("+OK")
else:
    h = hashlib.sha256 if mech == "SCRAM-SHA-256" else hashlib.sha1
    name = h().name
    b64 = lambda b: base64.b64encode(b).decode()
    bare = "n=%s,r=%s" % (user, b64(os.urandom(18)))
    send("AUTH %s %s" % (mech, b64(("n,," + bare).encode())))
    first = base64.b64decode(line()[2:]).decode()
    a = dict(kv.split("=", 1) for kv in first.split(","))
    salted = hashlib.pbkdf2_hmac(name, pw.encode(), base64.b64decode(a["s"]), int(a["i"]))
    ckey = hmac.new(salted, b"Client Key", name).digest()
    nop = "c=biws,r=" + a["r"]
    msg = ",".join((bare, first, nop)).encode()
    sig = hmac.new(h(ckey).digest(), msg, name).digest()
    send(b64((nop + ",p=" + b64(bytes(x ^ y for x, y in zip(ckey, sig)))).encode()))
    final = base64.b64decode(line()[2:]).decode()
    want = "v=" + b64(hmac.new(hmac.new(salted, b"Server Key", name).digest(), msg, name).digest())
    send("")
    ok = final == want and line().startswith("+OK")
send("QUIT"); line()
sys.exit(0 if ok else 1)
EOF
}

check submission_to_alice submission_to_alice
check submissions_to_bob submissions_to_bob
check lmtp_two_rcpts lmtp_two_rcpts
check lmtp_starttls lmtp_starttls
check pop3_stls_list pop3_stls_list
check pop3s_retrieve pop3s_retrieve
# has_mech succeeds when Dovecot was started with SASL mechanism $1.
has_mech() { [[ " $PEERS_AUTH_MECHS " == *" $1 "* ]]; }
# The checks below run without TLS on the alternative address, where Dovecot
# does not treat the connection as secure; without one they use 127.0.0.1.
ALT=${PEERS_ALT_HOST:-127.0.0.1}
if [[ -n $PEERS_ALT_HOST ]]; then check pop3_plain_refused pop3_plain_refused; fi
if has_mech cram-md5; then check pop3_cram_md5 pop3_cram_md5; fi
if has_mech apop; then check pop3_apop sasl_py APOP "$ALT" "$POP3_PORT" bob "$PEERS_PASSWORD"; fi
if has_mech scram-sha-256; then check pop3_scram_sha256 sasl_py SCRAM-SHA-256 "$ALT" "$POP3_PORT" bob "$PEERS_PASSWORD"; fi
if has_mech scram-sha-1; then check pop3_scram_sha1 sasl_py SCRAM-SHA-1 "$ALT" "$POP3_PORT" bob "$PEERS_PASSWORD"; fi
check exim_smtps_auth exim_smtps_auth
check exim_relay_to_sink exim_relay_to_sink
check exim_refusals exim_refusals
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
