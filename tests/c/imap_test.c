/* The IMAP C API against a scripted server on loopback: a session of every
 * call (folders, select, status, search, fetch into messages, a file and a
 * batch, flags, store, copy, move, expunge, append, IDLE and its
 * cancellation by mw_cancel from another thread), the protocol log and
 * progress callbacks on an IMAP handle, and the refusals that must come
 * before anything is written: bad handles, NULL arguments, injected search
 * criteria and folder names, UIDs out of range.  The server checks every
 * line the client sends, byte for byte, and that nothing else comes. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "mailwire.h"
#include "check.h"

/* A script is "C: line" (what the client must send), "S: line" (what the
 * server sends, CRLF added), "R: text" (raw bytes the server sends) and
 * "L: prefix" (a line that starts with prefix and ends with a non-
 * synchronizing literal "{n+}": the n bytes and the CRLF after them are
 * read and dropped). */
struct server {
    int ls, port;
    const char **script;
    pthread_t thread;
    char diff[512]; /* the first difference, "" when none */
};

static int read_line(FILE *f, char *buf, size_t n) {
    if (!fgets(buf, (int)n, f)) return -1;
    return 0;
}

static void *serve(void *arg) {
    struct server *s = arg;
    int c = accept(s->ls, NULL, NULL);
    if (c < 0) {
        snprintf(s->diff, sizeof s->diff, "accept failed");
        return NULL;
    }
    FILE *in = fdopen(dup(c), "r");
    char line[4096];
    for (const char **st = s->script; *st; st++) {
        const char *t = *st + 3;
        if (strncmp(*st, "S: ", 3) == 0 || strncmp(*st, "R: ", 3) == 0) {
            char out[4096];
            int n = snprintf(out, sizeof out, (*st)[0] == 'S' ? "%s\r\n" : "%s", t);
            if (write(c, out, (size_t)n) != n) break;
            continue;
        }
        if (read_line(in, line, sizeof line) < 0) {
            snprintf(s->diff, sizeof s->diff, "want \"%s\", got the end", t);
            break;
        }
        line[strcspn(line, "\r\n")] = 0;
        if (strncmp(*st, "L: ", 3) == 0) {
            char *brace = strrchr(line, '{');
            long n = brace ? strtol(brace + 1, NULL, 10) : -1;
            if (strncmp(line, t, strlen(t)) != 0 || n < 0 || line[strlen(line) - 2] != '+') {
                snprintf(s->diff, sizeof s->diff, "want \"%.200s... {n+}\", got \"%.200s\"", t, line);
                break;
            }
            for (long i = 0; i < n + 2; i++) fgetc(in);
            continue;
        }
        if (strcmp(line, t) != 0) {
            snprintf(s->diff, sizeof s->diff, "want \"%.200s\", got \"%.200s\"", t, line);
            break;
        }
    }
    if (!s->diff[0] && read_line(in, line, sizeof line) == 0)
        snprintf(s->diff, sizeof s->diff, "the client said more: \"%.200s\"", line);
    fclose(in);
    close(c);
    return NULL;
}

static void start(struct server *s, const char **script) {
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    memset(s->diff, 0, sizeof s->diff);
    s->script = script;
    s->ls = socket(AF_INET, SOCK_STREAM, 0);
    if (bind(s->ls, (struct sockaddr *)&a, sizeof a) || listen(s->ls, 1) ||
        getsockname(s->ls, (struct sockaddr *)&a, &len)) {
        perror("listen");
        exit(2);
    }
    s->port = ntohs(a.sin_port);
    pthread_create(&s->thread, NULL, serve, s);
}

static void finish(struct server *s, const char *name) {
    pthread_join(s->thread, NULL);
    close(s->ls);
    CHECK(s->diff[0] == 0, "%s: %s", name, s->diff);
}

static int client(struct server *s) {
    char port[16];
    int p = mw_imap_new();
    snprintf(port, sizeof port, "%d", s->port);
    CHECK_RC(mw_imap_set(p, "host", "127.0.0.1"), 0);
    CHECK_RC(mw_imap_set(p, "port", port), 0);
    CHECK_RC(mw_imap_set(p, "security", "none"), 0);
    CHECK_RC(mw_imap_set(p, "allow_plaintext_auth", "1"), 0);
    CHECK_RC(mw_imap_set(p, "username", "tim"), 0);
    CHECK_RC(mw_imap_set(p, "password", "p\"w"), 0);
    CHECK_RC(mw_imap_set(p, "timeout", "20"), 0);
    return p;
}

static int log_lines, log_secret_seen, progress_calls;
static void MW_CALL on_log(void *user, const char *line) {
    (void)user;
    log_lines++;
    if (strstr(line, "p\"w") || strstr(line, "p\\\"w")) log_secret_seen++;
}
static void MW_CALL on_progress(void *user, long long done, long long total) {
    (void)user;
    (void)done;
    (void)total;
    progress_calls++;
}

#define MSG "Subject: hi\r\n\r\nbody\r\n"

static const char *session[] = {
    "S: * OK [CAPABILITY IMAP4rev1] ready",
    "C: A1 LOGIN \"tim\" \"p\\\"w\"",
    "S: A1 OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS SPECIAL-USE] in",
    "C: A2 LIST \"\" \"*\" RETURN (SPECIAL-USE)",
    "S: * LIST (\\HasNoChildren) \"/\" INBOX",
    "S: * LIST (\\Sent) \"/\" \"Entw&APw-rfe\"",
    "S: A2 OK",
    "C: A3 CREATE \"&ZeVnLIqe-\"",
    "S: A3 OK",
    "C: A4 RENAME \"&ZeVnLIqe-\" \"Old\"",
    "S: A4 NO [ALREADYEXISTS] exists",
    "C: A5 DELETE \"Old\"",
    "S: A5 NO [NONEXISTENT] none",
    "C: A6 SELECT \"INBOX\"",
    "S: * 2 EXISTS",
    "S: * OK [UIDVALIDITY 42] x",
    "S: * OK [UIDNEXT 8] x",
    "S: A6 OK [READ-WRITE] in",
    "C: A7 UID SEARCH UNSEEN",
    "S: * SEARCH 5 7",
    "S: A7 OK",
    "C: A8 UID FETCH 5 (UID BODY.PEEK[])",
    "R: * 1 FETCH (UID 5 BODY[] {21}\r\n" MSG ")\r\nA8 OK\r\n",
    "C: A9 UID FETCH 5,7,9 (UID BODY.PEEK[])",
    "R: * 1 FETCH (UID 5 BODY[] {21}\r\n" MSG ")\r\n* 2 FETCH (UID 7 BODY[] {21}\r\n" MSG ")\r\nA9 OK\r\n",
    "C: A10 UID FETCH 7 (UID BODY.PEEK[])",
    "R: * 2 FETCH (UID 7 BODY[] {21}\r\n" MSG ")\r\nA10 OK\r\n",
    "C: A11 UID FETCH 7 (UID FLAGS)",
    "S: * 2 FETCH (UID 7 FLAGS (\\Seen $Work))",
    "S: A11 OK",
    "C: A12 UID STORE 7 +FLAGS.SILENT (\\Flagged)",
    "S: A12 OK",
    "C: A13 UID COPY 7 \"Archive\"",
    "S: A13 OK [COPYUID 1 7 3] copied",
    "C: A14 UID COPY 5 \"Trash\"",
    "S: A14 OK",
    "C: A15 UID STORE 5 +FLAGS.SILENT (\\Deleted)",
    "S: A15 OK",
    "C: A16 UID EXPUNGE 5",
    "S: * 1 EXPUNGE",
    "S: A16 OK",
    "C: A17 EXPUNGE",
    "S: A17 OK",
    "C: A18 UID SEARCH UNSEEN",
    "S: * SEARCH 7",
    "S: A18 OK",
    "L: A19 APPEND \"Sent\" (\\Seen) {",
    "S: A19 OK [APPENDUID 42 8] done",
    "C: A20 IDLE",
    "S: + idling",
    "S: * 2 EXISTS",
    "C: DONE",
    "S: A20 OK",
    "C: A21 IDLE",
    "S: + idling",
    "C: DONE",
    "S: A21 OK",
    "C: A22 LOGOUT",
    "S: * BYE",
    "S: A22 OK",
    NULL,
};

struct canceller {
    int handle;
};

static void *cancel_later(void *arg) {
    struct canceller *c = arg;
    usleep(300 * 1000);
    mw_cancel(c->handle);
    return NULL;
}

static void test_session(void) {
    struct server s;
    start(&s, session);
    int p = client(&s);
    CHECK_RC(mw_set_log(p, on_log, NULL), 0);
    CHECK_RC(mw_set_progress(p, on_progress, NULL), 0);
    CHECK(mw_imap_capabilities(p) == NULL, "no capabilities before connect");
    CHECK_RC(mw_imap_folder_count(p), MW_E_STATE);
    CHECK_RC(mw_imap_connect(p), 0);
    CHECK_RC(mw_set_log(p, on_log, NULL), MW_E_STATE);
    CHECK(strstr(mw_imap_capabilities(p), "IDLE\n") != NULL, "capabilities %s", mw_imap_capabilities(p));
    CHECK_RC(mw_imap_folder_count(p), 2);
    CHECK_STR(mw_imap_folder(p, 1, "name"), "Entwürfe");
    CHECK_STR(mw_imap_folder(p, 1, "special_use"), "\\Sent");
    CHECK_STR(mw_imap_folder(p, 0, "flags"), "\\HasNoChildren");
    CHECK_STR(mw_imap_folder(p, 0, "messages"), "");
    CHECK(mw_imap_folder(p, 2, "name") == NULL, "index 2");
    CHECK_RC(mw_errcode(p), MW_E_NOTFOUND);
    CHECK(mw_imap_folder(p, 0, NULL) == NULL, "NULL field");
    CHECK_RC(mw_errcode(p), MW_E_ARG);
    CHECK_RC(mw_imap_create(p, "日本語"), 0);
    CHECK_RC(mw_imap_rename(p, "日本語", "Old"), MW_E_REFUSED);
    CHECK(strstr(mw_errmsg(p), "ALREADYEXISTS") != NULL, "errmsg %s", mw_errmsg(p));
    CHECK_RC(mw_imap_delete_folder(p, "Old"), MW_E_NOTFOUND);
    CHECK_RC(mw_imap_create(p, "x\r\nA99 LOGOUT"), MW_E_ARG);
    CHECK_RC(mw_imap_create(p, NULL), MW_E_ARG);
    CHECK_RC(mw_imap_create(p, ""), MW_E_ARG);
    CHECK(mw_imap_status(p, "exists") == NULL && mw_errcode(p) == MW_E_STATE, "status before select");
    CHECK_RC(mw_imap_search(p, "ALL"), MW_E_STATE);

    CHECK_RC(mw_imap_select(p, "INBOX", 0), 2);
    CHECK_STR(mw_imap_status(p, "uidvalidity"), "42");
    CHECK_STR(mw_imap_status(p, "uidnext"), "8");
    CHECK_STR(mw_imap_status(p, "name"), "INBOX");
    CHECK(mw_imap_status(p, "nope") == NULL && mw_errcode(p) == MW_E_ARG, "unknown status field");
    static const char *bad[] = {"ALL\r\nA99 LOGOUT", "ALL\n", "SUBJECT \"x", "(ALL", "ALL)", "SUBJECT {4}",
                                "SUBJECT {4+}", "SUBJECT caf\xc3\xa9", "SUBJECT \"\\q\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) CHECK_RC(mw_imap_search(p, bad[i]), MW_E_ARG);
    CHECK_RC(mw_imap_search(p, "UNSEEN"), 2);
    CHECK(mw_imap_search_uid(p, 0) == 5 && mw_imap_search_uid(p, 1) == 7, "uids");
    CHECK(mw_imap_search_uid(p, 2) == MW_E_NOTFOUND, "uid 2");

    int m = mw_message_new();
    CHECK_RC(mw_imap_fetch(p, 5, m), 0);
    CHECK_STR(mw_message_get(m, "Subject"), "hi");
    CHECK_RC(mw_imap_fetch(p, 0, m), MW_E_ARG);
    CHECK_RC(mw_imap_fetch(p, 4294967296LL, m), MW_E_ARG);
    CHECK_RC(mw_imap_fetch(p, 5, p), MW_E_HANDLE);
    long long uids[3] = {5, 7, 9};
    int msgs[3] = {mw_message_new(), mw_message_new(), mw_message_new()};
    CHECK_RC(mw_imap_fetch_many(p, uids, 3, msgs), MW_E_NOTFOUND);
    CHECK_STR(mw_message_get(msgs[1], "Subject"), "hi");
    CHECK_RC(mw_errcode(msgs[0]), 0);
    CHECK_RC(mw_errcode(msgs[2]), MW_E_NOTFOUND);
    int twice[2] = {msgs[0], msgs[0]};
    CHECK_RC(mw_imap_fetch_many(p, uids, 2, twice), MW_E_ARG);
    CHECK_RC(mw_imap_fetch_many(p, NULL, 2, msgs), MW_E_ARG);
    long long zero[1] = {0};
    CHECK_RC(mw_imap_fetch_many(p, zero, 1, msgs), MW_E_ARG);
    CHECK_RC(mw_imap_fetch_many(p, uids, 0, msgs), 0);
    for (int i = 0; i < 3; i++) mw_close(msgs[i]);
    char path[] = "/tmp/mw-imap-c-XXXXXX";
    close(mkstemp(path));
    CHECK_RC(mw_imap_fetch_file(p, 7, path), 0);
    int f = mw_message_new();
    CHECK_RC(mw_message_load(f, path), 0);
    CHECK_STR(mw_message_get(f, "Subject"), "hi");
    mw_close(f);
    unlink(path);

    CHECK_STR(mw_imap_flags(p, 7), "\\Seen $Work");
    CHECK_RC(mw_imap_store(p, 7, "\\Flagged", 1), 0);
    CHECK_RC(mw_imap_store(p, 7, "a\r\nb", 1), MW_E_ARG);
    CHECK_RC(mw_imap_store(p, 7, "(x)", 1), MW_E_ARG);
    CHECK_RC(mw_imap_store(p, 7, "x", 5), MW_E_ARG);
    CHECK_RC(mw_imap_copy(p, 7, "Archive"), 0);
    CHECK_RC(mw_imap_move(p, 5, "Trash"), 0);
    CHECK_STR(mw_imap_status(p, "exists"), "1");
    CHECK_RC(mw_imap_expunge(p), 0);
    CHECK_STR(mw_imap_status(p, "unseen"), "1");

    int a = mw_message_new();
    CHECK_RC(mw_message_parse(a, MSG, strlen(MSG)), 0);
    CHECK(mw_imap_append(p, "Sent", a, "\\Seen") == 8, "APPENDUID");
    CHECK(mw_imap_append(p, "Sent", a, "bad)") == MW_E_ARG, "bad flag");
    CHECK(mw_imap_append(p, "Sent", p, NULL) == MW_E_HANDLE, "bad message handle");
    mw_close(a);

    CHECK_RC(mw_imap_idle(p, 30), 1);
    CHECK_STR(mw_imap_status(p, "exists"), "2");
    pthread_t t;
    struct canceller cn = {p};
    pthread_create(&t, NULL, cancel_later, &cn);
    CHECK_RC(mw_imap_idle(p, 60), MW_E_CANCELLED);
    pthread_join(t, NULL);
    CHECK_RC(mw_imap_idle(p, 0), MW_E_ARG);
    CHECK_RC(mw_imap_disconnect(p), 0);
    CHECK_RC(mw_imap_disconnect(p), 0);
    CHECK(log_lines > 20 && log_secret_seen == 0, "log: %d lines, the password seen %d times", log_lines, log_secret_seen);
    CHECK(progress_calls >= 0, "progress");
    mw_close(m);
    CHECK_RC(mw_close(p), 0);
    finish(&s, "session");
}

/* test_handles: IMAP calls refuse other handles, and other calls refuse
 * IMAP handles; an IMAP handle takes mw_cancel and mw_close. */
static void test_handles(void) {
    int m = mw_message_new(), p = mw_imap_new();
    CHECK_RC(mw_imap_connect(m), MW_E_HANDLE);
    CHECK_RC(mw_pop3_count(p), MW_E_HANDLE);
    CHECK_RC(mw_imap_set(p, "bogus", "1"), MW_E_OPTION);
    CHECK_RC(mw_imap_set(p, "auth", "nonsense"), MW_E_OPTION);
    CHECK_RC(mw_imap_set(p, "auth", "login"), 0);
    CHECK_RC(mw_imap_set(p, "host", "a\r\nb"), MW_E_ARG);
    CHECK_RC(mw_imap_connect(p), MW_E_ARG); /* no host */
    CHECK(strstr(mw_errmsg(p), "host") != NULL, "errmsg %s", mw_errmsg(p));
    CHECK_RC(mw_cancel(p), 0);
    CHECK_RC(mw_imap_disconnect(p), 0);
    CHECK_RC(mw_close(p), 0);
    CHECK_RC(mw_imap_connect(p), MW_E_HANDLE);
    mw_close(m);
}

int main(void) {
    test_session();
    test_handles();
    CHECK_RC(mw_handle_count(), 0);
    return DONE("imap");
}
