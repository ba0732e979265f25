package main

/*
#include <stdlib.h>
#include "mailwire.h"
#include "export_callback.h"
*/
import "C"

import (
	"context"
	"sync"
	"unsafe"

	"mailwire/core/errs"
	"mailwire/core/imap"
	"mailwire/core/oauth2"
	"mailwire/core/pop3"
	"mailwire/core/sasl"
	"mailwire/core/smtp"
)

// oauthHandle is the value behind an OAuth2 handle. Like a pool it is
// shared by threads, so it keeps what other handles keep per handle per
// thread instead: the last error of each thread that called it, and the
// strings it returned, each kept until sharedStrings other strings were
// returned after it.
type oauthHandle struct {
	src *oauth2.Source

	mu      sync.Mutex
	errs    map[uint64]threadErr
	order   []uint64           // threads by the time of their last error, oldest first
	strs    map[string]*C.char // returned strings, by value
	strList []string           // their values, oldest first
}

type threadErr struct {
	msg  string
	code errs.Kind
}

// Bounds of what an oauth handle keeps for callers.
const (
	sharedThreads = 64 // threads whose last error is kept
	sharedStrings = 64 // returned strings kept alive
)

func newOAuthHandle() *oauthHandle {
	return &oauthHandle{src: oauth2.New(), errs: map[uint64]threadErr{}, strs: map[string]*C.char{}}
}

// threadID identifies the host thread that made the call: the OS thread a
// cgo call runs on, or the one waiting for it when a worker runs it
// (mwc_thread_id).
func threadID() uint64 { return uint64(C.mwc_thread_id()) }

// setErr records the outcome of a call for the calling thread.
func (a *oauthHandle) setErr(err error) {
	id := threadID()
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, t := range a.order {
		if t == id {
			a.order = append(a.order[:i], a.order[i+1:]...)
			break
		}
	}
	if err == nil {
		delete(a.errs, id)
		return
	}
	if len(a.order) >= sharedThreads {
		delete(a.errs, a.order[0])
		a.order = a.order[1:]
	}
	a.errs[id] = threadErr{err.Error(), errs.Kind(code(err))}
	a.order = append(a.order, id)
}

// lastErr returns the calling thread's last error.
func (a *oauthHandle) lastErr() threadErr {
	id := threadID()
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.errs[id]
}

// keep returns s as a C string owned by the handle: one string per value,
// freed when sharedStrings newer values were returned or the handle is
// closed, so that one thread's call does not free the string another
// thread is reading.
func (a *oauthHandle) keep(s string) *C.char {
	a.mu.Lock()
	defer a.mu.Unlock()
	if p, ok := a.strs[s]; ok {
		return p
	}
	if len(a.strList) >= sharedStrings {
		old := a.strList[0]
		C.free(unsafe.Pointer(a.strs[old]))
		delete(a.strs, old)
		a.strList = a.strList[1:]
	}
	p := C.CString(s)
	a.strs[s] = p
	a.strList = append(a.strList, s)
	return p
}

// Cancel aborts the token request or device polling in flight (mw_cancel).
func (a *oauthHandle) Cancel() { a.src.Cancel() }

// Close frees the strings and the source's log and connections; SMTP,
// POP3 and pool handles that took the source keep using it.
func (a *oauthHandle) Close() error {
	a.mu.Lock()
	for _, p := range a.strs {
		C.free(unsafe.Pointer(p))
	}
	a.strs, a.strList = map[string]*C.char{}, nil
	a.mu.Unlock()
	return a.src.Close()
}

// sharedErrmsg and sharedErrcode are mw_errmsg and mw_errcode for a shared
// handle: the calling thread's last error on an oauth handle, nothing on a
// pool.
func sharedErrmsg(o *object) *C.char {
	a, ok := o.value.(*oauthHandle)
	if !ok {
		return static("")
	}
	e := a.lastErr()
	if e.msg == "" {
		return static("")
	}
	return a.keep(e.msg)
}

func sharedErrcode(o *object) C.int {
	if a, ok := o.value.(*oauthHandle); ok {
		return C.int(a.lastErr().code)
	}
	return 0
}

// withOAuth runs fn on the oauth handle h from any thread; the error is
// kept for the calling thread.
func withOAuth(h C.int, fn func(a *oauthHandle) error) C.int {
	return with(h, kindOAuth2, func(_ *object, a *oauthHandle) error { return fn(a) })
}

// withOAuthString is withOAuth for exports that return a string: NULL on
// error or when there is no value.
func withOAuthString(h C.int, fn func(a *oauthHandle) (string, error)) (p *C.mw_cchar) {
	withOAuth(h, func(a *oauthHandle) error {
		s, err := fn(a)
		if err == nil && s != "" {
			p = (*C.mw_cchar)(a.keep(s))
		}
		return err
	})
	return p
}

// tokenSource returns the source of oauth handle h for a client handle:
// nil for 0 (no source), an error for anything but an open oauth handle.
func tokenSource(h C.int) (sasl.TokenSource, error) {
	if h == 0 {
		return nil, nil
	}
	o := find(h)
	if o == nil || o.kind != kindOAuth2 {
		return nil, errHandle(h, o, kindOAuth2)
	}
	return o.value.(*oauthHandle).src, nil
}

//export mwgo_oauth2_new
func mwgo_oauth2_new() (rc C.int) {
	defer guard(&rc)
	return register(kindOAuth2, newOAuthHandle())
}

//export mwgo_oauth2_set
func mwgo_oauth2_set(h C.int, option, value *C.mw_cchar) C.int {
	return withOAuth(h, func(a *oauthHandle) error {
		name, v, err := optionArgs(option, value)
		if err != nil {
			return err
		}
		return a.src.Set(name, v)
	})
}

//export mwgo_oauth2_token
func mwgo_oauth2_token(h C.int) *C.mw_cchar {
	return withOAuthString(h, func(a *oauthHandle) (string, error) {
		return a.src.Token(context.Background())
	})
}

//export mwgo_oauth2_get
func mwgo_oauth2_get(h C.int, field *C.mw_cchar) *C.mw_cchar {
	return withOAuthString(h, func(a *oauthHandle) (string, error) {
		f, err := arg((*C.char)(field), "field")
		if err != nil {
			return "", err
		}
		return a.src.Get(f)
	})
}

//export mwgo_oauth2_device_start
func mwgo_oauth2_device_start(h C.int) C.int {
	return withOAuth(h, func(a *oauthHandle) error {
		return a.src.DeviceStart(context.Background())
	})
}

//export mwgo_oauth2_device_poll
func mwgo_oauth2_device_poll(h C.int) C.int {
	pending := false
	rc := withOAuth(h, func(a *oauthHandle) error {
		done, err := a.src.DevicePoll(context.Background())
		pending = err == nil && !done
		return err
	})
	if rc == 0 && pending {
		return 1
	}
	return rc
}

//export mwgo_smtp_use_oauth2
func mwgo_smtp_use_oauth2(h, oauth C.int) C.int {
	return withSMTP(h, func(s *smtp.Session) error { return useTokens(oauth, s.UseTokens) })
}

//export mwgo_pop3_use_oauth2
func mwgo_pop3_use_oauth2(h, oauth C.int) C.int {
	return withPOP3(h, func(p *pop3.Session) error { return useTokens(oauth, p.UseTokens) })
}

//export mwgo_imap_use_oauth2
func mwgo_imap_use_oauth2(h, oauth C.int) C.int {
	return withIMAP(h, func(p *imap.Session) error { return useTokens(oauth, p.UseTokens) })
}

//export mwgo_pool_use_oauth2
func mwgo_pool_use_oauth2(h, oauth C.int) C.int {
	return with(h, kindPool, func(_ *object, p *smtp.LazyPool) error { return useTokens(oauth, p.UseTokens) })
}

// useTokens gives the source of oauth handle oauth (none for 0) to use.
func useTokens(oauth C.int, use func(src sasl.TokenSource) error) error {
	src, err := tokenSource(oauth)
	if err != nil {
		return err
	}
	return use(src)
}
