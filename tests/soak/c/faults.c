/* faults.c: 8 client threads send while a script restarts, kills or stalls
 * the server (see faults.sh).
 *
 *   faults HOST PORT SECONDS LOG RCPT [SECURITY [CA [USER]]]
 *
 * Threads 0-3 share one SMTP pool; threads 4-7 each have their own SMTP
 * handle and connect again after a connection-class error.  Every message
 * carries a unique Message-ID; each attempt is logged to LOG as
 * "<message-id> <code> <milliseconds>".  The client never resends a
 * message, so a Message-ID found twice in the store is a duplicate made by
 * the library or the server.  Timeouts are 2 s per step.  After SECONDS,
 * each thread sends one more message on a fresh handle: it must succeed
 * (a reconnect works once the server is back).
 *
 * Checks: every call returns a defined MW_E_* code, within 10 s. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "mailwire.h"
#include "check.h"

#define THREADS 8
#define CALL_LIMIT 10.0 /* seconds: the bound on any one call */
#define PACE_US 5000    /* between sends: load, without filling the disk */

static const char *host, *port, *rcpt, *security = "none", *ca, *user;
static double until;
static FILE *logf;
static int pool;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long codes[64]; /* by -code */
static double slowest;
static char run[32];

#define CHECK_MT(cond, ...) do { pthread_mutex_lock(&mu); CHECK(cond, __VA_ARGS__); \
    pthread_mutex_unlock(&mu); } while (0)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* defined reports whether rc is 0 or a code of mailwire.h. */
static int defined(int rc) {
    return rc == 0 || (rc <= -1 && rc >= -9) || (rc <= -20 && rc >= -25) || (rc <= -40 && rc >= -47);
}

static void options(int h, int (*set)(int, const char *, const char *)) {
    set(h, "host", host);
    set(h, "port", port);
    set(h, "security", security);
    set(h, "timeout", "2");
    set(h, "data_timeout", "2");
    if (ca) set(h, "ca_file", ca);
    if (user) {
        set(h, "username", user);
        set(h, "password", "secret");
    }
}

static int message(int t, long seq, char *id, size_t n) {
    int m = mw_message_new();
    snprintf(id, n, "%s.%d.%ld@soak.test", run, t, seq);
    char mid[96];
    snprintf(mid, sizeof mid, "<%s>", id);
    mw_message_set(m, "From", "Faults <soak@soak.test>");
    mw_message_add_to(m, rcpt);
    mw_message_set(m, "Subject", "fault test");
    mw_message_set(m, "MessageId", mid);
    mw_message_set(m, "TextBody", "A message sent while the server is restarted, killed or stalled.\n");
    return m;
}

/* record logs one attempt and checks its code and duration. */
static void record(const char *id, int rc, double took, const char *what) {
    pthread_mutex_lock(&mu);
    fprintf(logf, "%s %d %.0f\n", id, rc, took * 1000);
    if (rc <= 0 && rc > -64) codes[-rc]++;
    if (took > slowest) slowest = took;
    CHECK(defined(rc), "%s: undefined code %d", what, rc);
    CHECK(took <= CALL_LIMIT, "%s took %.1f s (code %d)", what, took, rc);
    pthread_mutex_unlock(&mu);
}

/* connection_gone reports whether rc says to connect again. */
static int connection_gone(int rc) { return rc <= -40; }

static void *pooled(void *arg) {
    int t = (int)(long)arg;
    char id[80];
    for (long seq = 0; now() < until; seq++) {
        int m = message(t, seq, id, sizeof id);
        double t0 = now();
        int rc = mw_pool_send(pool, m);
        record(id, rc, now() - t0, "mw_pool_send");
        mw_close(m);
        usleep(rc < 0 ? 50000 : PACE_US);
    }
    return NULL;
}

static void *direct(void *arg) {
    int t = (int)(long)arg, s = mw_smtp_new(), up = 0;
    char id[80];
    options(s, mw_smtp_set);
    for (long seq = 0; now() < until; seq++) {
        if (!up) {
            double t0 = now();
            int rc = mw_smtp_connect(s);
            record("connect", rc, now() - t0, "mw_smtp_connect");
            if (rc < 0) { usleep(100000); continue; }
            up = 1;
        }
        int m = message(t, seq, id, sizeof id);
        double t0 = now();
        int rc = mw_smtp_send(s, m);
        record(id, rc, now() - t0, "mw_smtp_send");
        mw_close(m);
        usleep(PACE_US);
        if (connection_gone(rc)) {
            up = 0;
            /* After a timeout the handle must still disconnect cleanly. */
            int d = mw_smtp_disconnect(s);
            CHECK_MT(defined(d), "disconnect: %d", d);
        }
    }
    if (up) mw_smtp_disconnect(s);
    CHECK_MT(mw_close(s) == 0, "close");
    return NULL;
}

/* final sends one message per thread on a fresh handle, with a few tries
 * while the server comes back. */
static void *final(void *arg) {
    int t = (int)(long)arg, rc = -1;
    char id[80];
    for (int try = 0; try < 10 && rc != 0; try++) {
        if (try) sleep(1);
        int s = mw_smtp_new();
        options(s, mw_smtp_set);
        int m = message(t, 1000000 + try, id, sizeof id);
        double t0 = now();
        rc = mw_smtp_connect(s);
        if (rc == 0) rc = mw_smtp_send(s, m);
        record(id, rc, now() - t0, "final send");
        if (rc == 0) mw_smtp_disconnect(s);
        mw_close(m);
        mw_close(s);
    }
    CHECK_MT(rc == 0, "thread %d: no send succeeded after the faults (last code %d)", t, rc);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: faults HOST PORT SECONDS LOG RCPT [SECURITY [CA [USER]]]\n");
        return 2;
    }
    host = argv[1], port = argv[2], rcpt = argv[5];
    if (argc > 6) security = argv[6];
    if (argc > 7 && *argv[7]) ca = argv[7];
    if (argc > 8 && *argv[8]) user = argv[8];
    logf = fopen(argv[4], "a");
    if (!logf) { perror(argv[4]); return 2; }
    setvbuf(logf, NULL, _IOLBF, 0);
    snprintf(run, sizeof run, "f%ld-%d", (long)time(NULL), (int)getpid());
    until = now() + atoi(argv[3]);

    pool = mw_pool_new();
    options(pool, mw_pool_set);
    /* Fewer connections than pooled threads: waiting sends go out in batches. */
    mw_pool_set(pool, "max_connections", "2");
    pthread_t th[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, i < 4 ? pooled : direct, (void *)i);
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    for (long i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, final, (void *)i);
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    CHECK_RC(mw_close(pool), 0);
    CHECK_RC(mw_handle_count(), 0);

    printf("codes:");
    for (int i = 0; i < 64; i++)
        if (codes[i]) printf(" %d=%ld", -i, codes[i]);
    printf("\nslowest call: %.2f s\n", slowest);
    fclose(logf);
    return DONE("faults-clients");
}
