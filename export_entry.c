/*
 * export_entry.c: the fork check and the first-call lock of MW_ENTER
 * (see export_entry.h for why they exist).
 */
#if !defined(_WIN32)

#include <pthread.h>
#include "export_entry.h"

int mwc_forked;
__thread int mwc_entered __attribute__((tls_model("initial-exec")));

static pthread_mutex_t first_entry_lock = PTHREAD_MUTEX_INITIALIZER;

/* mwc_first_entry binds the calling thread to the Go runtime with a call
 * that does nothing else (so the lock is never held while real work, a
 * network call say, runs), with no other thread doing the same at once. */
void mwc_first_entry(void) {
    pthread_mutex_lock(&first_entry_lock);
    (void)mwgo_version_number();
    pthread_mutex_unlock(&first_entry_lock);
    mwc_entered = 1;
}

/* forked runs in the child of every fork() after the library was loaded. */
static void forked(void) {
    __atomic_store_n(&mwc_forked, 1, __ATOMIC_RELAXED);
}

__attribute__((constructor)) static void register_fork_handler(void) {
    pthread_atfork(NULL, NULL, forked);
}

#endif
