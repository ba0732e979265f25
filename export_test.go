package main

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"mailwire/core/errs"
)

// The registry returns to empty after create, use and close cycles of every
// kind of handle, and a closed handle is an error ever after.
func TestRegistryEmptyAfterCycles(t *testing.T) {
	base := handleCount()
	dir := t.TempDir()
	file := filepath.Join(dir, "a.txt")
	os.WriteFile(file, []byte("hello\n"), 0o600)
	for i := 0; i < 200; i++ {
		m := mwgo_message_new()
		if m <= 0 {
			t.Fatalf("mw_message_new = %d", m)
		}
		mwgo_message_set(m, goString("From"), goString("a@example.test"))
		mwgo_message_add_to(m, goString("b@example.test"))
		mwgo_message_set(m, goString("Subject"), goString("x"))
		if rc := mwgo_message_attach_file(m, goString(file), nil, nil); rc != 0 {
			t.Fatalf("attach: %d", rc)
		}
		var out *_Ctype_char
		var n _Ctype_size_t
		if rc := mwgo_message_mime(m, &out, &n); rc != 0 || n == 0 {
			t.Fatalf("mime: %d", rc)
		}
		mwgo_free(unsafePointer(out))
		s, p, srv, pool := mwgo_smtp_new(), mwgo_pop3_new(), mwgo_server_new(), mwgo_pool_new()
		mwgo_smtp_set(s, goString("host"), goString("127.0.0.1"))
		mwgo_pop3_set(p, goString("host"), goString("127.0.0.1"))
		mwgo_pool_set(pool, goString("max_connections"), goString("2"))
		for _, h := range []_Ctype_int{m, s, p, srv, pool} {
			if rc := mwgo_close(h); rc != 0 {
				t.Fatalf("close(%d) = %d", h, rc)
			}
			if rc := mwgo_close(h); rc != _Ctype_int(errs.Handle) {
				t.Fatalf("second close(%d) = %d, want MW_E_HANDLE", h, rc)
			}
			if rc := mwgo_message_set(h, goString("Subject"), goString("x")); rc != _Ctype_int(errs.Handle) {
				t.Fatalf("use after close = %d", rc)
			}
		}
	}
	if n := handleCount(); n != base {
		t.Fatalf("%d handles left open, want %d", n, base)
	}
}

// A handle of one kind is refused by the functions of another.
func TestWrongKind(t *testing.T) {
	m, s := mwgo_message_new(), mwgo_smtp_new()
	defer mwgo_close(m)
	defer mwgo_close(s)
	if rc := mwgo_smtp_connect(m); rc != _Ctype_int(errs.Handle) {
		t.Fatalf("mw_smtp_connect(message) = %d", rc)
	}
	if rc := mwgo_message_set(s, goString("Subject"), goString("x")); rc != _Ctype_int(errs.Handle) {
		t.Fatalf("mw_message_set(smtp) = %d", rc)
	}
	if rc := mwgo_smtp_send(s, s); rc != _Ctype_int(errs.State) {
		t.Fatalf("mw_smtp_send unconnected = %d", rc)
	}
}

// A handle used by another thread gives MW_E_BUSY instead of waiting or
// racing.
func TestBusy(t *testing.T) {
	m := mwgo_message_new()
	defer mwgo_close(m)
	o := find(m)
	o.busy.Lock()
	if rc := mwgo_message_set(m, goString("Subject"), goString("x")); rc != _Ctype_int(errs.Busy) {
		t.Fatalf("busy set = %d", rc)
	}
	if rc := mwgo_close(m); rc != _Ctype_int(errs.Busy) {
		t.Fatalf("busy close = %d", rc)
	}
	o.busy.Unlock()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 500; j++ {
				rc := mwgo_message_set(m, goString("Subject"), goString("x"))
				if rc != 0 && rc != _Ctype_int(errs.Busy) {
					t.Errorf("concurrent set = %d", rc)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// A panic inside an export is turned into MW_E_INTERNAL with a message on
// the handle; the process lives.
func TestPanicRecovered(t *testing.T) {
	m := mwgo_message_new()
	defer mwgo_close(m)
	rc := withMessage(m, func(x *message) error { panic("boom") })
	if rc != _Ctype_int(errs.Internal) {
		t.Fatalf("rc = %d", rc)
	}
	if msg := find(m).errmsg; msg == "" {
		t.Fatal("no message after a panic")
	}
	// NULL everywhere.
	if rc := mwgo_message_set(m, nil, nil); rc != _Ctype_int(errs.Arg) {
		t.Fatalf("NULL name = %d", rc)
	}
	if p := mwgo_message_get(m, nil); p != nil {
		t.Fatal("NULL get returned a string")
	}
	if rc := mwgo_message_mime(m, nil, nil); rc != _Ctype_int(errs.Arg) {
		t.Fatalf("NULL out = %d", rc)
	}
	if rc := mwgo_send(nil, m); rc != _Ctype_int(errs.Arg) {
		t.Fatalf("NULL url = %d", rc)
	}
}

// fakeSession is the value of a handle of a protocol that the session
// exports do not know by name.
type fakeSession struct {
	cancelled   int
	log         func(string)
	hasProgress bool
}

func (f *fakeSession) Cancel()                                { f.cancelled++ }
func (f *fakeSession) SetLog(fn func(string)) error           { f.log = fn; return nil }
func (f *fakeSession) SetProgress(fn func(done, total int64)) { f.hasProgress = fn != nil }

// The session-wide exports reach any handle whose value implements
// sessionHandle, and refuse the others.
func TestSessionExportsTakeAnyProtocol(t *testing.T) {
	f := &fakeSession{}
	h := register(kind(99), f)
	defer mwgo_close(h)
	if rc := mwgo_cancel(h); rc != 0 || f.cancelled != 1 {
		t.Errorf("mw_cancel = %d, cancelled %d", rc, f.cancelled)
	}
	if rc := mwgo_set_log(h, nil, nil); rc != 0 {
		t.Errorf("mw_set_log = %d", rc)
	}
	if rc := mwgo_set_progress(h, nil, nil); rc != 0 {
		t.Errorf("mw_set_progress = %d", rc)
	}
	m := mwgo_message_new()
	defer mwgo_close(m)
	for name, rc := range map[string]_Ctype_int{"mw_cancel": mwgo_cancel(m), "mw_set_log": mwgo_set_log(m, nil, nil), "mw_set_progress": mwgo_set_progress(m, nil, nil)} {
		if rc != _Ctype_int(errs.Handle) {
			t.Errorf("%s on a message handle = %d, want MW_E_HANDLE", name, rc)
		}
	}
}
