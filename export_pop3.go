package main

/*
#include <stdlib.h>
#include "mailwire.h"
*/
import "C"

import (
	"context"
	"fmt"
	"io"
	"unsafe"

	"mailwire/core/errs"
	"mailwire/core/mime"
	"mailwire/core/pop3"
	"mailwire/core/wire"
)

// pop3Client is the value behind a POP3 handle.
type pop3Client struct {
	session[*pop3.Client]
	opts pop3.Options
}

func withPOP3(h C.int, fn func(o *object, p *pop3Client) error) C.int {
	return with(h, kindPOP3, fn)
}

// withSession runs fn on a connected client, with mw_cancel armed, and
// drops the connection after an error that ended it.
func withSession(h C.int, fn func(c *pop3.Client) error) C.int {
	return withPOP3(h, func(o *object, p *pop3Client) error { return p.run(o, fn) })
}

//export mwgo_pop3_new
func mwgo_pop3_new() (rc C.int) {
	defer guard(&rc)
	return register(kindPOP3, &pop3Client{session: session[*pop3.Client]{proto: "pop3"}})
}

//export mwgo_pop3_set
func mwgo_pop3_set(h C.int, option, value *C.mw_cchar) C.int {
	return withPOP3(h, func(_ *object, p *pop3Client) error {
		name, v, err := optionArgs(option, value)
		if err != nil {
			return err
		}
		return p.setOption(name, v, p.opts.Set)
	})
}

//export mwgo_pop3_connect
func mwgo_pop3_connect(h C.int) C.int {
	return withPOP3(h, func(o *object, p *pop3Client) error {
		return p.connect(o, func(ctx context.Context, log *wire.Log, progress func(done, total int64)) (*pop3.Client, error) {
			opts := p.opts
			opts.Log, opts.Progress = log, progress
			return pop3.Dial(ctx, opts)
		})
	})
}

//export mwgo_pop3_count
func mwgo_pop3_count(h C.int) C.int {
	var n int
	rc := withSession(h, func(c *pop3.Client) (err error) {
		n, err = c.Count()
		return err
	})
	if rc < 0 {
		return rc
	}
	return C.int(n)
}

//export mwgo_pop3_size
func mwgo_pop3_size(h C.int, number C.int) C.longlong {
	var size int64
	rc := withSession(h, func(c *pop3.Client) (err error) {
		size, err = c.Size(int(number))
		return err
	})
	if rc < 0 {
		return C.longlong(rc)
	}
	return C.longlong(size)
}

//export mwgo_pop3_uid
func mwgo_pop3_uid(h C.int, number C.int) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindPOP3, func(o *object, p *pop3Client) (string, bool, error) {
		var uid string
		rc := p.run(o, func(c *pop3.Client) (err error) {
			uid, err = c.UID(int(number))
			return err
		})
		return uid, true, rc
	}))
}

// fetchInto parses a RETR or TOP response into the message handle msg as
// it arrives, on the calling goroutine.
func fetchInto(h, msg C.int, fetch func(c *pop3.Client, fn func(r io.Reader) error) error) C.int {
	return withSession(h, func(c *pop3.Client) error {
		mo, x, err := acquire[*message](msg, kindMessage)
		if err != nil {
			return err
		}
		defer mo.release()
		var m *mime.Message
		err = fetch(c, func(r io.Reader) (err error) {
			m, err = parseReply(r)
			return err
		})
		keepParsed(x, m, err)
		mo.setErr(err)
		return err
	})
}

// parseReply parses a message as the server sends it; a message that
// cannot be parsed is errs.Parse.
func parseReply(r io.Reader) (*mime.Message, error) {
	m, err := mime.Parse(r)
	return m, errs.E(errs.Parse, err)
}

// keepParsed puts m into x after a successful fetch and drops it otherwise.
func keepParsed(x *message, m *mime.Message, err error) {
	switch {
	case err == nil:
		x.replace(m)
	case m != nil:
		m.Close()
	}
}

//export mwgo_pop3_retrieve
func mwgo_pop3_retrieve(h C.int, number C.int, msg C.int) C.int {
	return fetchInto(h, msg, func(c *pop3.Client, fn func(r io.Reader) error) error {
		return c.RetrieveFunc(int(number), fn)
	})
}

//export mwgo_pop3_top
func mwgo_pop3_top(h C.int, number, lines C.int, msg C.int) C.int {
	return fetchInto(h, msg, func(c *pop3.Client, fn func(r io.Reader) error) error {
		return c.TopFunc(int(number), int(lines), fn)
	})
}

//export mwgo_pop3_retrieve_file
func mwgo_pop3_retrieve_file(h C.int, number C.int, path *C.mw_cchar) C.int {
	return withSession(h, func(c *pop3.Client) error {
		p, err := arg((*C.char)(path), "path")
		if err != nil {
			return err
		}
		return mime.WriteFile(p, func(w io.Writer) error {
			_, err := c.Retrieve(int(number), w)
			return err
		})
	})
}

//export mwgo_pop3_delete
func mwgo_pop3_delete(h C.int, number C.int) C.int {
	return withSession(h, func(c *pop3.Client) error { return c.Delete(int(number)) })
}

//export mwgo_pop3_reset
func mwgo_pop3_reset(h C.int) C.int {
	return withSession(h, func(c *pop3.Client) error { return c.Reset() })
}

//export mwgo_pop3_capabilities
func mwgo_pop3_capabilities(h C.int) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindPOP3, func(_ *object, p *pop3Client) (string, bool, error) {
		return p.capabilities()
	}))
}

//export mwgo_pop3_disconnect
func mwgo_pop3_disconnect(h C.int) C.int {
	return withPOP3(h, func(o *object, p *pop3Client) error { return p.quit(o) })
}

//export mwgo_pop3_retrieve_data
func mwgo_pop3_retrieve_data(h C.int, number C.int, out **C.char, n *C.size_t) C.int {
	return withSession(h, func(c *pop3.Client) error {
		if out == nil || n == nil {
			return errs.New(errs.Arg, "out and len must not be NULL")
		}
		*out, *n = nil, 0
		var b cBuffer
		if _, err := c.Retrieve(int(number), &b); err != nil {
			b.free()
			return err
		}
		*out, *n = b.take()
		return nil
	})
}

//export mwgo_pop3_retrieve_many
func mwgo_pop3_retrieve_many(h C.int, first, count C.int, msgs *C.mw_cint, del C.int) C.int {
	return withSession(h, func(c *pop3.Client) error {
		handles, err := sendHandles(msgs, count)
		if err != nil {
			return err
		}
		objs, xs, err := acquireAll(handles)
		if err != nil {
			return err
		}
		defer releaseAll(objs)
		return retrieveMany(c, int(first), objs, xs, del != 0)
	})
}

// acquireAll takes every message handle, or none: a bad, busy or repeated
// handle fails the call before anything is sent.
func acquireAll(handles []C.int) ([]*object, []*message, error) {
	objs := make([]*object, 0, len(handles))
	xs := make([]*message, 0, len(handles))
	seen := make(map[C.int]bool, len(handles))
	for i, h := range handles {
		if seen[h] {
			releaseAll(objs)
			return nil, nil, errs.New(errs.Arg, fmt.Sprintf("msgs[%d] repeats handle %d", i, int(h)))
		}
		seen[h] = true
		o, x, err := acquire[*message](h, kindMessage)
		if err != nil {
			releaseAll(objs)
			return nil, nil, errs.E(errs.KindOf(err), fmt.Errorf("msgs[%d]: %w", i, err))
		}
		objs, xs = append(objs, o), append(xs, x)
	}
	return objs, xs, nil
}

func releaseAll(objs []*object) {
	for _, o := range objs {
		o.release()
	}
}

// retrieveMany fetches messages first, first+1, ... into xs, pipelined,
// and stores each message's result on its handle. It returns the session
// error, else the first message's error.
func retrieveMany(c *pop3.Client, first int, objs []*object, xs []*message, del bool) error {
	ns := make([]int, len(xs))
	for i := range ns {
		ns[i] = first + i
	}
	parsed := make([]*mime.Message, len(xs))
	results, err := c.Fetch(ns, del, func(n int, r io.Reader) (err error) {
		parsed[n-first], err = parseReply(r)
		return err
	})
	for i, o := range objs {
		keepParsed(xs[i], parsed[i], results[i])
		o.setErr(results[i])
		if err == nil {
			err = results[i]
		}
	}
	return err
}

// cBuffer is an io.Writer that collects a message in C memory, NUL
// terminated, for a caller that frees it with mw_free. It refuses to grow
// past maxData.
type cBuffer struct {
	p      unsafe.Pointer
	n, cap int
}

// maxData bounds a message retrieved into memory.
const maxData = 1 << 30

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
	if need > maxData {
		return errs.New(errs.TooBig, "pop3: the message is larger than 1 GiB; use mw_pop3_retrieve_file")
	}
	c := max(need, 2*b.cap, 64<<10)
	c = min(c, maxData)
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
