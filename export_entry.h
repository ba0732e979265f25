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
 *  - at the first call of the process, decides how calls run
 *    (mwc_first_entry): directly on the calling thread, or handed to a
 *    worker thread of the library when the host is Mono (see below);
 *
 *  - in the direct mode, makes a thread's first call of the library under
 *    a process-wide lock.  A thread that enters Go for the first time
 *    takes one of the runtime's spare thread records ("extra Ms") with
 *    every signal blocked, and when the list is empty it spins until the
 *    thread that took the last one has made a new one; a host that stops
 *    threads with signals and waits for each to acknowledge (Boehm-style
 *    collectors) would wait for ever for the spinning thread.  With the
 *    lock, one thread at a time takes a record and its call replaces it
 *    before the next begins, so no thread ever spins.
 *
 * The handoff mode (Mono).  Mono's stop-the-world (preemptive suspension,
 * the default) stops a thread with a signal wherever it runs, except that
 * a thread whose stack pointer is outside the stack Mono registered for it
 * counts as "in a critical region": Mono lets it run on and retries until
 * it leaves.  A host thread running Go code is on a goroutine stack (Go
 * heap memory) most of the time, and on its own stack when the runtime
 * switches to the system stack, which is where the runtime takes its
 * internal locks and calls mmap through libc.  So Mono can park thread A
 * inside the runtime holding a runtime lock (the heap lock, say, during
 * mmap) while thread B, on a goroutine stack, waits for that lock: B can
 * never be stopped, A is never resumed, and the garbage collection waits
 * for ever.  This is not limited to a thread's first call, and no lock
 * around the calls can rule it out without serializing them all.
 *
 * So when Mono is in the process (mono_thread_info_attach resolves), a
 * host thread never runs Go code: the wrapper packs the arguments,
 * mwc_handoff gives them to an idle worker thread of the library (one is
 * created when none is idle; an idle one ends after MWC_IDLE_SECONDS), and
 * the caller waits on a condition variable, on its own stack, holding no
 * runtime lock, where Mono can stop it at any moment.  Callbacks
 * (mw_progress_fn, mw_log_fn) that Go makes during the call are passed
 * back to the waiting caller, which runs them and answers, so they still
 * run on the thread that made the call; mw_cancel from another thread is
 * a call like any other, on its own worker.  The workers are never known
 * to Mono, so Mono never stops them.  Nothing on the caller's side blocks
 * a signal: a Mono thread that waits for any lock (malloc's, say) with the
 * suspend signal blocked while a stopped thread holds it hangs the same
 * way.  Only when not a single worker thread can be made does a call run
 * on the caller.  MAILWIRE_HANDOFF=1 (or 0) forces the mode either way,
 * for tests and measurements.
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
#define MWC_HANDOFF() 0
#define mwc_handoff(run, args) ((void)(run), (void)(args))

#else

#define MWC_HIDDEN __attribute__((visibility("hidden")))

/* mwc_forked is set in the child of a fork (pthread_atfork). */
extern MWC_HIDDEN int mwc_forked;

/* mwc_handoff_mode is set, before any thread's first call completes, when
 * calls are handed to worker threads. */
extern MWC_HIDDEN int mwc_handoff_mode;

/* mwc_entered is set once the thread's first call has been made.  The
 * library already needs static TLS (the Go runtime's own g), so this
 * costs no __tls_get_addr call. */
extern MWC_HIDDEN __thread int mwc_entered __attribute__((tls_model("initial-exec")));

/* mwc_first_entry decides the mode once per process and, in the direct
 * mode, makes the thread's first call into Go under the lock. */
MWC_HIDDEN void mwc_first_entry(void);

/* mwc_handoff runs run(args) on a worker thread and returns when it has
 * returned, running the callbacks it makes meanwhile on the calling
 * thread. */
MWC_HIDDEN void mwc_handoff(void (*run)(void *), void *args);

#define MWC_ENTER(action)                                                   \
    do {                                                                    \
        if (__builtin_expect(__atomic_load_n(&mwc_forked, __ATOMIC_RELAXED), 0)) \
            action;                                                         \
        if (__builtin_expect(!mwc_entered, 0))                              \
            mwc_first_entry();                                              \
    } while (0)

#define MW_ENTER(refused) MWC_ENTER(return (refused))
#define MW_ENTER_VOID() MWC_ENTER(return)
#define MWC_HANDOFF() __builtin_expect(mwc_handoff_mode, 0)

#endif

#endif /* MAILWIRE_EXPORT_ENTRY_H */
