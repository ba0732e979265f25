/* Injection through every C entry point that takes a string (SECURITY.md
 * sections 1 and 2): CR, LF, CRLF with a forged header or command, 1 MB
 * values and bytes that are not UTF-8, and NUL where a length carries it.
 * Each call must refuse the value (MW_E_ARG, MW_E_OPTION, ...) or encode
 * it: the rendered message (mw_message_mime) and what the embedded server
 * received never carry it raw. */
#include <stdlib.h>
#include <unistd.h>
#include "mailwire.h"
#include "check.h"

#define BIG (1 << 20)

static const char *bad[] = {
    "x\r\nInjected: yes", "x\nInjected: yes", "x\rInjected: yes", "x\r\n\r\nInjected: yes",
    "x>\r\nRCPT TO:<evil@example.org>", "x\r\n.\r\nInjected: yes",
};
#define NBAD (int)(sizeof bad / sizeof bad[0])

static const char *odd[] = {"\xff\xfe not UTF-8", "caf\xc3 truncated", "\xc0\xaf overlong", NULL /* the 1 MB value */};
#define NODD (int)(sizeof odd / sizeof odd[0])
static char check_h[4096]; /* absolute path of a file to attach */

static char *big;

static const char *odd_value(int i) { return odd[i] ? odd[i] : big; }

/* clean checks a rendered or received message: no header or command forged
 * at a line start, CRLF line ends only, no line over 998 octets (RFC 5322
 * section 2.1.1), no byte of invalid UTF-8 in it, no NUL. */
static void clean(const char *what, const char *m, size_t len, int body_may_say) {
    size_t line = 0, hdr_end = len;
    const char *e = strstr(m, "\r\n\r\n"), *problem = NULL;
    size_t at = 0;
    if (e) hdr_end = (size_t)(e - m);
    for (size_t i = 0; i < len && !problem; i++) {
        unsigned char c = (unsigned char)m[i];
        at = i;
        if (c == 0) problem = "NUL";
        else if (c == 0xff || c == 0xfe || c == 0xc0) problem = "raw invalid UTF-8 byte";
        else if (c == '\r' && (i + 1 == len || m[i + 1] != '\n')) problem = "bare CR";
        else if (c == '\n' && (i == 0 || m[i - 1] != '\r')) problem = "bare LF";
        else if (c == '\n' || i == 0) {
            const char *start = c == '\n' ? m + i + 1 : m;
            int in_hdr = (size_t)(start - m) < hdr_end;
            if ((in_hdr || !body_may_say) &&
                (strncmp(start, "Injected:", 9) == 0 || strncmp(start, "RCPT TO", 7) == 0))
                problem = "forged header or command at a line start";
            line = 0;
        } else if (++line > 998) problem = "line over 998 octets";
    }
    CHECK(problem == NULL, "%s: %s at offset %zu", what, problem, at);
}

/* render renders msg and checks it; returns 0 or the code of the render. */
static int render(int msg, const char *what, int body_may_say) {
    char *out = NULL;
    size_t len = 0;
    int rc = mw_message_mime(msg, &out, &len);
    if (rc == 0) clean(what, out, len, body_may_say);
    mw_free(out);
    return rc;
}

static const char *fields[] = {
    "From", "Sender", "ReplyTo", "Subject", "Priority", "ReadReceiptTo", "Date", "MessageId",
    "Organization", "X-Custom", "Keywords", "Comments",
};
#define NFIELDS (int)(sizeof fields / sizeof fields[0])

static int base_message(void) {
    int m = mw_message_new();
    CHECK_RC(mw_message_set(m, "From", "Sender <sender@example.org>"), 0);
    CHECK_RC(mw_message_add_to(m, "rcpt@example.org"), 0);
    CHECK_RC(mw_message_set(m, "TextBody", "hello"), 0);
    return m;
}

/* test_fields: every header field with CR/LF is MW_E_ARG; odd and
 * overlong values are refused or encoded. */
static void test_fields(void) {
    for (int f = 0; f < NFIELDS; f++) {
        for (int i = 0; i < NBAD; i++) {
            int m = base_message();
            CHECK_RC(mw_message_set(m, fields[f], bad[i]), MW_E_ARG);
            CHECK_RC(render(m, fields[f], 0), 0);
            mw_close(m);
        }
        for (int i = 0; i < NODD; i++) {
            int m = base_message();
            int rc = mw_message_set(m, fields[f], odd_value(i));
            CHECK(rc == 0 || rc == MW_E_ARG, "set %s to odd value %d: %d", fields[f], i, rc);
            rc = render(m, fields[f], 0);
            CHECK(rc == 0 || rc == MW_E_ARG, "render with %s odd value %d: %d", fields[f], i, rc);
            mw_close(m);
        }
    }
    /* header names */
    const char *names[] = {"X-A\r\nInjected", "X-A\nB", "X-A: b", "X A", "", "Content-Type", "MIME-Version", "\xff"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int m = base_message();
        CHECK_RC(mw_message_set(m, names[i], "v"), MW_E_ARG);
        mw_close(m);
    }
    int m = base_message();
    int rc = mw_message_set(m, big, "v");
    CHECK(rc == MW_E_ARG, "1 MB header name: %d", rc);
    CHECK_STR(mw_message_get(m, "Subject\r\nX"), NULL);
    mw_close(m);
    /* bodies may hold line breaks of any kind: they come out as CRLF */
    for (int i = 0; i < NBAD; i++) {
        m = base_message();
        CHECK_RC(mw_message_set(m, "TextBody", bad[i]), 0);
        CHECK_RC(mw_message_set(m, "HtmlBody", bad[i]), 0);
        CHECK_RC(render(m, "body", 1), 0);
        mw_close(m);
    }
}

/* test_addresses: every address list refuses CR, LF and smuggled
 * commands; nothing is added then. */
static void test_addresses(void) {
    static const char *addrs[] = {
        "a@example.org\r\nInjected: yes", "a@example.org\nInjected: yes", "\"a\r\nInjected: yes\"@example.org",
        "a@example.org>\r\nRCPT TO:<evil@example.org>", "Name\r\n <a@example.org>", "a@evil.org@good.org",
        "a@example.org> SIZE=1 NOTIFY=NEVER", "<a@example.org> ORCPT=rfc822;x",
    };
    int (*add[])(int, const char *) = {mw_message_add_to, mw_message_add_cc, mw_message_add_bcc};
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
            int m = base_message();
            CHECK_RC(add[k](m, addrs[i]), MW_E_ARG);
            CHECK_RC(render(m, addrs[i], 0), 0);
            mw_close(m);
        }
        for (int i = 0; i < NODD; i++) {
            int m = base_message();
            CHECK_RC(add[k](m, odd_value(i)), MW_E_ARG);
            mw_close(m);
        }
    }
    for (int i = 0; i < NBAD; i++) {
        int m = mw_message_new();
        CHECK_RC(mw_message_set(m, "From", bad[i]), MW_E_ARG);
        CHECK_RC(mw_message_set(m, "ReplyTo", bad[i]), MW_E_ARG);
        mw_close(m);
    }
}

/* test_attachments: names, content types and content ids. */
static void test_attachments(void) {
    static const char data[] = "a\0b\r\n.\r\nInjected: yes\r\n";
    for (int i = 0; i < NBAD; i++) {
        int m = base_message();
        int rc = mw_message_attach_data(m, "x", 1, bad[i], "text/plain");
        CHECK(rc == 0 || rc == MW_E_ARG, "attachment name %d: %d", i, rc);
        CHECK_RC(mw_message_attach_data(m, "x", 1, "a.txt", bad[i]), MW_E_ARG);
        CHECK_RC(render(m, "attachment", 0), 0);
        mw_close(m);
        m = base_message();
        rc = mw_message_embed_file(m, check_h, bad[i]);
        CHECK(rc == MW_E_ARG, "content id %d: %d", i, rc);
        rc = mw_message_attach_file(m, check_h, bad[i], bad[i]);
        CHECK(rc == MW_E_ARG, "file name and type %d: %d", i, rc);
        CHECK_RC(render(m, "embed", 0), 0);
        mw_close(m);
    }
    for (int i = 0; i < NODD; i++) {
        int m = base_message();
        int rc = mw_message_attach_data(m, "x", 1, odd_value(i), NULL);
        CHECK(rc == 0 || rc == MW_E_ARG, "odd attachment name %d: %d", i, rc);
        rc = mw_message_attach_data(m, "x", 1, "a.bin", odd_value(i));
        CHECK(rc == MW_E_ARG, "odd content type %d: %d", i, rc);
        rc = mw_message_embed_file(m, check_h, odd_value(i));
        CHECK(rc == 0 || rc == MW_E_ARG, "odd content id %d: %d", i, rc);
        CHECK_RC(render(m, "odd attachment", 0), 0);
        mw_close(m);
    }
    /* NUL travels only through lengths: data with NUL is encoded */
    int m = base_message();
    CHECK_RC(mw_message_attach_data(m, data, sizeof data - 1, "nul.bin", "application/octet-stream"), 0);
    CHECK_RC(render(m, "NUL data", 0), 0);
    char *out = NULL;
    size_t len = 0;
    CHECK_RC(mw_message_attachment_data(m, 0, &out, &len), 0);
    CHECK(len == sizeof data - 1 && out && memcmp(out, data, len) == 0, "attachment data with NUL changed");
    mw_free(out);
    mw_close(m);
    /* paths */
    for (int i = 0; i < NBAD; i++) {
        m = base_message();
        int rc = mw_message_attach_file(m, bad[i], NULL, NULL);
        CHECK(rc == MW_E_FILE || rc == MW_E_ARG, "attach path %d: %d", i, rc);
        rc = mw_message_load(m, bad[i]);
        CHECK(rc == MW_E_FILE || rc == MW_E_ARG, "load path %d: %d", i, rc);
        mw_close(m);
    }
    m = base_message();
    CHECK(mw_message_attach_file(m, big, NULL, NULL) < 0, "1 MB path accepted");
    CHECK(mw_message_save(m, big) < 0, "1 MB save path accepted");
    mw_close(m);
}

/* test_parse: NUL and bare line ends inside parsed headers never come
 * back out raw. */
static void test_parse(void) {
    static const char raw[] = "From: a@example.org\r\nSubject: a\0b\rInjected: yes\r\n"
                              "X-Nul: \0\r\nTo: b@example.org\r\n\r\nbody\0\r\n";
    int m = mw_message_new();
    int rc = mw_message_parse(m, raw, sizeof raw - 1);
    CHECK(rc == 0 || rc == MW_E_PARSE, "parse with NUL: %d", rc);
    if (rc == 0) {
        const char *s = mw_message_get(m, "Subject");
        CHECK(s == NULL || strchr(s, '\r') == NULL, "Subject keeps a CR: %s", s);
        /* The header must come out clean; a NUL in the body is passed on
         * as received (RFC 5322 section 4.1 obsolete syntax allows it). */
        char *out = NULL;
        size_t len = 0;
        CHECK_RC(mw_message_mime(m, &out, &len), 0);
        const char *end = out ? strstr(out, "\r\n\r\n") : NULL;
        if (end) clean("parsed header with NUL", out, (size_t)(end - out) + 4, 0);
        mw_free(out);
    }
    mw_close(m);
}

static const char *smtp_opts[] = {
    "host", "port", "security", "username", "password", "token", "auth", "helo", "timeout", "data_timeout",
    "protocol", "ca_file", "tls_verify", "pin", "allow_plaintext_auth", "dsn_notify", "dsn_ret", "envid",
    "chunking", "pipelining", "log_file",
};
#define NSMTP (int)(sizeof smtp_opts / sizeof smtp_opts[0])

/* test_options: CR or LF in any option is MW_E_ARG; odd values are
 * refused or taken, never a crash. */
static void test_options(void) {
    int (*set[])(int, const char *, const char *) = {mw_smtp_set, mw_pop3_set, mw_pool_set};
    int (*make[])(void) = {mw_smtp_new, mw_pop3_new, mw_pool_new};
    const char *kind[] = {"smtp", "pop3", "pool"};
    for (int k = 0; k < 3; k++) {
        int h = make[k]();
        for (int o = 0; o < NSMTP; o++) {
            for (int i = 0; i < NBAD; i++) {
                int rc = set[k](h, smtp_opts[o], bad[i]);
                if (k == 1 && rc == MW_E_OPTION) continue; /* not a POP3 option */
                CHECK(rc == MW_E_ARG, "%s option %s with CR/LF %d: %d", kind[k], smtp_opts[o], i, rc);
            }
            for (int i = 0; i < NODD; i++) {
                int rc = set[k](h, smtp_opts[o], odd_value(i));
                CHECK(rc == 0 || rc == MW_E_ARG || rc == MW_E_OPTION || rc == MW_E_FILE,
                      "%s option %s odd value %d: %d", kind[k], smtp_opts[o], i, rc);
            }
        }
        int rc = set[k](h, "helo\r\nx", "a");
        CHECK(rc == MW_E_ARG || rc == MW_E_OPTION, "%s: option name with CR/LF: %d", kind[k], rc);
        CHECK(set[k](h, big, "a") < 0, "%s: 1 MB option name accepted", kind[k]);
        mw_close(h);
    }
    /* Paths (tls_cert, tls_key, ca_out, store) and the listen address never
     * reach the wire: any byte may be taken there and fail at start. */
    const char *srv_opts[] = {"smtp_port", "hostname", "users", "max_message_size", "require_tls_for_auth",
                              "max_sessions", "idle_timeout"};
    int s = mw_server_new();
    for (size_t o = 0; o < sizeof srv_opts / sizeof srv_opts[0]; o++) {
        for (int i = 0; i < NBAD; i++) {
            int rc = mw_server_set(s, srv_opts[o], bad[i]);
            CHECK(rc == MW_E_ARG || rc == MW_E_OPTION, "server option %s with CR/LF %d: %d", srv_opts[o], i, rc);
        }
    }
    CHECK(mw_server_port(s, "smtp\r\n") < 0, "server port of a bad service name");
    mw_close(s);
}

/* test_wire: a message with every odd value that was accepted goes to the
 * embedded server, and what it stored is clean; mw_send refuses URLs that
 * carry CR or LF, percent-encoded or not. */
static void test_wire(void) {
    int srv = mw_server_new();
    CHECK_RC(mw_server_set(srv, "pop3_port", "-1"), 0);
    CHECK_RC(mw_server_set(srv, "pop3s_port", "-1"), 0);
    CHECK_RC(mw_server_start(srv), 0);
    int port = mw_server_port(srv, "smtp");
    char portstr[16], url[256];
    snprintf(portstr, sizeof portstr, "%d", port);

    int m = base_message();
    for (int i = 0; i < NODD; i++) {
        mw_message_set(m, "Subject", odd_value(i));
        mw_message_set(m, "X-Custom", odd_value(i));
        mw_message_attach_data(m, "x", 1, odd_value(i), NULL);
    }
    mw_message_set(m, "TextBody", "line\rbare CR\nbare LF\r\n.\r\nInjected: yes\r\n.");
    int c = mw_smtp_new();
    CHECK_RC(mw_smtp_set(c, "host", "127.0.0.1"), 0);
    CHECK_RC(mw_smtp_set(c, "port", portstr), 0);
    CHECK_RC(mw_smtp_set(c, "security", "none"), 0);
    CHECK_RC(mw_smtp_connect(c), 0);
    CHECK_RC(mw_smtp_send(c, m), 0);
    mw_smtp_disconnect(c);
    mw_close(c);
    mw_close(m);
    CHECK_RC(mw_server_message_count(srv, "rcpt"), 1);
    char *out = NULL;
    size_t len = 0;
    if (mw_server_message(srv, "rcpt", 0, &out, &len) == 0) clean("stored message", out, len, 1);
    mw_free(out);

    static const char *urls[] = {
        "smtp://127.0.0.1:%s/?security=none&helo=a%%0D%%0AInjected:yes",
        "smtp://127.0.0.1:%s/?security=none&helo=a%%0AInjected:yes",
        "smtp://127.0.0.1:%s/?security=none&envid=a%%0D%%0ARSET",
        "smtp://u%%0D%%0AQUIT:p@127.0.0.1:%s/?security=none&allow_plaintext_auth=1",
        "smtp://127.0.0.1:%s/?security=none\r\nInjected: yes",
        "smtp://127.0.0.1:%s/?security=none&helo=a%%00b",
        "smtp://127.0.0.1:%s/?security=none&helo=%%FF%%FE",
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        snprintf(url, sizeof url, urls[i], portstr);
        m = base_message();
        int rc = mw_send(url, m);
        CHECK(rc == MW_E_ARG || rc == MW_E_OPTION || rc == MW_E_PARSE, "mw_send(%s) = %d (%s)", url, rc,
              mw_errmsg(m));
        mw_close(m);
    }
    m = base_message();
    CHECK(mw_send(big, m) < 0, "1 MB URL accepted");
    mw_close(m);
    CHECK_RC(mw_server_message_count(srv, "rcpt"), 1);
    mw_close(srv);
}

int main(void) {
    /* Options such as log_file create files named by the odd values: work
     * in a directory of our own, removed at the end. */
    if (!realpath("tests/c/check.h", check_h)) return 2;
    char tmp[] = "/tmp/mw-injection-XXXXXX", cwd[4096];
    if (!mkdtemp(tmp) || !getcwd(cwd, sizeof cwd) || chdir(tmp) != 0) return 2;
    big = malloc(BIG + 1);
    for (int i = 0; i < BIG; i++) big[i] = (char)('a' + i % 26);
    big[BIG] = 0;
    test_fields();
    test_addresses();
    test_attachments();
    test_parse();
    test_options();
    test_wire();
    free(big);
    CHECK_RC(mw_handle_count(), 0);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (chdir(cwd) != 0 || system(cmd) != 0) return 2;
    return DONE("injection");
}
