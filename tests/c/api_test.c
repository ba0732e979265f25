/* Every export of include/mailwire.h from C: garbage first (handle 0, -1, a
 * closed handle, a handle of another kind, NULL pointers), then the real
 * flows against the embedded server: compose, render, save and load,
 * submission with STARTTLS and AUTH, LMTP per-recipient results, the pool
 * from several threads, POP3 with STLS, the Received trace, progress and
 * cancel. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "mailwire.h"
#include "check.h"

static char dir[64], ca[128];
static int srv;

/* closed_port binds a socket to a free port of 127.0.0.1 without listening
 * on it, so that a connection there is refused whatever else runs on the
 * machine (a fixed port, even 1, may have a listener). Returns the socket
 * (close it after use) and the port in *port. */
static int closed_port(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t n = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &n) == 0)
        *port = ntohs(a.sin_port);
    return fd;
}

static void test_garbage(void) {
    int closed = mw_message_new();
    CHECK(closed > 0, "mw_message_new = %d", closed);
    CHECK_RC(mw_close(closed), 0);
    int other = mw_server_new();
    const int bad[] = {0, -1, closed, 123456789};
    char *out = NULL;
    size_t len = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int h = bad[i];
        CHECK_RC(mw_message_set(h, "Subject", "x"), MW_E_HANDLE);
        CHECK_STR(mw_message_get(h, "Subject"), NULL);
        CHECK_RC(mw_message_add_to(h, "a@b.test"), MW_E_HANDLE);
        CHECK_RC(mw_message_add_cc(h, "a@b.test"), MW_E_HANDLE);
        CHECK_RC(mw_message_add_bcc(h, "a@b.test"), MW_E_HANDLE);
        CHECK_RC(mw_message_attach_file(h, "/etc/hostname", NULL, NULL), MW_E_HANDLE);
        CHECK_RC(mw_message_attach_data(h, "x", 1, "x.txt", NULL), MW_E_HANDLE);
        CHECK_RC(mw_message_embed_file(h, "/etc/hostname", "cid"), MW_E_HANDLE);
        CHECK_RC(mw_message_mime(h, &out, &len), MW_E_HANDLE);
        CHECK(out == NULL, "out set on error");
        CHECK_RC(mw_message_save(h, "/tmp/x.eml"), MW_E_HANDLE);
        CHECK_RC((int)mw_message_size(h), MW_E_HANDLE);
        CHECK_RC(mw_message_parse(h, "x", 1), MW_E_HANDLE);
        CHECK_RC(mw_message_load(h, "/etc/hostname"), MW_E_HANDLE);
        CHECK_RC(mw_message_attachment_count(h), MW_E_HANDLE);
        CHECK_STR(mw_message_attachment(h, 0, "name"), NULL);
        CHECK_RC(mw_message_attachment_save(h, 0, "/tmp"), MW_E_HANDLE);
        CHECK_RC(mw_message_attachment_data(h, 0, &out, &len), MW_E_HANDLE);
        CHECK_RC(mw_message_trace_count(h), MW_E_HANDLE);
        CHECK_STR(mw_message_trace(h, 0, "with"), NULL);
        CHECK_RC(mw_message_trace_flags(h, 0), MW_E_HANDLE);
        CHECK_RC(mw_smtp_set(h, "host", "x"), MW_E_HANDLE);
        CHECK_RC(mw_smtp_connect(h), MW_E_HANDLE);
        CHECK_RC(mw_smtp_send(h, h), MW_E_HANDLE);
        CHECK_RC(mw_smtp_result_count(h), MW_E_HANDLE);
        CHECK_STR(mw_smtp_result(h, 0, "code"), NULL);
        CHECK_RC(mw_smtp_reply_code(h), MW_E_HANDLE);
        CHECK_STR(mw_smtp_reply(h), NULL);
        CHECK_STR(mw_smtp_capabilities(h), NULL);
        CHECK_RC(mw_smtp_disconnect(h), MW_E_HANDLE);
        CHECK_RC(mw_send("smtp://127.0.0.1:1", h), MW_E_HANDLE);
        CHECK_RC(mw_set_progress(h, NULL, NULL), MW_E_HANDLE);
        CHECK_RC(mw_set_log(h, NULL, NULL), MW_E_HANDLE);
        CHECK_RC(mw_cancel(h), MW_E_HANDLE);
        CHECK_RC(mw_pool_set(h, "host", "x"), MW_E_HANDLE);
        CHECK_RC(mw_pool_send(h, h), MW_E_HANDLE);
        CHECK_RC(mw_pop3_set(h, "host", "x"), MW_E_HANDLE);
        CHECK_RC(mw_pop3_connect(h), MW_E_HANDLE);
        CHECK_RC(mw_pop3_count(h), MW_E_HANDLE);
        CHECK_RC((int)mw_pop3_size(h, 1), MW_E_HANDLE);
        CHECK_STR(mw_pop3_uid(h, 1), NULL);
        CHECK_RC(mw_pop3_retrieve(h, 1, h), MW_E_HANDLE);
        CHECK_RC(mw_pop3_retrieve_file(h, 1, "/tmp/x"), MW_E_HANDLE);
        CHECK_RC(mw_pop3_top(h, 1, 0, h), MW_E_HANDLE);
        CHECK_RC(mw_pop3_delete(h, 1), MW_E_HANDLE);
        CHECK_RC(mw_pop3_reset(h), MW_E_HANDLE);
        CHECK_STR(mw_pop3_capabilities(h), NULL);
        CHECK_RC(mw_pop3_disconnect(h), MW_E_HANDLE);
        CHECK_RC(mw_server_set(h, "hostname", "x"), MW_E_HANDLE);
        CHECK_RC(mw_server_start(h), MW_E_HANDLE);
        CHECK_RC(mw_server_port(h, "smtp"), MW_E_HANDLE);
        CHECK_RC(mw_server_message_count(h, ""), MW_E_HANDLE);
        CHECK_RC(mw_server_message(h, "", 0, &out, &len), MW_E_HANDLE);
        CHECK_RC(mw_server_stop(h), MW_E_HANDLE);
        CHECK_RC(mw_close(h), MW_E_HANDLE);
    }
    /* A handle of another kind. */
    CHECK_RC(mw_message_set(other, "Subject", "x"), MW_E_HANDLE);
    CHECK_RC(mw_smtp_connect(other), MW_E_HANDLE);
    CHECK_RC(mw_pop3_count(other), MW_E_HANDLE);
    CHECK(strstr(mw_errmsg(other), "server handle") != NULL, "errmsg of wrong kind: %s", mw_errmsg(other));
    /* NULL pointers and bad arguments on live handles. */
    int m = mw_message_new(), s = mw_smtp_new(), p = mw_pop3_new();
    CHECK_RC(mw_message_set(m, NULL, "x"), MW_E_ARG);
    CHECK(*mw_errmsg(m) != 0, "no message after MW_E_ARG");
    CHECK_RC(mw_errcode(m), MW_E_ARG);
    CHECK_STR(mw_message_attachment(m, 3, "name"), NULL);
    CHECK_RC(mw_errcode(m), MW_E_NOTFOUND);
    CHECK_RC(mw_errcode(closed), MW_E_HANDLE);
    CHECK_RC(mw_message_set(m, "Subject", "ok"), 0);
    CHECK_STR(mw_errmsg(m), "");
    CHECK_RC(mw_errcode(m), 0);
    CHECK_RC(mw_message_set(m, "Subject", "a\r\nBcc: evil@x.test"), MW_E_ARG);
    CHECK_RC(mw_message_add_to(m, NULL), MW_E_ARG);
    CHECK_RC(mw_message_add_to(m, "not an address"), MW_E_ARG);
    CHECK_RC(mw_message_add_to(m, "a@evil.test@good.test"), MW_E_ARG);
    CHECK_RC(mw_message_attach_file(m, NULL, NULL, NULL), MW_E_ARG);
    CHECK_RC(mw_message_attach_file(m, "/nonexistent/file", NULL, NULL), MW_E_FILE);
    CHECK_RC(mw_message_attach_data(m, NULL, 5, "x", NULL), MW_E_ARG);
    CHECK_RC(mw_message_mime(m, NULL, &len), MW_E_ARG);
    CHECK_RC(mw_message_parse(m, NULL, 3), MW_E_ARG);
    CHECK_RC(mw_message_load(m, "/nonexistent/file.eml"), MW_E_FILE);
    CHECK_STR(mw_message_attachment(m, 0, "name"), NULL);
    CHECK_RC(mw_message_attachment_save(m, 7, "/tmp"), MW_E_NOTFOUND);
    CHECK_STR(mw_message_trace(m, 0, "with"), NULL);
    CHECK_RC(mw_message_trace_flags(m, -1), MW_E_NOTFOUND);
    CHECK_RC(mw_smtp_set(s, NULL, "x"), MW_E_ARG);
    CHECK_RC(mw_smtp_set(s, "host", NULL), MW_E_ARG);
    CHECK_RC(mw_smtp_set(s, "no_such_option", "x"), MW_E_OPTION);
    CHECK_RC(mw_smtp_set(s, "port", "70000"), MW_E_OPTION);
    CHECK_RC(mw_smtp_set(s, "security", "maybe"), MW_E_OPTION);
    CHECK_RC(mw_smtp_set(s, "helo", "a\r\nMAIL FROM:<x>"), MW_E_ARG);
    CHECK_RC(mw_smtp_send(s, m), MW_E_STATE);
    CHECK_STR(mw_smtp_capabilities(s), NULL);
    CHECK_RC(mw_smtp_reply_code(s), 0);
    CHECK_STR(mw_smtp_reply(s), "");
    CHECK_RC(mw_smtp_result_count(s), 0);
    CHECK_RC(mw_smtp_disconnect(s), 0);
    CHECK_RC(mw_send(NULL, m), MW_E_ARG);
    CHECK_RC(mw_send("gopher://x", m), MW_E_ARG);
    CHECK_RC(mw_pop3_set(p, "no_such_option", "x"), MW_E_OPTION);
    CHECK_RC(mw_pop3_count(p), MW_E_STATE);
    CHECK_RC(mw_server_port(other, "smtp"), MW_E_STATE);
    CHECK_RC(mw_server_set(other, "no_such_option", "1"), MW_E_OPTION);
    CHECK_RC(mw_cancel(s), 0);
    /* Nothing listens on the port: a clear connect error within the timeout. */
    int refusing, fd = closed_port(&refusing);
    char cport[16];
    CHECK(refusing > 0, "a port of 127.0.0.1 to refuse connections");
    snprintf(cport, sizeof cport, "%d", refusing);
    mw_smtp_set(s, "host", "127.0.0.1");
    mw_smtp_set(s, "port", cport);
    mw_smtp_set(s, "timeout", "5");
    CHECK_RC(mw_smtp_connect(s), MW_E_CONNECT);
    if (fd >= 0) close(fd);
    mw_close(m); mw_close(s); mw_close(p); mw_close(other);
}

static int smtp_client(const char *service, const char *user) {
    char port[16];
    int s = mw_smtp_new();
    snprintf(port, sizeof port, "%d", mw_server_port(srv, service));
    mw_smtp_set(s, "host", "127.0.0.1");
    mw_smtp_set(s, "port", port);
    mw_smtp_set(s, "ca_file", ca);
    if (strcmp(service, "smtps") == 0) mw_smtp_set(s, "security", "tls");
    else mw_smtp_set(s, "security", "starttls");
    if (strcmp(service, "lmtp") == 0) mw_smtp_set(s, "protocol", "lmtp");
    if (user) {
        mw_smtp_set(s, "username", user);
        mw_smtp_set(s, "password", "secret");
    }
    return s;
}

static int compose(const char *to, const char *subject) {
    int m = mw_message_new();
    mw_message_set(m, "From", "Bob <bob@example.test>");
    mw_message_add_to(m, to);
    mw_message_set(m, "Subject", subject);
    mw_message_set(m, "TextBody", "Hello.\n.\nA line with a dot above.\n");
    return m;
}

static long long progress_done, progress_total;
static void on_progress(void *user, long long done, long long total) {
    (*(int *)user)++;
    progress_done = done;
    progress_total = total;
}

static void test_compose(void) {
    int m = compose("Alice <alice@example.test>, carol@example.test", "Gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93");
    mw_message_add_cc(m, "\"Doe, John\" <john@example.test>");
    mw_message_add_bcc(m, "hidden@example.test");
    mw_message_set(m, "HtmlBody", "<p>Hello <img src=\"cid:logo\"></p>");
    mw_message_set(m, "Priority", "high");
    mw_message_set(m, "X-Custom", "yes");
    char path[160];
    snprintf(path, sizeof path, "%s/r\xc3\xa9sum\xc3\xa9.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("line one\r\n.line two\r\n", f);
    fclose(f);
    CHECK_RC(mw_message_attach_file(m, path, NULL, NULL), 0);
    CHECK_RC(mw_message_attach_data(m, "\x00\x01\x02", 3, "bin.dat", "application/octet-stream"), 0);
    CHECK_RC(mw_message_embed_file(m, path, "logo"), 0);
    char *out = NULL;
    size_t len = 0;
    CHECK_RC(mw_message_mime(m, &out, &len), 0);
    CHECK(out && len > 0 && strlen(out) == len, "mime len %zu", len);
    CHECK((long long)len == mw_message_size(m), "size %lld != rendered %zu", mw_message_size(m), len);
    CHECK(out && strstr(out, "hidden@example.test") == NULL, "Bcc rendered");
    CHECK(out && strstr(out, "X-Custom: yes\r\n") != NULL, "custom header missing");
    int back = mw_message_new();
    CHECK_RC(mw_message_parse(back, out, len), 0);
    CHECK_STR(mw_message_get(back, "Subject"), "Gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93");
    CHECK_STR(mw_message_get(back, "X-Custom"), "yes");
    CHECK(strstr(mw_message_get(back, "TextBody"), ".\r\nA line with a dot") != NULL, "text body: %s", mw_message_get(back, "TextBody"));
    CHECK(mw_message_attachment_count(back) >= 2, "attachments %d", mw_message_attachment_count(back));
    CHECK_STR(mw_message_attachment(back, 0, "name"), "r\xc3\xa9sum\xc3\xa9.txt");
    CHECK_STR(mw_message_attachment(back, 0, "size"), "21");
    CHECK_STR(mw_message_attachment(back, 0, "nonsense"), NULL);
    char *data = NULL;
    size_t dlen = 0;
    int bin = -1;
    for (int i = 0; i < mw_message_attachment_count(back); i++)
        if (strcmp(mw_message_attachment(back, i, "name"), "bin.dat") == 0) bin = i;
    CHECK(bin >= 0, "bin.dat not found");
    CHECK_RC(mw_message_attachment_data(back, bin, &data, &dlen), 0);
    CHECK(dlen == 3 && data && memcmp(data, "\x00\x01\x02", 3) == 0, "binary attachment");
    mw_free(data);
    CHECK_RC(mw_message_attachment_save(back, 0, dir), 0); /* a directory: its own safe name */
    char eml[160];
    snprintf(eml, sizeof eml, "%s/m.eml", dir);
    CHECK_RC(mw_message_save(m, eml), 0);
    int loaded = mw_message_new();
    CHECK_RC(mw_message_load(loaded, eml), 0);
    CHECK_STR(mw_message_get(loaded, "Cc"), "\"Doe, John\" <john@example.test>");
    mw_free(out);
    mw_close(m); mw_close(back); mw_close(loaded);
}

static void test_submission(void) {
    int s = smtp_client("submission", "bob");
    int calls = 0;
    CHECK_RC(mw_errcode(s), 0);
    CHECK_RC(mw_set_progress(s, on_progress, &calls), 0);
    CHECK_RC(mw_smtp_connect(s), 0);
    CHECK_RC(mw_smtp_connect(s), MW_E_STATE);
    const char *caps = mw_smtp_capabilities(s);
    CHECK(caps && strstr(caps, "PIPELINING") && strstr(caps, "AUTH"), "caps: %s", caps ? caps : "(null)");
    CHECK_RC(mw_smtp_set(s, "timeout", "9"), MW_E_STATE);
    int m = compose("alice@example.test, reject-me@example.test, tempfail@example.test", "partial");
    CHECK_RC(mw_smtp_send(s, m), MW_E_PARTIAL);
    CHECK_RC(mw_smtp_result_count(s), 3);
    CHECK_RC(mw_smtp_result_count(m), 3);
    CHECK_STR(mw_smtp_result(m, 0, "address"), "alice@example.test");
    CHECK_STR(mw_smtp_result(m, 0, "code"), "250");
    CHECK_STR(mw_smtp_result(s, 1, "code"), "550");
    CHECK_STR(mw_smtp_result(s, 1, "enhanced"), "5.1.1");
    CHECK_STR(mw_smtp_result(s, 2, "code"), "450");
    CHECK_STR(mw_smtp_result(s, 3, "code"), NULL);
    CHECK(calls > 0 && progress_done > 0 && progress_done == progress_total, "progress %d %lld/%lld", calls, progress_done, progress_total);
    int m2 = compose("reject-all@example.test", "refused");
    int rc = mw_smtp_send(s, m2);
    CHECK(rc == MW_E_REFUSED, "all refused: %d %s", rc, mw_errmsg(s));
    CHECK(*mw_errmsg(m2) != 0, "message handle has no error message");
    int m3 = compose("alice@example.test", "second on the same connection");
    int later = 0;
    CHECK_RC(mw_set_progress(s, on_progress, &later), 0); /* while connected */
    CHECK_RC(mw_smtp_send(s, m3), 0);
    CHECK(later > 0, "progress set while connected was not called");
    CHECK_RC(mw_smtp_reply_code(s), 250);
    CHECK_RC(mw_smtp_disconnect(s), 0);
    CHECK_RC(mw_smtp_send(s, m3), MW_E_STATE);
    /* Wrong password: an authentication error, the connection is usable again. */
    mw_smtp_set(s, "password", "wrong");
    CHECK_RC(mw_smtp_connect(s), MW_E_AUTH);
    /* Plaintext without TLS is refused before any password goes out. */
    int plain = smtp_client("submission", "bob");
    mw_smtp_set(plain, "security", "none");
    mw_smtp_set(plain, "auth", "plain");
    CHECK_RC(mw_smtp_connect(plain), MW_E_SECURITY);
    /* The server's CA is not trusted by default. */
    int untrusted = smtp_client("smtps", "bob");
    mw_smtp_set(untrusted, "ca_file", "/etc/ssl/certs/ca-certificates.crt");
    rc = mw_smtp_connect(untrusted);
    CHECK(rc == MW_E_TLS || rc == MW_E_FILE, "untrusted CA: %d %s", rc, mw_errmsg(untrusted));
    /* Implicit TLS, and the one-call mw_send. */
    int tls = smtp_client("smtps", "bob");
    CHECK_RC(mw_smtp_connect(tls), 0);
    mw_smtp_disconnect(tls);
    char url[512];
    snprintf(url, sizeof url, "smtps://bob:secret@127.0.0.1:%d?ca_file=%s", mw_server_port(srv, "smtps"), ca);
    int m4 = compose("alice@example.test", "by mw_send");
    CHECK(mw_send(url, m4) == 0, "mw_send: %s", mw_errmsg(m4));
    CHECK_RC(mw_smtp_result_count(m4), 1);
    /* log_file as a URL parameter: the log shows the session, never the password. */
    char logpath[160], line[512];
    snprintf(logpath, sizeof logpath, "%s/send.log", dir);
    snprintf(url, sizeof url, "smtps://bob:secret@127.0.0.1:%d?ca_file=%s&log_file=%s", mw_server_port(srv, "smtps"), ca, logpath);
    CHECK(mw_send(url, m4) == 0, "mw_send with log_file: %s", mw_errmsg(m4));
    FILE *lf = fopen(logpath, "r");
    int saw_ehlo = 0, saw_secret = 0;
    while (lf && fgets(line, sizeof line, lf)) {
        if (strstr(line, "C: EHLO")) saw_ehlo = 1;
        /* "<secret>" is the log's placeholder; the password is "secret". */
        for (const char *p = strstr(line, "secret"); p; p = strstr(p + 1, "secret"))
            if (p == line || p[-1] != '<') saw_secret = 1;
        if (strstr(line, "AGJvYgBzZWNyZXQ=")) saw_secret = 1;
    }
    if (lf) fclose(lf);
    CHECK(lf && saw_ehlo && !saw_secret, "log_file: ehlo %d secret %d", saw_ehlo, saw_secret);
    mw_close(s); mw_close(plain); mw_close(untrusted); mw_close(tls);
    mw_close(m); mw_close(m2); mw_close(m3); mw_close(m4);
}

static void test_lmtp(void) {
    int s = smtp_client("lmtp", "bob");
    CHECK_RC(mw_smtp_connect(s), 0);
    int m = compose("alice@example.test, carol@example.test, reject-x@example.test", "lmtp");
    CHECK_RC(mw_smtp_send(s, m), MW_E_PARTIAL);
    CHECK_RC(mw_smtp_result_count(m), 3);
    CHECK_STR(mw_smtp_result(m, 0, "code"), "250");
    CHECK_STR(mw_smtp_result(m, 1, "code"), "250");
    CHECK_STR(mw_smtp_result(m, 2, "code"), "550");
    CHECK_RC(mw_server_message_count(srv, "carol"), 1);
    char *raw = NULL;
    size_t len = 0;
    CHECK_RC(mw_server_message(srv, "carol", 0, &raw, &len), 0);
    int back = mw_message_new();
    CHECK_RC(mw_message_parse(back, raw, len), 0);
    CHECK_STR(mw_message_trace(back, 0, "with"), "LMTPSA");
    CHECK_RC(mw_message_trace_flags(back, 0), MW_WITH_TLS | MW_WITH_AUTH);
    CHECK_STR(mw_message_trace(back, 0, "for"), "carol@example.test");
    mw_free(raw);
    CHECK_RC(mw_server_message(srv, "carol", 5, &raw, &len), MW_E_NOTFOUND);
    mw_smtp_disconnect(s);
    mw_close(s); mw_close(m); mw_close(back);
}

static int pool;
static void *pool_worker(void *arg) {
    long id = (long)arg;
    for (int i = 0; i < 25; i++) {
        char subject[64];
        snprintf(subject, sizeof subject, "pool %ld/%d", id, i);
        int m = compose("pooled@example.test", subject);
        int rc = mw_pool_send(pool, m);
        if (rc != 0) fprintf(stderr, "pool send: %s\n", mw_errmsg(m));
        CHECK_RC(rc, 0);
        mw_close(m);
    }
    return NULL;
}

/* pop3_client returns a POP3 handle for user on the embedded server (STLS). */
static int pop3_client(const char *user) {
    char port[16];
    int p = mw_pop3_new();
    snprintf(port, sizeof port, "%d", mw_server_port(srv, "pop3"));
    mw_pop3_set(p, "host", "127.0.0.1");
    mw_pop3_set(p, "port", port);
    mw_pop3_set(p, "ca_file", ca);
    mw_pop3_set(p, "username", user);
    mw_pop3_set(p, "password", "secret");
    return p;
}

/* log_lines collects what a log callback got. */
struct log_lines {
    int n, ehlo, auth, secret, mail, note, bad;
    pthread_t thread;
};

static void on_log(void *user, const char *line) {
    struct log_lines *l = user;
    l->n++;
    if (!pthread_equal(pthread_self(), l->thread)) l->bad++;
    if (strncmp(line, "C: ", 3) != 0 && strncmp(line, "S: ", 3) != 0 && strncmp(line, "* ", 2) != 0) l->bad++;
    if (strchr(line, '\n') || strchr(line, '\r')) l->bad++;
    if (strncmp(line, "C: EHLO ", 8) == 0 || strcmp(line, "C: CAPA") == 0) l->ehlo++;
    if (strncmp(line, "C: AUTH ", 8) == 0 || strncmp(line, "C: PASS ", 8) == 0) l->auth++;
    if (strncmp(line, "C: MAIL FROM:", 13) == 0 || strncmp(line, "C: RETR ", 8) == 0) l->mail++;
    if (line[0] == '*') l->note++;
    /* "<secret>" is the log's placeholder; the password is "secret". */
    for (const char *p = strstr(line, "secret"); p; p = strstr(p + 1, "secret"))
        if (p == line || p[-1] != '<') l->secret++;
    if (strstr(line, "AGJvYgBzZWNyZXQ=")) l->secret++;
}

/* test_log: the log callback of an SMTP and a POP3 handle gets the session
 * line by line on the calling thread, secrets hidden, beside log_file; it
 * can only change while disconnected, and NULL removes it. */
static void test_log(void) {
    struct log_lines l = {0};
    l.thread = pthread_self();
    int s = smtp_client("submission", "bob");
    char logpath[160];
    snprintf(logpath, sizeof logpath, "%s/cb.log", dir);
    CHECK_RC(mw_smtp_set(s, "log_file", logpath), 0);
    CHECK_RC(mw_set_log(s, on_log, &l), 0);
    CHECK_RC(mw_smtp_connect(s), 0);
    CHECK_RC(mw_set_log(s, NULL, NULL), MW_E_STATE);
    int m = compose("alice@example.test", "logged");
    CHECK_RC(mw_smtp_send(s, m), 0);
    CHECK_RC(mw_smtp_disconnect(s), 0);
    CHECK(l.n > 5 && l.ehlo && l.auth && l.mail && l.note && !l.secret && !l.bad,
          "SMTP log lines: n %d ehlo %d auth %d mail %d note %d secret %d bad %d",
          l.n, l.ehlo, l.auth, l.mail, l.note, l.secret, l.bad);
    /* The file got the same lines, each with a timestamp in front. */
    FILE *lf = fopen(logpath, "r");
    int lines = 0;
    char line[1024];
    while (lf && fgets(line, sizeof line, lf)) lines++;
    if (lf) fclose(lf);
    CHECK(lines == l.n, "log_file has %d lines, the callback got %d", lines, l.n);
    /* Removed: a new session is not logged to it. */
    int before = l.n;
    CHECK_RC(mw_set_log(s, NULL, NULL), 0);
    CHECK_RC(mw_smtp_connect(s), 0);
    CHECK_RC(mw_smtp_disconnect(s), 0);
    CHECK(l.n == before, "removed callback still called (%d lines)", l.n - before);

    struct log_lines lp = {0};
    lp.thread = pthread_self();
    int p = pop3_client("alice");
    CHECK_RC(mw_set_log(p, on_log, &lp), 0);
    CHECK_RC(mw_pop3_connect(p), 0);
    CHECK_RC(mw_set_log(p, on_log, &lp), MW_E_STATE);
    int back = mw_message_new();
    CHECK_RC(mw_pop3_retrieve(p, 1, back), 0);
    CHECK_RC(mw_pop3_disconnect(p), 0);
    CHECK(lp.n > 5 && lp.ehlo && lp.auth && lp.mail && !lp.secret && !lp.bad,
          "POP3 log lines: n %d capa %d auth %d retr %d secret %d bad %d",
          lp.n, lp.ehlo, lp.auth, lp.mail, lp.secret, lp.bad);
    /* Pools and messages have no log callback. */
    int pool = mw_pool_new();
    CHECK_RC(mw_set_log(pool, on_log, &l), MW_E_HANDLE);
    CHECK_RC(mw_set_log(m, on_log, &l), MW_E_HANDLE);
    CHECK_RC(mw_cancel(m), MW_E_HANDLE); /* only SMTP, POP3 and pool handles */
    CHECK_RC(mw_pool_set(pool, "idle_timeout", "NaN"), MW_E_OPTION);
    mw_close(pool); mw_close(s); mw_close(p); mw_close(m); mw_close(back);
}

static void test_pool(void) {
    char port[16];
    pool = mw_pool_new();
    snprintf(port, sizeof port, "%d", mw_server_port(srv, "submission"));
    mw_pool_set(pool, "host", "127.0.0.1");
    mw_pool_set(pool, "port", port);
    mw_pool_set(pool, "ca_file", ca);
    mw_pool_set(pool, "username", "bob");
    mw_pool_set(pool, "password", "secret");
    CHECK_RC(mw_pool_set(pool, "max_connections", "3"), 0);
    CHECK_RC(mw_pool_set(pool, "max_connections", "zero"), MW_E_OPTION);
    pthread_t t[8];
    for (long i = 0; i < 8; i++) pthread_create(&t[i], NULL, pool_worker, (void *)i);
    for (int i = 0; i < 8; i++) pthread_join(t[i], NULL);
    CHECK_RC(mw_server_message_count(srv, "pooled"), 200);
    CHECK_RC(mw_pool_set(pool, "host", "x"), MW_E_STATE);
    CHECK_RC(mw_close(pool), 0);
}

static void test_pop3(void) {
    int p = pop3_client("alice");
    int calls = 0;
    mw_set_progress(p, on_progress, &calls);
    CHECK_RC(mw_pop3_connect(p), 0);
    const char *caps = mw_pop3_capabilities(p);
    CHECK(caps && strstr(caps, "UIDL"), "capa %s", caps ? caps : "(null)");
    int n = mw_pop3_count(p);
    CHECK(n >= 3, "alice has %d messages", n);
    CHECK(mw_pop3_size(p, 1) > 0, "size");
    CHECK_RC((int)mw_pop3_size(p, n + 1), MW_E_NOTFOUND);
    CHECK(mw_pop3_uid(p, 1) != NULL, "uid");
    int m = mw_message_new();
    CHECK_RC(mw_pop3_top(p, 1, 0, m), 0);
    CHECK(mw_message_get(m, "Subject") != NULL, "TOP subject");
    CHECK_RC(mw_pop3_retrieve(p, 1, m), 0);
    CHECK(calls > 0, "no retrieve progress");
    CHECK_STR(mw_message_trace(m, 0, "with"), "ESMTPSA");
    CHECK_RC(mw_message_trace_flags(m, 0), MW_WITH_TLS | MW_WITH_AUTH);
    CHECK_STR(mw_message_trace(m, 0, "by"), "mailwire.test");
    char path[160];
    snprintf(path, sizeof path, "%s/1.eml", dir);
    CHECK_RC(mw_pop3_retrieve_file(p, 1, path), 0);
    CHECK_RC(access(path, R_OK), 0);
    CHECK_RC(mw_pop3_delete(p, 1), 0);
    CHECK_RC(mw_pop3_retrieve(p, 1, m), MW_E_NOTFOUND);
    CHECK_RC(mw_pop3_reset(p), 0);
    CHECK_RC(mw_pop3_delete(p, 2), 0);
    CHECK_RC(mw_pop3_disconnect(p), 0);
    CHECK_RC(mw_server_message_count(srv, "alice"), n - 1);
    mw_set_progress(p, NULL, NULL);
    mw_pop3_set(p, "password", "wrong");
    CHECK_RC(mw_pop3_connect(p), MW_E_AUTH);
    mw_close(p); mw_close(m);
}

static void test_server_options(void) {
    int s2 = mw_server_new();
    CHECK_RC(mw_server_set(s2, "lmtp_port", "-1"), 0);
    CHECK_RC(mw_server_start(s2), 0);
    CHECK_RC(mw_server_start(s2), MW_E_STATE);
    CHECK_RC(mw_server_port(s2, "lmtp"), MW_E_NOTFOUND);
    CHECK(mw_server_port(s2, "smtp") > 0, "second server has smtp");
    CHECK(mw_server_port(s2, "smtp") != mw_server_port(srv, "smtp"), "two servers share a port");
    CHECK_RC(mw_server_set(s2, "hostname", "x.test"), MW_E_STATE);
    CHECK_RC(mw_server_stop(s2), 0);
    CHECK_RC(mw_server_stop(s2), 0);
    CHECK_RC(mw_close(s2), 0);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/mw-api-XXXXXX");
    if (!mkdtemp(dir)) return 2;
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    test_garbage();
    srv = mw_server_new();
    mw_server_set(srv, "users", "alice:secret,bob:secret,carol:secret");
    mw_server_set(srv, "ca_out", ca);
    CHECK_RC(mw_server_start(srv), 0);
    test_compose();
    test_submission();
    test_lmtp();
    test_pool();
    test_log();
    test_pop3();
    test_server_options();
    CHECK_RC(mw_close(srv), 0);
    CHECK_RC(mw_handle_count(), 0);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 2;
    return DONE("api_test");
}
