package main

/*
#include <stdlib.h>
#include "mailwire.h"
*/
import "C"

import (
	"context"
	"io"
	"os"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/mime"
	"mailwire/core/pop3"
)

// pop3Client is the value behind a POP3 handle.
type pop3Client struct {
	opts     pop3.Options
	logs     logOption
	client   *pop3.Client
	progress progress
}

func (p *pop3Client) Close() error {
	p.drop()
	p.logs.close()
	return nil
}

func (p *pop3Client) drop() {
	if p.client != nil {
		p.client.Close()
		p.client = nil
	}
}

func withPOP3(h C.int, fn func(o *object, p *pop3Client) error) C.int {
	return with(h, kindPOP3, fn)
}

// withSession runs fn on a connected client, with mw_cancel armed, and
// drops the connection after an error that ended it.
func withSession(h C.int, fn func(c *pop3.Client) error) C.int {
	return withPOP3(h, func(o *object, p *pop3Client) error { return withSessionLocked(o, p, fn) })
}

//export mw_pop3_new
func mw_pop3_new() (rc C.int) {
	defer guard(&rc)
	return register(kindPOP3, &pop3Client{})
}

//export mw_pop3_set
func mw_pop3_set(h C.int, option, value *C.mw_cchar) C.int {
	return withPOP3(h, func(_ *object, p *pop3Client) error {
		name, v, err := optionArgs(option, value)
		if err != nil {
			return err
		}
		if p.client != nil {
			return errs.New(errs.State, "pop3: options cannot change while connected; disconnect first")
		}
		if name == "log_file" {
			return p.logs.set(v)
		}
		return p.opts.Set(name, v)
	})
}

//export mw_pop3_connect
func mw_pop3_connect(h C.int) C.int {
	return withPOP3(h, func(o *object, p *pop3Client) error {
		if p.client != nil {
			return errs.New(errs.State, "pop3: already connected")
		}
		opts := p.opts
		opts.Log = p.logs.log
		opts.Progress = p.progress.fire
		ctx, cancel := context.WithCancel(context.Background())
		o.setCancel(cancel)
		defer func() { o.setCancel(nil); cancel() }()
		c, err := pop3.Dial(ctx, opts)
		if err != nil {
			return err
		}
		p.client = c
		return nil
	})
}

//export mw_pop3_count
func mw_pop3_count(h C.int) C.int {
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

//export mw_pop3_size
func mw_pop3_size(h C.int, number C.int) C.longlong {
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

//export mw_pop3_uid
func mw_pop3_uid(h C.int, number C.int) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindPOP3, func(o *object, p *pop3Client) (string, bool, error) {
		var uid string
		rc := withSessionLocked(o, p, func(c *pop3.Client) (err error) {
			uid, err = c.UID(int(number))
			return err
		})
		return uid, true, rc
	}))
}

// withSessionLocked is withSession for a caller that holds the handle.
func withSessionLocked(o *object, p *pop3Client, fn func(c *pop3.Client) error) error {
	if p.client == nil {
		return errs.New(errs.State, "pop3: not connected (call mw_pop3_connect first)")
	}
	o.setCancel(p.client.Cancel)
	defer o.setCancel(nil)
	err := fn(p.client)
	if err != nil && errs.KindOf(err) <= errs.IO {
		p.drop()
	}
	return err
}

// fetchInto streams a RETR or TOP response through the MIME parser into
// the message handle msg.
func fetchInto(h, msg C.int, fetch func(c *pop3.Client, w io.Writer) (int64, error)) C.int {
	return withSession(h, func(c *pop3.Client) error {
		mo, x, err := acquire[*message](msg, kindMessage)
		if err != nil {
			return err
		}
		defer mo.release()
		pr, pw := io.Pipe()
		parsed := make(chan error, 1)
		var m *mime.Message
		go func() {
			var err error
			m, err = mime.Parse(pr)
			io.Copy(io.Discard, pr) // let the fetch finish whatever the parser left
			parsed <- err
		}()
		_, ferr := fetch(c, pw)
		pw.CloseWithError(ferr)
		perr := <-parsed
		switch {
		case ferr != nil:
			if m != nil {
				m.Close()
			}
			err = ferr
		case perr != nil:
			err = errs.E(errs.Parse, perr)
		default:
			x.replace(m)
		}
		mo.setErr(err)
		return err
	})
}

//export mw_pop3_retrieve
func mw_pop3_retrieve(h C.int, number C.int, msg C.int) C.int {
	return fetchInto(h, msg, func(c *pop3.Client, w io.Writer) (int64, error) {
		return c.Retrieve(int(number), w)
	})
}

//export mw_pop3_top
func mw_pop3_top(h C.int, number, lines C.int, msg C.int) C.int {
	return fetchInto(h, msg, func(c *pop3.Client, w io.Writer) (int64, error) {
		return c.Top(int(number), int(lines), w)
	})
}

//export mw_pop3_retrieve_file
func mw_pop3_retrieve_file(h C.int, number C.int, path *C.mw_cchar) C.int {
	return withSession(h, func(c *pop3.Client) error {
		p, err := arg((*C.char)(path), "path")
		if err != nil {
			return err
		}
		f, err := os.Create(p)
		if err != nil {
			return errs.E(errs.File, err)
		}
		if _, err := c.Retrieve(int(number), f); err != nil {
			f.Close()
			os.Remove(p)
			return err
		}
		return errs.E(errs.File, f.Close())
	})
}

//export mw_pop3_delete
func mw_pop3_delete(h C.int, number C.int) C.int {
	return withSession(h, func(c *pop3.Client) error { return c.Delete(int(number)) })
}

//export mw_pop3_reset
func mw_pop3_reset(h C.int) C.int {
	return withSession(h, func(c *pop3.Client) error { return c.Reset() })
}

//export mw_pop3_capabilities
func mw_pop3_capabilities(h C.int) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindPOP3, func(_ *object, p *pop3Client) (string, bool, error) {
		if p.client == nil {
			return "", false, errs.New(errs.State, "pop3: not connected")
		}
		return strings.Join(p.client.Capabilities(), "\n"), true, nil
	}))
}

//export mw_pop3_disconnect
func mw_pop3_disconnect(h C.int) C.int {
	return withPOP3(h, func(o *object, p *pop3Client) error {
		if p.client == nil {
			return nil
		}
		o.setCancel(p.client.Cancel)
		defer o.setCancel(nil)
		err := p.client.Quit()
		p.drop()
		return err
	})
}

//export mw_pop3_retrieve_data
func mw_pop3_retrieve_data(h C.int, number C.int, out **C.char, n *C.size_t) C.int {
	return withSession(h, func(c *pop3.Client) error {
		return errs.New(errs.Unsupported, "mw_pop3_retrieve_data: not implemented yet")
	})
}

//export mw_pop3_retrieve_many
func mw_pop3_retrieve_many(h C.int, first, count C.int, msgs *C.mw_cint, del C.int) C.int {
	return withSession(h, func(c *pop3.Client) error {
		return errs.New(errs.Unsupported, "mw_pop3_retrieve_many: not implemented yet")
	})
}
