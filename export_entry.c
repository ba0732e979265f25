/*
 * export_entry.c: the fork check, the first-call lock and the handoff to
 * worker threads of MW_ENTER, and the callbacks' way back to the calling
 * thread (see export_entry.h for why they exist).
 */
#if !defined(_WIN32)

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "export_entry.h"
#include "export_callback.h"

/* MWC_IDLE_SECONDS is how long an idle worker thread waits for a call
 * before it ends. */
#define MWC_IDLE_SECONDS 30

int mwc_forked;
int mwc_handoff_mode;
__thread int mwc_entered __attribute__((tls_model("initial-exec")));

static pthread_mutex_t first_entry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t decide_once = PTHREAD_ONCE_INIT;

/* has_libmono is a dl_iterate_phdr callback: nonzero for a loaded Mono
 * runtime library (a host that embeds Mono and loaded it privately). */
static int has_libmono(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    (void)data;
    const char *slash = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
    const char *base = slash ? slash + 1 : info->dlpi_name;
    return base && strncmp(base, "libmono", 7) == 0;
}

/* decide chooses the mode: the handoff when Mono runs the process. */
static void decide(void) {
    const char *force = getenv("MAILWIRE_HANDOFF");
    if (force && *force) {
        mwc_handoff_mode = *force == '1';
        return;
    }
    mwc_handoff_mode = dlsym(RTLD_DEFAULT, "mono_thread_info_attach") != NULL ||
                       dl_iterate_phdr(has_libmono, NULL) != 0;
}

/* mwc_first_entry decides the mode, and in the direct mode binds the
 * calling thread to the Go runtime with a call that does nothing else (so
 * the lock is never held while real work, a network call say, runs), with
 * no other thread doing the same at once. */
void mwc_first_entry(void) {
    pthread_once(&decide_once, decide);
    if (!mwc_handoff_mode) {
        pthread_mutex_lock(&first_entry_lock);
        (void)mwgo_version_number();
        pthread_mutex_unlock(&first_entry_lock);
    }
    mwc_entered = 1;
}

/* forked runs in the child of every fork() after the library was loaded. */
static void forked(void) {
    __atomic_store_n(&mwc_forked, 1, __ATOMIC_RELAXED);
}

__attribute__((constructor)) static void register_fork_handler(void) {
    pthread_atfork(NULL, NULL, forked);
}

/* ---- The handoff. ---- */

/* What a worker is doing; its caller and it change it under its mutex. */
enum {
    W_IDLE,          /* no call: waiting in the pool */
    W_CALL,          /* running the caller's call */
    W_CALLBACK,      /* asks the caller to run a callback */
    W_CALLBACK_DONE, /* the caller has run it */
    W_DONE           /* the call has returned */
};

/* worker is one worker thread of the library. */
struct worker {
    pthread_mutex_t mu;
    pthread_cond_t wake_worker; /* W_CALL, W_CALLBACK_DONE */
    pthread_cond_t wake_caller; /* W_CALLBACK, W_DONE */
    int state;
    void (*run)(void *); /* the call */
    void *args;
    void (*cb)(void *); /* the callback of W_CALLBACK */
    void *cb_args;
    unsigned long long caller; /* pthread_self of the calling thread */
    struct worker *next;       /* in the idle stack; under pool_mu */
    int idle;                  /* in the idle stack; under pool_mu */
};

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cv = PTHREAD_COND_INITIALIZER; /* a worker became idle */
static struct worker *idle_top; /* the most recently idle first */
static int live_workers;

/* await returns, holding w->mu (held on entry too), once w's state is in
 * want (a mask of 1 << state).  (Spinning before sleeping made a call
 * slower, not faster, on a busy machine with two CPUs.) */
static void await(struct worker *w, pthread_cond_t *cv, unsigned want) {
    while (!((1u << w->state) & want))
        pthread_cond_wait(cv, &w->mu);
}

/* current is the worker the thread is, NULL on every other thread. */
static __thread struct worker *current __attribute__((tls_model("initial-exec")));

/* retire takes w out of the pool if it is still idle there; returns
 * nonzero when it did, and w may end. */
static int retire(struct worker *w) {
    int gone = 0;
    pthread_mutex_lock(&pool_mu);
    if (w->idle) {
        struct worker **p = &idle_top;
        while (*p != w)
            p = &(*p)->next;
        *p = w->next;
        w->idle = 0;
        live_workers--;
        gone = 1;
    }
    pthread_mutex_unlock(&pool_mu);
    return gone;
}

/* worker_main is a worker thread: it runs one call after another, and ends
 * when no call came for MWC_IDLE_SECONDS. */
static void *worker_main(void *arg) {
    struct worker *w = arg;
    current = w;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->state != W_CALL) {
            struct timespec until;
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_sec += MWC_IDLE_SECONDS;
            if (pthread_cond_timedwait(&w->wake_worker, &w->mu, &until) == ETIMEDOUT &&
                w->state == W_IDLE) {
                pthread_mutex_unlock(&w->mu);
                if (retire(w)) {
                    pthread_mutex_destroy(&w->mu);
                    pthread_cond_destroy(&w->wake_worker);
                    pthread_cond_destroy(&w->wake_caller);
                    free(w);
                    return NULL;
                }
                pthread_mutex_lock(&w->mu); /* taken by a caller meanwhile */
            }
        }
        pthread_mutex_unlock(&w->mu);
        w->run(w->args);
        pthread_mutex_lock(&w->mu);
        w->state = W_DONE;
        pthread_cond_signal(&w->wake_caller);
    }
}

/* start_worker makes a worker thread; NULL when the system has none to
 * give. */
static struct worker *start_worker(void) {
    struct worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->wake_worker, &ca);
    pthread_cond_init(&w->wake_caller, NULL);
    pthread_condattr_destroy(&ca);
    w->state = W_IDLE;

    /* The thread inherits the caller's signal mask.  (No signal is blocked
     * around pthread_create: a host thread that waits for a lock, here
     * malloc's, with Mono's suspend signal blocked while a thread Mono has
     * stopped holds it would hang the collection.) */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    int rc = pthread_create(&t, &attr, worker_main, w);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->wake_worker);
        pthread_cond_destroy(&w->wake_caller);
        free(w);
        return NULL;
    }
    pthread_mutex_lock(&pool_mu);
    live_workers++;
    pthread_mutex_unlock(&pool_mu);
    return w;
}

/* get_worker returns an idle worker, a new one, or, when no thread can be
 * made, the next one to become idle; NULL only when there is none at all. */
static struct worker *get_worker(void) {
    struct worker *w;
    pthread_mutex_lock(&pool_mu);
    w = idle_top;
    if (w) {
        idle_top = w->next;
        w->idle = 0;
    }
    pthread_mutex_unlock(&pool_mu);
    if (w)
        return w;
    w = start_worker();
    if (w)
        return w;
    pthread_mutex_lock(&pool_mu);
    while (!idle_top && live_workers > 0)
        pthread_cond_wait(&pool_cv, &pool_mu);
    w = idle_top;
    if (w) {
        idle_top = w->next;
        w->idle = 0;
    }
    pthread_mutex_unlock(&pool_mu);
    return w;
}

/* put_worker returns w to the pool. */
static void put_worker(struct worker *w) {
    pthread_mutex_lock(&pool_mu);
    w->next = idle_top;
    idle_top = w;
    w->idle = 1;
    pthread_cond_signal(&pool_cv);
    pthread_mutex_unlock(&pool_mu);
}

void mwc_handoff(void (*run)(void *), void *args) {
    struct worker *w = get_worker();
    if (!w) { /* no thread at all: better the direct call than none */
        run(args);
        return;
    }
    pthread_mutex_lock(&w->mu);
    w->run = run;
    w->args = args;
    w->caller = (unsigned long long)pthread_self();
    w->state = W_CALL;
    pthread_cond_signal(&w->wake_worker);
    for (;;) {
        await(w, &w->wake_caller, 1u << W_CALLBACK | 1u << W_DONE);
        if (w->state == W_DONE)
            break;
        /* W_CALLBACK: run it here, without the lock. */
        pthread_mutex_unlock(&w->mu);
        w->cb(w->cb_args);
        pthread_mutex_lock(&w->mu);
        w->state = W_CALLBACK_DONE;
        pthread_cond_signal(&w->wake_worker);
    }
    w->state = W_IDLE;
    pthread_mutex_unlock(&w->mu);
    put_worker(w);
}

/* callback runs cb(args) on the thread that made the call: at once on a
 * thread that is not a worker, else on the caller waiting in
 * mwc_handoff. */
static void callback(void (*cb)(void *), void *args) {
    struct worker *w = current;
    if (!w) {
        cb(args);
        return;
    }
    pthread_mutex_lock(&w->mu);
    w->cb = cb;
    w->cb_args = args;
    w->state = W_CALLBACK;
    pthread_cond_signal(&w->wake_caller);
    await(w, &w->wake_worker, 1u << W_CALLBACK_DONE);
    w->state = W_CALL;
    pthread_mutex_unlock(&w->mu);
}

struct progress_args {
    mw_progress_fn fn;
    void *user;
    long long done, total;
};

static void run_progress(void *p) {
    struct progress_args *a = p;
    a->fn(a->user, a->done, a->total);
}

void mwc_progress_call(mw_progress_fn fn, void *user, long long done, long long total) {
    struct progress_args a = {fn, user, done, total};
    callback(run_progress, &a);
}

struct log_args {
    mw_log_fn fn;
    void *user;
    const char *line;
};

static void run_log(void *p) {
    struct log_args *a = p;
    a->fn(a->user, a->line);
}

void mwc_log_call(mw_log_fn fn, void *user, const char *line) {
    struct log_args a = {fn, user, line};
    callback(run_log, &a);
}

unsigned long long mwc_thread_id(void) {
    struct worker *w = current;
    return w ? w->caller : (unsigned long long)pthread_self();
}

#else /* _WIN32: every call runs on the calling thread. */

#include <windows.h>
#include "export_callback.h"

void mwc_progress_call(mw_progress_fn fn, void *user, long long done, long long total) {
    fn(user, done, total);
}

void mwc_log_call(mw_log_fn fn, void *user, const char *line) {
    fn(user, line);
}

unsigned long long mwc_thread_id(void) {
    return (unsigned long long)GetCurrentThreadId();
}

#endif
