// Command mailwire is the C ABI of Mailwire: the //export functions declared
// in include/mailwire.h. This layer only marshals: it copies arguments,
// looks handles up, recovers panics and maps errors to MW_E_* codes; the
// logic lives in core/.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/include -DMW_BUILDING
#include <stdlib.h>
#include "mailwire.h"
*/
import "C"

import (
	"unsafe"

	"mailwire/core/errs"
	"mailwire/core/trace"
)

func main() {}

// Version of the library; include/mailwire.h carries the same numbers.
const (
	versionMajor = 0
	versionMinor = 1
	versionPatch = 0
)

// versionC is made once: mw_version is the call a binding makes to check
// the library, and the floor of the ABI's cost.
var versionC = (*C.mw_cchar)(C.CString(versionString()))

//export mwgo_version
func mwgo_version() *C.mw_cchar {
	return versionC
}

//export mwgo_version_number
func mwgo_version_number() C.int {
	return versionMajor*10000 + versionMinor*100 + versionPatch
}

//export mwgo_strerror
func mwgo_strerror(rc C.int) *C.mw_cchar {
	return (*C.mw_cchar)(static(strerror(errs.Kind(rc))))
}

//export mwgo_errmsg
func mwgo_errmsg(h C.int) *C.mw_cchar {
	o := find(h)
	if o == nil {
		// A fixed text: one naming the handle would be a new static string
		// per handle, kept for ever.
		if h <= 0 {
			return (*C.mw_cchar)(static("invalid handle (handles are positive)"))
		}
		return (*C.mw_cchar)(static("the handle is not open (closed or never opened)"))
	}
	if o.shared {
		return (*C.mw_cchar)(sharedErrmsg(o))
	}
	if !o.busy.TryLock() {
		return (*C.mw_cchar)(static(errBusy.Error()))
	}
	defer o.busy.Unlock()
	if o.errmsg == "" {
		return (*C.mw_cchar)(static(""))
	}
	return (*C.mw_cchar)(o.keep(o.errmsg))
}

//export mwgo_errcode
func mwgo_errcode(h C.int) C.int {
	o := find(h)
	if o == nil {
		return C.int(errs.Handle)
	}
	if o.shared {
		return sharedErrcode(o)
	}
	if !o.busy.TryLock() {
		return C.int(errs.Busy)
	}
	defer o.busy.Unlock()
	return C.int(o.errno)
}

//export mwgo_free
func mwgo_free(p unsafe.Pointer) {
	if p != nil {
		C.free(p)
	}
}

//export mwgo_close
func mwgo_close(h C.int) (rc C.int) {
	defer guard(&rc)
	o := find(h)
	if o == nil {
		return code(errHandle(h, nil, 0))
	}
	if !o.shared && !o.busy.TryLock() {
		return code(errBusy)
	}
	if unregister(h) != o {
		// Another thread closed it between find and unregister.
		o.release()
		return code(errHandle(h, nil, 0))
	}
	o.free()
	o.release()
	return 0
}

//export mwgo_handle_count
func mwgo_handle_count() C.int {
	return C.int(handleCount())
}

//export mwgo_with_keyword
func mwgo_with_keyword(protocol *C.mw_cchar, flags C.int) (p *C.mw_cchar) {
	defer func() {
		if recover() != nil {
			p = nil
		}
	}()
	proto, ok := cstr((*C.char)(protocol))
	if !ok {
		return nil
	}
	kw, ok := trace.Keyword(proto, int(flags))
	if !ok {
		return nil
	}
	return (*C.mw_cchar)(static(kw))
}

//export mwgo_with_flags
func mwgo_with_flags(keyword *C.mw_cchar) (rc C.int) {
	defer guard(&rc)
	kw, ok := cstr((*C.char)(keyword))
	if !ok {
		return C.int(errs.Arg)
	}
	f, ok := trace.Flags(kw)
	if !ok {
		return C.int(errs.NotFound)
	}
	return C.int(f)
}

//export mwgo_with_protocol
func mwgo_with_protocol(keyword *C.mw_cchar) (p *C.mw_cchar) {
	defer func() {
		if recover() != nil {
			p = nil
		}
	}()
	kw, ok := cstr((*C.char)(keyword))
	if !ok {
		return nil
	}
	proto, ok := trace.Protocol(kw)
	if !ok {
		return nil
	}
	return (*C.mw_cchar)(static(proto))
}
