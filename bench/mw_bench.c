/*
 * mw_bench: the Mailwire side of the benchmarks, through the C API only.
 *
 *   mw_bench send   HOST PORT MSG N RCPTS PIPELINING CHUNKING
 *   mw_bench batch  HOST PORT MSG N RCPTS PIPELINING CHUNKING [PER_CALL]
 *                                the same through mw_smtp_send_many,
 *                                PER_CALL messages per call (default 100;
 *                                up to 100 distinct handles, repeated in
 *                                turn when PER_CALL is larger, so that one
 *                                call of N streams N messages)
 *   mw_bench pool   HOST PORT MSG N THREADS [CONNECTIONS, default THREADS]
 *   mw_bench attach HOST PORT FILE
 *   mw_bench pop3   HOST PORT USER PASS [many|lockstep|file]
 *                                "many" (default): retrieve_many with delete,
 *                                pipelined, 64 handles a call; "lockstep":
 *                                retrieve then delete; "file": retrieve_file
 *                                to /dev/null then delete
 *   mw_bench imap   HOST PORT USER PASS [many|single|file [N]]
 *                                EXAMINE INBOX, UID SEARCH ALL, then every
 *                                message (the first N with N):
 *                                "many" (default): mw_imap_fetch_many,
 *                                IMAP_BATCH handles a call (one pipelined
 *                                UID FETCH each); "single": mw_imap_fetch one
 *                                UID at a time; "file": mw_imap_fetch_file
 *                                to /dev/null one UID at a time
 *   mw_bench parse  DIR
 *   mw_bench serve               embedded server in memory mode; prints
 *                                "PORT n", runs until stdin closes
 *   mw_bench imapserve           embedded server in memory mode with user
 *                                alice:secret, plaintext login allowed;
 *                                prints "PORT n" (IMAP) and "LMTP n", runs
 *                                until stdin closes
 *   mw_bench abi    N            ns per mw_version call and per plain C call
 *
 * Each workload prints "RESULT value unit" on stdout.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailwire.h"

int plain_fn(int x); /* bench/plain.c, in libplain.so */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, int handle, int rc)
{
    fprintf(stderr, "mw_bench: %s: %d %s: %s\n", what, rc, mw_strerror(rc),
            handle > 0 ? mw_errmsg(handle) : "");
    exit(1);
}

#define CHECK(what, h, call)            \
    do {                                \
        int rc_ = (call);               \
        if (rc_ < 0) die(what, h, rc_); \
    } while (0)

/* slurp reads a whole file into a new buffer. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(n + 1);
    if (!b || fread(b, 1, n, f) != (size_t)n) { perror(path); exit(1); }
    b[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* small_message builds the 2 KB message: the body of the file MSG, rcpts
 * recipients. */
static int small_message(const char *path, int rcpts)
{
    size_t len;
    char *raw = slurp(path, &len);
    char *body = strstr(raw, "\r\n\r\n");
    body = body ? body + 4 : raw;
    int m = mw_message_new();
    CHECK("message_new", 0, m);
    CHECK("From", m, mw_message_set(m, "From", "Bench Sender <sender@bench.test>"));
    CHECK("Subject", m, mw_message_set(m, "Subject", "Benchmark message"));
    CHECK("TextBody", m, mw_message_set(m, "TextBody", body));
    for (int i = 0; i < rcpts; i++) {
        char a[64];
        snprintf(a, sizeof a, "rcpt%d@sink.test", i);
        CHECK("add_to", m, mw_message_add_to(m, a));
    }
    free(raw);
    return m;
}

static void smtp_opts(int h, int (*set)(int, const char *, const char *),
                      const char *host, const char *port)
{
    CHECK("host", h, set(h, "host", host));
    CHECK("port", h, set(h, "port", port));
    CHECK("security", h, set(h, "security", "none"));
    CHECK("helo", h, set(h, "helo", "mw.bench.test"));
}

static void cmd_send(char **a)
{
    int n = atoi(a[3]), rcpts = atoi(a[4]);
    int m = small_message(a[2], rcpts);
    double t0 = now();
    int s = mw_smtp_new();
    CHECK("smtp_new", 0, s);
    smtp_opts(s, mw_smtp_set, a[0], a[1]);
    CHECK("pipelining", s, mw_smtp_set(s, "pipelining", a[5]));
    CHECK("chunking", s, mw_smtp_set(s, "chunking", a[6]));
    CHECK("connect", s, mw_smtp_connect(s));
    for (int i = 0; i < n; i++)
        CHECK("send", s, mw_smtp_send(s, m));
    CHECK("disconnect", s, mw_smtp_disconnect(s));
    printf("RESULT %.3f msg/s\n", n / (now() - t0));
    mw_close(s);
    mw_close(m);
}

#define BATCH 100

static void cmd_batch(char **a)
{
    int n = atoi(a[3]), rcpts = atoi(a[4]);
    int per_call = a[7] ? atoi(a[7]) : BATCH;
    if (per_call < 1) per_call = BATCH;
    int msgs[BATCH];
    for (int i = 0; i < BATCH; i++)
        msgs[i] = small_message(a[2], rcpts);
    int *call = malloc(per_call * sizeof *call);
    if (!call) { perror("malloc"); exit(1); }
    for (int i = 0; i < per_call; i++)
        call[i] = msgs[i % BATCH];
    double t0 = now();
    int s = mw_smtp_new();
    CHECK("smtp_new", 0, s);
    smtp_opts(s, mw_smtp_set, a[0], a[1]);
    CHECK("pipelining", s, mw_smtp_set(s, "pipelining", a[5]));
    CHECK("chunking", s, mw_smtp_set(s, "chunking", a[6]));
    CHECK("connect", s, mw_smtp_connect(s));
    for (int done = 0; done < n; done += per_call) {
        int k = n - done < per_call ? n - done : per_call;
        CHECK("send_many", s, mw_smtp_send_many(s, call, k));
    }
    CHECK("disconnect", s, mw_smtp_disconnect(s));
    printf("RESULT %.3f msg/s\n", n / (now() - t0));
    mw_close(s);
    free(call);
    for (int i = 0; i < BATCH; i++)
        mw_close(msgs[i]);
}

struct pool_job {
    int pool, n;
    const char *path;
};

static void *pool_worker(void *p)
{
    struct pool_job *j = p;
    int m = small_message(j->path, 1);
    for (int i = 0; i < j->n; i++)
        CHECK("pool_send", m, mw_pool_send(j->pool, m));
    mw_close(m);
    return NULL;
}

static void cmd_pool(char **a)
{
    int n = atoi(a[3]), threads = atoi(a[4]);
    if (threads < 1 || threads > 64) threads = 8;
    double t0 = now();
    int p = mw_pool_new();
    CHECK("pool_new", 0, p);
    smtp_opts(p, mw_pool_set, a[0], a[1]);
    CHECK("max_connections", p, mw_pool_set(p, "max_connections", a[5] ? a[5] : a[4]));
    pthread_t th[64];
    struct pool_job j = {p, n / threads, a[2]};
    for (int i = 0; i < threads; i++)
        pthread_create(&th[i], NULL, pool_worker, &j);
    for (int i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
    mw_close(p);
    printf("RESULT %.3f msg/s\n", n / (now() - t0));
}

static void cmd_attach(char **a)
{
    size_t dummy;
    (void)dummy;
    FILE *f = fopen(a[2], "rb");
    if (!f) { perror(a[2]); exit(1); }
    fseek(f, 0, SEEK_END);
    double mb = ftell(f) / 1e6;
    fclose(f);
    double t0 = now();
    int m = mw_message_new();
    CHECK("message_new", 0, m);
    CHECK("From", m, mw_message_set(m, "From", "sender@bench.test"));
    CHECK("Subject", m, mw_message_set(m, "Subject", "Attachment"));
    CHECK("TextBody", m, mw_message_set(m, "TextBody", "See the file.\r\n"));
    CHECK("add_to", m, mw_message_add_to(m, "rcpt@sink.test"));
    CHECK("attach", m, mw_message_attach_file(m, a[2], "blob.bin", "application/octet-stream"));
    int s = mw_smtp_new();
    smtp_opts(s, mw_smtp_set, a[0], a[1]);
    CHECK("connect", s, mw_smtp_connect(s));
    CHECK("send", s, mw_smtp_send(s, m));
    CHECK("disconnect", s, mw_smtp_disconnect(s));
    printf("RESULT %.3f MB/s\n", mb / (now() - t0));
    mw_close(s);
    mw_close(m);
}

/* POP3_BATCH is how many message handles one mw_pop3_retrieve_many call
 * fills; the batch's RETR and DELE commands are pipelined. */
#define POP3_BATCH 64

static void cmd_pop3(char **a)
{
    double t0 = now();
    int p = mw_pop3_new();
    CHECK("pop3_new", 0, p);
    CHECK("host", p, mw_pop3_set(p, "host", a[0]));
    CHECK("port", p, mw_pop3_set(p, "port", a[1]));
    CHECK("security", p, mw_pop3_set(p, "security", "none"));
    CHECK("allow_plaintext_auth", p, mw_pop3_set(p, "allow_plaintext_auth", "1"));
    CHECK("username", p, mw_pop3_set(p, "username", a[2]));
    CHECK("password", p, mw_pop3_set(p, "password", a[3]));
    CHECK("auth", p, mw_pop3_set(p, "auth", "user"));
    CHECK("connect", p, mw_pop3_connect(p));
    int n = mw_pop3_count(p);
    CHECK("count", p, n);
    const char *mode = a[4] ? a[4] : "many";
    int msgs[POP3_BATCH];
    for (int i = 0; i < POP3_BATCH; i++)
        msgs[i] = mw_message_new();
    if (strcmp(mode, "many") == 0) {
        for (int i = 1; i <= n; i += POP3_BATCH) {
            int k = n - i + 1 < POP3_BATCH ? n - i + 1 : POP3_BATCH;
            CHECK("retrieve_many", p, mw_pop3_retrieve_many(p, i, k, msgs, 1));
        }
    } else {
        for (int i = 1; i <= n; i++) {
            if (strcmp(mode, "file") == 0)
                CHECK("retrieve_file", p, mw_pop3_retrieve_file(p, i, "/dev/null"));
            else
                CHECK("retrieve", p, mw_pop3_retrieve(p, i, msgs[0]));
            CHECK("delete", p, mw_pop3_delete(p, i));
        }
    }
    CHECK("disconnect", p, mw_pop3_disconnect(p));
    printf("RESULT %.3f msg/s\n", n / (now() - t0));
    for (int i = 0; i < POP3_BATCH; i++)
        mw_close(msgs[i]);
    mw_close(p);
}

/* IMAP_BATCH is how many message handles one mw_imap_fetch_many call
 * fills: one UID FETCH of that many UIDs, the messages back to back. */
#define IMAP_BATCH 100

static void cmd_imap(char **a)
{
    double t0 = now();
    int p = mw_imap_new();
    CHECK("imap_new", 0, p);
    CHECK("host", p, mw_imap_set(p, "host", a[0]));
    CHECK("port", p, mw_imap_set(p, "port", a[1]));
    CHECK("security", p, mw_imap_set(p, "security", "none"));
    CHECK("allow_plaintext_auth", p, mw_imap_set(p, "allow_plaintext_auth", "1"));
    CHECK("username", p, mw_imap_set(p, "username", a[2]));
    CHECK("password", p, mw_imap_set(p, "password", a[3]));
    CHECK("connect", p, mw_imap_connect(p));
    CHECK("select", p, mw_imap_select(p, "INBOX", 1));
    int n = mw_imap_search(p, "ALL");
    CHECK("search", p, n);
    if (a[4] && a[5] && atoi(a[5]) > 0 && atoi(a[5]) < n)
        n = atoi(a[5]);
    long long *uids = malloc((n + 1) * sizeof *uids);
    for (int i = 0; i < n; i++)
        uids[i] = mw_imap_search_uid(p, i);
    const char *mode = a[4] ? a[4] : "many";
    int msgs[IMAP_BATCH];
    for (int i = 0; i < IMAP_BATCH; i++)
        msgs[i] = mw_message_new();
    if (strcmp(mode, "many") == 0) {
        for (int i = 0; i < n; i += IMAP_BATCH) {
            int k = n - i < IMAP_BATCH ? n - i : IMAP_BATCH;
            CHECK("fetch_many", p, mw_imap_fetch_many(p, uids + i, k, msgs));
        }
    } else {
        for (int i = 0; i < n; i++) {
            if (strcmp(mode, "file") == 0)
                CHECK("fetch_file", p, mw_imap_fetch_file(p, uids[i], "/dev/null"));
            else
                CHECK("fetch", p, mw_imap_fetch(p, uids[i], msgs[0]));
        }
    }
    CHECK("disconnect", p, mw_imap_disconnect(p));
    printf("RESULT %.3f msg/s\n", n / (now() - t0));
    for (int i = 0; i < IMAP_BATCH; i++)
        mw_close(msgs[i]);
    free(uids);
    mw_close(p);
}

/* decode_all touches every decoded part of a parsed message. */
static void decode_all(int m)
{
    mw_message_get(m, "Subject");
    mw_message_get(m, "To");
    mw_message_get(m, "TextBody");
    mw_message_get(m, "HtmlBody");
    int k = mw_message_attachment_count(m);
    for (int i = 0; i < k; i++) {
        char *out = NULL;
        size_t len = 0;
        if (mw_message_attachment_data(m, i, &out, &len) == 0)
            mw_free(out);
    }
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void cmd_parse(char **a)
{
    double t0 = now(), total = 0;
    DIR *d = opendir(a[0]);
    if (!d) { perror(a[0]); exit(1); }
    char **names = NULL;
    size_t nn = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strstr(e->d_name, ".eml")) continue;
        if (nn == cap) names = realloc(names, (cap = cap * 2 + 64) * sizeof *names);
        names[nn++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_str);
    int m = mw_message_new();
    char path[4096];
    for (size_t i = 0; i < nn; i++) {
        size_t len;
        snprintf(path, sizeof path, "%s/%s", a[0], names[i]);
        char *raw = slurp(path, &len);
        total += len;
        if (mw_message_parse(m, raw, len) == 0)
            decode_all(m);
        free(raw);
        free(names[i]);
    }
    free(names);
    mw_close(m);
    printf("RESULT %.3f MB/s\n", total / 1e6 / (now() - t0));
}

static void cmd_serve(void)
{
    int s = mw_server_new();
    CHECK("server_new", 0, s);
    const char *off[] = {"submission_port", "smtps_port", "lmtp_port", "pop3_port", "pop3s_port"};
    for (int i = 0; i < 5; i++)
        CHECK(off[i], s, mw_server_set(s, off[i], "-1"));
    CHECK("smtp_port", s, mw_server_set(s, "smtp_port", "0"));
    CHECK("max_sessions", s, mw_server_set(s, "max_sessions", "64"));
    CHECK("start", s, mw_server_start(s));
    printf("PORT %d\n", mw_server_port(s, "smtp"));
    fflush(stdout);
    char buf[256];
    while (fgets(buf, sizeof buf, stdin))
        ;
    fprintf(stderr, "mw_bench: server kept %d messages\n", mw_server_message_count(s, ""));
    mw_server_stop(s);
    mw_close(s);
}

static void cmd_imapserve(void)
{
    int s = mw_server_new();
    CHECK("server_new", 0, s);
    const char *off[] = {"smtp_port", "submission_port", "smtps_port", "pop3_port", "pop3s_port", "imaps_port"};
    for (int i = 0; i < 6; i++)
        CHECK(off[i], s, mw_server_set(s, off[i], "-1"));
    CHECK("users", s, mw_server_set(s, "users", "alice:secret"));
    CHECK("require_tls_for_auth", s, mw_server_set(s, "require_tls_for_auth", "0"));
    CHECK("max_message_size", s, mw_server_set(s, "max_message_size", "104857600"));
    CHECK("start", s, mw_server_start(s));
    printf("PORT %d\nLMTP %d\n", mw_server_port(s, "imap"), mw_server_port(s, "lmtp"));
    fflush(stdout);
    char buf[256];
    while (fgets(buf, sizeof buf, stdin))
        ;
    mw_server_stop(s);
    mw_close(s);
}

static void cmd_abi(char **a)
{
    long n = atol(a[0]);
    volatile const char *v = NULL;
    double t0 = now();
    for (long i = 0; i < n; i++)
        v = mw_version();
    double mw = (now() - t0) * 1e9 / n;
    volatile int x = 0;
    t0 = now();
    for (long i = 0; i < n; i++)
        x += plain_fn(x);
    double c = (now() - t0) * 1e9 / n;
    (void)v;
    printf("RESULT %.3f ns\nFLOOR %.3f ns\n", mw, c);
}

int main(int argc, char **argv)
{
    static const struct { const char *name; int args; void (*fn)(char **); } cmds[] = {
        {"send", 7, cmd_send}, {"batch", 7, cmd_batch}, {"pool", 5, cmd_pool}, {"attach", 3, cmd_attach},
        {"pop3", 4, cmd_pop3}, {"imap", 4, cmd_imap}, {"parse", 1, cmd_parse}, {"abi", 1, cmd_abi},
    };
    if (argc >= 2 && strcmp(argv[1], "serve") == 0) {
        cmd_serve();
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "imapserve") == 0) {
        cmd_imapserve();
        return 0;
    }
    for (size_t i = 0; argc >= 2 && i < sizeof cmds / sizeof cmds[0]; i++) {
        if (strcmp(argv[1], cmds[i].name) == 0 && argc - 2 >= cmds[i].args) {
            cmds[i].fn(argv + 2);
            fflush(stdout);
            return 0;
        }
    }
    fprintf(stderr, "usage: mw_bench send|batch|pool|attach|pop3|imap|parse|serve|imapserve|abi ...\n");
    return 2;
}
