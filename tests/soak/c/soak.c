/* soak.c: leaks, memory safety and concurrency at the C ABI, against the
 * embedded server started in the same process.
 *
 *   soak leak N        sends N messages (SMTP, STARTTLS, in batches) and
 *                      fetches them back (POP3, STLS: retrieve and delete),
 *                      sampling VmRSS every 1,000 messages; fails when RSS
 *                      grows more than 20% after warm-up (the 2,000th
 *                      message; checked for N >= 3,000), when a message is
 *                      lost or altered, or when handles are left open.
 *   soak leak N canary the same, leaking 16 KiB per message on purpose: it
 *                      must fail (proof that the bound catches a leak).
 *   soak threads S     8 threads, each with its own handles and mailbox,
 *                      send and fetch at once for S seconds, checking every
 *                      result and every Message-ID.
 *   soak busy          one handle used from two threads at once: the second
 *                      caller gets MW_E_BUSY, never a crash.
 *
 * Each mode prints "soak-<mode>: N passed, N failed" last and exits non-zero
 * on failure. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "mailwire.h"
#include "check.h"

#define THREADS 8
#define BATCH 100

static int srv;
static int smtp_port, pop3_port;
static char ca[256];
static pthread_mutex_t check_mu = PTHREAD_MUTEX_INITIALIZER;

/* CHECK_MT is CHECK for threads: the counters are shared. */
#define CHECK_MT(cond, ...) do { pthread_mutex_lock(&check_mu); CHECK(cond, __VA_ARGS__); \
    pthread_mutex_unlock(&check_mu); } while (0)

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kb = atol(line + 6);
    fclose(f);
    return kb;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* start_server starts the embedded server with users u0..u7 and soak. */
static int start_server(const char *dir) {
    srv = mw_server_new();
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    mw_server_set(srv, "users", "soak:secret,u0:secret,u1:secret,u2:secret,u3:secret,"
                                "u4:secret,u5:secret,u6:secret,u7:secret");
    mw_server_set(srv, "ca_out", ca);
    mw_server_set(srv, "max_sessions", "64");
    int rc = mw_server_start(srv);
    if (rc < 0) { fprintf(stderr, "server: %s\n", mw_errmsg(srv)); return rc; }
    smtp_port = mw_server_port(srv, "smtp");
    pop3_port = mw_server_port(srv, "pop3");
    return 0;
}

static void client_opts(int h, int (*set)(int, const char *, const char *), int port, const char *user) {
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    set(h, "host", "127.0.0.1");
    set(h, "port", p);
    set(h, "security", "starttls");
    set(h, "ca_file", ca);
    set(h, "timeout", "20");
    if (user) {
        set(h, "username", user);
        set(h, "password", "secret");
    }
}

/* new_message builds message seq for mailbox user; every 10th carries an
 * attachment, and its MIME text is rendered and freed once. */
static int new_message(const char *user, const char *tag, long seq) {
    char buf[256];
    int m = mw_message_new();
    mw_message_set(m, "From", "Soak <soak@soak.test>");
    snprintf(buf, sizeof buf, "%s@soak.test", user);
    mw_message_add_to(m, buf);
    snprintf(buf, sizeof buf, "soak %s %ld \xc3\xa9t\xc3\xa9", tag, seq);
    mw_message_set(m, "Subject", buf);
    snprintf(buf, sizeof buf, "<%s.%ld@soak.test>", tag, seq);
    mw_message_set(m, "MessageId", buf);
    mw_message_set(m, "TextBody", "Line one.\n.A line that starts with a dot.\nLast line.\n");
    if (seq % 10 == 0) {
        static const char data[] = "attachment bytes \x00\x01\x02\xff";
        mw_message_attach_data(m, data, sizeof data, "data.bin", "application/octet-stream");
        char *out = NULL;
        size_t len = 0;
        if (mw_message_mime(m, &out, &len) == 0) mw_free(out);
    }
    return m;
}

/* send_batch sends messages first..first+n-1 to user on one connection.
 * Returns the number accepted. */
static int send_batch(const char *user, const char *tag, long first, int n) {
    int ok = 0, s = mw_smtp_new();
    client_opts(s, mw_smtp_set, smtp_port, NULL);
    int rc = mw_smtp_connect(s);
    CHECK_MT(rc == 0, "connect: %s: %s", mw_strerror(rc), mw_errmsg(s));
    for (int i = 0; rc == 0 && i < n; i++) {
        int m = new_message(user, tag, first + i);
        int r = mw_smtp_send(s, m);
        CHECK_MT(r == 0, "send %s %ld: %s: %s", tag, first + i, mw_strerror(r), mw_errmsg(s));
        CHECK_MT(mw_smtp_result_count(m) == 1, "one result");
        if (r == 0) ok++;
        mw_close(m);
    }
    if (rc == 0) CHECK_MT(mw_smtp_disconnect(s) == 0, "QUIT: %s", mw_errmsg(s));
    CHECK_MT(mw_close(s) == 0, "close smtp");
    return ok;
}

/* message_seq returns the sequence number of a Message-ID "<tag.N@soak.test>"
 * (angle brackets optional), or -1. */
static long message_seq(const char *id, const char *tag) {
    char want[40], rest[32];
    long seq;
    if (!id) return -1;
    if (*id == '<') id++;
    snprintf(want, sizeof want, "%s.", tag);
    if (strncmp(id, want, strlen(want)) != 0) return -1;
    if (sscanf(id + strlen(want), "%ld%31s", &seq, rest) != 2) return -1;
    if (strcmp(rest, "@soak.test>") != 0 && strcmp(rest, "@soak.test") != 0) return -1;
    return seq;
}

/* fetch_all retrieves and deletes every message of user's mailbox, checking
 * that each Message-ID is one of tag.first..first+n-1 and appears once.
 * Returns the number fetched. */
static int fetch_all(const char *user, const char *tag, long first, int n) {
    char seen[BATCH] = {0};
    int got = 0, p = mw_pop3_new();
    client_opts(p, mw_pop3_set, pop3_port, user);
    int rc = mw_pop3_connect(p);
    CHECK_MT(rc == 0, "pop3 connect: %s: %s", mw_strerror(rc), mw_errmsg(p));
    int count = rc == 0 ? mw_pop3_count(p) : 0;
    CHECK_MT(count == n, "%s: %d messages in the maildrop, want %d", user, count, n);
    for (int i = 1; i <= count; i++) {
        int m = mw_message_new();
        int r = mw_pop3_retrieve(p, i, m);
        CHECK_MT(r == 0, "RETR %d: %s: %s", i, mw_strerror(r), mw_errmsg(p));
        const char *id = mw_message_get(m, "MessageId");
        long seq = message_seq(id, tag);
        if (seq < first || seq >= first + n) seq = -1;
        CHECK_MT(seq >= 0 && !seen[seq - first], "%s: unexpected or repeated Message-ID %s", user, id ? id : "(none)");
        if (seq >= 0) seen[seq - first] = 1;
        const char *body = mw_message_get(m, "TextBody");
        CHECK_MT(body && strstr(body, "\n.A line that starts with a dot.") && strstr(body, "Last line."),
                 "body intact: [%s]", body ? body : "(null)");
        if (seq % 10 == 0) CHECK_MT(mw_message_attachment_count(m) == 1, "attachment kept");
        CHECK_MT(mw_pop3_delete(p, i) == 0, "DELE %d", i);
        mw_close(m);
        got++;
    }
    if (rc == 0) CHECK_MT(mw_pop3_disconnect(p) == 0, "QUIT: %s", mw_errmsg(p));
    CHECK_MT(mw_close(p) == 0, "close pop3");
    return got;
}

/* leak runs total messages through send and fetch; with canary it also
 * leaks 16 KiB per message on purpose, to prove the RSS bound catches it. */
static int leak(long total, int canary) {
    long warm = -1, last = -1, peak = 0;
    double t0 = now();
    printf("messages     VmRSS_kB   seconds\n");
    printf("%8d %12ld %9.1f\n", 0, rss_kb(), 0.0);
    for (long done = 0; done < total;) {
        int n = total - done < BATCH ? (int)(total - done) : BATCH;
        int sent = send_batch("soak", "leak", done, n);
        int got = fetch_all("soak", "leak", done, n);
        CHECK(sent == n && got == n, "batch at %ld: sent %d, fetched %d of %d", done, sent, got, n);
        if (sent != n || got != n) break;
        done += n;
        for (int i = 0; canary && i < n; i++) memset(malloc(16384), 1, 16384);
        if (done % 1000 == 0) {
            last = rss_kb();
            if (done == 2000) warm = last;
            if (last > peak) peak = last;
            printf("%8ld %12ld %9.1f\n", done, last, now() - t0);
        }
    }
    CHECK_RC(mw_server_message_count(srv, "soak"), 0);
    if (warm > 0 && total >= 3000) {
        printf("RSS after warm-up (2,000 messages) %ld kB, at the end %ld kB: %+.1f%% (peak %ld kB)\n", warm,
               last, 100.0 * (last - warm) / warm, peak);
        CHECK(last <= warm + warm / 5, "RSS grew from %ld kB to %ld kB after warm-up", warm, last);
    }
    return 0;
}

struct worker {
    int id;
    double until;
    long sent, fetched;
};

static void *worker_main(void *arg) {
    struct worker *w = arg;
    char user[8], tag[16];
    snprintf(user, sizeof user, "u%d", w->id);
    snprintf(tag, sizeof tag, "t%d", w->id);
    for (long seq = 0; now() < w->until; seq += 5) {
        int sent = send_batch(user, tag, seq, 5);
        int got = fetch_all(user, tag, seq, sent);
        w->sent += sent;
        w->fetched += got;
        if (sent != 5 || got != sent) break;
    }
    return NULL;
}

static int threads(int seconds) {
    pthread_t t[THREADS];
    struct worker w[THREADS];
    double until = now() + seconds;
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){.id = i, .until = until};
        CHECK(pthread_create(&t[i], NULL, worker_main, &w[i]) == 0, "pthread_create");
    }
    long total = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK(w[i].sent > 0 && w[i].sent == w[i].fetched, "thread %d sent %ld, fetched %ld", i, w[i].sent,
              w[i].fetched);
        total += w[i].sent;
    }
    printf("%d threads, %d s: %ld messages sent and fetched back\n", THREADS, seconds, total);
    CHECK_RC(mw_server_message_count(srv, ""), 0);
    return 0;
}

/* A silent server: accepts and never greets, so a connect blocks. */
static int silent_listener(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 8) < 0) return -1;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

static void *blocking_connect(void *arg) {
    int h = *(int *)arg;
    *(int *)arg = mw_smtp_connect(h);
    return NULL;
}

struct hammer {
    int msg, busy, ok, other;
};

static void *hammer_main(void *arg) {
    struct hammer *hm = arg;
    for (int i = 0; i < 20000; i++) {
        int rc = mw_message_set(hm->msg, "Subject", i % 2 ? "odd" : "even");
        if (rc == MW_E_BUSY) hm->busy++;
        else if (rc == 0) hm->ok++;
        else hm->other++;
        /* The string is not read: the other thread's calls on the same
         * handle may free it (it lives until the next call on the handle). */
        long long size = mw_message_size(hm->msg);
        if (size < 0 && size != MW_E_BUSY) hm->other++;
    }
    return NULL;
}

static int busy(void) {
    /* A connect that blocks on a silent server holds the handle. */
    int port = 0, fd = silent_listener(&port);
    CHECK(fd >= 0, "listener");
    int s = mw_smtp_new();
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    mw_smtp_set(s, "host", "127.0.0.1");
    mw_smtp_set(s, "port", p);
    mw_smtp_set(s, "security", "none");
    mw_smtp_set(s, "timeout", "30");
    int arg = s, m = mw_message_new();
    pthread_t t;
    pthread_create(&t, NULL, blocking_connect, &arg);
    int rc = 0;
    for (int i = 0; i < 200 && rc != MW_E_BUSY; i++) {
        usleep(10000);
        rc = mw_smtp_send(s, m);
    }
    CHECK_RC(rc, MW_E_BUSY);
    CHECK_RC(mw_smtp_set(s, "timeout", "5"), MW_E_BUSY);
    CHECK_RC(mw_smtp_connect(s), MW_E_BUSY);
    CHECK_RC(mw_close(s), MW_E_BUSY);
    CHECK(mw_errmsg(s) != NULL, "errmsg never NULL");
    CHECK_RC(mw_cancel(s), 0);
    pthread_join(t, NULL);
    CHECK_RC(arg, MW_E_CANCELLED);
    CHECK_RC(mw_close(s), 0);
    CHECK_RC(mw_close(s), MW_E_HANDLE);
    close(fd);

    /* Two threads hammer one message handle: each call succeeds or says
     * MW_E_BUSY. */
    struct hammer h[2] = {{.msg = m}, {.msg = m}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, hammer_main, &h[i]);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    printf("two threads on one message handle: %d ok, %d MW_E_BUSY, %d other\n", h[0].ok + h[1].ok,
           h[0].busy + h[1].busy, h[0].other + h[1].other);
    CHECK(h[0].other + h[1].other == 0, "only 0 or MW_E_BUSY");
    CHECK(h[0].ok + h[1].ok > 0, "some calls succeed");
    CHECK_RC(mw_close(m), 0);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: soak leak N | threads SECONDS | busy\n");
        return 2;
    }
    const char *mode = argv[1];
    char name[64];
    snprintf(name, sizeof name, "soak-%s", mode);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(mode, "busy") == 0) {
        busy();
    } else {
        char dir[] = "/tmp/mailwire-soak-XXXXXX";
        if (!mkdtemp(dir) || start_server(dir) < 0) return 1;
        if (strcmp(mode, "leak") == 0) leak(argc > 2 ? atol(argv[2]) : 10000, argc > 3 && strcmp(argv[3], "canary") == 0);
        else if (strcmp(mode, "threads") == 0) threads(argc > 2 ? atoi(argv[2]) : 10);
        else { fprintf(stderr, "unknown mode %s\n", mode); return 2; }
        CHECK_RC(mw_server_stop(srv), 0);
        CHECK_RC(mw_close(srv), 0);
        unlink(ca);
        rmdir(dir);
    }
    CHECK_RC(mw_handle_count(), 0);
    return DONE(name);
}
