package main

/*
#include <stdlib.h>
#include "mailwire.h"
*/
import "C"

import (
	"io"

	"mailwire/core/errs"
	"mailwire/core/mime"
	"mailwire/core/pop3"
)

func withPOP3(h C.int, fn func(p *pop3.Session) error) C.int {
	return with(h, kindPOP3, func(_ *object, p *pop3.Session) error { return fn(p) })
}

// withSession runs fn on a connected client, with mw_cancel armed, and
// drops the connection after an error that ended it.
func withSession(h C.int, fn func(c *pop3.Client) error) C.int {
	return withPOP3(h, func(p *pop3.Session) error { return p.Run(fn) })
}

//export mwgo_pop3_new
func mwgo_pop3_new() (rc C.int) {
	defer guard(&rc)
	return register(kindPOP3, pop3.NewSession())
}

//export mwgo_pop3_set
func mwgo_pop3_set(h C.int, option, value *C.mw_cchar) C.int {
	return withPOP3(h, func(p *pop3.Session) error {
		name, v, err := optionArgs(option, value)
		if err != nil {
			return err
		}
		return p.Set(name, v)
	})
}

//export mwgo_pop3_connect
func mwgo_pop3_connect(h C.int) C.int {
	return withPOP3(h, (*pop3.Session).Connect)
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
	return (*C.mw_cchar)(withString(h, kindPOP3, func(_ *object, p *pop3.Session) (string, bool, error) {
		var uid string
		err := p.Run(func(c *pop3.Client) (err error) {
			uid, err = c.UID(int(number))
			return err
		})
		return uid, true, err
	}))
}

// fetchInto puts the message fetch returns into the message handle msg.
func fetchInto(h, msg C.int, fetch func(c *pop3.Client) (*mime.Message, error)) C.int {
	return withSession(h, func(c *pop3.Client) error {
		mo, x, err := acquire[*message](msg, kindMessage)
		if err != nil {
			return err
		}
		defer mo.release()
		m, err := fetch(c)
		if err == nil {
			x.replace(m)
		}
		mo.setErr(err)
		return err
	})
}

//export mwgo_pop3_retrieve
func mwgo_pop3_retrieve(h C.int, number C.int, msg C.int) C.int {
	return fetchInto(h, msg, func(c *pop3.Client) (*mime.Message, error) {
		return c.RetrieveMessage(int(number))
	})
}

//export mwgo_pop3_top
func mwgo_pop3_top(h C.int, number, lines C.int, msg C.int) C.int {
	return fetchInto(h, msg, func(c *pop3.Client) (*mime.Message, error) {
		return c.TopMessage(int(number), int(lines))
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
	return (*C.mw_cchar)(withString(h, kindPOP3, func(_ *object, p *pop3.Session) (string, bool, error) {
		caps, err := p.Capabilities()
		return caps, err == nil, err
	}))
}

//export mwgo_pop3_disconnect
func mwgo_pop3_disconnect(h C.int) C.int {
	return withPOP3(h, (*pop3.Session).Quit)
}

//export mwgo_pop3_retrieve_data
func mwgo_pop3_retrieve_data(h C.int, number C.int, out **C.char, n *C.size_t) C.int {
	return withSession(h, func(c *pop3.Client) error {
		if out == nil || n == nil {
			return errs.New(errs.Arg, "out and len must not be NULL")
		}
		*out, *n = nil, 0
		b := cBuffer{limit: 1 << 30, tooBig: "pop3: the message is larger than 1 GiB; use mw_pop3_retrieve_file"}
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
		handles, err := messageHandles(msgs, count)
		if err != nil {
			return err
		}
		b, err := acquireBatch(handles, false)
		if err != nil {
			return err
		}
		defer b.release()
		ms, results, err := c.FetchMessages(int(first), len(handles), del != 0)
		for i, m := range ms {
			if m != nil {
				b.xs[i].replace(m)
			}
			b.objs[i].setErr(results[i])
		}
		return err
	})
}
