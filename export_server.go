package main

/*
#include <stdlib.h>
#include "mailwire.h"
*/
import "C"

import (
	"fmt"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/server"
)

// embedded is the value behind a server handle.
type embedded struct {
	cfg     server.Config
	srv     *server.Server
	stopped bool // srv is kept after a stop so that its mail can still be read
}

func (e *embedded) Close() error {
	if e.srv != nil {
		return e.srv.Stop()
	}
	return nil
}

func withServer(h C.int, fn func(e *embedded) error) C.int {
	return with(h, kindServer, func(_ *object, e *embedded) error { return fn(e) })
}

//export mwgo_server_new
func mwgo_server_new() (rc C.int) {
	defer guard(&rc)
	return register(kindServer, &embedded{cfg: server.DefaultConfig()})
}

//export mwgo_server_set
func mwgo_server_set(h C.int, option, value *C.mw_cchar) C.int {
	return withServer(h, func(e *embedded) error {
		name, v, err := optionArgs(option, value)
		if err != nil {
			return err
		}
		if e.srv != nil && !e.stopped {
			return errs.New(errs.State, "server: options are set before mw_server_start")
		}
		return e.cfg.Set(name, v)
	})
}

//export mwgo_server_start
func mwgo_server_start(h C.int) C.int {
	return withServer(h, func(e *embedded) error {
		if e.srv != nil && !e.stopped {
			return errs.New(errs.State, "server: already started")
		}
		s := server.New(e.cfg)
		if err := s.Start(); err != nil {
			return err
		}
		e.srv, e.stopped = s, false
		return nil
	})
}

//export mwgo_server_port
func mwgo_server_port(h C.int, service *C.mw_cchar) C.int {
	var port int
	rc := withServer(h, func(e *embedded) error {
		name, err := arg((*C.char)(service), "service")
		if err != nil {
			return err
		}
		if e.srv == nil || e.stopped {
			return errs.New(errs.State, "server: not running")
		}
		port = e.srv.Port(strings.ToLower(name))
		if port <= 0 {
			return errs.New(errs.NotFound, "server: service "+name+" is off or unknown (smtp, submission, smtps, lmtp, pop3, pop3s)")
		}
		return nil
	})
	if rc < 0 {
		return rc
	}
	return C.int(port)
}

//export mwgo_server_message_count
func mwgo_server_message_count(h C.int, mailbox *C.mw_cchar) C.int {
	var n int
	rc := withServer(h, func(e *embedded) error {
		box, _ := cstr((*C.char)(mailbox))
		if e.srv == nil {
			return errs.New(errs.State, "server: not started")
		}
		n = e.srv.MessageCount(box)
		return nil
	})
	if rc < 0 {
		return rc
	}
	return C.int(n)
}

//export mwgo_server_message
func mwgo_server_message(h C.int, mailbox *C.mw_cchar, i C.int, out **C.char, n *C.size_t) C.int {
	return withServer(h, func(e *embedded) error {
		if out == nil || n == nil {
			return errs.New(errs.Arg, "out and len must not be NULL")
		}
		*out, *n = nil, 0
		box, _ := cstr((*C.char)(mailbox))
		if e.srv == nil {
			return errs.New(errs.State, "server: not started")
		}
		msg, count, ok := e.srv.Message(box, int(i))
		if !ok {
			return errs.New(errs.NotFound, fmt.Sprintf("server: no message %d in mailbox %q (it has %d)", int(i), box, count))
		}
		*out, *n = toC(msg)
		return nil
	})
}

//export mwgo_server_stop
func mwgo_server_stop(h C.int) C.int {
	return withServer(h, func(e *embedded) error {
		if e.srv == nil || e.stopped {
			return nil
		}
		e.stopped = true
		return e.srv.Stop()
	})
}
