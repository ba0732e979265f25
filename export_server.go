package main

/*
#include <stdlib.h>
#include "mailwire.h"
*/
import "C"

import (
	"mailwire/core/errs"
	"mailwire/core/server"
)

func withServer(h C.int, fn func(in *server.Instance) error) C.int {
	return with(h, kindServer, func(_ *object, in *server.Instance) error { return fn(in) })
}

// withCount is withServer for an export that returns a count.
func withCount(h C.int, fn func(in *server.Instance) (int, error)) C.int {
	var n int
	rc := withServer(h, func(in *server.Instance) (err error) {
		n, err = fn(in)
		return err
	})
	if rc < 0 {
		return rc
	}
	return C.int(n)
}

//export mwgo_server_new
func mwgo_server_new() (rc C.int) {
	defer guard(&rc)
	return register(kindServer, server.NewInstance())
}

//export mwgo_server_set
func mwgo_server_set(h C.int, option, value *C.mw_cchar) C.int {
	return withServer(h, func(in *server.Instance) error {
		name, v, err := optionArgs(option, value)
		if err != nil {
			return err
		}
		return in.Set(name, v)
	})
}

//export mwgo_server_start
func mwgo_server_start(h C.int) C.int {
	return withServer(h, (*server.Instance).Start)
}

//export mwgo_server_port
func mwgo_server_port(h C.int, service *C.mw_cchar) C.int {
	return withCount(h, func(in *server.Instance) (int, error) {
		name, err := arg((*C.char)(service), "service")
		if err != nil {
			return 0, err
		}
		return in.Port(name)
	})
}

//export mwgo_server_message_count
func mwgo_server_message_count(h C.int, mailbox *C.mw_cchar) C.int {
	return withCount(h, func(in *server.Instance) (int, error) {
		box, _ := cstr((*C.char)(mailbox))
		return in.MessageCount(box)
	})
}

//export mwgo_server_message
func mwgo_server_message(h C.int, mailbox *C.mw_cchar, i C.int, out **C.char, n *C.size_t) C.int {
	return withServer(h, func(in *server.Instance) error {
		if out == nil || n == nil {
			return errs.New(errs.Arg, "out and len must not be NULL")
		}
		*out, *n = nil, 0
		box, _ := cstr((*C.char)(mailbox))
		msg, err := in.Message(box, int(i))
		if err == nil {
			*out, *n = toC(msg)
		}
		return err
	})
}

//export mwgo_server_stop
func mwgo_server_stop(h C.int) C.int {
	return withServer(h, (*server.Instance).Stop)
}
