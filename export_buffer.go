package main

/*
#include <stdlib.h>
#include "mailwire.h"
*/
import "C"

import (
	"unsafe"

	"mailwire/core/errs"
)

// The buffers that cross the C ABI: bytes the caller passes in are viewed
// for the duration of a call, and bytes returned are written into C memory
// once, for the caller to free with mw_free.

// cbytes views n bytes of C memory for the duration of the call; the
// callee copies what it keeps.
func cbytes(data *C.mw_cvoid, n C.size_t) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	if data == nil {
		return nil, errs.New(errs.Arg, "data is NULL")
	}
	if uint64(n) > 1<<40 {
		return nil, errs.New(errs.Arg, "len is implausibly large")
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n)), nil
}

// toC copies b into new C memory with a terminating NUL; the caller frees
// it with mw_free.
func toC(b []byte) (*C.char, C.size_t) {
	p := (*C.char)(C.malloc(C.size_t(len(b) + 1)))
	dst := unsafe.Slice((*byte)(unsafe.Pointer(p)), len(b)+1)
	copy(dst, b)
	dst[len(b)] = 0
	return p, C.size_t(len(b))
}

// cBuffer is an io.Writer that collects bytes straight into C memory, NUL
// terminated, for a caller that frees them with mw_free. With limit set,
// it refuses to grow past limit bytes, with the error text tooBig.
type cBuffer struct {
	p      unsafe.Pointer
	n, cap int
	limit  int
	tooBig string
}

func (b *cBuffer) Write(d []byte) (int, error) {
	if need := b.n + len(d) + 1; need > b.cap {
		if err := b.grow(need); err != nil {
			return 0, err
		}
	}
	copy(unsafe.Slice((*byte)(b.p), b.cap)[b.n:], d)
	b.n += len(d)
	return len(d), nil
}

// grow makes room for need bytes, doubling.
func (b *cBuffer) grow(need int) error {
	c := max(need, 2*b.cap, 64<<10)
	if b.limit > 0 {
		c = min(c, b.limit)
	}
	return b.reserve(c, need)
}

// reserve makes the buffer c bytes long, for need bytes: the first call
// with a known size allocates exactly what is needed.
func (b *cBuffer) reserve(c, need int) error {
	if b.limit > 0 && need > b.limit {
		return errs.New(errs.TooBig, b.tooBig)
	}
	p := C.realloc(b.p, C.size_t(c))
	if p == nil {
		return errs.New(errs.Internal, "out of memory")
	}
	b.p, b.cap = p, c
	return nil
}

// take returns the buffer, NUL terminated, and its length; the caller owns
// it.
func (b *cBuffer) take() (*C.char, C.size_t) {
	if b.p == nil && b.grow(1) != nil {
		return nil, 0
	}
	unsafe.Slice((*byte)(b.p), b.cap)[b.n] = 0
	return (*C.char)(b.p), C.size_t(b.n)
}

func (b *cBuffer) free() {
	C.free(b.p)
	b.p = nil
}
