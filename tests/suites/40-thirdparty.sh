#!/usr/bin/env bash
# 40-thirdparty.sh: our embedded server (build/mailwire-server) driven by
# third-party clients: swaks, curl (SMTP, POP3, IMAP), Python's smtplib and
# poplib (Debian's /usr/bin/python3), and raw bytes through Python sockets and openssl
# s_client. Every client connects to 127.0.0.1 (the server's certificate
# names it), never to "localhost", which may resolve to ::1 first, where
# another program may listen on the same port number. Checks the Received keyword of each stored message (read back
# over POP3), per-recipient refusals, and that SMTP smuggling attempts are
# refused with 554 and never executed. The server and every client run
# under tests/watchdog.sh.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BUILD=${MW_BUILD:-$ROOT/build}
tests/need.sh swaks:swaks curl:curl /usr/bin/python3:python3 openssl:openssl \
  /usr/share/perl5/IO/Socket/SSL.pm:libio-socket-ssl-perl >&2
[ -x "$BUILD/mailwire-server" ] || make -s "$BUILD/mailwire-server" >&2 || {
  echo "thirdparty: 0 passed, 1 failed (mailwire-server does not build)"
  exit 1
}

D=$(mktemp -d /tmp/mw-thirdparty.XXXXXX)
SRV_PID=""
# shellcheck disable=SC2317
cleanup() {
  if [ -n "$SRV_PID" ]; then
    kill -TERM "$SRV_PID" 2>/dev/null
    wait "$SRV_PID" 2>/dev/null
  fi
  exec 3>&- 2>/dev/null
  rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The server stops at the end of its input: a FIFO held open by fd 3.
mkfifo "$D/in"
tests/watchdog.sh 1200 "$BUILD/mailwire-server" users=alice:secret,bob:secret,carol:secret,dave:secret ca_out="$D/ca.pem" \
  <"$D/in" >"$D/ports" 2>"$D/server.err" &
SRV_PID=$!
exec 3>"$D/in"
for _ in $(seq 100); do grep -q MW_READY=1 "$D/ports" 2>/dev/null && break; sleep 0.05; done
grep -q MW_READY=1 "$D/ports" || {
  cat "$D/server.err"
  echo "thirdparty: 0 passed, 1 failed (mailwire-server did not start)"
  exit 1
}
# shellcheck source=/dev/null
. <(grep -E '^MW_[A-Z0-9]+_PORT=[0-9]+$' "$D/ports")
CA=$D/ca.pem
PY=/usr/bin/python3
export CA MW_SMTP_PORT MW_SUBMISSION_PORT MW_SMTPS_PORT MW_LMTP_PORT MW_POP3_PORT MW_POP3S_PORT MW_IMAP_PORT MW_IMAPS_PORT
RUN=$$
N=0
PASSED=0
FAILED=0

# check NAME CMD...: runs one check, logging its output to $D/NAME.log.
check() {
  local name=$1
  shift
  if "$@" >"$D/$name.log" 2>&1; then
    PASSED=$((PASSED + 1))
    echo "ok   $name"
  else
    FAILED=$((FAILED + 1))
    echo "FAIL $name"
    tail -n 25 "$D/$name.log" | sed 's/^/     | /'
  fi
}

# tok makes a unique token for one message.
tok() {
  N=$((N + 1))
  echo "tp-$RUN-$N-$1"
}

cat >"$D/tp.py" <<'EOF'
"""Python's smtplib and poplib against the embedded server (argv[1] picks)."""
import os, poplib, re, smtplib, socket, ssl, sys, time

CA = os.environ["CA"]
PORT = {k[3:-5].lower(): int(v) for k, v in os.environ.items() if k.startswith("MW_") and k.endswith("_PORT")}


def ctx():
    c = ssl.create_default_context(cafile=CA)
    c.check_hostname = True
    return c


def pop(user):
    p = poplib.POP3("127.0.0.1", PORT["pop3"], timeout=20)
    p.stls(context=ctx())
    p.user(user)
    p.pass_("secret")
    return p


def find(user, token, delete=True):
    """The stored messages of user that contain token (deleted after)."""
    p = pop(user)
    found = []
    for line in p.list()[1]:
        n = int(line.split()[0])
        msg = b"\r\n".join(p.retr(n)[1])
        if token.encode() in msg:
            found.append(msg)
            if delete:
                p.dele(n)
    p.quit()
    return found


def keyword(user, token):
    """Prints the with keyword of the newest Received header of the message."""
    for _ in range(50):
        found = find(user, token)
        if found:
            break
        time.sleep(0.1)
    assert len(found) == 1, "%d messages with %s for %s" % (len(found), token, user)
    head = found[0].split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    head = re.sub(r"\r\n[ \t]+", " ", head)
    rec = [l for l in head.split("\r\n") if l.lower().startswith("received:")]
    print(rec[0] if rec else head)
    m = re.search(r"\bwith\s+([A-Za-z0-9]+)", rec[0])
    print(m.group(1))


def absent(token, *users):
    """Fails when any user's mailbox holds a message with token."""
    for u in users:
        got = find(u, token, delete=False)
        assert not got, "%s found for %s: %r" % (token, u, got[:1])
    print("absent", token)


def smtplib_send(token):
    s = smtplib.SMTP("127.0.0.1", PORT["submission"], timeout=20)
    s.set_debuglevel(1)
    s.ehlo()
    s.starttls(context=ctx())
    s.ehlo()
    s.login("alice", "secret")
    msg = "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: %s\r\n\r\nsmtplib body\r\n" % token
    try:
        refused = s.sendmail("alice@example.test", ["alice@example.test", "bob@example.test", "reject-me@example.test"], msg)
    except smtplib.SMTPRecipientsRefused as e:
        raise SystemExit("all refused: %r" % e.recipients)
    s.quit()
    print("refused:", refused)
    assert list(refused) == ["reject-me@example.test"], refused
    assert refused["reject-me@example.test"][0] == 550, refused


def smtplib_unverified():
    """starttls with a context that trusts nothing else must fail."""
    s = smtplib.SMTP("127.0.0.1", PORT["submission"], timeout=20)
    s.ehlo()
    try:
        s.starttls(context=ssl.create_default_context())
    except ssl.SSLCertVerificationError as e:
        print("refused as it should be:", e)
        return
    raise SystemExit("an unknown CA was accepted")


def poplib_session(token):
    p = pop("bob")
    count, _ = p.stat()
    listing = p.list()[1]
    uidl = p.uidl()[1]
    assert len(listing) == count == len(uidl) and count >= 1, (count, listing, uidl)
    uids = [u.split()[1] for u in uidl]
    assert len(set(uids)) == len(uids), uids
    target = None
    for line in listing:
        n, size = map(int, line.split())
        resp, lines, octets = p.retr(n)
        assert resp.startswith(b"+OK"), resp
        if token.encode() in b"\r\n".join(lines):
            target = n
            top = p.top(n, 0)[1]
            assert any(token.encode() in l for l in top), top
    assert target, "no message with " + token
    p.dele(target)
    p.quit()
    p = pop("bob")
    assert p.stat()[0] == count - 1, (p.stat(), count)
    assert not any(token.encode() in l for n in range(1, count) for l in p.retr(n)[1])
    p.quit()
    print("poplib ok:", count, "messages, deleted", target)


def recv_reply(f):
    """Reads one (multi-line) SMTP reply; returns (code, text)."""
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise SystemExit("connection closed; got %r" % lines)
        lines.append(line.decode(errors="replace").rstrip("\r\n"))
        if len(line) < 4 or line[3:4] != b"-":
            return int(lines[-1][:3]), "\n".join(lines)


def smuggle(variant, evil, tls):
    """Sends raw bytes with an end-of-data variant and commands behind it."""
    seq = {"lf-dot-lf": b"\n.\n", "cr-dot-cr": b"\r.\r", "lf-dot-crlf": b"\n.\r\n",
           "crlf-dot-lf": b"\r\n.\n", "bare-lf": b"\n"}[variant]
    sock = socket.create_connection(("127.0.0.1", PORT["smtp"]), timeout=20)
    f = sock.makefile("rb")
    def cmd(line, want):
        sock.sendall(line)
        code, text = recv_reply(f)
        print(">", line[:60], "<", code, text.splitlines()[-1])
        assert code == want, (line, code, text)
        return code
    print("<", recv_reply(f))
    cmd(b"EHLO raw.test\r\n", 250)
    if tls:
        cmd(b"STARTTLS\r\n", 220)
        sock = ctx().wrap_socket(sock, server_hostname="localhost")
        f = sock.makefile("rb")
        cmd(b"EHLO raw.test\r\n", 250)
    cmd(b"MAIL FROM:<mallory@example.test>\r\n", 250)
    cmd(b"RCPT TO:<alice@example.test>\r\n", 250)
    cmd(b"DATA\r\n", 354)
    body = (b"Subject: smuggle " + variant.encode() + b"\r\n\r\nfirst line" + seq +
            b"MAIL FROM:<mallory@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
            b"Subject: " + evil.encode() + b"\r\n\r\nsmuggled\r\n.\r\n")
    sock.sendall(body)
    code, text = recv_reply(f)
    print("after the data:", code, text)
    assert code == 554, "want 554, got %d %s" % (code, text)
    # Whatever the server says next, the hidden commands must not run.
    try:
        sock.sendall(b"QUIT\r\n")
        while f.readline():
            pass
    except OSError:
        pass
    sock.close()


if __name__ == "__main__":
    globals()[sys.argv[1].replace("-", "_")](*sys.argv[2:])
EOF

tp() { tests/watchdog.sh 120 "$PY" "$D/tp.py" "$@"; }

# expect_keyword USER TOKEN WANT: the stored message's newest hop says WANT.
expect_keyword() {
  local out
  out=$(tp keyword "$1" "$2") || {
    echo "$out"
    return 1
  }
  echo "$out"
  [ "$(tail -n 1 <<<"$out")" = "$3" ] || {
    echo "want with $3"
    return 1
  }
}

# sw runs swaks against the embedded server with the test CA.
sw() { tests/watchdog.sh 120 swaks --server 127.0.0.1 --tls-verify --tls-ca-path "$CA" --timeout 20 "$@"; }

# swaks_case NAME WANT TO SWAKS-ARGS...: sends with swaks and checks the keyword.
swaks_case() {
  local want=$1 to=$2 t
  shift 2
  t=$(tok swaks)
  sw -f mallory@example.test -t "$to@example.test" --h-Subject "$t" --body "swaks $t" "$@" || return 1
  expect_keyword "$to" "$t" "$want"
}

check swaks-helo swaks_case SMTP alice --port "$MW_SMTP_PORT" --protocol SMTP
check swaks-esmtp swaks_case ESMTP alice --port "$MW_SMTP_PORT"
check swaks-starttls swaks_case ESMTPS bob --port "$MW_SMTP_PORT" -tls
check swaks-submission-plain swaks_case ESMTPSA alice --port "$MW_SUBMISSION_PORT" -tls -a PLAIN -au alice -ap secret
check swaks-submission-login swaks_case ESMTPSA bob --port "$MW_SUBMISSION_PORT" -tls -a LOGIN -au bob -ap secret
# Implicit TLS is the submission port of RFC 8314: mail needs AUTH there.
swaks_smtps_needs_auth() {
  sw --port "$MW_SMTPS_PORT" --tlsc -f a@example.test -t alice@example.test >"$D/smtps.out" 2>&1 && return 1
  cat "$D/smtps.out"
  grep -q '<~\* *530' "$D/smtps.out"
}
check swaks-smtps-needs-auth swaks_smtps_needs_auth
check swaks-smtps-auth swaks_case ESMTPSA alice --port "$MW_SMTPS_PORT" --tlsc -a PLAIN -au alice -ap secret
check swaks-lmtp swaks_case LMTP bob --port "$MW_LMTP_PORT" --protocol LMTP
check swaks-lmtp-tls swaks_case LMTPS bob --port "$MW_LMTP_PORT" --protocol LMTP -tls
check swaks-lmtp-tls-auth swaks_case LMTPSA alice --port "$MW_LMTP_PORT" --protocol LMTP -tls -a PLAIN -au alice -ap secret

# swaks_refusals: a refused recipient (550) and AUTH before TLS (refused).
swaks_reject() {
  sw --port "$MW_SMTP_PORT" -f a@example.test -t reject-me@example.test >"$D/reject.out" 2>&1 && return 1
  cat "$D/reject.out"
  grep -q '<\*\* *550' "$D/reject.out"
}
swaks_auth_without_tls() {
  ! sw --port "$MW_SUBMISSION_PORT" -a PLAIN -au alice -ap secret -f alice@example.test -t alice@example.test
}
check swaks-reject swaks_reject
check swaks-auth-without-tls swaks_auth_without_tls

# swaks_smuggle: swaks without data fix-up sends "\n.\n" and a hidden message.
swaks_smuggle() {
  local evil out
  evil=$(tok SMUGGLED)
  printf 'Subject: smuggle\r\n\r\nfirst\n.\nMAIL FROM:<m@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: %s\r\n\r\nx\r\n.\r\n' \
    "$evil" >"$D/smuggle.eml"
  out=$(sw --port "$MW_SMTP_PORT" -f mallory@example.test -t alice@example.test --no-data-fixup \
    --data "$D/smuggle.eml" 2>&1)
  echo "$out"
  grep -q '<\*\* *554' <<<"$out" || return 1
  tp absent "$evil" alice bob
}
check swaks-smuggle swaks_smuggle

# curl_smtp: SMTP submission with STARTTLS required, the CA checked, AUTH.
curl_smtp() {
  local t
  t=$(tok curl)
  printf 'From: alice@example.test\r\nTo: bob@example.test\r\nSubject: %s\r\n\r\ncurl body\r\n' "$t" >"$D/curl.eml"
  tests/watchdog.sh 120 curl -sS --ssl-reqd --cacert "$CA" --user alice:secret --mail-from alice@example.test \
    --mail-rcpt bob@example.test --upload-file "$D/curl.eml" "smtp://127.0.0.1:$MW_SUBMISSION_PORT" || return 1
  expect_keyword bob "$t" ESMTPSA
}
check curl-smtp curl_smtp

# curl_smtp_wrong_ca: without our CA, curl's verification fails (exit 60).
curl_smtp_wrong_ca() {
  tests/watchdog.sh 120 curl -sS --ssl-reqd --user alice:secret --mail-from a@example.test --mail-rcpt bob@example.test \
    --upload-file /dev/null "smtp://127.0.0.1:$MW_SUBMISSION_PORT"
  [ $? -eq 60 ]
}
check curl-smtp-wrong-ca curl_smtp_wrong_ca

# curl_pop3 SCHEME PORT: list, retrieve and delete one of carol's messages.
curl_pop3() {
  local url=$1://carol:secret@127.0.0.1:$2 t n before after
  t=$(tok curlpop)
  sw --port "$MW_SMTP_PORT" -f a@example.test -t carol@example.test --h-Subject "$t" >/dev/null || return 1
  tests/watchdog.sh 120 curl -sS --ssl-reqd --cacert "$CA" "$url/" >"$D/list.out" || return 1
  cat "$D/list.out"
  before=$(grep -c '^[0-9]' "$D/list.out")
  for n in $(cut -d' ' -f1 "$D/list.out" | tr -dc '0-9\n'); do
    tests/watchdog.sh 120 curl -sS --ssl-reqd --cacert "$CA" "$url/$n" >"$D/retr.out" || return 1
    grep -qF "$t" "$D/retr.out" || continue
    # The header is folded: its lines joined, "with" follows "by".
    awk '/^[ \t]/ { h = h $0; next } { print h; h = $0 } END { print h }' "$D/retr.out" |
      grep -q '^Received: from .* by .* with ESMTP' || return 1
    tests/watchdog.sh 120 curl -sS --ssl-reqd --cacert "$CA" -X DELE -I "$url/$n" || return 1
    tests/watchdog.sh 120 curl -sS --ssl-reqd --cacert "$CA" "$url/" >"$D/list.out" || return 1
    after=$(grep -c '^[0-9]' "$D/list.out")
    echo "before $before, after $after"
    [ "$after" -eq $((before - 1)) ] || return 1
    tests/watchdog.sh 120 curl -sS --ssl-reqd --cacert "$CA" "$url/" | while read -r m _; do
      tests/watchdog.sh 120 curl -sS --ssl-reqd --cacert "$CA" "$url/${m%$'\r'}"
    done | grep -F "$t" >/dev/null && return 1
    return 0
  done
  echo "no message with $t"
  return 1
}
check curl-pop3-stls curl_pop3 pop3 "$MW_POP3_PORT"
check curl-pop3s curl_pop3 pop3s "$MW_POP3S_PORT"

# curl_imap SCHEME PORT: APPEND to a folder of dave's, then LIST, SEARCH and
# FETCH by UID through the embedded server's IMAP service.
curl_imap() {
  local url=$1://dave:secret@127.0.0.1:$2 t uid
  t=$(tok "curlimap-$1")
  printf 'From: a@example.test\r\nSubject: %s\r\n\r\nbody %s\r\n' "$t" "$t" >"$D/imap.eml"
  tests/watchdog.sh 120 curl -sS --ssl-reqd --cacert "$CA" -T "$D/imap.eml" "$url/Sent" || return 1
  tests/watchdog.sh 120 curl -sS --ssl-reqd --cacert "$CA" "$url/" >"$D/imap-list.out" || return 1
  cat "$D/imap-list.out"
  grep -qF '(\HasNoChildren \Sent) "/" "Sent"' "$D/imap-list.out" || return 1
  tests/watchdog.sh 120 curl -sS --ssl-reqd --cacert "$CA" "$url/Sent?SUBJECT%20$t" >"$D/imap-search.out" || return 1
  cat "$D/imap-search.out"
  uid=$(sed -nE 's/^\* SEARCH ([0-9]+)\r?$/\1/p' "$D/imap-search.out")
  [ -n "$uid" ] || return 1
  tests/watchdog.sh 120 curl -sS --ssl-reqd --cacert "$CA" "$url/Sent;UID=$uid" >"$D/imap-fetch.out" || return 1
  cmp "$D/imap.eml" "$D/imap-fetch.out"
}
check curl-imap-starttls curl_imap imap "$MW_IMAP_PORT"
check curl-imaps curl_imap imaps "$MW_IMAPS_PORT"

# Python's smtplib and poplib.
smtplib_case() {
  local t
  t=$(tok smtplib)
  tp smtplib-send "$t" || return 1
  expect_keyword alice "$t" ESMTPSA || return 1
  expect_keyword bob "$t" ESMTPSA
}
check python-smtplib smtplib_case
check python-smtplib-unverified tp smtplib-unverified
poplib_case() {
  local t
  t=$(tok poplib)
  sw --port "$MW_SMTP_PORT" -f a@example.test -t bob@example.test --h-Subject "$t" >/dev/null || return 1
  tp poplib-session "$t"
}
check python-poplib poplib_case

# Raw smuggling attempts: 554, and the hidden message never stored.
smuggle_case() {
  local evil
  evil=$(tok SMUGGLED)
  tp smuggle "$1" "$evil" "$2" || return 1
  tp absent "$evil" alice bob
}
for v in lf-dot-lf cr-dot-cr lf-dot-crlf crlf-dot-lf bare-lf; do
  check "smuggle-$v" smuggle_case "$v" ""
done
check smuggle-lf-dot-lf-tls smuggle_case lf-dot-lf 1

# openssl s_client: the same attempt through STARTTLS. Each command is
# written once the reply to the one before has been read (a coprocess), not
# after a pause, so that a slow machine sends the same bytes in the same
# order.
openssl_smuggle() (
  trap '' PIPE # the server may hang up first: a write then fails, not the suite
  local evil line rc=0 wfd
  evil=$(tok SMUGGLED)
  coproc OSSL { tests/watchdog.sh 60 openssl s_client -quiet -starttls smtp -CAfile "$CA" -verify_return_error \
    -connect "127.0.0.1:$MW_SMTP_PORT" -servername localhost 2>&1; }
  # reply CODE [TEXT]: reads up to the last line of a reply (s_client's
  # own lines skipped); succeeds when its code is CODE. With TEXT, replies
  # without that text are skipped: s_client repeats the last line of the
  # EHLO reply it read before TLS, which must not count as the answer to
  # the EHLO after it.
  reply() {
    local seen=""
    while IFS= read -r -t 30 line <&"${OSSL[0]}"; do
      line=${line%$'\r'}
      echo "S: $line"
      [[ $line =~ ^[0-9]{3}[\ -] ]] || continue
      seen+=" $line"
      [[ $line =~ ^[0-9]{3}\  ]] || continue
      if [ -n "${2:-}" ] && [[ $seen != *"$2"* ]]; then seen=""; continue; fi
      [[ $line == "$1 "* ]]
      return
    done
    echo "no reply (want $1)"
    return 1
  }
  say() { echo "C: $1"; printf '%s\r\n' "$1" >&"${OSSL[1]}"; }
  say 'EHLO raw.test' && reply 250 PIPELINING &&
    say 'MAIL FROM:<m@example.test>' && reply 250 &&
    say 'RCPT TO:<alice@example.test>' && reply 250 &&
    say 'DATA' && reply 354 &&
    printf 'Subject: s\r\n\r\nx\r.\rMAIL FROM:<m@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: %s\r\n\r\ny\r\n.\r\n' \
      "$evil" >&"${OSSL[1]}" && reply 554 || rc=1
  say QUIT
  reply 221
  wfd=${OSSL[1]}
  exec {wfd}>&-
  wait "$OSSL_PID" 2>/dev/null
  [ "$rc" -eq 0 ] || exit 1
  tp absent "$evil" alice bob
)
check openssl-smuggle openssl_smuggle

echo "thirdparty: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
