/* sink_test.c: our SMTP and LMTP client, through the C API, against
 * Postfix's smtp-sink with its reject, disconnect and delay options at every
 * stage of a session: greeting, EHLO/HELO/LHLO, AUTH, MAIL, RCPT, DATA,
 * end of data and QUIT, as hard (5xx) and soft (4xx) refusals, as 421, as a
 * silent disconnect and as a stall. Each must give its MW_E_* code at the
 * call where it happens: MW_E_REFUSED, MW_E_TEMPORARY and MW_E_AUTH keep
 * the connection (the next send on it is answered again), MW_E_CLOSED and
 * MW_E_TIMEOUT end it. Also the extensions smtp-sink can switch off
 * (PIPELINING, 8BITMIME, ENHANCEDSTATUSCODES, DSN, ESMTP itself) and what
 * smtp-sink's capture file (-d) shows we sent.
 *
 *   sink_test --list             one line per case: NAME<TAB>smtp-sink options
 *   sink_test NAME PORT DUMPDIR  runs a case against smtp-sink on
 *                                127.0.0.1:PORT, started with the listed
 *                                options plus -d DUMPDIR/m.
 *
 * tests/suites/45-postfix.sh starts smtp-sink for each case. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "mailwire.h"
#include "check.h"

enum { AT_NONE, AT_CONNECT, AT_SEND, AT_QUIT };

struct scase {
    const char *name;
    const char *sink;  /* smtp-sink options */
    const char *opts;  /* client options, "name=value" separated by spaces */
    int rcpts;         /* recipients of the message */
    int at;            /* the call that must fail (AT_NONE: none) */
    int want;          /* its code */
    int reply;         /* the server's reply code then (0: unchecked, the server may have sent none) */
    int stored;        /* transactions in smtp-sink's capture, refused ones too (-1: unchecked) */
    void (*extra)(const struct scase *c, int smtp, int msg, const char *dump);
    int gone_after;    /* the server closes after its refusal: the next send finds the connection gone */
};

/* ------------------------------------------------------------------ log */

static char logbuf[1 << 16];
static size_t loglen;

static void MW_CALL on_log(void *user, const char *line) {
    (void)user;
    size_t n = strlen(line);
    if (loglen + n + 2 < sizeof logbuf) {
        memcpy(logbuf + loglen, line, n);
        loglen += n;
        logbuf[loglen++] = '\n';
        logbuf[loglen] = 0;
    }
}

/* log_next returns the log line after the first one that starts with
 * prefix, or "" (a static copy). */
static const char *log_next(const char *prefix) {
    static char line[512];
    line[0] = 0;
    for (const char *p = logbuf; *p;) {
        const char *e = strchr(p, '\n');
        if (!e) break;
        if (strncmp(p, prefix, strlen(prefix)) == 0) {
            const char *q = e + 1, *qe = strchr(q, '\n');
            if (qe) snprintf(line, sizeof line, "%.*s", (int)(qe - q), q);
            return line;
        }
        p = e + 1;
    }
    return line;
}

/* ----------------------------------------------------------- the capture */

static char dumpbuf[1 << 20];

/* dump_read concatenates smtp-sink's capture files in dir into dumpbuf and
 * returns their number. */
static int dump_read(const char *dir) {
    size_t len = 0;
    int n = 0;
    dumpbuf[0] = 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        FILE *f = fopen(p, "rb");
        if (!f) continue;
        n++;
        len += fread(dumpbuf + len, 1, sizeof dumpbuf - 1 - len, f);
        fclose(f);
    }
    closedir(d);
    dumpbuf[len] = 0;
    return n;
}

static int dump_has(const char *s) { return strstr(dumpbuf, s) != NULL; }

/* -------------------------------------------------------------- helpers */

static int client(const char *opts, int port) {
    int s = mw_smtp_new();
    char p[16], buf[512];
    snprintf(p, sizeof p, "%d", port);
    CHECK_RC(mw_smtp_set(s, "host", "127.0.0.1"), 0);
    CHECK_RC(mw_smtp_set(s, "port", p), 0);
    CHECK_RC(mw_smtp_set(s, "security", "none"), 0);
    CHECK_RC(mw_smtp_set(s, "helo", "client.test"), 0);
    CHECK_RC(mw_smtp_set(s, "timeout", "20"), 0);
    snprintf(buf, sizeof buf, "%s", opts ? opts : "");
    for (char *save = NULL, *kv = strtok_r(buf, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) continue;
        *eq = 0;
        CHECK(mw_smtp_set(s, kv, eq + 1) == 0, "option %s=%s: %s", kv, eq + 1, mw_errmsg(s));
    }
    CHECK_RC(mw_set_log(s, on_log, NULL), 0);
    return s;
}

static const char *BODY = "First line.\n.a line that starts with a dot\n..and two\n.\nend.\n";

static int message(const char *name, int rcpts, const char *body) {
    int m = mw_message_new();
    char subj[128];
    snprintf(subj, sizeof subj, "sink case %s", name);
    CHECK_RC(mw_message_set(m, "From", "sender@client.test"), 0);
    CHECK_RC(mw_message_set(m, "Subject", subj), 0);
    CHECK_RC(mw_message_set(m, "TextBody", body ? body : BODY), 0);
    for (int i = 1; i <= rcpts; i++) {
        char to[64];
        snprintf(to, sizeof to, "rcpt%d@sink.test", i);
        CHECK_RC(mw_message_add_to(m, to), 0);
    }
    return m;
}

static int connection_lives(int code) { return code <= MW_E_PARTIAL && code >= MW_E_UNSUPPORTED; }

/* failed checks the code of the call that failed, that its error message
 * (on handle h, read before any other call on it) quotes the server's reply,
 * and that mw_smtp_reply_code still gives that reply afterwards, also when
 * the connection is gone. */
static void failed(const struct scase *c, const char *call, int rc, int h) {
    char msg[1024], r[16];
    snprintf(msg, sizeof msg, "%s", mw_errmsg(h));
    CHECK(rc == c->want, "%s: %s = %d (%s), want %d (%s): %s", c->name, call, rc, mw_strerror(rc), c->want,
          mw_strerror(c->want), msg);
    CHECK(msg[0] != 0, "%s: an error message", c->name);
    if (c->reply > 0) {
        snprintf(r, sizeof r, "%d", c->reply);
        CHECK(strstr(msg, r) != NULL, "%s: the error message quotes %s: %s", c->name, r, msg);
    }
}

static void reply_code(const struct scase *c, int s) {
    if (c->reply > 0)
        CHECK(mw_smtp_reply_code(s) == c->reply, "%s: mw_smtp_reply_code %d, want %d (%s)", c->name,
              mw_smtp_reply_code(s), c->reply, mw_smtp_reply(s));
}

/* ------------------------------------------------------- the generic run */

static void run(const struct scase *c, int port, const char *dump) {
    int s = client(c->opts, port);
    int m = message(c->name, c->rcpts ? c->rcpts : 1, NULL);
    int rc = mw_smtp_connect(s);
    if (c->at == AT_CONNECT) {
        failed(c, "connect", rc, s);
        reply_code(c, s);
        /* Not connected: a send is refused without touching the wire. */
        CHECK_RC(mw_smtp_send(s, m), MW_E_STATE);
        CHECK_RC(mw_smtp_disconnect(s), 0);
    } else {
        CHECK(rc == 0, "%s: connect = %d (%s): %s", c->name, rc, mw_strerror(rc), mw_errmsg(s));
        rc = mw_smtp_send(s, m);
        if (c->at == AT_SEND) {
            failed(c, "send", rc, s);
            CHECK(mw_errcode(m) == c->want, "%s: the message handle's code %d", c->name, mw_errcode(m));
            reply_code(c, s);
            if (c->gone_after) {
                /* The server hung up after its refusal: the next call
                 * finds out, and the one after that is refused unsent. */
                int again = mw_smtp_send(s, m);
                CHECK(again == MW_E_IO || again == MW_E_CLOSED, "%s: send after the server hung up = %d (%s): %s",
                      c->name, again, mw_strerror(again), mw_errmsg(s));
                CHECK_RC(mw_smtp_send(s, m), MW_E_STATE);
                CHECK_RC(mw_smtp_disconnect(s), 0);
            } else if (connection_lives(c->want)) {
                /* The connection lives: the same send gets the same answer. */
                int again = mw_smtp_send(s, m);
                CHECK(again == c->want, "%s: second send on the connection = %d (%s), want %d: %s", c->name, again,
                      mw_strerror(again), c->want, mw_errmsg(s));
                CHECK_RC(mw_smtp_disconnect(s), c->at == AT_QUIT ? c->want : 0);
            } else {
                /* It is gone: the handle says so and can connect again. */
                CHECK_RC(mw_smtp_send(s, m), MW_E_STATE);
                CHECK_RC(mw_smtp_disconnect(s), 0);
            }
        } else {
            CHECK(rc == 0, "%s: send = %d (%s): %s", c->name, rc, mw_strerror(rc), mw_errmsg(s));
            int n = mw_smtp_result_count(s);
            CHECK(n == (c->rcpts ? c->rcpts : 1), "%s: %d results", c->name, n);
            for (int i = 0; i < n; i++) CHECK_STR(mw_smtp_result(s, i, "code"), "250");
            rc = mw_smtp_disconnect(s);
            if (c->at == AT_QUIT) {
                failed(c, "disconnect", rc, s);
                reply_code(c, s);
            } else {
                CHECK_RC(rc, 0);
            }
        }
    }
    if (c->extra) c->extra(c, s, m, dump);
    if (c->stored >= 0) {
        int n = dump_read(dump);
        CHECK(n == c->stored, "%s: smtp-sink captured %d messages, want %d", c->name, n, c->stored);
    }
    mw_close(m);
    mw_close(s);
}

/* ------------------------------------------------------------ the extras */

/* results checks every recipient result of the failed send: the code and
 * the enhanced code of the refusal, on the SMTP and the message handle. */
static void results(const struct scase *c, int s, int m, const char *code, const char *enhanced) {
    int n = mw_smtp_result_count(m);
    CHECK(n == c->rcpts, "%s: %d results on the message, want %d", c->name, n, c->rcpts);
    CHECK(mw_smtp_result_count(s) == n, "%s: %d results on the SMTP handle", c->name, mw_smtp_result_count(s));
    for (int i = 0; i < n; i++) {
        char want[64];
        snprintf(want, sizeof want, "rcpt%d@sink.test", i + 1);
        CHECK_STR(mw_smtp_result(m, i, "address"), want);
        CHECK_STR(mw_smtp_result(m, i, "code"), code);
        CHECK_STR(mw_smtp_result(m, i, "enhanced"), enhanced);
    }
}
static void results_500(const struct scase *c, int s, int m, const char *d) { (void)d; results(c, s, m, "500", "5.3.0"); }
static void results_450(const struct scase *c, int s, int m, const char *d) { (void)d; results(c, s, m, "450", "4.3.0"); }

/* capture checks what smtp-sink received: the session, the envelope and
 * the message, dots unstuffed exactly once. */
static void capture(const struct scase *c, int s, int m, const char *dump) {
    (void)s;
    (void)m;
    CHECK(dump_read(dump) == 1, "%s: one capture", c->name);
    CHECK(dump_has("X-Client-Proto: ESMTP\n"), "%s: ESMTP session:\n%s", c->name, dumpbuf);
    CHECK(dump_has("X-Helo-Args: client.test\n"), "%s: EHLO client.test", c->name);
    CHECK(dump_has("X-Mail-Args: <sender@client.test>"), "%s: MAIL FROM", c->name);
    for (int i = 1; i <= c->rcpts; i++) {
        char r[64];
        snprintf(r, sizeof r, "X-Rcpt-Args: <rcpt%d@sink.test>", i);
        CHECK(dump_has(r), "%s: %s", c->name, r);
    }
    CHECK(dump_has("\nSubject: sink case accept\n"), "%s: Subject", c->name);
    CHECK(dump_has("\nFirst line.\n.a line that starts with a dot\n..and two\n.\nend.\n"),
          "%s: the body arrives as it was, dots unstuffed once:\n%s", c->name, dumpbuf);
    /* No smuggled end of data: exactly one capture, one Subject. */
    CHECK(strstr(strstr(dumpbuf, "Subject:") + 1, "Subject:") == NULL, "%s: one message", c->name);
}

/* pipelined: with PIPELINING offered, RCPT goes out before MAIL's reply
 * (RFC 2920); smtp-sink offers no CHUNKING, so DATA is used. */
static void pipelined(const struct scase *c, int s, int m, const char *dump) {
    (void)s;
    (void)m;
    (void)dump;
    const char *next = log_next("C: MAIL FROM:");
    CHECK(strncmp(next, "C: RCPT TO:", 11) == 0, "%s: RCPT follows MAIL unanswered, got %s\n%s", c->name, next, logbuf);
    CHECK(strstr(logbuf, "C: BDAT") == NULL && strstr(logbuf, "C: DATA") != NULL, "%s: DATA, not BDAT", c->name);
}

/* lockstep: without PIPELINING each command waits for its reply. */
static void lockstep(const struct scase *c, int s, int m, const char *dump) {
    (void)s;
    (void)m;
    (void)dump;
    const char *next = log_next("C: MAIL FROM:");
    CHECK(strncmp(next, "S: 250", 6) == 0, "%s: MAIL's reply before RCPT, got %s\n%s", c->name, next, logbuf);
    next = log_next("C: RCPT TO:");
    CHECK(strncmp(next, "S: 250", 6) == 0, "%s: RCPT's reply before DATA, got %s", c->name, next);
}

/* helo_session: the fallback to HELO after a refused EHLO. */
static void helo_session(const struct scase *c, int s, int m, const char *dump) {
    (void)s;
    (void)m;
    CHECK(strstr(logbuf, "C: HELO client.test") != NULL, "%s: HELO after the refused EHLO:\n%s", c->name, logbuf);
    dump_read(dump);
    CHECK(dump_has("X-Client-Proto: SMTP\n"), "%s: a HELO session:\n%s", c->name, dumpbuf);
}

static const char *UTF8_BODY = "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac.\n";

/* eight_bit sends an 8-bit body; seven_bit_only says whether the server
 * lacks 8BITMIME. Without 8BITMIME nothing 8-bit may go on the wire
 * (RFC 6152 section 3): the body is encoded and still reads back the same. */
static void eight_bit(const struct scase *c, int port, const char *dump, int seven_bit_only) {
    int s = client(c->opts, port);
    int m = message(c->name, 1, UTF8_BODY);
    CHECK_RC(mw_smtp_connect(s), 0);
    int rc = mw_smtp_send(s, m);
    CHECK(rc == 0, "%s: send = %d: %s", c->name, rc, mw_errmsg(s));
    CHECK_RC(mw_smtp_disconnect(s), 0);
    CHECK(dump_read(dump) == 1, "%s: one capture", c->name);
    int eight = 0;
    for (const unsigned char *p = (const unsigned char *)dumpbuf; *p; p++) eight |= *p >= 0x80;
    if (seven_bit_only) {
        CHECK(!eight, "%s: 8-bit bytes went to a server without 8BITMIME:\n%s", c->name, dumpbuf);
        CHECK(!dump_has("BODY=8BITMIME"), "%s: BODY=8BITMIME without 8BITMIME", c->name);
    } else {
        CHECK(!eight || dump_has("BODY=8BITMIME"), "%s: 8-bit data without BODY=8BITMIME:\n%s", c->name, dumpbuf);
    }
    /* The captured message (after smtp-sink's own three-line Received
     * header) reads back as the text that was sent. */
    const char *start = strstr(dumpbuf, "(UTC)\n");
    CHECK(start != NULL, "%s: the capture's Received header", c->name);
    if (start) {
        start += 6;
        int got = mw_message_new();
        CHECK_RC(mw_message_parse(got, start, strlen(start)), 0);
        const char *text = mw_message_get(got, "TextBody");
        CHECK(text && strncmp(text, UTF8_BODY, strlen(UTF8_BODY) - 1) == 0, "%s: text read back: %s", c->name,
              text ? text : "(null)");
        mw_close(got);
    }
    mw_close(m);
    mw_close(s);
}

/* dsn_args: the DSN parameters of RFC 3461 on MAIL and RCPT when the
 * server offers DSN, and none (the send still goes) when it does not. */
static void dsn_args(const struct scase *c, int s, int m, const char *dump) {
    (void)s;
    (void)m;
    dump_read(dump);
    int offered = strstr(c->sink, "-N") == NULL;
    int ret = dump_has("RET=HDRS"), envid = dump_has("ENVID=mw-env-1"),
        notify = dump_has("X-Rcpt-Args: <rcpt1@sink.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;rcpt1@sink.test");
    if (offered) {
        CHECK(ret && envid && notify, "%s: DSN parameters (ret %d envid %d notify %d):\n%s", c->name, ret, envid,
              notify, dumpbuf);
    } else {
        CHECK(!ret && !envid && !dump_has("NOTIFY=") && !dump_has("ORCPT="), "%s: no DSN parameters:\n%s", c->name,
              dumpbuf);
    }
}

/* enhanced_codes: the enhanced codes of the results. smtp-sink sends them
 * even when told not to announce ENHANCEDSTATUSCODES. */
static void enhanced_codes(const struct scase *c, int s, int m, const char *dump) {
    (void)dump;
    (void)m;
    const char *e = mw_smtp_result(s, 0, "enhanced");
    if (strstr(c->sink, "-E")) {
        /* Not announced: the client does not read "2.0.0" as an enhanced
         * code (RFC 2034 section 4), it stays part of the text. */
        CHECK(e && strcmp(e, "") == 0, "%s: enhanced %s without ENHANCEDSTATUSCODES", c->name, e ? e : "(null)");
    } else {
        /* A recipient's result is its final status: the end-of-data reply. */
        CHECK(e && strcmp(e, "2.0.0") == 0, "%s: enhanced %s", c->name, e ? e : "(null)");
    }
}

/* lmtp_capture: an LMTP session, one result per recipient. */
static void lmtp_capture(const struct scase *c, int s, int m, const char *dump) {
    (void)s;
    (void)m;
    dump_read(dump);
    CHECK(dump_has("X-Client-Proto: LMTP\n"), "%s: LMTP session:\n%s", c->name, dumpbuf);
    CHECK(strstr(logbuf, "C: LHLO client.test") != NULL, "%s: LHLO", c->name);
}

/* one_shot: mw_send (connect, send, QUIT in one call) reports the
 * message's fate; a refused QUIT after the accepted data does not turn it
 * into a failure. */
static int sink_port;
static void one_shot(const struct scase *c, int s, int m, const char *dump) {
    (void)s;
    (void)dump;
    char url[128];
    snprintf(url, sizeof url, "smtp://127.0.0.1:%d?security=none&helo=client.test", sink_port);
    int rc = mw_send(url, m);
    CHECK(rc == 0, "%s: mw_send = %d (%s): %s", c->name, rc, mw_strerror(rc), mw_errmsg(m));
}

/* ------------------------------------------------------------- the cases */

/* Cases whose run is not the generic one. */
static void many(const struct scase *c, int port, const char *dump);
static void many_refused(const struct scase *c, int port, const char *dump);
static void many_closed(const struct scase *c, int port, const char *dump);
static void eight_bit_offered(const struct scase *c, int port, const char *dump) { eight_bit(c, port, dump, 0); }
static void eight_bit_refused(const struct scase *c, int port, const char *dump) { eight_bit(c, port, dump, 1); }

static const struct {
    struct scase c;
    void (*custom)(const struct scase *c, int port, const char *dump);
} cases[] = {
    /* Everything accepted, and what went on the wire. */
    {{"accept", "", "", 2, AT_NONE, 0, 0, 1, capture, 0}, NULL},
    {{"pipelining", "", "", 2, AT_NONE, 0, 0, 1, pipelined, 0}, NULL},
    {{"no-pipelining", "-p", "", 2, AT_NONE, 0, 0, 1, lockstep, 0}, NULL},
    {{"pipelining-off", "", "pipelining=never", 2, AT_NONE, 0, 0, 1, lockstep, 0}, NULL},
    {{"8bitmime", "", "", 1, AT_NONE, 0, 0, 1, NULL, 0}, eight_bit_offered},
    {{"no-8bitmime", "-8", "", 1, AT_NONE, 0, 0, 1, NULL, 0}, eight_bit_refused},
    {{"no-esmtp", "-e", "", 1, AT_NONE, 0, 0, 1, helo_session, 0}, NULL},
    {{"no-esmtp-8bit", "-e", "", 1, AT_NONE, 0, 0, 1, NULL, 0}, eight_bit_refused},
    {{"pix-greeting", "-P", "", 1, AT_NONE, 0, 0, 1, helo_session, 0}, NULL},
    {{"dsn", "", "dsn_notify=SUCCESS,FAILURE dsn_ret=HDRS envid=mw-env-1", 1, AT_NONE, 0, 0, 1, dsn_args, 0}, NULL},
    {{"no-dsn", "-N", "dsn_notify=SUCCESS,FAILURE dsn_ret=HDRS envid=mw-env-1", 1, AT_NONE, 0, 0, 1, dsn_args, 0}, NULL},
    {{"enhanced", "", "", 1, AT_NONE, 0, 0, 1, enhanced_codes, 0}, NULL},
    {{"no-enhanced", "-E", "", 1, AT_NONE, 0, 0, 1, enhanced_codes, 0}, NULL},
    {{"lmtp", "-L", "protocol=lmtp", 3, AT_NONE, 0, 0, 1, lmtp_capture, 0}, NULL},
    {{"many", "", "", 2, AT_NONE, 0, 0, 5, NULL, 0}, many},
    {{"many-no-pipelining", "-p", "", 2, AT_NONE, 0, 0, 5, NULL, 0}, many},
    {{"many-dot-5xx", "-f .", "", 2, AT_NONE, 0, 0, 5, NULL, 0}, many_refused},
    {{"many-dot-421", "-Q .", "", 2, AT_NONE, 0, 0, -1, NULL, 0}, many_closed},

    /* The greeting. */
    {{"greeting-5xx", "-f CONNECT", "", 1, AT_CONNECT, MW_E_REFUSED, 500, 0, NULL, 0}, NULL},
    {{"greeting-4xx", "-r CONNECT", "", 1, AT_CONNECT, MW_E_TEMPORARY, 450, 0, NULL, 0}, NULL},
    {{"greeting-421", "-Q CONNECT", "", 1, AT_CONNECT, MW_E_CLOSED, 421, 0, NULL, 0}, NULL},
    {{"greeting-drop", "-q CONNECT", "", 1, AT_CONNECT, MW_E_CLOSED, 0, 0, NULL, 0}, NULL},
    {{"greeting-stall", "-W CONNECT:6", "timeout=1", 1, AT_CONNECT, MW_E_TIMEOUT, 0, 0, NULL, 0}, NULL},

    /* EHLO, HELO, LHLO. A refused EHLO falls back to HELO (RFC 5321
     * section 3.2); LMTP has no fallback (RFC 2033 section 4.1). */
    {{"ehlo-5xx", "-f EHLO", "", 1, AT_NONE, 0, 0, 1, helo_session, 0}, NULL},
    {{"ehlo-4xx", "-r EHLO", "", 1, AT_CONNECT, MW_E_TEMPORARY, 450, 0, NULL, 0}, NULL},
    {{"ehlo-helo-5xx", "-f EHLO,HELO", "", 1, AT_CONNECT, MW_E_REFUSED, 500, 0, NULL, 0}, NULL},
    {{"ehlo-helo-4xx", "-r EHLO,HELO", "", 1, AT_CONNECT, MW_E_TEMPORARY, 450, 0, NULL, 0}, NULL},
    {{"ehlo-421", "-Q EHLO", "", 1, AT_CONNECT, MW_E_CLOSED, 421, 0, NULL, 0}, NULL},
    {{"ehlo-drop", "-q EHLO", "", 1, AT_CONNECT, MW_E_CLOSED, 0, 0, NULL, 0}, NULL},
    {{"lhlo-5xx", "-L -f LHLO", "protocol=lmtp", 1, AT_CONNECT, MW_E_REFUSED, 500, 0, NULL, 0}, NULL},
    {{"lhlo-4xx", "-L -r LHLO", "protocol=lmtp", 1, AT_CONNECT, MW_E_TEMPORARY, 450, 0, NULL, 0}, NULL},

    /* AUTH (smtp-sink offers PLAIN and LOGIN, and answers an AUTH it does
     * not refuse with 250 instead of 235: outside RFC 4954, so a protocol
     * error, never taken for success). */
    {{"auth-5xx", "-f AUTH", "username=u password=p allow_plaintext_auth=1", 1, AT_CONNECT, MW_E_AUTH, 500, 0, NULL, 0},
     NULL},
    {{"auth-4xx", "-r AUTH", "username=u password=p allow_plaintext_auth=1", 1, AT_CONNECT, MW_E_TEMPORARY, 450, 0,
      NULL, 0},
     NULL},
    {{"auth-not-offered", "-a", "username=u password=p allow_plaintext_auth=1", 1, AT_CONNECT, MW_E_UNSUPPORTED, 0,
      0, NULL, 0},
     NULL},
    {{"auth-250", "", "username=u password=p allow_plaintext_auth=1", 1, AT_CONNECT, MW_E_PROTOCOL, 0, 0, NULL, 0},
     NULL},
    {{"auth-in-clear", "", "username=u password=p", 1, AT_CONNECT, MW_E_SECURITY, 0, 0, NULL, 0}, NULL},

    /* MAIL. */
    {{"mail-5xx", "-f MAIL", "", 2, AT_SEND, MW_E_REFUSED, 500, -1, NULL, 0}, NULL},
    {{"mail-4xx", "-r MAIL", "", 2, AT_SEND, MW_E_TEMPORARY, 450, -1, NULL, 0}, NULL},
    {{"mail-421", "-Q MAIL", "", 2, AT_SEND, MW_E_CLOSED, 421, -1, NULL, 0}, NULL},
    {{"mail-drop", "-q MAIL", "", 2, AT_SEND, MW_E_CLOSED, 0, -1, NULL, 0}, NULL},

    /* RCPT: smtp-sink refuses every recipient, so the send fails whole
     * (MW_E_PARTIAL needs a server that refuses only some: see the
     * embedded server's reject- addresses in the c and thirdparty suites). */
    {{"rcpt-5xx", "-f RCPT", "", 3, AT_SEND, MW_E_REFUSED, 500, -1, results_500, 0}, NULL},
    {{"rcpt-4xx", "-r RCPT", "", 3, AT_SEND, MW_E_TEMPORARY, 450, -1, results_450, 0}, NULL},
    {{"rcpt-421", "-Q RCPT", "", 2, AT_SEND, MW_E_CLOSED, 421, -1, NULL, 0}, NULL},
    {{"rcpt-drop", "-q RCPT", "", 2, AT_SEND, MW_E_CLOSED, 0, -1, NULL, 0}, NULL},
    {{"rcpt-stall", "-W RCPT:6", "timeout=1", 1, AT_SEND, MW_E_TIMEOUT, 0, -1, NULL, 0}, NULL},

    /* DATA. */
    {{"data-5xx", "-f DATA", "", 2, AT_SEND, MW_E_REFUSED, 500, -1, NULL, 0}, NULL},
    {{"data-4xx", "-r DATA", "", 2, AT_SEND, MW_E_TEMPORARY, 450, -1, NULL, 0}, NULL},
    {{"data-421", "-Q DATA", "", 2, AT_SEND, MW_E_CLOSED, 421, -1, NULL, 0}, NULL},
    {{"data-drop", "-q DATA", "", 2, AT_SEND, MW_E_CLOSED, 0, -1, NULL, 0}, NULL},
    {{"data-abort", "-A 0", "", 1, AT_SEND, MW_E_REFUSED, 550, -1, NULL, 1}, NULL},

    /* End of data. */
    {{"dot-5xx", "-f .", "", 2, AT_SEND, MW_E_REFUSED, 500, -1, NULL, 0}, NULL},
    {{"dot-4xx", "-r .", "", 2, AT_SEND, MW_E_TEMPORARY, 450, -1, NULL, 0}, NULL},
    {{"dot-421", "-Q .", "", 2, AT_SEND, MW_E_CLOSED, 421, -1, NULL, 0}, NULL},
    {{"dot-drop", "-q .", "", 2, AT_SEND, MW_E_CLOSED, 0, -1, NULL, 0}, NULL},
    {{"dot-stall", "-W .:6", "data_timeout=1", 1, AT_SEND, MW_E_TIMEOUT, 0, -1, NULL, 0}, NULL},
    /* LMTP: one reply per recipient after the data (RFC 2033 section 4.2). */
    {{"lmtp-dot-5xx", "-L -f .", "protocol=lmtp", 3, AT_SEND, MW_E_REFUSED, 500, -1, results_500, 0}, NULL},
    {{"lmtp-dot-4xx", "-L -r .", "protocol=lmtp", 3, AT_SEND, MW_E_TEMPORARY, 450, -1, results_450, 0}, NULL},
    {{"lmtp-dot-421", "-L -Q .", "protocol=lmtp", 2, AT_SEND, MW_E_CLOSED, 421, -1, NULL, 0}, NULL},

    /* QUIT: the message was accepted; a refused QUIT is the disconnect's
     * code, and mw_send still reports the message sent. */
    {{"quit-5xx", "-f QUIT", "", 1, AT_QUIT, MW_E_REFUSED, 500, 2, one_shot, 0}, NULL},
    {{"quit-drop", "-q QUIT", "", 1, AT_QUIT, MW_E_CLOSED, 0, 2, one_shot, 0}, NULL},
};

#define NCASES (sizeof cases / sizeof cases[0])

/* many_run sends five messages on one connection with mw_smtp_send_many
 * (one round trip each when pipelined, RFC 2920 section 3.1): the call
 * returns want and each message handle carries each. */
static void many_run(const struct scase *c, int port, const char *dump, int want, int each) {
    int s = client(c->opts, port);
    int msgs[5];
    for (int i = 0; i < 5; i++) msgs[i] = message(c->name, c->rcpts, NULL);
    CHECK_RC(mw_smtp_connect(s), 0);
    int rc = mw_smtp_send_many(s, msgs, 5);
    CHECK(rc == want, "%s: send_many = %d (%s), want %d: %s", c->name, rc, mw_strerror(rc), want, mw_errmsg(s));
    for (int i = 0; i < 5; i++) {
        CHECK(mw_errcode(msgs[i]) == each, "%s: message %d: %d (%s), want %d: %s", c->name, i, mw_errcode(msgs[i]),
              mw_strerror(mw_errcode(msgs[i])), each, mw_errmsg(msgs[i]));
        if (each == 0 || each == MW_E_REFUSED)
            CHECK(mw_smtp_result_count(msgs[i]) == c->rcpts, "%s: message %d: %d results", c->name, i,
                  mw_smtp_result_count(msgs[i]));
        mw_close(msgs[i]);
    }
    CHECK_RC(mw_smtp_disconnect(s), 0);
    mw_close(s);
    int n = dump_read(dump);
    if (c->stored >= 0) CHECK(n == c->stored, "%s: %d captures, want %d", c->name, n, c->stored);
}

static void many(const struct scase *c, int port, const char *dump) { many_run(c, port, dump, 0, 0); }

/* Every message refused at its end of data: the batch is partial, each
 * message refused, and the connection goes on to the next. */
static void many_refused(const struct scase *c, int port, const char *dump) {
    many_run(c, port, dump, MW_E_PARTIAL, MW_E_REFUSED);
}

/* A 421 after the first message's data: that message and the ones behind
 * it get the connection's end. */
static void many_closed(const struct scase *c, int port, const char *dump) {
    many_run(c, port, dump, MW_E_CLOSED, MW_E_CLOSED);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < NCASES; i++) printf("%s\t%s\n", cases[i].c.name, cases[i].c.sink);
        return 0;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: sink_test --list | sink_test NAME PORT DUMPDIR\n");
        return 2;
    }
    for (size_t i = 0; i < NCASES; i++) {
        if (strcmp(cases[i].c.name, argv[1]) != 0) continue;
        int port = sink_port = atoi(argv[2]);
        if (cases[i].custom)
            cases[i].custom(&cases[i].c, port, argv[3]);
        else
            run(&cases[i].c, port, argv[3]);
        CHECK_RC(mw_handle_count(), 0);
        char name[96];
        snprintf(name, sizeof name, "sink %s", argv[1]);
        if (check_failed) fprintf(stderr, "--- client log:\n%s", logbuf);
        return DONE(name);
    }
    fprintf(stderr, "sink_test: no case %s\n", argv[1]);
    return 2;
}
