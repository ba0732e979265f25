/* The threading rules of include/mailwire.h, in whichever mode calls run
 * (tests/suites/c.sh runs it twice: as the library chooses, which is on
 * the calling thread here, and with MAILWIRE_HANDOFF=1, where each call
 * runs on a worker thread of the library as under Mono):
 *
 *  - 64 threads make their first calls at once;
 *  - progress and log callbacks run on the thread that made the call, and
 *    may call the library themselves (also mw_cancel of their own handle);
 *  - mw_cancel from another thread aborts a call waiting for a server that
 *    never answers;
 *  - a thread's call that another thread's callback is running does not
 *    stop a third thread's calls. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "mailwire.h"
#include "check.h"

static int srv;
static char ca[128];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

#define LOCKED(stmt) do { pthread_mutex_lock(&mu); stmt; pthread_mutex_unlock(&mu); } while (0)

/* silent_port listens on a free port of 127.0.0.1 and never accepts: a
 * client connects (the kernel completes it) and then waits for a greeting
 * that never comes. */
static int silent_port(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t n = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(fd, 8) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &n) == 0)
        *port = ntohs(a.sin_port);
    return fd;
}

/* ---- 64 first calls at once. ---- */

static pthread_barrier_t start;

static void *first_call(void *arg) {
    long id = (long)arg;
    char subject[32], *out = NULL;
    size_t len = 0;
    pthread_barrier_wait(&start);
    int m = mw_message_new();
    snprintf(subject, sizeof subject, "thread %ld", id);
    int rc1 = mw_message_set(m, "From", "a@example.test");
    int rc2 = mw_message_add_to(m, "b@example.test");
    int rc3 = mw_message_set(m, "Subject", subject);
    int rc4 = mw_message_mime(m, &out, &len);
    const char *got = mw_message_get(m, "Subject");
    int same = got && strcmp(got, subject) == 0;
    LOCKED(CHECK(m > 0 && !rc1 && !rc2 && !rc3 && !rc4 && out && len > 50 && same,
                 "thread %ld: %d %d %d %d %d len %zu", id, m, rc1, rc2, rc3, rc4, len));
    mw_free(out);
    mw_close(m);
    return NULL;
}

static void test_first_calls(void) {
    enum { N = 64 };
    pthread_t t[N];
    pthread_barrier_init(&start, NULL, N);
    for (long i = 0; i < N; i++) pthread_create(&t[i], NULL, first_call, (void *)i);
    for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
}

/* ---- Callbacks on the calling thread, calling the library. ---- */

struct seen {
    pthread_t thread;
    int handle;
    int calls, elsewhere, nested_bad, cancel_at; /* cancel_at: mw_cancel at that progress call */
};

static void on_progress(void *user, long long done, long long total) {
    struct seen *s = user;
    (void)done; (void)total;
    s->calls++;
    if (!pthread_equal(pthread_self(), s->thread)) s->elsewhere++;
    /* A call of the library from inside the callback. */
    if (mw_version_number() <= 0) s->nested_bad++;
    if (s->cancel_at && s->calls == s->cancel_at && mw_cancel(s->handle) != 0) s->nested_bad++;
}

static void on_log(void *user, const char *line) {
    struct seen *s = user;
    s->calls++;
    if (!pthread_equal(pthread_self(), s->thread)) s->elsewhere++;
    if (!line || mw_strerror(MW_E_ARG) == NULL) s->nested_bad++;
}

static int client(void) {
    char port[16];
    int s = mw_smtp_new();
    snprintf(port, sizeof port, "%d", mw_server_port(srv, "submission"));
    mw_smtp_set(s, "host", "127.0.0.1");
    mw_smtp_set(s, "port", port);
    mw_smtp_set(s, "ca_file", ca);
    mw_smtp_set(s, "security", "starttls");
    mw_smtp_set(s, "username", "bob");
    mw_smtp_set(s, "password", "secret");
    return s;
}

static int big_message(void) {
    int m = mw_message_new();
    static char body[200000];
    for (size_t i = 0; i < sizeof body - 1; i++) body[i] = (i % 72 == 71) ? '\n' : 'a' + i % 26;
    mw_message_set(m, "From", "bob@example.test");
    mw_message_add_to(m, "alice@example.test");
    mw_message_set(m, "Subject", "big");
    mw_message_set(m, "TextBody", body);
    return m;
}

/* send_with_callbacks sends a message with both callbacks set, on the
 * calling thread; returns the failures seen. */
static void *send_with_callbacks(void *arg) {
    (void)arg;
    int s = client(), m = big_message();
    struct seen prog = {pthread_self(), s, 0, 0, 0, 0}, log = {pthread_self(), s, 0, 0, 0, 0};
    int rc1 = mw_set_progress(s, on_progress, &prog);
    int rc2 = mw_set_log(s, on_log, &log);
    int rc3 = mw_smtp_connect(s);
    char why[256];
    snprintf(why, sizeof why, "%s", rc3 ? mw_errmsg(s) : "");
    int rc4 = mw_smtp_send(s, m);
    if (!rc3 && rc4) snprintf(why, sizeof why, "%s", mw_errmsg(s));
    int rc5 = mw_smtp_disconnect(s);
    LOCKED(CHECK(!rc1 && !rc2 && !rc3 && !rc4 && !rc5, "send: %d %d %d %d %d %s", rc1, rc2, rc3, rc4, rc5, why));
    LOCKED(CHECK(prog.calls > 0 && log.calls > 5, "callbacks: %d progress, %d log", prog.calls, log.calls));
    LOCKED(CHECK(!prog.elsewhere && !log.elsewhere, "callbacks on another thread: %d %d", prog.elsewhere, log.elsewhere));
    LOCKED(CHECK(!prog.nested_bad && !log.nested_bad, "calls from callbacks: %d %d", prog.nested_bad, log.nested_bad));
    mw_close(m);
    mw_close(s);
    return NULL;
}

static void test_callbacks(void) {
    send_with_callbacks(NULL);
    /* Four threads at once, each with its own callbacks. */
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, send_with_callbacks, NULL);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
}

/* A progress callback cancels its own transfer: the send returns
 * MW_E_CANCELLED. */
static void test_cancel_from_callback(void) {
    int s = client(), m = big_message();
    struct seen prog = {pthread_self(), s, 0, 0, 0, 1};
    mw_set_progress(s, on_progress, &prog);
    CHECK_RC(mw_smtp_connect(s), 0);
    CHECK_RC(mw_smtp_send(s, m), MW_E_CANCELLED);
    CHECK(!prog.nested_bad && !prog.elsewhere, "cancel from the callback: %d %d", prog.nested_bad, prog.elsewhere);
    mw_close(m);
    mw_close(s);
}

/* ---- mw_cancel from another thread. ---- */

struct waiting {
    int s, rc;
    int returned; /* under mu */
};

static void *connect_silent(void *arg) {
    struct waiting *w = arg;
    w->rc = mw_smtp_connect(w->s);
    LOCKED(w->returned = 1);
    return NULL;
}

static void test_cancel_from_thread(void) {
    int port, fd = silent_port(&port);
    char cport[16];
    CHECK(port > 0, "a listening port of 127.0.0.1");
    snprintf(cport, sizeof cport, "%d", port);
    struct waiting w = {mw_smtp_new(), 0, 0};
    mw_smtp_set(w.s, "host", "127.0.0.1");
    mw_smtp_set(w.s, "port", cport);
    mw_smtp_set(w.s, "security", "none");
    mw_smtp_set(w.s, "timeout", "120");
    pthread_t t;
    pthread_create(&t, NULL, connect_silent, &w);
    /* Cancel until the call has returned: the first mw_cancel may come
     * before the connect is in flight. Meanwhile this thread's other calls
     * go on. */
    for (int returned = 0; !returned;) {
        usleep(20000);
        int m = mw_message_new();
        CHECK(m > 0 && mw_message_set(m, "Subject", "meanwhile") == 0, "a call while another thread waits");
        mw_close(m);
        CHECK_RC(mw_cancel(w.s), 0);
        LOCKED(returned = w.returned);
    }
    pthread_join(t, NULL);
    CHECK_RC(w.rc, MW_E_CANCELLED);
    mw_close(w.s);
    close(fd);
}

int main(void) {
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/mw-threads-XXXXXX");
    if (!mkdtemp(dir)) return 2;
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    test_first_calls();
    srv = mw_server_new();
    mw_server_set(srv, "users", "bob:secret");
    mw_server_set(srv, "ca_out", ca);
    CHECK_RC(mw_server_start(srv), 0);
    test_callbacks();
    test_cancel_from_callback();
    test_cancel_from_thread();
    CHECK_RC(mw_close(srv), 0);
    CHECK_RC(mw_handle_count(), 0);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 2;
    const char *mode = getenv("MAILWIRE_HANDOFF");
    return DONE(mode && *mode == '1' ? "threads_test (handoff)" : "threads_test");
}
