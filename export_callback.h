/*
 * export_callback.h: what the Go exports call back into C with (see
 * export_entry.h).  In the handoff mode a call runs on a worker thread of
 * the library; these pass a host callback back to the thread that made the
 * call and name that thread, so that the rules of include/mailwire.h
 * (callbacks only on the calling thread; an OAuth2 handle's error is the
 * calling thread's) hold in both modes.
 */
#ifndef MAILWIRE_EXPORT_CALLBACK_H
#define MAILWIRE_EXPORT_CALLBACK_H

#include "mailwire.h"

/* mwc_progress_call calls fn(user, done, total) on the calling thread. */
void mwc_progress_call(mw_progress_fn fn, void *user, long long done, long long total);

/* mwc_log_call calls fn(user, line) on the calling thread. */
void mwc_log_call(mw_log_fn fn, void *user, const char *line);

/* mwc_thread_id identifies the thread that made the call in progress. */
unsigned long long mwc_thread_id(void);

#endif /* MAILWIRE_EXPORT_CALLBACK_H */
