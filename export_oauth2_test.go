package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"mailwire/core/errs"
	"mailwire/core/oauth2/oauth2test"
)

func oauthHandleFor(t *testing.T, opts ...string) (_Ctype_int, *oauth2test.Server) {
	t.Helper()
	ts, err := oauth2test.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, ts.CAPEM, 0o600)
	h := mwgo_oauth2_new()
	if h <= 0 {
		t.Fatalf("mw_oauth2_new = %d", h)
	}
	t.Cleanup(func() { mwgo_close(h) })
	all := append([]string{"token_url", ts.URL + "/token", "device_url", ts.URL + "/device", "ca_file", ca}, opts...)
	for i := 0; i+1 < len(all); i += 2 {
		if rc := mwgo_oauth2_set(h, goString(all[i]), goString(all[i+1])); rc != 0 {
			t.Fatalf("set %s = %d: %s", all[i], rc, fromC(mwgo_errmsg(h)))
		}
	}
	return h, ts
}

// The token, the fields, and an error with the server's words in
// mw_errmsg and mw_errcode, without the secrets.
func TestOAuth2Exports(t *testing.T) {
	h, ts := oauthHandleFor(t, "client_id", "app", "client_secret", "app-secret", "refresh_token", "rt-rotx")
	if tok := fromC(mwgo_oauth2_token(h)); tok != "at-rotx-1" {
		t.Fatalf("token %q: %s", tok, fromC(mwgo_errmsg(h)))
	}
	if p1, p2 := mwgo_oauth2_token(h), mwgo_oauth2_token(h); p1 != p2 {
		t.Fatal("the same token came back as two strings")
	}
	if rt := fromC(mwgo_oauth2_get(h, goString("refresh_token"))); rt != "rt-rotx~1" {
		t.Fatalf("refresh_token %q", rt)
	}
	if exp, _ := strconv.ParseInt(fromC(mwgo_oauth2_get(h, goString("expires_at"))), 10, 64); exp == 0 {
		t.Fatal("no expires_at")
	}
	if p := mwgo_oauth2_get(h, goString("user_code")); p != nil || mwgo_errcode(h) != 0 {
		t.Fatal("an empty field is not NULL with code 0")
	}
	if p := mwgo_oauth2_get(h, goString("colour")); p != nil || mwgo_errcode(h) != _Ctype_int(errs.Arg) {
		t.Fatal("an unknown field is not MW_E_ARG")
	}
	mwgo_oauth2_set(h, goString("refresh_token"), goString("rt-bad"))
	if p := mwgo_oauth2_token(h); p != nil {
		t.Fatal("a token with a bad refresh token")
	}
	msg := fromC(mwgo_errmsg(h))
	if mwgo_errcode(h) != _Ctype_int(errs.Auth) || !strings.Contains(msg, "invalid_grant: AADSTS70000") ||
		strings.Contains(msg, "rt-bad") || strings.Contains(msg, "app-secret") {
		t.Fatalf("code %d, message %q", mwgo_errcode(h), msg)
	}
	if e := fromC(mwgo_oauth2_get(h, goString("error"))); e != "invalid_grant" {
		t.Fatalf("error %q", e)
	}
	if rc := mwgo_oauth2_set(h, goString("grant"), goString("password")); rc != _Ctype_int(errs.Option) {
		t.Fatalf("bad grant = %d", rc)
	}
	if ts.Count("refresh_token") != 1 {
		t.Fatalf("%d refreshes", ts.Count("refresh_token"))
	}
}

// An OAuth2 handle keeps each thread's last error: a failure on one thread
// does not show on another, and many threads call it at once without
// MW_E_BUSY.
func TestOAuth2PerThreadErrors(t *testing.T) {
	h, ts := oauthHandleFor(t, "client_id", "pub", "refresh_token", "rt-threads")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if i%2 == 0 {
				if mwgo_oauth2_get(h, goString("nonsense")) != nil || mwgo_errcode(h) != _Ctype_int(errs.Arg) ||
					!strings.Contains(fromC(mwgo_errmsg(h)), "unknown field") {
					t.Errorf("thread %d: code %d", i, mwgo_errcode(h))
				}
				return
			}
			if tok := fromC(mwgo_oauth2_token(h)); tok != "at-threads-1" || mwgo_errcode(h) != 0 || fromC(mwgo_errmsg(h)) != "" {
				t.Errorf("thread %d: token %q, code %d, %q", i, tok, mwgo_errcode(h), fromC(mwgo_errmsg(h)))
			}
		}()
	}
	wg.Wait()
	if n := ts.Count("refresh_token"); n != 1 {
		t.Fatalf("%d refreshes", n)
	}
}

// The use functions take only an open OAuth2 handle (0 removes it), and
// not while connected; a closed OAuth2 handle leaves the source to those
// that took it.
func TestUseOAuth2(t *testing.T) {
	h, _ := oauthHandleFor(t, "client_id", "pub", "refresh_token", "rt-use")
	s, p, pool, m := mwgo_smtp_new(), mwgo_pop3_new(), mwgo_pool_new(), mwgo_message_new()
	im := mwgo_imap_new()
	defer mwgo_close(im)
	defer mwgo_close(s)
	defer mwgo_close(p)
	defer mwgo_close(pool)
	defer mwgo_close(m)
	if rc := mwgo_smtp_use_oauth2(s, m); rc != _Ctype_int(errs.Handle) || !strings.Contains(fromC(mwgo_errmsg(s)), "not a OAuth2 handle") {
		t.Fatalf("message as oauth = %d: %s", rc, fromC(mwgo_errmsg(s)))
	}
	if rc := mwgo_pop3_use_oauth2(p, 12345678); rc != _Ctype_int(errs.Handle) {
		t.Fatalf("no handle as oauth = %d", rc)
	}
	if rc := mwgo_pool_use_oauth2(pool, -1); rc != _Ctype_int(errs.Handle) {
		t.Fatalf("-1 as oauth = %d", rc)
	}
	if rc := mwgo_smtp_use_oauth2(s, h); rc != 0 {
		t.Fatal(rc)
	}
	if rc := mwgo_pop3_use_oauth2(p, h); rc != 0 {
		t.Fatal(rc)
	}
	if rc := mwgo_pool_use_oauth2(pool, h); rc != 0 {
		t.Fatal(rc)
	}
	if rc := mwgo_imap_use_oauth2(im, h); rc != 0 {
		t.Fatal(rc)
	}
	if rc := mwgo_imap_use_oauth2(im, m); rc != _Ctype_int(errs.Handle) {
		t.Fatalf("message as oauth for imap = %d", rc)
	}
	if rc := mwgo_imap_use_oauth2(p, h); rc != _Ctype_int(errs.Handle) {
		t.Fatalf("pop3 as imap = %d", rc)
	}
	if rc := mwgo_smtp_use_oauth2(s, 0); rc != 0 {
		t.Fatal("0 did not remove the source")
	}
	if rc := mwgo_smtp_use_oauth2(h, h); rc != _Ctype_int(errs.Handle) {
		t.Fatalf("oauth as smtp = %d", rc)
	}
	if rc := mwgo_cancel(h); rc != 0 {
		t.Fatalf("cancel = %d", rc)
	}
}

// OAuth2 handles come and go like the others: the registry is empty after
// create, use and close cycles, and a closed one is an error ever after.
func TestOAuth2RegistryCycles(t *testing.T) {
	base := handleCount()
	for i := 0; i < 200; i++ {
		h, s := mwgo_oauth2_new(), mwgo_smtp_new()
		mwgo_oauth2_set(h, goString("client_id"), goString("x"))
		mwgo_oauth2_get(h, goString("grant"))
		mwgo_smtp_use_oauth2(s, h)
		for _, x := range []_Ctype_int{h, s} {
			if rc := mwgo_close(x); rc != 0 {
				t.Fatalf("close = %d", rc)
			}
		}
		if rc := mwgo_oauth2_set(h, goString("client_id"), goString("x")); rc != _Ctype_int(errs.Handle) {
			t.Fatalf("set after close = %d", rc)
		}
		if p := mwgo_oauth2_token(h); p != nil {
			t.Fatal("a token from a closed handle")
		}
	}
	if n := handleCount(); n != base {
		t.Fatalf("%d handles left open, want %d", n, base)
	}
}
