/*
 * export_entry.h: how a call of the C API enters the Go runtime.
 *
 * Every public mw_* function is a C wrapper (export_wrappers.c, generated
 * from include/mailwire.h by tools/wrapgen) around the Go function of the
 * same name with the mwgo_ prefix (export*.go).  Before it calls the Go
 * function, a wrapper runs MW_ENTER, which on Unix:
 *
 *  - refuses the call at once in a process forked after the library was
 *    loaded: the Go runtime's threads did not survive the fork, so a call
 *    could hang for ever.  int and long long functions return MW_E_STATE,
 *    pointer functions NULL, mw_errmsg and mw_strerror the text
 *    MWC_FORK_TEXT, void functions nothing;
 *
 *  - makes a thread's first call of the library under a process-wide lock
 *    (mwc_first_entry).  A thread that enters Go for the first time takes
 *    one of the runtime's spare thread records ("extra Ms") with every
 *    signal blocked, and when the list is empty it spins until the thread
 *    that took the last one has made a new one.  If a host stops the world
 *    with signals (Mono), it can park that thread before it does, and then
 *    waits for ever for the spinning thread, which cannot take the signal.
 *    With the lock, one thread at a time takes a record and its call
 *    replaces it before the next begins, so no thread ever spins; the
 *    others wait for the lock in pthread_mutex_lock with their signals
 *    open, where a stop-the-world can park them.  The Go runtime keeps the
 *    record bound to the thread until the thread ends, so later calls of
 *    the thread skip all of this.
 *
 * On Windows there is neither fork nor signal-based suspension, and
 * MW_ENTER does nothing.  mailwire.dll then also exports the mwgo_
 * functions (Go's linker writes every //export into the .def file it links
 * with); they are not part of the API, and include/mailwire.h does not
 * declare them.
 */
#ifndef MAILWIRE_EXPORT_ENTRY_H
#define MAILWIRE_EXPORT_ENTRY_H

#include "mailwire.h"
#include "_cgo_export.h"

/* MWC_FORK_TEXT is what mw_errmsg and mw_strerror say in a forked child. */
#define MWC_FORK_TEXT "loaded before fork(): load Mailwire in the child, not in the parent"

#if defined(_WIN32)

#define MW_ENTER(refused) ((void)0)
#define MW_ENTER_VOID() ((void)0)

#else

#define MWC_HIDDEN __attribute__((visibility("hidden")))

/* mwc_forked is set in the child of a fork (pthread_atfork). */
extern MWC_HIDDEN int mwc_forked;

/* mwc_entered is set once the thread's first call has been made.  The
 * library already needs static TLS (the Go runtime's own g), so this
 * costs no __tls_get_addr call. */
extern MWC_HIDDEN __thread int mwc_entered __attribute__((tls_model("initial-exec")));

/* mwc_first_entry makes the thread's first call into Go under the lock. */
MWC_HIDDEN void mwc_first_entry(void);

#define MWC_ENTER(action)                                                   \
    do {                                                                    \
        if (__builtin_expect(__atomic_load_n(&mwc_forked, __ATOMIC_RELAXED), 0)) \
            action;                                                         \
        if (__builtin_expect(!mwc_entered, 0))                              \
            mwc_first_entry();                                              \
    } while (0)

#define MW_ENTER(refused) MWC_ENTER(return (refused))
#define MW_ENTER_VOID() MWC_ENTER(return)

#endif

#endif /* MAILWIRE_EXPORT_ENTRY_H */
