package main

/*
#include <stdlib.h>
#include "mailwire.h"
*/
import "C"

import (
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"unsafe"

	"mailwire/core/errs"
)

// kind is the type of object a handle names.
type kind int

const (
	kindMessage kind = iota + 1
	kindSMTP
	kindPOP3
	kindServer
	kindPool
	kindOAuth2
	kindIMAP
)

// kindSession stands for any handle with a session (sessionHandle), in
// messages about a handle of another kind.
const kindSession kind = 100

var kindNames = map[kind]string{kindMessage: "message", kindSMTP: "SMTP", kindPOP3: "POP3", kindServer: "server", kindPool: "pool", kindOAuth2: "OAuth2", kindIMAP: "IMAP", kindSession: "connection"}

// ringSize is how many returned strings a handle keeps alive: the header
// promises one (until the next call on the handle); a few more let a C
// caller pass several results to one printf.
const ringSize = 16

// object is what a handle names: the Go value, its last error, and the C
// strings it has handed out.
type object struct {
	kind   kind
	shared bool       // used by many threads at once (a pool, an OAuth2 object): no busy lock
	busy   sync.Mutex // one thread at a time
	value  any
	errmsg string
	errno  errs.Kind // the code of the last call, 0 after a success
	ring   [ringSize]*C.char
	next   int
}

// registry maps handles to objects. Handles are positive, counted up and
// never reused while the process lives (wrapping after 2^31 skips live ones),
// so a stale handle is an error, never another object.
var registry struct {
	sync.RWMutex
	m    map[int32]*object
	last int32
}

func register(k kind, v any) C.int {
	registry.Lock()
	defer registry.Unlock()
	if registry.m == nil {
		registry.m = make(map[int32]*object)
	}
	for {
		registry.last++
		if registry.last <= 0 {
			registry.last = 1
		}
		if _, taken := registry.m[registry.last]; !taken {
			break
		}
	}
	registry.m[registry.last] = &object{kind: k, shared: k == kindPool || k == kindOAuth2, value: v}
	return C.int(registry.last)
}

func find(h C.int) *object {
	registry.RLock()
	defer registry.RUnlock()
	return registry.m[int32(h)]
}

func unregister(h C.int) *object {
	registry.Lock()
	defer registry.Unlock()
	o := registry.m[int32(h)]
	delete(registry.m, int32(h))
	return o
}

func handleCount() int {
	registry.RLock()
	defer registry.RUnlock()
	return len(registry.m)
}

// errHandle explains a handle that cannot be used.
func errHandle(h C.int, o *object, want kind) error {
	switch {
	case h <= 0:
		return errs.New(errs.Handle, fmt.Sprintf("invalid handle %d (handles are positive)", int(h)))
	case o == nil:
		return errs.New(errs.Handle, fmt.Sprintf("handle %d is not open (closed or never opened)", int(h)))
	}
	return errs.New(errs.Handle, fmt.Sprintf("handle %d is a %s handle, not a %s handle", int(h), kindNames[o.kind], kindNames[want]))
}

var errBusy = errs.New(errs.Busy, "the handle is in use by another thread (a handle is used by one thread at a time)")

// code maps an error to its MW_E_* code.
func code(err error) C.int {
	if err == nil {
		return 0
	}
	k := errs.KindOf(err)
	if k >= 0 {
		k = errs.Internal
	}
	return C.int(k)
}

// recovered turns a panic into an error, so that none reaches the host.
func recovered(r any) error {
	return errs.New(errs.Internal, fmt.Sprintf("internal error (please report): %v\n%s", r, debug.Stack()))
}

// acquire looks h up, checks that its value is a T (a handle of kind k,
// or any handle that implements the interface T) and takes its busy lock
// (not for a shared object); release gives it back.
func acquire[T any](h C.int, k kind) (*object, T, error) {
	var zero T
	o := find(h)
	var v T
	ok := false
	if o != nil {
		v, ok = o.value.(T)
	}
	if !ok {
		err := errHandle(h, o, k)
		if o != nil && !o.shared && o.busy.TryLock() {
			o.setErr(err) // the call on this handle failed: say why on it
			o.busy.Unlock()
		}
		return nil, zero, err
	}
	if !o.shared && !o.busy.TryLock() {
		return nil, zero, errBusy
	}
	return o, v, nil
}

func (o *object) release() {
	if !o.shared {
		o.busy.Unlock()
	}
}

// with runs fn on the object named by h, which must be of kind k: it takes
// the handle's busy lock, recovers panics, stores the error message on the
// handle and returns the code. Every export on a handle goes through it.
func with[T any](h C.int, k kind, fn func(o *object, v T) error) (rc C.int) {
	o, v, err := acquire[T](h, k)
	if err != nil {
		return code(err)
	}
	defer o.release()
	defer func() {
		if r := recover(); r != nil {
			err := recovered(r)
			o.setErr(err)
			rc = code(err)
		}
	}()
	err = fn(o, v)
	o.setErr(err)
	return code(err)
}

// withString is with for exports that return a string owned by the handle:
// NULL on error or when fn reports ok false.
func withString[T any](h C.int, k kind, fn func(o *object, v T) (string, bool, error)) (p *C.char) {
	with(h, k, func(o *object, v T) error {
		s, ok, err := fn(o, v)
		if err == nil && ok {
			p = o.keep(s)
		}
		return err
	})
	return p
}

// threadErrs is a shared handle's value that keeps each thread's last
// error itself (an OAuth2 handle).
type threadErrs interface{ setErr(err error) }

func (o *object) setErr(err error) {
	if t, ok := o.value.(threadErrs); ok {
		t.setErr(err)
		return
	}
	if o.shared {
		return // a pool's errors go to the message handle
	}
	if err == nil {
		o.errmsg, o.errno = "", 0
		return
	}
	o.errmsg, o.errno = err.Error(), errs.Kind(code(err))
}

// keep returns s as a C string owned by the handle, freed ringSize calls
// later or when the handle is closed. An embedded NUL cuts the string.
func (o *object) keep(s string) *C.char {
	p := C.CString(s)
	if old := o.ring[o.next]; old != nil {
		C.free(unsafe.Pointer(old))
	}
	o.ring[o.next] = p
	o.next = (o.next + 1) % ringSize
	return p
}

func (o *object) free() {
	for i, p := range o.ring {
		if p != nil {
			C.free(unsafe.Pointer(p))
			o.ring[i] = nil
		}
	}
	if c, ok := o.value.(io.Closer); ok {
		c.Close()
	}
}

// static C strings: made once, never freed, safe to return from any thread.
var statics sync.Map // string → *C.char

func static(s string) *C.char {
	if p, ok := statics.Load(s); ok {
		return p.(*C.char)
	}
	mine := C.CString(s)
	p, loaded := statics.LoadOrStore(s, mine)
	if loaded {
		C.free(unsafe.Pointer(mine)) // another thread stored it first
	}
	return p.(*C.char)
}

// guard recovers a panic in an export that has no handle.
func guard(rc *C.int) {
	if r := recover(); r != nil {
		*rc = code(recovered(r))
	}
}

// cstr copies a C string; ok is false for NULL.
func cstr(p *C.char) (string, bool) {
	if p == nil {
		return "", false
	}
	return C.GoString(p), true
}

// arg copies a required C string argument; NULL is an errs.Arg error.
func arg(p *C.char, name string) (string, error) {
	if p == nil {
		return "", errs.New(errs.Arg, name+" is NULL")
	}
	return C.GoString(p), nil
}

// goString returns s as a NUL-terminated string in Go memory, typed as the
// exports take it: for Go tests that call the exports directly (Go to Go,
// no cgo boundary).
func goString(s string) *C.mw_cchar {
	b := append([]byte(s), 0)
	return (*C.mw_cchar)(unsafe.Pointer(&b[0]))
}

func unsafePointer(p *C.char) unsafe.Pointer { return unsafe.Pointer(p) }

// fromC copies a string the exports return ("" for NULL), for Go tests.
func fromC(p *C.mw_cchar) string {
	if p == nil {
		return ""
	}
	return C.GoString((*C.char)(p))
}
