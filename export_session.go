package main

/*
#include <stdlib.h>
#include "mailwire.h"
#include "export_callback.h"
*/
import "C"

import (
	"unsafe"
)

// The exports shared by every kind of connection handle go through two
// small interfaces, so that a new protocol's handle only implements them:
// its core Session embeds session.Session, which does.

// canceller is a handle whose operation in flight mw_cancel aborts, from
// any thread: SMTP, POP3, pool and OAuth2 handles.
type canceller interface {
	Cancel()
}

// sessionHandle is a handle with a protocol session (SMTP, POP3):
// mw_set_log and mw_set_progress reach it.
type sessionHandle interface {
	canceller
	SetLog(fn func(line string)) error
	SetProgress(fn func(done, total int64))
}

//export mwgo_set_progress
func mwgo_set_progress(h C.int, fn C.mw_progress_fn, user unsafe.Pointer) C.int {
	return with(h, kindSession, func(_ *object, s sessionHandle) error {
		s.SetProgress(progressFunc(fn, user))
		return nil
	})
}

//export mwgo_set_log
func mwgo_set_log(h C.int, fn C.mw_log_fn, user unsafe.Pointer) C.int {
	return with(h, kindSession, func(_ *object, s sessionHandle) error {
		return s.SetLog(logFunc(fn, user))
	})
}

//export mwgo_cancel
func mwgo_cancel(h C.int) (rc C.int) {
	defer guard(&rc)
	o := find(h)
	if o == nil {
		return code(errHandle(h, nil, 0))
	}
	c, ok := o.value.(canceller)
	if !ok {
		return code(errHandle(h, o, kindSession))
	}
	c.Cancel()
	return 0
}

// progressFunc returns a function that calls the host's progress callback
// on the calling thread, or nil for a NULL callback.
func progressFunc(fn C.mw_progress_fn, user unsafe.Pointer) func(done, total int64) {
	if fn == nil {
		return nil
	}
	return func(done, total int64) {
		C.mwc_progress_call(fn, user, C.longlong(done), C.longlong(total))
	}
}

// logFunc returns a function that passes a line to the host's log
// callback, or nil for a NULL callback.
func logFunc(fn C.mw_log_fn, user unsafe.Pointer) func(string) {
	if fn == nil {
		return nil
	}
	return func(line string) {
		cs := C.CString(line)
		defer C.free(unsafe.Pointer(cs))
		C.mwc_log_call(fn, user, cs)
	}
}
