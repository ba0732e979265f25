/* imap_test.c: our IMAP client against Dovecot, as user dave: STARTTLS
 * (SCRAM-SHA-256, LOGIN, PLAIN), IMAPS, the refusal of a password in clear;
 * LIST with SPECIAL-USE and LIST-STATUS, CREATE/RENAME/DELETE of UTF-8
 * folder names (modified UTF-7 on the wire); SELECT/EXAMINE and the status
 * fields (CONDSTORE's highestmodseq); UID SEARCH with ASCII and UTF-8
 * criteria, the refusal of injected criteria; UID FETCH into messages, a
 * file and a pipelined batch; flags, STORE, COPY, MOVE, EXPUNGE; APPEND
 * (APPENDUID) of small messages and of a 50 MB one, fetched back, with
 * flat memory; IDLE woken by an LMTP delivery, timing out, and ended by
 * mw_cancel with the connection kept. */
#include "e2e.h"
#include <pthread.h>

#define N_LMTP 4

static char subjects[N_LMTP][96];
static char tmpdir[] = "/tmp/mw-e2e-imap-XXXXXX";

/* imap_open connects an IMAP client as dave; returns the handle, or -1
 * after reporting the failure. */
static int imap_open(const char *host, const char *port_var, const char *security, const char *auth) {
    int p = mw_imap_new();
    set_server(p, mw_imap_set, host, port_var, security);
    set_login(p, mw_imap_set, "dave", auth);
    int rc = mw_imap_connect(p);
    CHECK(rc == 0, "IMAP %s %s %s auth %s: connect = %d (%s): %s", host, port_var, security, auth ? auth : "auto", rc,
          mw_strerror(rc), mw_errmsg(p));
    if (rc != 0) {
        mw_close(p);
        return -1;
    }
    return p;
}

/* lmtp_deliver delivers one message to dave by LMTP. */
static void lmtp_deliver(const char *subject, const char *body) {
    int s = mw_smtp_new();
    set_server(s, mw_smtp_set, "127.0.0.1", "LMTP_PORT", "none");
    CHECK_RC(mw_smtp_set(s, "protocol", "lmtp"), 0);
    CHECK_RC(mw_smtp_connect(s), 0);
    int m = simple_message("sender@example.test", "dave@dovecot.test", subject, body);
    CHECK_RC(mw_smtp_send(s, m), 0);
    CHECK_RC(mw_smtp_disconnect(s), 0);
    mw_close(m);
    mw_close(s);
}

/* find_folder returns the index of folder name in the last listing, or -1. */
static int find_folder(int p, int n, const char *name) {
    for (int i = 0; i < n; i++) {
        const char *f = mw_imap_folder(p, i, "name");
        if (f && strcmp(f, name) == 0) return i;
    }
    return -1;
}

/* logins connects in every way and checks the refusal of LOGIN in clear. */
static void logins(void) {
    static const struct {
        const char *host, *port_var, *security, *auth;
    } ways[] = {
        {"127.0.0.2", "IMAP_PORT", "starttls", NULL},   {"127.0.0.2", "IMAP_PORT", "starttls", "login"},
        {"127.0.0.2", "IMAP_PORT", "starttls", "plain"}, {"127.0.0.1", "IMAPS_PORT", "tls", NULL},
        {"127.0.0.1", "IMAPS_PORT", "tls", "scram-sha-256"},
    };
    for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
        int p = imap_open(ways[w].host, ways[w].port_var, ways[w].security, ways[w].auth);
        if (p < 0) continue;
        const char *caps = mw_imap_capabilities(p);
        CHECK(caps && strstr(caps, "IDLE") && strstr(caps, "UIDPLUS"), "capabilities: %s", caps ? caps : "(null)");
        CHECK_RC(mw_imap_disconnect(p), 0);
        mw_close(p);
    }
    char log[] = "/tmp/mw-e2e-imaplog-XXXXXX";
    close(mkstemp(log));
    int p = mw_imap_new();
    set_server(p, mw_imap_set, "127.0.0.2", "IMAP_PORT", "none");
    set_login(p, mw_imap_set, "dave", "login");
    CHECK_RC(mw_imap_set(p, "log_file", log), 0);
    CHECK_RC(mw_imap_connect(p), MW_E_SECURITY);
    mw_close(p);
    CHECK(file_contains(log, "S: * OK"), "the log %s shows the greeting", log);
    CHECK(!file_contains(log, "LOGIN \"dave\"") && !file_contains(log, env("PEERS_PASSWORD")),
          "no LOGIN in the log %s", log);
    if (check_failed == 0) unlink(log);
}

/* folders lists, creates, renames and deletes folders with UTF-8 names. */
static void folders(int p) {
    int n = mw_imap_folder_count(p);
    CHECK(n >= 4, "folder count %d", n);
    int sent = find_folder(p, n, "Sent");
    CHECK(sent >= 0, "Sent is listed");
    if (sent >= 0) {
        CHECK_STR(mw_imap_folder(p, sent, "special_use"), "\\Sent");
        CHECK_STR(mw_imap_folder(p, sent, "delimiter"), "/");
        CHECK(mw_imap_folder(p, sent, "messages") != NULL, "LIST-STATUS messages");
    }
    int inbox = find_folder(p, n, "INBOX");
    CHECK(inbox >= 0, "INBOX is listed");
    if (inbox >= 0) CHECK_STR(mw_imap_folder(p, inbox, "messages"), "4");
    CHECK(mw_imap_folder(p, 0, "nonsense") == NULL, "unknown field");
    CHECK_RC(mw_errcode(p), MW_E_ARG);
    CHECK(mw_imap_folder(p, n, "name") == NULL, "index out of range");
    CHECK_RC(mw_errcode(p), MW_E_NOTFOUND);

    CHECK_RC(mw_imap_create(p, "Bücher"), 0);
    CHECK_RC(mw_imap_create(p, "Bücher/日本語 & more"), 0);
    CHECK_RC(mw_imap_create(p, "Quote \"this\" \\ that"), 0);
    CHECK_RC(mw_imap_create(p, "Bücher"), MW_E_REFUSED);
    CHECK_RC(mw_imap_create(p, "bad\r\nA1 LOGOUT"), MW_E_ARG);
    n = mw_imap_folder_count(p);
    CHECK(find_folder(p, n, "Bücher/日本語 & more") >= 0, "the UTF-8 folder is listed");
    CHECK(find_folder(p, n, "Quote \"this\" \\ that") >= 0, "the quoted folder is listed");
    CHECK_RC(mw_imap_rename(p, "Bücher/日本語 & more", "Bücher/Ελληνικά"), 0);
    n = mw_imap_folder_count(p);
    CHECK(find_folder(p, n, "Bücher/Ελληνικά") >= 0 && find_folder(p, n, "Bücher/日本語 & more") < 0, "renamed");
    CHECK_RC(mw_imap_delete_folder(p, "Quote \"this\" \\ that"), 0);
    CHECK_RC(mw_imap_delete_folder(p, "No such folder"), MW_E_NOTFOUND);
}

/* search_fetch selects INBOX, searches and fetches the delivered messages. */
static void search_fetch(int p) {
    CHECK_RC(mw_imap_select(p, "INBOX", 1), N_LMTP);
    CHECK_STR(mw_imap_status(p, "readonly"), "1");
    CHECK_RC(mw_imap_select(p, "inbox", 0), N_LMTP);
    CHECK_STR(mw_imap_status(p, "exists"), "4");
    CHECK_STR(mw_imap_status(p, "unseen"), "4");
    const char *v = mw_imap_status(p, "uidvalidity");
    CHECK(v && atoll(v) > 0, "uidvalidity %s", v ? v : "(null)");
    v = mw_imap_status(p, "highestmodseq");
    CHECK(v && atoll(v) > 0, "highestmodseq %s", v ? v : "(null)");
    CHECK(mw_imap_status(p, "bogus") == NULL, "unknown status field");

    CHECK_RC(mw_imap_search(p, "ALL"), N_LMTP);
    CHECK_RC(mw_imap_search(p, NULL), N_LMTP);
    char crit[256];
    snprintf(crit, sizeof crit, "SUBJECT \"%s\"", subjects[2]);
    CHECK_RC(mw_imap_search(p, crit), 1);
    long long uid2 = mw_imap_search_uid(p, 0);
    CHECK(uid2 > 0, "uid %lld", uid2);
    CHECK_RC((int)mw_imap_search_uid(p, 1), MW_E_NOTFOUND);
    CHECK_RC(mw_imap_search(p, "BODY \"Grüße aus Köln\""), 1);
    CHECK_RC(mw_imap_search(p, "UNSEEN SUBJECT \"no such subject\""), 0);
    static const char *bad[] = {"ALL\r\nA99 DELETE INBOX", "SUBJECT \"x", "(UNSEEN", "SUBJECT {3}", "SUBJECT Grüße"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) CHECK_RC(mw_imap_search(p, bad[i]), MW_E_ARG);

    int m = mw_message_new();
    CHECK_RC(mw_imap_fetch(p, uid2, m), 0);
    CHECK_STR(mw_message_get(m, "Subject"), subjects[2]);
    CHECK_STR(mw_message_trace(m, 0, "with"), "LMTP");
    CHECK_RC(mw_imap_fetch(p, 999999, m), MW_E_NOTFOUND);
    CHECK_RC(mw_imap_fetch(p, 0, m), MW_E_ARG);
    CHECK_RC(mw_imap_fetch(p, 1LL << 32, m), MW_E_ARG);
    mw_close(m);
    CHECK_STR(mw_imap_status(p, "unseen"), "4"); /* BODY.PEEK[] leaves \Seen alone */

    char path[128];
    snprintf(path, sizeof path, "%s/one.eml", tmpdir);
    CHECK_RC(mw_imap_fetch_file(p, uid2, path), 0);
    int f = mw_message_new();
    CHECK_RC(mw_message_load(f, path), 0);
    CHECK_STR(mw_message_get(f, "Subject"), subjects[2]);
    mw_close(f);

    CHECK_RC(mw_imap_search(p, "ALL"), N_LMTP);
    long long uids[N_LMTP + 1];
    int msgs[N_LMTP + 1];
    for (int i = 0; i < N_LMTP; i++) {
        uids[i] = mw_imap_search_uid(p, i);
        msgs[i] = mw_message_new();
    }
    uids[N_LMTP] = 999998;
    msgs[N_LMTP] = mw_message_new();
    CHECK_RC(mw_imap_fetch_many(p, uids, N_LMTP + 1, msgs), MW_E_NOTFOUND);
    int seen[N_LMTP] = {0};
    for (int i = 0; i < N_LMTP; i++) {
        CHECK_RC(mw_errcode(msgs[i]), 0);
        const char *s = mw_message_get(msgs[i], "Subject");
        for (int k = 0; s && k < N_LMTP; k++)
            if (strcmp(s, subjects[k]) == 0) seen[k]++;
    }
    for (int k = 0; k < N_LMTP; k++) CHECK(seen[k] == 1, "subject %d fetched %d times", k, seen[k]);
    CHECK_RC(mw_errcode(msgs[N_LMTP]), MW_E_NOTFOUND);
    int twice[2] = {msgs[0], msgs[0]};
    CHECK_RC(mw_imap_fetch_many(p, uids, 2, twice), MW_E_ARG);
    for (int i = 0; i <= N_LMTP; i++) mw_close(msgs[i]);
}

/* flags_moves stores flags, copies, moves, expunges and appends. */
static void flags_moves(int p) {
    CHECK_RC(mw_imap_search(p, "ALL"), N_LMTP);
    long long u0 = mw_imap_search_uid(p, 0), u1 = mw_imap_search_uid(p, 1), u3 = mw_imap_search_uid(p, 3);
    CHECK_RC(mw_imap_store(p, u0, "\\Seen \\Flagged $Work", 1), 0);
    const char *fl = mw_imap_flags(p, u0);
    CHECK(fl && strstr(fl, "\\Seen") && strstr(fl, "\\Flagged") && strstr(fl, "$Work"), "flags %s", fl ? fl : "(null)");
    CHECK_RC(mw_imap_store(p, u0, "\\Flagged", -1), 0);
    fl = mw_imap_flags(p, u0);
    CHECK(fl && strstr(fl, "\\Seen") && !strstr(fl, "\\Flagged"), "flags %s", fl ? fl : "(null)");
    CHECK_STR(mw_imap_status(p, "unseen"), "3");
    CHECK_RC(mw_imap_store(p, u0, "\\Recent", 1), MW_E_ARG);
    CHECK_RC(mw_imap_store(p, u0, "(\\Seen)", 1), MW_E_ARG);
    CHECK_RC(mw_imap_store(p, u0, "x", 2), MW_E_ARG);
    CHECK(mw_imap_flags(p, 999999) == NULL && mw_errcode(p) == MW_E_NOTFOUND, "flags of no message");

    CHECK_RC(mw_imap_copy(p, u0, "Bücher/Ελληνικά"), 0);
    CHECK_RC(mw_imap_copy(p, u0, "No such folder"), MW_E_NOTFOUND);
    CHECK_RC(mw_imap_move(p, u1, "Trash"), 0);
    CHECK_STR(mw_imap_status(p, "exists"), "3");
    CHECK_RC(mw_imap_store(p, u3, "\\Deleted", 1), 0);
    CHECK_RC(mw_imap_expunge(p), 0);
    CHECK_STR(mw_imap_status(p, "exists"), "2");

    int m = simple_message("dave@dovecot.test", "dave@dovecot.test", "appended Grüße", "Appended body.\n");
    long long uid = mw_imap_append(p, "Bücher/Ελληνικά", m, "\\Seen \\Draft");
    CHECK(uid > 0, "APPENDUID %lld: %s", uid, mw_errmsg(p));
    CHECK_RC((int)mw_imap_append(p, "No such folder", m, NULL), MW_E_NOTFOUND);
    CHECK_RC((int)mw_imap_append(p, "INBOX", m, "bad)flag"), MW_E_ARG);
    mw_close(m);
    CHECK_RC(mw_imap_select(p, "Bücher/Ελληνικά", 0), 2);
    m = mw_message_new();
    CHECK_RC(mw_imap_fetch(p, uid, m), 0);
    CHECK_STR(mw_message_get(m, "Subject"), "appended Grüße");
    mw_close(m);
    fl = mw_imap_flags(p, uid);
    CHECK(fl && strstr(fl, "\\Seen") && strstr(fl, "\\Draft"), "appended flags %s", fl ? fl : "(null)");
    CHECK_RC(mw_imap_select(p, "Trash", 0), 1);
    CHECK_RC(mw_imap_select(p, "INBOX", 0), 2);
}

/* vm_hwm returns the process's peak resident memory in kB. */
static long vm_hwm(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld", &kb) == 1) break;
    if (f) fclose(f);
    return kb;
}

/* big appends a 50 MB message (an attachment streamed from a file) and
 * fetches it back into a file; the peak memory grows by far less. */
static void big(int p) {
    char data[128], out[128];
    snprintf(data, sizeof data, "%s/big.bin", tmpdir);
    snprintf(out, sizeof out, "%s/big.eml", tmpdir);
    FILE *f = fopen(data, "wb");
    CHECK(f != NULL, "create %s", data);
    if (!f) return;
    char block[4096];
    for (int i = 0; i < (int)sizeof block; i++) block[i] = (char)(i * 7);
    for (int i = 0; i < 38 * 256; i++) fwrite(block, 1, sizeof block, f); /* 38 MiB: 50 MB in base64 */
    fclose(f);
    int m = simple_message("dave@dovecot.test", "dave@dovecot.test", "big one", "See the attachment.\n");
    CHECK_RC(mw_message_attach_file(m, data, "big.bin", "application/octet-stream"), 0);
    long before = vm_hwm();
    long long uid = mw_imap_append(p, "INBOX", m, NULL);
    CHECK(uid > 0, "append 50 MB: %lld %s", uid, mw_errmsg(p));
    CHECK_RC(mw_imap_fetch_file(p, uid, out), 0);
    long after = vm_hwm();
    struct stat st;
    CHECK(stat(out, &st) == 0 && st.st_size > 50 * 1000 * 1000, "fetched %lld bytes", (long long)st.st_size);
    CHECK(after - before < 30 * 1024, "peak memory grew by %ld kB for a 50 MB append and fetch", after - before);
    printf("imap: 50 MB append + fetch: peak memory %ld kB before, %ld kB after\n", before, after);
    mw_close(m);
    unlink(data);
    unlink(out);
    CHECK_RC(mw_imap_store(p, uid, "\\Deleted", 1), 0);
    CHECK_RC(mw_imap_expunge(p), 0);
}

struct later {
    int handle;
    int what; /* 0: deliver by LMTP, 1: mw_cancel */
};

static void *later_run(void *arg) {
    struct later *l = arg;
    if (l->what == 0) {
        lmtp_deliver(token("imap-idle"), "Wakes IDLE.\n");
    } else {
        usleep(300 * 1000);
        mw_cancel(l->handle);
    }
    return NULL;
}

/* idle waits for an LMTP delivery, times out, and is cancelled. */
static void idle(int p) {
    CHECK_RC(mw_imap_select(p, "INBOX", 0), 2);
    pthread_t t;
    struct later l = {p, 0};
    pthread_create(&t, NULL, later_run, &l);
    CHECK_RC(mw_imap_idle(p, 60), 1);
    pthread_join(t, NULL);
    CHECK_STR(mw_imap_status(p, "exists"), "3");
    CHECK_RC(mw_imap_idle(p, 1), 0);
    l.what = 1;
    pthread_create(&t, NULL, later_run, &l);
    CHECK_RC(mw_imap_idle(p, 60), MW_E_CANCELLED);
    pthread_join(t, NULL);
    CHECK_RC(mw_imap_select(p, "INBOX", 1), 3); /* the connection stayed */
    CHECK_RC(mw_imap_idle(p, 0), MW_E_ARG);
}

int main(void) {
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    for (int i = 0; i < N_LMTP; i++) {
        snprintf(subjects[i], sizeof subjects[i], "%s", token("imap-lmtp"));
        lmtp_deliver(subjects[i], i == 1 ? "Grüße aus Köln.\n" : "Plain body.\n");
    }
    logins();
    int p = imap_open("127.0.0.2", "IMAP_PORT", "starttls", NULL);
    if (p > 0) {
        folders(p);
        search_fetch(p);
        flags_moves(p);
        big(p);
        idle(p);
        CHECK_RC(mw_imap_disconnect(p), 0);
        CHECK_RC(mw_imap_disconnect(p), 0);
        CHECK_RC(mw_imap_select(p, "INBOX", 0), MW_E_STATE);
        mw_close(p);
    }
    CHECK_RC(mw_handle_count(), 0);
    rmdir(tmpdir);
    return DONE("imap");
}
