package main

/*
#include <stdlib.h>
#include "mailwire.h"
*/
import "C"

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"mailwire/core/errs"
	"mailwire/core/mime"
	"mailwire/core/smtp"
)

// message is the value behind a message handle: the message and the
// recipient results of its last send.
type message struct {
	m       *mime.Message
	results []smtp.Result
}

func (x *message) Close() error { return x.m.Close() }

// replace swaps in a new message (parse, load, retrieve).
func (x *message) replace(m *mime.Message) {
	x.m.Close()
	x.m = m
	x.results = nil
}

func withMessage(h C.int, fn func(x *message) error) C.int {
	return with(h, kindMessage, func(_ *object, x *message) error { return fn(x) })
}

//export mwgo_message_new
func mwgo_message_new() (rc C.int) {
	defer guard(&rc)
	return register(kindMessage, &message{m: mime.New()})
}

//export mwgo_message_set
func mwgo_message_set(h C.int, name, value *C.mw_cchar) C.int {
	return withMessage(h, func(x *message) error {
		n, err := arg((*C.char)(name), "name")
		if err != nil {
			return err
		}
		v, _ := cstr((*C.char)(value))
		return x.m.Set(n, v)
	})
}

//export mwgo_message_get
func mwgo_message_get(h C.int, name *C.mw_cchar) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindMessage, func(_ *object, x *message) (string, bool, error) {
		n, err := arg((*C.char)(name), "name")
		if err != nil {
			return "", false, err
		}
		v, ok := x.m.Get(n)
		return v, ok, nil
	}))
}

func addAddresses(h C.int, list *C.mw_cchar, add func(m *mime.Message, s string) error) C.int {
	return withMessage(h, func(x *message) error {
		s, err := arg((*C.char)(list), "addresses")
		if err != nil {
			return err
		}
		return add(x.m, s)
	})
}

//export mwgo_message_add_to
func mwgo_message_add_to(h C.int, addresses *C.mw_cchar) C.int {
	return addAddresses(h, addresses, (*mime.Message).AddTo)
}

//export mwgo_message_add_cc
func mwgo_message_add_cc(h C.int, addresses *C.mw_cchar) C.int {
	return addAddresses(h, addresses, (*mime.Message).AddCc)
}

//export mwgo_message_add_bcc
func mwgo_message_add_bcc(h C.int, addresses *C.mw_cchar) C.int {
	return addAddresses(h, addresses, (*mime.Message).AddBcc)
}

//export mwgo_message_attach_file
func mwgo_message_attach_file(h C.int, path, name, contentType *C.mw_cchar) C.int {
	return withMessage(h, func(x *message) error {
		p, err := arg((*C.char)(path), "path")
		if err != nil {
			return err
		}
		n, _ := cstr((*C.char)(name))
		ct, _ := cstr((*C.char)(contentType))
		return x.m.AttachFile(p, n, ct)
	})
}

//export mwgo_message_attach_data
func mwgo_message_attach_data(h C.int, data *C.mw_cvoid, n C.size_t, name, contentType *C.mw_cchar) C.int {
	return withMessage(h, func(x *message) error {
		b, err := cbytes(data, n)
		if err != nil {
			return err
		}
		nm, _ := cstr((*C.char)(name))
		ct, _ := cstr((*C.char)(contentType))
		return x.m.AttachData(b, nm, ct) // copies b
	})
}

//export mwgo_message_embed_file
func mwgo_message_embed_file(h C.int, path, contentID *C.mw_cchar) C.int {
	return withMessage(h, func(x *message) error {
		p, err := arg((*C.char)(path), "path")
		if err != nil {
			return err
		}
		cid, err := arg((*C.char)(contentID), "content_id")
		if err != nil {
			return err
		}
		return x.m.EmbedFile(p, cid)
	})
}

//export mwgo_message_mime
func mwgo_message_mime(h C.int, out **C.char, n *C.size_t) C.int {
	return withMessage(h, func(x *message) error {
		if out == nil || n == nil {
			return errs.New(errs.Arg, "out and len must not be NULL")
		}
		*out, *n = nil, 0
		var b cBuffer
		if size, err := x.m.Size(); err == nil && size < math.MaxInt {
			if err := b.reserve(int(size)+1, int(size)+1); err != nil {
				return err
			}
		}
		if _, err := x.m.WriteTo(&b); err != nil {
			b.free()
			return err
		}
		*out, *n = b.take()
		return nil
	})
}

//export mwgo_message_save
func mwgo_message_save(h C.int, path *C.mw_cchar) C.int {
	return withMessage(h, func(x *message) error {
		p, err := arg((*C.char)(path), "path")
		if err != nil {
			return err
		}
		return x.m.Save(p)
	})
}

//export mwgo_message_size
func mwgo_message_size(h C.int) C.longlong {
	var size int64
	rc := withMessage(h, func(x *message) (err error) {
		size, err = x.m.Size()
		return err
	})
	if rc < 0 {
		return C.longlong(rc)
	}
	return C.longlong(size)
}

//export mwgo_message_parse
func mwgo_message_parse(h C.int, data *C.mw_cvoid, n C.size_t) C.int {
	return withMessage(h, func(x *message) error {
		b, err := cbytes(data, n)
		if err != nil {
			return err
		}
		return parseInto(x, bytes.NewReader(b))
	})
}

//export mwgo_message_load
func mwgo_message_load(h C.int, path *C.mw_cchar) C.int {
	return withMessage(h, func(x *message) error {
		p, err := arg((*C.char)(path), "path")
		if err != nil {
			return err
		}
		m, err := mime.Load(p)
		if err != nil {
			return errs.E(errs.Parse, err) // Load's own errors keep their kind (errs.File)
		}
		x.replace(m)
		return nil
	})
}

func parseInto(x *message, r io.Reader) error {
	m, err := mime.Parse(r)
	if err != nil {
		return errs.E(errs.Parse, err)
	}
	x.replace(m)
	return nil
}

//export mwgo_message_attachment_count
func mwgo_message_attachment_count(h C.int) C.int {
	var n int
	rc := withMessage(h, func(x *message) error {
		n = len(x.m.Attachments())
		return nil
	})
	if rc < 0 {
		return rc
	}
	return C.int(n)
}

func attachment(x *message, i C.int) (*mime.Attachment, error) {
	list := x.m.Attachments()
	if i < 0 || int(i) >= len(list) {
		return nil, errs.New(errs.NotFound, fmt.Sprintf("no attachment %d (the message has %d)", int(i), len(list)))
	}
	return list[i], nil
}

//export mwgo_message_attachment
func mwgo_message_attachment(h C.int, i C.int, field *C.mw_cchar) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindMessage, func(_ *object, x *message) (string, bool, error) {
		f, err := arg((*C.char)(field), "field")
		if err != nil {
			return "", false, err
		}
		a, err := attachment(x, i)
		if err != nil {
			return "", false, err
		}
		var v string
		switch strings.ToLower(f) {
		case "name":
			v = a.Name()
		case "content_type":
			v = a.ContentType()
		case "size":
			v = strconv.FormatInt(a.Size(), 10)
		case "content_id":
			v = a.ContentID()
		case "disposition":
			v = a.Disposition()
		default:
			return "", false, errs.New(errs.Arg, "unknown attachment field "+strconv.Quote(f)+" (name, content_type, size, content_id, disposition)")
		}
		return v, v != "", nil
	}))
}

//export mwgo_message_attachment_save
func mwgo_message_attachment_save(h C.int, i C.int, path *C.mw_cchar) C.int {
	return withMessage(h, func(x *message) error {
		p, err := arg((*C.char)(path), "path")
		if err != nil {
			return err
		}
		a, err := attachment(x, i)
		if err != nil {
			return err
		}
		return errs.E(errs.File, a.Save(p))
	})
}

//export mwgo_message_attachment_data
func mwgo_message_attachment_data(h C.int, i C.int, out **C.char, n *C.size_t) C.int {
	return withMessage(h, func(x *message) error {
		if out == nil || n == nil {
			return errs.New(errs.Arg, "out and len must not be NULL")
		}
		*out, *n = nil, 0
		a, err := attachment(x, i)
		if err != nil {
			return err
		}
		*out, *n, err = attachmentToC(a)
		return err
	})
}

// attachmentToC copies the decoded content of a once, straight into new C
// memory with a terminating NUL.
func attachmentToC(a *mime.Attachment) (*C.char, C.size_t, error) {
	size := a.Size()
	if size < 0 || size > 1<<40 {
		b, err := a.Data()
		if err != nil {
			return nil, 0, err
		}
		p, n := toC(b)
		return p, n, nil
	}
	p := (*C.char)(C.malloc(C.size_t(size + 1)))
	if p == nil {
		return nil, 0, errs.New(errs.Internal, "out of memory")
	}
	dst := unsafe.Slice((*byte)(unsafe.Pointer(p)), int(size)+1)
	if err := a.CopyTo(dst[:size]); err != nil {
		C.free(unsafe.Pointer(p))
		return nil, 0, err
	}
	dst[size] = 0
	return p, C.size_t(size), nil
}

//export mwgo_message_trace_count
func mwgo_message_trace_count(h C.int) C.int {
	var n int
	rc := withMessage(h, func(x *message) error {
		n = len(x.m.Trace())
		return nil
	})
	if rc < 0 {
		return rc
	}
	return C.int(n)
}

// hop returns Received field i, parsed once until the message changes.
func hop(x *message, i C.int) (mime.Hop, error) {
	hops := x.m.Trace()
	if i < 0 || int(i) >= len(hops) {
		return mime.Hop{}, errs.New(errs.NotFound, fmt.Sprintf("no hop %d (the message has %d Received headers)", int(i), len(hops)))
	}
	return hops[i], nil
}

//export mwgo_message_trace
func mwgo_message_trace(h C.int, i C.int, field *C.mw_cchar) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindMessage, func(_ *object, x *message) (string, bool, error) {
		f, err := arg((*C.char)(field), "field")
		if err != nil {
			return "", false, err
		}
		r, err := hop(x, i)
		if err != nil {
			return "", false, err
		}
		var v string
		switch strings.ToLower(f) {
		case "from":
			v = r.From
		case "by":
			v = r.By
		case "via":
			v = r.Via
		case "with":
			v = r.With
		case "id":
			v = r.ID
		case "for":
			v = r.For
		case "date":
			v = r.DateText
		case "raw":
			v = r.Raw
		default:
			return "", false, errs.New(errs.Arg, "unknown trace field "+strconv.Quote(f)+" (from, by, via, with, id, for, date, raw)")
		}
		return v, v != "", nil
	}))
}

//export mwgo_message_trace_flags
func mwgo_message_trace_flags(h C.int, i C.int) C.int {
	var flags int
	rc := withMessage(h, func(x *message) error {
		r, err := hop(x, i)
		if err != nil {
			return err
		}
		f, ok := r.Flags()
		if !ok {
			return errs.New(errs.NotFound, "hop "+strconv.Itoa(int(i))+" has no registered transmission type (with "+strconv.Quote(r.With)+")")
		}
		flags = f
		return nil
	})
	if rc < 0 {
		return rc
	}
	return C.int(flags)
}
