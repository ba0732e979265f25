package main

/*
#include <stdlib.h>
#include "mailwire.h"
*/
import "C"

import (
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"mailwire/core/errs"
	"mailwire/core/smtp"
)

func withSMTP(h C.int, fn func(s *smtp.Session) error) C.int {
	return with(h, kindSMTP, func(_ *object, s *smtp.Session) error { return fn(s) })
}

//export mwgo_smtp_new
func mwgo_smtp_new() (rc C.int) {
	defer guard(&rc)
	return register(kindSMTP, smtp.NewSession())
}

//export mwgo_smtp_set
func mwgo_smtp_set(h C.int, option, value *C.mw_cchar) C.int {
	return withSMTP(h, func(s *smtp.Session) error {
		name, v, err := optionArgs(option, value)
		if err != nil {
			return err
		}
		return s.Set(name, v)
	})
}

func optionArgs(option, value *C.mw_cchar) (string, string, error) {
	name, err := arg((*C.char)(option), "option")
	if err != nil {
		return "", "", err
	}
	v, err := arg((*C.char)(value), "value")
	return strings.ToLower(strings.TrimSpace(name)), v, err
}

//export mwgo_smtp_connect
func mwgo_smtp_connect(h C.int) C.int {
	return withSMTP(h, (*smtp.Session).Connect)
}

// onMessage runs send on message handle mh and leaves the recipient
// results and the error on it.
func onMessage(mh C.int, send func(m smtp.Message) ([]smtp.Result, error)) ([]smtp.Result, error) {
	mo, x, err := acquire[*message](mh, kindMessage)
	if err != nil {
		return nil, err
	}
	defer mo.release()
	x.results, err = send(x.m)
	mo.setErr(err)
	return x.results, err
}

//export mwgo_smtp_send
func mwgo_smtp_send(h, msg C.int) C.int {
	return withSMTP(h, func(s *smtp.Session) error {
		return s.Run(func(c *smtp.Client) (err error) {
			s.Results, err = onMessage(msg, c.SendMessage)
			return err
		})
	})
}

//export mwgo_smtp_send_many
func mwgo_smtp_send_many(h C.int, msgs *C.mw_cint, count C.int) C.int {
	return withSMTP(h, func(s *smtp.Session) error {
		return s.Run(func(c *smtp.Client) error {
			handles, err := messageHandles(msgs, count)
			if err != nil || len(handles) == 0 {
				return err
			}
			b, err := acquireBatch(handles, true)
			if err != nil {
				return err
			}
			defer b.release()
			out, err := c.SendMessages(b.messages())
			s.Results = nil
			for i, o := range out {
				b.xs[i].results = o.Results
				b.objs[i].setErr(o.Err)
				s.Results = o.Results
			}
			return err
		})
	})
}

// messageHandles views the caller's array of count message handles.
func messageHandles(msgs *C.mw_cint, count C.int) ([]C.int, error) {
	switch {
	case count < 0:
		return nil, errs.New(errs.Arg, "count must not be negative")
	case count == 0:
		return nil, nil
	case msgs == nil:
		return nil, errs.New(errs.Arg, "msgs is NULL")
	}
	return unsafe.Slice((*C.int)(unsafe.Pointer(msgs)), int(count)), nil
}

// batch is the message handles of one call, each taken once: objs[i] and
// xs[i] are handles[i]'s.
type batch struct {
	objs  []*object
	xs    []*message
	taken []*object // the distinct objects, released once
}

// acquireBatch takes every message handle, or none: a bad or busy handle
// fails the call before anything is sent. A handle repeated is taken once
// when repeats are allowed, else errs.Arg.
func acquireBatch(handles []C.int, repeats bool) (*batch, error) {
	b := &batch{objs: make([]*object, len(handles)), xs: make([]*message, len(handles))}
	seen := make(map[C.int]int, len(handles))
	for i, h := range handles {
		if j, ok := seen[h]; ok {
			if !repeats {
				b.release()
				return nil, errs.New(errs.Arg, fmt.Sprintf("msgs[%d] repeats handle %d", i, int(h)))
			}
			b.objs[i], b.xs[i] = b.objs[j], b.xs[j]
			continue
		}
		o, x, err := acquire[*message](h, kindMessage)
		if err != nil {
			b.release()
			return nil, errs.E(errs.KindOf(err), fmt.Errorf("msgs[%d]: %w", i, err))
		}
		seen[h] = i
		b.objs[i], b.xs[i] = o, x
		b.taken = append(b.taken, o)
	}
	return b, nil
}

func (b *batch) release() {
	for _, o := range b.taken {
		o.release()
	}
}

// messages returns the batch's messages, in the order of the handles.
func (b *batch) messages() []smtp.Message {
	ms := make([]smtp.Message, len(b.xs))
	for i, x := range b.xs {
		ms[i] = x.m
	}
	return ms
}

// results returns the recipient results kept on an SMTP or message handle.
func results(h C.int, fn func(r []smtp.Result) error) C.int {
	o := find(h)
	if o != nil && o.kind == kindMessage {
		return withMessage(h, func(x *message) error { return fn(x.results) })
	}
	return withSMTP(h, func(s *smtp.Session) error { return fn(s.Results) })
}

//export mwgo_smtp_result_count
func mwgo_smtp_result_count(h C.int) C.int {
	var n int
	rc := results(h, func(r []smtp.Result) error { n = len(r); return nil })
	if rc < 0 {
		return rc
	}
	return C.int(n)
}

//export mwgo_smtp_result
func mwgo_smtp_result(h C.int, i C.int, field *C.mw_cchar) (p *C.mw_cchar) {
	results(h, func(r []smtp.Result) error {
		f, err := arg((*C.char)(field), "field")
		if err != nil {
			return err
		}
		if i < 0 || int(i) >= len(r) {
			return errs.New(errs.NotFound, fmt.Sprintf("no result %d (the last send has %d)", int(i), len(r)))
		}
		var v string
		switch strings.ToLower(f) {
		case "address":
			v = r[i].Address
		case "code":
			v = strconv.Itoa(r[i].Code)
		case "enhanced":
			v = r[i].Enhanced
		case "text":
			v = r[i].Text
		default:
			return errs.New(errs.Arg, "unknown result field "+strconv.Quote(f)+" (address, code, enhanced, text)")
		}
		p = (*C.mw_cchar)(find(h).keep(v))
		return nil
	})
	return p
}

//export mwgo_smtp_reply_code
func mwgo_smtp_reply_code(h C.int) C.int {
	var n int
	rc := withSMTP(h, func(s *smtp.Session) error {
		n, _ = s.LastReply()
		return nil
	})
	if rc < 0 {
		return rc
	}
	return C.int(n)
}

//export mwgo_smtp_reply
func mwgo_smtp_reply(h C.int) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindSMTP, func(_ *object, s *smtp.Session) (string, bool, error) {
		_, text := s.LastReply()
		return text, true, nil
	}))
}

//export mwgo_smtp_capabilities
func mwgo_smtp_capabilities(h C.int) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindSMTP, func(_ *object, s *smtp.Session) (string, bool, error) {
		caps, err := s.Capabilities()
		return caps, err == nil, err
	}))
}

//export mwgo_smtp_disconnect
func mwgo_smtp_disconnect(h C.int) C.int {
	return withSMTP(h, (*smtp.Session).Quit)
}

//export mwgo_send
func mwgo_send(url *C.mw_cchar, msg C.int) (rc C.int) {
	defer guard(&rc)
	u, err := arg((*C.char)(url), "url")
	if err != nil {
		return code(err)
	}
	_, err = onMessage(msg, func(m smtp.Message) ([]smtp.Result, error) { return smtp.SendURL(u, m) })
	return code(err)
}

//export mwgo_pool_new
func mwgo_pool_new() (rc C.int) {
	defer guard(&rc)
	return register(kindPool, smtp.NewLazyPool())
}

//export mwgo_pool_set
func mwgo_pool_set(h C.int, option, value *C.mw_cchar) C.int {
	return with(h, kindPool, func(_ *object, p *smtp.LazyPool) error {
		name, v, err := optionArgs(option, value)
		if err != nil {
			return err
		}
		return p.Set(name, v)
	})
}

//export mwgo_pool_send
func mwgo_pool_send(h, msg C.int) (rc C.int) {
	defer guard(&rc)
	return with(h, kindPool, func(_ *object, p *smtp.LazyPool) error {
		_, err := onMessage(msg, p.Send)
		return err
	})
}
