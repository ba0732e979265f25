/* pop3_test.c: our POP3 client against Dovecot: STLS, POP3S, USER/PASS,
 * SASL PLAIN and APOP; STAT, LIST, UIDL, TOP, RETR (to a message and to a
 * file), DELE with QUIT and with RSET; and the Received trace of mail that
 * Dovecot's LMTP delivered, directly and through submission and Exim. */
#include "e2e.h"

#define N_LMTP 3

static char subjects[N_LMTP + 1][96];

/* pop_open connects a POP3 client as bob; returns the handle, or -1 after
 * reporting the failure. */
static int pop_open(const char *host, const char *port_var, const char *security, const char *auth) {
    int p = mw_pop3_new();
    set_server(p, mw_pop3_set, host, port_var, security);
    set_login(p, mw_pop3_set, "bob", auth);
    int rc = mw_pop3_connect(p);
    CHECK(rc == 0, "POP3 %s %s %s auth %s: connect = %d (%s): %s", host, port_var, security, auth ? auth : "auto",
          rc, mw_strerror(rc), mw_errmsg(p));
    if (rc != 0) {
        mw_close(p);
        return -1;
    }
    return p;
}

/* empty_drop deletes every message of bob's maildrop. */
static void empty_drop(void) {
    int p = pop_open("127.0.0.1", "POP3S_PORT", "tls", NULL);
    if (p < 0) return;
    int n = mw_pop3_count(p);
    for (int i = 1; i <= n; i++) CHECK_RC(mw_pop3_delete(p, i), 0);
    CHECK_RC(mw_pop3_disconnect(p), 0);
    mw_close(p);
}

/* deliver puts N_LMTP messages into bob's drop by LMTP (no TLS, so the hop
 * says plain "LMTP") and one through submission and Exim. */
static void deliver(void) {
    int s = mw_smtp_new();
    set_server(s, mw_smtp_set, "127.0.0.1", "LMTP_PORT", "none");
    CHECK_RC(mw_smtp_set(s, "protocol", "lmtp"), 0);
    CHECK_RC(mw_smtp_connect(s), 0);
    for (int i = 0; i < N_LMTP; i++) {
        snprintf(subjects[i], sizeof subjects[i], "%s", token("pop3-lmtp"));
        char body[256];
        snprintf(body, sizeof body, "Message %d.\nSecond line.\nThird line.\n", i);
        int m = simple_message("sender@example.test", "bob@dovecot.test", subjects[i], body);
        CHECK_RC(mw_smtp_send(s, m), 0);
        mw_close(m);
    }
    CHECK_RC(mw_smtp_disconnect(s), 0);
    mw_close(s);

    snprintf(subjects[N_LMTP], sizeof subjects[N_LMTP], "%s", token("pop3-submission"));
    s = mw_smtp_new();
    set_server(s, mw_smtp_set, "127.0.0.1", "SUBMISSION_PORT", "starttls");
    set_login(s, mw_smtp_set, "alice", NULL);
    CHECK_RC(mw_smtp_connect(s), 0);
    int m = simple_message("alice@dovecot.test", "bob@dovecot.test", subjects[N_LMTP], "Through Exim.\n");
    CHECK_RC(mw_smtp_send(s, m), 0);
    mw_smtp_disconnect(s);
    mw_close(m);
    mw_close(s);
    CHECK(maildir_wait(env("PEERS_MAILDIR_BOB"), subjects[N_LMTP], NULL, 0) == 1, "submission arrives once");
}

/* subject_index returns which of subjects s is, or -1. */
static int subject_index(const char *s) {
    for (int i = 0; s && i <= N_LMTP; i++)
        if (strcmp(s, subjects[i]) == 0) return i;
    return -1;
}

/* file_size returns the size of the file at path, or -1. */
static long long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* check_trace checks the Received hops of a message delivered as subject
 * index i. */
static void check_trace(int m, int i) {
    if (i < N_LMTP) {
        CHECK_STR(mw_message_trace(m, 0, "with"), "LMTP");
        CHECK_RC(mw_message_trace_flags(m, 0), 0);
        return;
    }
    static const char *with[] = {"LMTP", "esmtpsa", "ESMTPSA"};
    static const int flags[] = {0, 3, 3};
    CHECK(mw_message_trace_count(m) >= 3, "submission: %d hops", mw_message_trace_count(m));
    for (int h = 0; h < 3; h++) {
        CHECK_STR(mw_message_trace(m, h, "with"), with[h]);
        CHECK_RC(mw_message_trace_flags(m, h), flags[h]);
    }
}

/* read_all lists, retrieves and tops every message of an open session and
 * records the UIDs in uids. */
static void read_all(int p, const char *dir, char uids[][128]) {
    int n = mw_pop3_count(p);
    CHECK_RC(n, N_LMTP + 1);
    int seen[N_LMTP + 1] = {0};
    for (int i = 1; i <= n && i <= N_LMTP + 1; i++) {
        long long size = mw_pop3_size(p, i);
        CHECK(size > 100, "size of %d: %lld", i, size);
        const char *uid = mw_pop3_uid(p, i);
        CHECK(uid && *uid, "uid of %d", i);
        snprintf(uids[i - 1], 128, "%s", uid ? uid : "");
        char path[1024];
        snprintf(path, sizeof path, "%s/retr-%d.eml", dir, i);
        CHECK_RC(mw_pop3_retrieve_file(p, i, path), 0);
        CHECK(file_size(path) == size, "RETR to a file gives %lld bytes, LIST said %lld", file_size(path), size);
        int m = mw_message_new();
        CHECK_RC(mw_pop3_retrieve(p, i, m), 0);
        int k = subject_index(mw_message_get(m, "Subject"));
        CHECK(k >= 0, "message %d is one of ours: %s", i, mw_message_get(m, "Subject"));
        if (k >= 0) {
            seen[k]++;
            check_trace(m, k);
            const char *body = mw_message_get(m, "TextBody");
            CHECK(body && (k == N_LMTP ? strstr(body, "Through Exim.") : strstr(body, "Third line.")), "body of %d",
                  i);
        }
        int f = load_file(path);
        CHECK_STR(mw_message_get(f, "Subject"), mw_message_get(m, "Subject"));
        mw_close(f);
        unlink(path);
        int t = mw_message_new();
        CHECK_RC(mw_pop3_top(p, i, 1, t), 0);
        CHECK_STR(mw_message_get(t, "Subject"), mw_message_get(m, "Subject"));
        CHECK_RC(mw_message_trace_count(t), mw_message_trace_count(m));
        const char *tb = mw_message_get(t, "TextBody");
        CHECK(!tb || !strstr(tb, "Third line."), "TOP 1 stops before the third line: %s", tb ? tb : "");
        mw_close(t);
        mw_close(m);
    }
    for (int k = 0; k <= N_LMTP; k++) CHECK(seen[k] == 1, "subject %d seen %d times", k, seen[k]);
}

/* sessions reads the drop in every way of logging in, and checks that the
 * UIDs are the same in each. */
static void sessions(const char *dir) {
    static const struct {
        const char *host, *port_var, *security, *auth;
    } ways[] = {
        {"127.0.0.2", "POP3_PORT", "starttls", "user"},
        {"127.0.0.2", "POP3_PORT", "starttls", "plain"},
        {"127.0.0.1", "POP3S_PORT", "tls", "user"},
        {"127.0.0.1", "POP3S_PORT", "tls", "plain"},
        {"127.0.0.2", "POP3_PORT", "starttls", "apop"},
        {"localhost", "POP3S_PORT", NULL, NULL},
    };
    static char first[N_LMTP + 1][128];
    for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
        int p = pop_open(ways[w].host, ways[w].port_var, ways[w].security ? ways[w].security : "tls", ways[w].auth);
        if (p < 0) continue;
        const char *caps = mw_pop3_capabilities(p);
        CHECK(caps && strstr(caps, "UIDL") && strstr(caps, "TOP"), "CAPA: %s", caps ? caps : "(null)");
        char uids[N_LMTP + 1][128] = {{0}};
        read_all(p, dir, uids);
        for (int i = 0; i <= N_LMTP; i++) {
            if (w == 0) memcpy(first[i], uids[i], 128);
            else CHECK_STR(uids[i], first[i]);
        }
        CHECK_RC(mw_pop3_disconnect(p), 0);
        mw_close(p);
    }
}

/* plain_refused checks that USER/PASS, PLAIN and APOP without TLS on
 * 127.0.0.2 are refused by us before the password goes out (Dovecot does
 * not even offer PLAIN there), and that APOP works once plaintext
 * authentication is allowed by name. */
static void plain_refused(void) {
    static const struct {
        const char *auth;
        int want, alt;
    } cases[] = {
        {"user", MW_E_SECURITY, MW_E_SECURITY},
        {"plain", MW_E_SECURITY, MW_E_UNSUPPORTED},
        {"apop", MW_E_SECURITY, MW_E_SECURITY},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char log[] = "/tmp/mw-e2e-log-XXXXXX";
        int fd = mkstemp(log);
        close(fd);
        int p = mw_pop3_new();
        set_server(p, mw_pop3_set, "127.0.0.2", "POP3_PORT", "none");
        set_login(p, mw_pop3_set, "bob", cases[i].auth);
        CHECK_RC(mw_pop3_set(p, "log_file", log), 0);
        int rc = mw_pop3_connect(p);
        CHECK(rc == cases[i].want || rc == cases[i].alt, "%s without TLS = %d (%s), want MW_E_SECURITY: %s",
              cases[i].auth, rc, mw_strerror(rc), mw_errmsg(p));
        mw_close(p);
        CHECK(file_contains(log, "S: +OK"), "the log %s shows the greeting", log);
        CHECK(!file_contains(log, "C: USER") && !file_contains(log, "C: PASS") && !file_contains(log, "C: APOP") &&
                  !file_contains(log, "C: AUTH"),
              "no login command in the log %s", log);
        if (check_failed == 0) unlink(log);
    }
    int p = mw_pop3_new();
    set_server(p, mw_pop3_set, "127.0.0.2", "POP3_PORT", "none");
    set_login(p, mw_pop3_set, "bob", "apop");
    CHECK_RC(mw_pop3_set(p, "allow_plaintext_auth", "1"), 0);
    CHECK_RC(mw_pop3_connect(p), 0);
    CHECK_RC(mw_pop3_count(p), N_LMTP + 1);
    CHECK_RC(mw_pop3_disconnect(p), 0);
    mw_close(p);
}

/* delete_and_reset checks that DELE then RSET keeps the message, and DELE
 * then QUIT removes exactly it. */
static void delete_and_reset(void) {
    int p = pop_open("127.0.0.1", "POP3S_PORT", "tls", NULL);
    if (p < 0) return;
    int n = mw_pop3_count(p);
    CHECK_RC(mw_pop3_delete(p, 1), 0);
    CHECK_RC(mw_pop3_delete(p, 2), 0);
    CHECK_RC(mw_pop3_reset(p), 0);
    CHECK_RC(mw_pop3_disconnect(p), 0);
    mw_close(p);

    p = pop_open("127.0.0.2", "POP3_PORT", "starttls", NULL);
    if (p < 0) return;
    CHECK_RC(mw_pop3_count(p), n);
    char gone[128];
    const char *u = mw_pop3_uid(p, 2);
    snprintf(gone, sizeof gone, "%s", u ? u : "?");
    CHECK_RC(mw_pop3_delete(p, 2), 0);
    CHECK_RC(mw_pop3_disconnect(p), 0);
    mw_close(p);

    p = pop_open("127.0.0.1", "POP3S_PORT", "tls", "plain");
    if (p < 0) return;
    CHECK_RC(mw_pop3_count(p), n - 1);
    for (int i = 1; i <= n - 1; i++) {
        const char *uid = mw_pop3_uid(p, i);
        CHECK(uid && strcmp(uid, gone) != 0, "uid %s is gone", gone);
    }
    CHECK_RC(mw_pop3_size(p, n), MW_E_NOTFOUND);
    CHECK_RC(mw_pop3_disconnect(p), 0);
    mw_close(p);
}

int main(void) {
    char dir[] = "/tmp/mw-e2e-pop3-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    empty_drop();
    deliver();
    sessions(dir);
    plain_refused();
    delete_and_reset();
    empty_drop();
    rmdir(dir);
    CHECK_RC(mw_handle_count(), 0);
    return DONE("pop3");
}
