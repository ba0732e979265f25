"""Python's imaplib against the embedded server's IMAP service.

Usage: imaplib_test.py BUILD_DIR. Starts BUILD_DIR/mailwire-server (the
built library) on free loopback ports with a Maildir store, drives its imap
and imaps services with imaplib (and its LMTP service with smtplib.LMTP for
IDLE), checks that a 50 MB APPEND and FETCH leave the server's memory
flat, restarts it on the same store to check that UIDs stay, and prints
"imaplib: N passed, M failed".
"""
import imaplib
import os
import re
import select
import shutil
import smtplib
import ssl
import subprocess
import sys
import tempfile
import time
import traceback

BUILD = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="mw-imaplib.")
STORE = os.path.join(TMP, "maildir")
CA = os.path.join(TMP, "ca.pem")
PASSED, FAILED = 0, 0


class Server:
    """mailwire-server on free ports; it stops at the end of its input."""

    def __init__(self):
        self.p = subprocess.Popen(
            [os.path.join(BUILD, "mailwire-server"), "users=alice:secret,bob:secret",
             "store=" + STORE, "ca_out=" + CA, "max_message_size=64M"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = {}
        for line in self.p.stdout:
            line = line.strip()
            if line == "MW_READY=1":
                break
            m = re.fullmatch(r"MW_([A-Z0-9]+)_PORT=(\d+)", line)
            if m:
                self.port[m.group(1).lower()] = int(m.group(2))
        assert "imap" in self.port and "imaps" in self.port, self.port

    def stop(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)


def ctx():
    c = ssl.create_default_context(cafile=CA)
    c.check_hostname = False  # the certificate names localhost; we dial 127.0.0.1
    return c


def login(srv, user="alice"):
    m = imaplib.IMAP4("127.0.0.1", srv.port["imap"], timeout=30)
    m.starttls(ssl_context=ctx())
    m.login(user, "secret")
    return m


def ok(resp):
    typ, data = resp
    assert typ == "OK", (typ, data)
    return data


def check(name, fn, *args):
    global PASSED, FAILED
    try:
        fn(*args)
        PASSED += 1
        print("ok  ", name)
    except Exception:
        FAILED += 1
        print("FAIL", name)
        traceback.print_exc(file=sys.stdout)


MSG = (b"From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: hello imaplib\r\n"
       b"Date: Sat, 05 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@example.test>\r\n\r\nThe body.\r\n")


def login_needs_tls(srv):
    m = imaplib.IMAP4("127.0.0.1", srv.port["imap"], timeout=30)
    assert "LOGINDISABLED" in m.capabilities and "STARTTLS" in m.capabilities, m.capabilities
    try:
        m.login("alice", "secret")
    except imaplib.IMAP4.error as e:
        assert "PRIVACYREQUIRED" in str(e), e
    else:
        raise AssertionError("LOGIN without TLS was accepted")
    m.starttls(ssl_context=ctx())
    assert "LOGINDISABLED" not in m.capabilities, m.capabilities
    m.login("alice", "secret")
    m.logout()


def folders(srv):
    m = login(srv)
    names = ok(m.list('""', "*"))
    text = b"\n".join(names).decode()
    for use, name in (("\\Sent", "Sent"), ("\\Drafts", "Drafts"), ("\\Trash", "Trash"), ("\\Junk", "Junk")):
        assert re.search(r"\(.*%s.*\) \"/\" \"%s\"" % (re.escape(use), name), text), text
    # Modified UTF-7 both ways: "Grüße/Übersicht".
    ok(m.create('"Gr&APwA3w-e/&ANw-bersicht"'))
    text = b"\n".join(ok(m.list('""', "Gr*"))).decode()
    assert '"Gr&APwA3w-e/&ANw-bersicht"' in text and '(\\HasChildren) "/" "Gr&APwA3w-e"' in text, text
    ok(m.rename('"Gr&APwA3w-e"', "Archive"))
    text = b"\n".join(ok(m.list('""', "Archive*"))).decode()
    assert '"Archive/&ANw-bersicht"' in text and "\\Archive" in text, text
    typ, _ = m.delete("Archive")
    assert typ == "NO", typ
    ok(m.delete('"Archive/&ANw-bersicht"'))
    ok(m.delete("Archive"))
    ok(m.subscribe("Sent"))
    assert b'"Sent"' in b"\n".join(ok(m.lsub('""', "*")))
    m.logout()


def append_fetch_store(srv):
    m = login(srv)
    data = ok(m.append("INBOX", "(\\Flagged $Work)", imaplib.Time2Internaldate(time.time()), MSG))
    uid = int(re.search(rb"\[APPENDUID \d+ (\d+)\]", data[0]).group(1))
    n = int(ok(m.select("INBOX"))[0])
    assert n >= 1, n
    uids = ok(m.uid("SEARCH", None, "UNSEEN", "FLAGGED", "SUBJECT", '"hello imaplib"'))[0].split()
    assert uids == [str(uid).encode()], uids
    data = ok(m.uid("FETCH", str(uid), "(FLAGS RFC822.SIZE BODY.PEEK[])"))
    assert data[0][1] == MSG, data
    head = data[0][0].decode()
    assert "RFC822.SIZE %d" % len(MSG) in head and "$Work" in head and "\\Seen" not in head, head
    data = ok(m.uid("FETCH", str(uid), "(ENVELOPE BODY[HEADER.FIELDS (SUBJECT)])"))
    assert b'"hello imaplib"' in data[0][0] and data[0][1] == b"Subject: hello imaplib\r\n\r\n", data
    # BODY[] (not PEEK) set \Seen.
    flags = ok(m.uid("FETCH", str(uid), "(FLAGS)"))[0].decode()
    assert "\\Seen" in flags, flags
    ok(m.uid("STORE", str(uid), "-FLAGS", "(\\Seen $Work)"))
    assert ok(m.uid("SEARCH", None, "KEYWORD", "$Work")) == [b""]
    assert str(uid).encode() in ok(m.uid("SEARCH", None, "NOT", "SEEN", "LARGER", "10"))[0].split()
    m.logout()


def copy_move_expunge(srv):
    m = login(srv)
    ok(m.create("Work"))
    data = ok(m.append("INBOX", None, None, MSG.replace(b"hello", b"copy me")))
    uid = re.search(rb"\[APPENDUID \d+ (\d+)\]", data[0]).group(1).decode()
    ok(m.select("INBOX"))
    typ, data = m.uid("COPY", uid, "Work")
    assert typ == "OK", data
    code = m.response("COPYUID")[1][-1]
    assert re.fullmatch(rb"\d+ %s 1" % uid.encode(), code), code
    typ, data = m.uid("MOVE", uid, "Trash")
    assert typ == "OK", data
    code = m.response("COPYUID")[1][-1]
    assert re.fullmatch(rb"\d+ %s \d+" % uid.encode(), code), code
    assert ok(m.uid("SEARCH", None, "UID", uid)) == [b""]
    status = ok(m.status("Work", "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)"))[0].decode()
    assert "MESSAGES 1" in status and "UIDNEXT 2" in status, status
    ok(m.select("Work"))
    ok(m.store("1", "+FLAGS", "\\Deleted"))
    typ, data = m.expunge()
    assert typ == "OK" and data == [b"1"], data
    ok(m.close())
    assert ok(m.status("Work", "(MESSAGES)"))[0].decode().endswith("(MESSAGES 0)")
    m.logout()


def idle_lmtp(srv):
    m = login(srv, "bob")
    n = int(ok(m.select("INBOX"))[0])
    m.send(b"I1 IDLE\r\n")
    assert m.readline().startswith(b"+ "), "no continuation"
    l = smtplib.LMTP("127.0.0.1", srv.port["lmtp"], timeout=30)
    l.sendmail("a@example.test", ["bob@example.test"], b"Subject: wake up\r\n\r\nnew\r\n")
    l.quit()
    r, _, _ = select.select([m.sock], [], [], 30)
    assert r, "IDLE was not woken"
    line = m.readline()
    assert line == b"* %d EXISTS\r\n" % (n + 1), line
    line = m.readline()
    assert re.fullmatch(rb"\* \d+ RECENT\r\n", line), line
    m.send(b"DONE\r\n")
    line = m.readline()
    assert line.startswith(b"I1 OK"), line
    data = ok(m.fetch(str(n + 1), "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
    assert b"wake up" in data[0][1], data
    m.logout()


def big_imaps(srv):
    body = (b"0123456789" * 7 + b"\r\n") * (50 * 1000 * 1000 // 72)
    msg = b"Subject: big\r\n\r\n" + body
    m = imaplib.IMAP4_SSL("127.0.0.1", srv.port["imaps"], ssl_context=ctx(), timeout=60)
    m.login("alice", "secret")
    ok(m.create("Big"))
    data = ok(m.append("Big", None, None, msg))
    uid = re.search(rb"\[APPENDUID \d+ (\d+)\]", data[0]).group(1).decode()
    ok(m.select("Big"))
    data = ok(m.uid("FETCH", uid, "(RFC822.SIZE BODY.PEEK[])"))
    assert len(data[0][1]) == len(msg) and data[0][1] == msg, len(data[0][1])
    data = ok(m.uid("FETCH", uid, "(BODY.PEEK[TEXT]<1000000.20>)"))
    assert data[0][1] == body[1000000:1000020], data
    data = ok(m.uid("FETCH", uid, "(ENVELOPE BODY.PEEK[HEADER])"))
    assert data[0][1] == b"Subject: big\r\n\r\n", data
    m.logout()
    # The server copies the message through files and never holds it: its
    # peak memory stays far below the message's size.
    with open("/proc/%d/status" % srv.p.pid) as f:
        hwm = int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1))
    print("server peak memory: %d kB" % hwm)
    assert hwm < 40 * 1024, "the server's peak memory is %d kB for a 50 MB message" % hwm


def uids_after_restart(srv, before):
    m = login(srv)
    ok(m.select("INBOX"))
    status = ok(m.status("INBOX", "(UIDVALIDITY UIDNEXT)"))[0]
    uids = ok(m.uid("SEARCH", None, "ALL"))[0]
    flags = ok(m.uid("FETCH", "1:*", "(FLAGS)"))
    m.logout()
    assert (status, uids, flags) == before, ((status, uids, flags), before)


def snapshot(srv):
    m = login(srv)
    ok(m.select("INBOX"))
    s = (ok(m.status("INBOX", "(UIDVALIDITY UIDNEXT)"))[0], ok(m.uid("SEARCH", None, "ALL"))[0],
         ok(m.uid("FETCH", "1:*", "(FLAGS)")))
    m.logout()
    return s


def main():
    srv = Server()
    try:
        check("imaplib-login-needs-tls", login_needs_tls, srv)
        check("imaplib-folders-utf7", folders, srv)
        check("imaplib-append-fetch-store", append_fetch_store, srv)
        check("imaplib-copy-move-expunge", copy_move_expunge, srv)
        check("imaplib-idle-woken-by-lmtp", idle_lmtp, srv)
        check("imaplib-imaps-50mb", big_imaps, srv)
        before = snapshot(srv)
    finally:
        srv.stop()
    srv = Server()
    try:
        check("imaplib-uids-after-restart", uids_after_restart, srv, before)
    finally:
        srv.stop()
    shutil.rmtree(TMP, ignore_errors=True)
    print("imaplib: %d passed, %d failed" % (PASSED, FAILED))
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
