package main

/*
#include <stdlib.h>
#include "mailwire.h"
*/
import "C"

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"mailwire/core/errs"
	"mailwire/core/imap"
	"mailwire/core/mime"
	"mailwire/core/wire"
)

func withIMAP(h C.int, fn func(p *imap.Session) error) C.int {
	return with(h, kindIMAP, func(_ *object, p *imap.Session) error { return fn(p) })
}

// withIMAPSession runs fn on a connected client with mw_cancel armed.
func withIMAPSession(h C.int, fn func(c *imap.Client) error) C.int {
	return withIMAP(h, func(p *imap.Session) error { return p.Run(fn) })
}

// imapString runs fn on a connected client and returns its string.
func imapString(h C.int, fn func(p *imap.Session, c *imap.Client) (string, error)) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindIMAP, func(_ *object, p *imap.Session) (string, bool, error) {
		var s string
		err := p.Run(func(c *imap.Client) (err error) {
			s, err = fn(p, c)
			return err
		})
		return s, err == nil, err
	}))
}

// imapUID checks a UID from the C API (RFC 3501 section 2.3.1.1: 1 to
// 2^32-1).
func imapUID(uid C.longlong) (uint32, error) {
	if uid < 1 || uid > math.MaxUint32 {
		return 0, errs.New(errs.Arg, fmt.Sprintf("imap: UID %d is out of range (1 to 4294967295)", int64(uid)))
	}
	return uint32(uid), nil
}

// folderArg reads a folder name argument.
func folderArg(p *C.mw_cchar, name string) (string, error) {
	s, err := arg((*C.char)(p), name)
	if err == nil && s == "" {
		err = errs.New(errs.Arg, name+" is empty")
	}
	return s, err
}

//export mwgo_imap_new
func mwgo_imap_new() (rc C.int) {
	defer guard(&rc)
	return register(kindIMAP, imap.NewSession())
}

//export mwgo_imap_set
func mwgo_imap_set(h C.int, option, value *C.mw_cchar) C.int {
	return withIMAP(h, func(p *imap.Session) error {
		name, v, err := optionArgs(option, value)
		if err != nil {
			return err
		}
		return p.Set(name, v)
	})
}

//export mwgo_imap_connect
func mwgo_imap_connect(h C.int) C.int {
	return withIMAP(h, func(p *imap.Session) error {
		p.Folders, p.UIDs = nil, nil
		return p.Connect()
	})
}

//export mwgo_imap_capabilities
func mwgo_imap_capabilities(h C.int) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindIMAP, func(_ *object, p *imap.Session) (string, bool, error) {
		caps, err := p.Capabilities()
		return caps, err == nil, err
	}))
}

//export mwgo_imap_folder_count
func mwgo_imap_folder_count(h C.int) C.int {
	n := 0
	rc := withIMAP(h, func(p *imap.Session) error {
		return p.Run(func(c *imap.Client) error {
			fs, err := c.List()
			if err != nil {
				return err
			}
			p.Folders, n = fs, len(fs)
			return nil
		})
	})
	if rc < 0 {
		return rc
	}
	return C.int(n)
}

//export mwgo_imap_folder
func mwgo_imap_folder(h C.int, i C.int, field *C.mw_cchar) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindIMAP, func(_ *object, p *imap.Session) (string, bool, error) {
		name, err := arg((*C.char)(field), "field")
		if err != nil {
			return "", false, err
		}
		if i < 0 || int(i) >= len(p.Folders) {
			return "", false, errs.New(errs.NotFound, fmt.Sprintf("imap: no folder %d (the last listing has %d)", int(i), len(p.Folders)))
		}
		f := p.Folders[i]
		switch strings.ToLower(name) {
		case "name":
			return f.Name, true, nil
		case "delimiter":
			return f.Delimiter, true, nil
		case "flags":
			return strings.Join(f.Flags, " "), true, nil
		case "special_use":
			return f.SpecialUse, true, nil
		case "messages", "unseen", "uidnext", "uidvalidity", "highestmodseq":
			if n, ok := f.Status[strings.ToUpper(name)]; ok {
				return strconv.FormatUint(n, 10), true, nil
			}
			return "", true, nil
		}
		return "", false, errs.New(errs.Arg, "imap: unknown folder field "+errs.Quote(name))
	}))
}

// folderCmd runs fn with the folder names args.
func folderCmd(h C.int, fn func(c *imap.Client, names []string) error, args ...*C.mw_cchar) C.int {
	return withIMAPSession(h, func(c *imap.Client) error {
		names := make([]string, len(args))
		for i, a := range args {
			n, err := folderArg(a, "folder")
			if err != nil {
				return err
			}
			names[i] = n
		}
		return fn(c, names)
	})
}

//export mwgo_imap_create
func mwgo_imap_create(h C.int, folder *C.mw_cchar) C.int {
	return folderCmd(h, func(c *imap.Client, n []string) error { return c.Create(n[0]) }, folder)
}

//export mwgo_imap_rename
func mwgo_imap_rename(h C.int, from, to *C.mw_cchar) C.int {
	return folderCmd(h, func(c *imap.Client, n []string) error { return c.Rename(n[0], n[1]) }, from, to)
}

//export mwgo_imap_delete_folder
func mwgo_imap_delete_folder(h C.int, folder *C.mw_cchar) C.int {
	return folderCmd(h, func(c *imap.Client, n []string) error { return c.Delete(n[0]) }, folder)
}

//export mwgo_imap_select
func mwgo_imap_select(h C.int, folder *C.mw_cchar, readonly C.int) C.int {
	var exists uint32
	rc := folderCmd(h, func(c *imap.Client, n []string) error {
		mb, err := c.Select(n[0], readonly != 0)
		exists = mb.Exists
		return err
	}, folder)
	if rc < 0 {
		return rc
	}
	return C.int(min(exists, math.MaxInt32))
}

//export mwgo_imap_status
func mwgo_imap_status(h C.int, field *C.mw_cchar) *C.mw_cchar {
	return imapString(h, func(_ *imap.Session, c *imap.Client) (string, error) {
		name, err := arg((*C.char)(field), "field")
		if err != nil {
			return "", err
		}
		mb := c.Selected()
		if mb.Name == "" {
			return "", errs.New(errs.State, "imap: no folder is selected (call mw_imap_select first)")
		}
		u := func(n uint64) (string, error) { return strconv.FormatUint(n, 10), nil }
		switch strings.ToLower(name) {
		case "uidvalidity":
			return u(uint64(mb.UIDValidity))
		case "uidnext":
			return u(uint64(mb.UIDNext))
		case "exists":
			return u(uint64(mb.Exists))
		case "recent":
			return u(uint64(mb.Recent))
		case "highestmodseq":
			return u(mb.HighestModSeq)
		case "name":
			return mb.Name, nil
		case "readonly":
			if mb.ReadOnly {
				return "1", nil
			}
			return "0", nil
		case "unseen":
			n, err := c.Unseen()
			return strconv.Itoa(n), err
		}
		return "", errs.New(errs.Arg, "imap: unknown status field "+errs.Quote(name))
	})
}

//export mwgo_imap_search
func mwgo_imap_search(h C.int, criteria *C.mw_cchar) C.int {
	n := 0
	rc := withIMAP(h, func(p *imap.Session) error {
		crit, _ := cstr((*C.char)(criteria))
		return p.Run(func(c *imap.Client) error {
			p.UIDs = nil
			uids, err := c.Search(crit)
			if err != nil {
				return err
			}
			p.UIDs, n = uids, len(uids)
			return nil
		})
	})
	if rc < 0 {
		return rc
	}
	return C.int(n)
}

//export mwgo_imap_search_uid
func mwgo_imap_search_uid(h C.int, i C.int) C.longlong {
	var uid uint32
	rc := withIMAP(h, func(p *imap.Session) error {
		if i < 0 || int(i) >= len(p.UIDs) {
			return errs.New(errs.NotFound, fmt.Sprintf("imap: no UID %d (the last search found %d)", int(i), len(p.UIDs)))
		}
		uid = p.UIDs[i]
		return nil
	})
	if rc < 0 {
		return C.longlong(rc)
	}
	return C.longlong(uid)
}

//export mwgo_imap_fetch
func mwgo_imap_fetch(h C.int, uid C.longlong, msg C.int) C.int {
	return withIMAPSession(h, func(c *imap.Client) error {
		u, err := imapUID(uid)
		if err != nil {
			return err
		}
		mo, x, err := acquire[*message](msg, kindMessage)
		if err != nil {
			return err
		}
		defer mo.release()
		m, err := c.FetchMessage(u)
		if m != nil {
			x.replace(m)
		}
		mo.setErr(err)
		return err
	})
}

//export mwgo_imap_fetch_file
func mwgo_imap_fetch_file(h C.int, uid C.longlong, path *C.mw_cchar) C.int {
	return withIMAPSession(h, func(c *imap.Client) error {
		u, err := imapUID(uid)
		if err != nil {
			return err
		}
		p, err := arg((*C.char)(path), "path")
		if err != nil {
			return err
		}
		return mime.WriteFile(p, func(w io.Writer) error {
			_, err := c.FetchTo(u, w)
			return err
		})
	})
}

//export mwgo_imap_fetch_many
func mwgo_imap_fetch_many(h C.int, uids *C.mw_cllong, count C.int, msgs *C.mw_cint) C.int {
	return withIMAPSession(h, func(c *imap.Client) error {
		handles, err := messageHandles(msgs, count)
		if err != nil {
			return err
		}
		if count > 0 && uids == nil {
			return errs.New(errs.Arg, "uids is NULL")
		}
		us := make([]uint32, len(handles))
		if count > 0 {
			for i, u := range unsafe.Slice((*C.longlong)(unsafe.Pointer(uids)), int(count)) {
				if us[i], err = imapUID(u); err != nil {
					return errs.E(errs.Arg, fmt.Errorf("uids[%d]: %w", i, err))
				}
			}
		}
		b, err := acquireBatch(handles, false)
		if err != nil {
			return err
		}
		defer b.release()
		ms, results, err := c.FetchMessages(us)
		for i, m := range ms {
			if m != nil {
				b.xs[i].replace(m)
			}
			b.objs[i].setErr(results[i])
		}
		return err
	})
}

//export mwgo_imap_flags
func mwgo_imap_flags(h C.int, uid C.longlong) *C.mw_cchar {
	return imapString(h, func(_ *imap.Session, c *imap.Client) (string, error) {
		u, err := imapUID(uid)
		if err != nil {
			return "", err
		}
		flags, err := c.Flags(u)
		return strings.Join(flags, " "), err
	})
}

//export mwgo_imap_store
func mwgo_imap_store(h C.int, uid C.longlong, flags *C.mw_cchar, mode C.int) C.int {
	return withIMAPSession(h, func(c *imap.Client) error {
		u, err := imapUID(uid)
		if err != nil {
			return err
		}
		fl, err := arg((*C.char)(flags), "flags")
		if err == nil {
			err = wire.CheckLine("flags", fl)
		}
		if err != nil {
			return err
		}
		if mode < -1 || mode > 1 {
			return errs.New(errs.Arg, "imap: mode must be +1 (add), -1 (remove) or 0 (replace)")
		}
		return c.Store(u, strings.Fields(fl), int(mode))
	})
}

// transfer runs a copy or move of uid to folder.
func transfer(h C.int, uid C.longlong, folder *C.mw_cchar, fn func(c *imap.Client, uid uint32, folder string) (uint32, error)) C.int {
	return withIMAPSession(h, func(c *imap.Client) error {
		u, err := imapUID(uid)
		if err != nil {
			return err
		}
		f, err := folderArg(folder, "folder")
		if err != nil {
			return err
		}
		_, err = fn(c, u, f)
		return err
	})
}

//export mwgo_imap_copy
func mwgo_imap_copy(h C.int, uid C.longlong, folder *C.mw_cchar) C.int {
	return transfer(h, uid, folder, (*imap.Client).Copy)
}

//export mwgo_imap_move
func mwgo_imap_move(h C.int, uid C.longlong, folder *C.mw_cchar) C.int {
	return transfer(h, uid, folder, (*imap.Client).Move)
}

//export mwgo_imap_expunge
func mwgo_imap_expunge(h C.int) C.int {
	return withIMAPSession(h, func(c *imap.Client) error { return c.Expunge() })
}

//export mwgo_imap_append
func mwgo_imap_append(h C.int, folder *C.mw_cchar, msg C.int, flags *C.mw_cchar) C.longlong {
	var uid uint32
	rc := withIMAPSession(h, func(c *imap.Client) error {
		f, err := folderArg(folder, "folder")
		if err != nil {
			return err
		}
		fl, _ := cstr((*C.char)(flags))
		if err := wire.CheckLine("flags", fl); err != nil {
			return err
		}
		mo, x, err := acquire[*message](msg, kindMessage)
		if err != nil {
			return err
		}
		defer mo.release()
		size, err := x.m.Size()
		if err != nil {
			return err
		}
		uid, err = c.Append(f, strings.Fields(fl), size, func(w io.Writer) error {
			_, err := x.m.WriteTo(w)
			return err
		})
		return err
	})
	if rc < 0 {
		return C.longlong(rc)
	}
	return C.longlong(uid)
}

//export mwgo_imap_idle
func mwgo_imap_idle(h C.int, seconds C.int) C.int {
	changed := false
	rc := withIMAP(h, func(p *imap.Session) error {
		if seconds <= 0 {
			return errs.New(errs.Arg, "imap: seconds must be positive")
		}
		if !p.Connected() {
			return errs.New(errs.State, "imap: not connected (call mw_imap_connect first)")
		}
		return p.RunCancel(p.Conn().StopIdle, func(c *imap.Client) (err error) {
			changed, err = c.Idle(time.Duration(seconds) * time.Second)
			return err
		})
	})
	if rc < 0 {
		return rc
	}
	if changed {
		return 1
	}
	return 0
}

//export mwgo_imap_disconnect
func mwgo_imap_disconnect(h C.int) C.int {
	return withIMAP(h, func(p *imap.Session) error {
		p.Folders, p.UIDs = nil, nil
		return p.Quit()
	})
}
