"""Python standard library side of the benchmarks (Debian's python3).

    py_bench.py send    HOST PORT MSG N RCPTS      smtplib, one connection
    py_bench.py threads HOST PORT MSG N THREADS    smtplib, one per thread
    py_bench.py attach  HOST PORT FILE             email + smtplib
    py_bench.py pop3    HOST PORT USER PASS        poplib RETR + DELE
    py_bench.py imap    HOST PORT USER PASS [single|range [N]]
                                               imaplib: EXAMINE INBOX, UID SEARCH ALL,
                                               one UID FETCH BODY.PEEK[] per message
                                               ("range": one UID FETCH of them all;
                                               N: the first N only)
    py_bench.py parse   DIR                        email, policy=default

Each prints "RESULT value unit".
"""
import email
import email.message
import email.policy
import imaplib
import os
import poplib
import smtplib
import sys
import threading
import time


def send_one(host, port, msg, n, rcpts):
    s = smtplib.SMTP(host, port)
    s.ehlo("py.bench.test")
    to = ["rcpt%d@sink.test" % i for i in range(rcpts)]
    for _ in range(n):
        s.sendmail("sender@bench.test", to, msg)
    s.quit()


def send(host, port, path, n, rcpts):
    msg = open(path, "rb").read()
    send_one(host, port, msg, int(n), int(rcpts))
    return int(n), "msg/s"


def threads(host, port, path, n, k):
    msg = open(path, "rb").read()
    n, k = int(n), int(k)
    ts = [threading.Thread(target=send_one, args=(host, port, msg, n // k, 1)) for _ in range(k)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return n, "msg/s"


def attach(host, port, path):
    m = email.message.EmailMessage()
    m["From"] = "sender@bench.test"
    m["To"] = "rcpt@sink.test"
    m["Subject"] = "Attachment"
    m.set_content("See the file.\n")
    with open(path, "rb") as f:
        data = f.read()
    m.add_attachment(data, maintype="application", subtype="octet-stream", filename="blob.bin")
    s = smtplib.SMTP(host, port)
    s.send_message(m)
    s.quit()
    return len(data) / 1e6, "MB/s"


def pop3(host, port, user, password):
    p = poplib.POP3(host, int(port))
    p.user(user)
    p.pass_(password)
    n, _ = p.stat()
    for i in range(1, n + 1):
        p.retr(i)
        p.dele(i)
    p.quit()
    return n, "msg/s"


def imap(host, port, user, password, mode="single", n="0"):
    c = imaplib.IMAP4(host, int(port))
    c.login(user, password)
    c.select("INBOX", readonly=True)
    typ, data = c.uid("SEARCH", None, "ALL")
    uids = data[0].split()
    if int(n) > 0:
        uids = uids[: int(n)]
    if mode == "range":
        typ, data = c.uid("FETCH", b"%s:%s" % (uids[0], uids[-1]), "(BODY.PEEK[])")
        got = sum(1 for d in data if isinstance(d, tuple))
    else:
        got = 0
        for u in uids:
            typ, data = c.uid("FETCH", u, "(BODY.PEEK[])")
            got += sum(1 for d in data if isinstance(d, tuple))
    if typ != "OK" or got != len(uids):
        sys.exit("imap: fetched %d of %d" % (got, len(uids)))
    c.logout()
    return len(uids), "msg/s"


def parse(d):
    total = 0
    for name in sorted(os.listdir(d)):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(d, name), "rb") as f:
            m = email.message_from_binary_file(f, policy=email.policy.default)
        total += os.path.getsize(os.path.join(d, name))
        str(m["Subject"])
        m["To"].addresses
        for part in m.walk():
            if not part.is_multipart():
                try:
                    part.get_content()
                except Exception:
                    part.get_payload(decode=True)
    return total / 1e6, "MB/s"


def main():
    cmds = {"send": send, "threads": threads, "attach": attach, "pop3": pop3, "imap": imap, "parse": parse}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit("usage: py_bench.py send|threads|attach|pop3|imap|parse ...")
    t0 = time.monotonic()
    count, unit = cmds[sys.argv[1]](*sys.argv[2:])
    print("RESULT %.3f %s" % (count / (time.monotonic() - t0), unit))


if __name__ == "__main__":
    main()
