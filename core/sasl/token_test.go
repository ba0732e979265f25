package sasl

import (
	"context"
	"strings"
	"testing"

	"mailwire/core/errs"
)

// fakeTokens hands out tokens[i], moving on when the current one is
// refused; fail makes Refresh fail.
type fakeTokens struct {
	tokens    []string
	i         int
	fetched   int
	refreshes int
	fail      error
}

func (f *fakeTokens) Token(context.Context) (string, error) { f.fetched++; return f.tokens[f.i], nil }

func (f *fakeTokens) Refresh(_ context.Context, refused string) (string, error) {
	f.refreshes++
	if f.fail != nil {
		return "", f.fail
	}
	if refused == f.tokens[f.i] && f.i+1 < len(f.tokens) {
		f.i++
	}
	return f.tokens[f.i], nil
}

func bearerIR(user, tok string) string {
	return b64("n,a=" + user + ",\x01host=mx.test\x01port=587\x01auth=Bearer " + tok + "\x01\x01")
}

// A refused token is refreshed once and the exchange runs again on the
// same connection; a second refusal stands.
func TestSessionRefreshesOnce(t *testing.T) {
	opts := Options{Offered: []string{"PLAIN", "OAUTHBEARER"}, Username: "alice@mx.test", Host: "mx.test", Port: 587, Secure: true}
	cases := []struct {
		name      string
		script    string
		kind      errs.Kind
		refreshes int
	}{
		{"accepted", `
C: AUTH OAUTHBEARER ` + bearerIR("alice@mx.test", "at-1") + `
S: ok`, 0, 0},
		{"refused then accepted", `
C: AUTH OAUTHBEARER ` + bearerIR("alice@mx.test", "at-1") + `
S: +` + b64(`{"status":"invalid_token"}`) + `
C: AQ==
S: no
C: AUTH OAUTHBEARER ` + bearerIR("alice@mx.test", "at-2") + `
S: ok`, 0, 1},
		{"refused twice", `
C: AUTH OAUTHBEARER ` + bearerIR("alice@mx.test", "at-1") + `
S: no
C: AUTH OAUTHBEARER ` + bearerIR("alice@mx.test", "at-2") + `
S: no`, errs.Auth, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := &scriptWire{t: t, d: smtpDialect, script: strings.Split(strings.TrimSpace(c.script), "\n")}
			src := &fakeTokens{tokens: []string{"at-1", "at-2", "at-3"}}
			s := &Session{Options: opts, Tokens: src}
			err := s.Run(context.Background(), w)
			if errs.KindOf(err) != c.kind || src.refreshes != c.refreshes || len(w.script) != 0 {
				t.Fatalf("err %v, %d refreshes, script left %q", err, src.refreshes, w.script)
			}
			for _, l := range w.log {
				if strings.Contains(l, "at-") {
					t.Fatalf("the log shows a token: %q", l)
				}
			}
		})
	}
}

// When no new token can be had, the error tells both and takes the kind
// of the token source's failure.
func TestSessionRefreshFails(t *testing.T) {
	w := &scriptWire{t: t, d: pop3Dialect, script: []string{"C: AUTH XOAUTH2 " + b64("user=bob\x01auth=Bearer at-1\x01\x01"), "S: no"}}
	src := &fakeTokens{tokens: []string{"at-1"}, fail: errs.New(errs.Temporary, "oauth2: temporarily_unavailable")}
	s := &Session{Options: Options{Offered: []string{"XOAUTH2"}, Username: "bob", Secure: true}, Tokens: src}
	err := s.Run(context.Background(), w)
	if errs.KindOf(err) != errs.Temporary || !strings.Contains(err.Error(), "-ERR [AUTH] no") || !strings.Contains(err.Error(), "temporarily_unavailable") {
		t.Fatalf("err %v (kind %d)", err, errs.KindOf(err))
	}
}

// A server that closes the connection after refusing the token: the
// retry meets the closed connection, Reconnect says to dial again once,
// and the new connection uses the new token without another refresh.
func TestSessionReconnect(t *testing.T) {
	opts := Options{Offered: []string{"XOAUTH2"}, Username: "bob", Secure: true}
	src := &fakeTokens{tokens: []string{"at-1", "at-2"}}
	s := &Session{Options: opts, Tokens: src}
	first := &scriptWire{t: t, d: smtpDialect, script: []string{
		"C: AUTH XOAUTH2 " + b64("user=bob\x01auth=Bearer at-1\x01\x01"), "S: no",
		"C: AUTH XOAUTH2 " + b64("user=bob\x01auth=Bearer at-2\x01\x01"), "S: close"}}
	err := s.Run(context.Background(), first)
	if errs.KindOf(err) != errs.Closed || !s.Reconnect(err) {
		t.Fatalf("err %v: no reconnect", err)
	}
	second := &scriptWire{t: t, d: smtpDialect, script: []string{
		"C: AUTH XOAUTH2 " + b64("user=bob\x01auth=Bearer at-2\x01\x01"), "S: close"}}
	err = s.Run(context.Background(), second)
	if errs.KindOf(err) != errs.Closed || s.Reconnect(err) || src.refreshes != 1 {
		t.Fatalf("err %v, %d refreshes: a second reconnect or refresh", err, src.refreshes)
	}
	lost := &Session{Options: opts, Tokens: &fakeTokens{tokens: []string{"at-1"}}}
	err = lost.Run(context.Background(), &scriptWire{t: t, d: smtpDialect, script: []string{
		"C: AUTH XOAUTH2 " + b64("user=bob\x01auth=Bearer at-1\x01\x01"), "S: close"}})
	if lost.Reconnect(err) {
		t.Fatal("a connection lost before any refusal is reconnected")
	}
}

// No token is fetched for a connection that cannot carry it, and a
// password mechanism chosen instead runs without one.
func TestSessionFetchesOnlyWhenUsed(t *testing.T) {
	src := &fakeTokens{tokens: []string{"at-1"}}
	s := &Session{Options: Options{Offered: []string{"XOAUTH2"}, Username: "bob"}, Tokens: src}
	err := s.Run(context.Background(), &scriptWire{t: t, d: smtpDialect})
	if errs.KindOf(err) != errs.Security || src.fetched != 0 {
		t.Fatalf("err %v, %d fetched", err, src.fetched)
	}
	s = &Session{Options: Options{Offered: []string{"PLAIN"}, Username: "bob", Password: "pw", Secure: true}, Tokens: src}
	err = s.Run(context.Background(), &scriptWire{t: t, d: smtpDialect, script: []string{"C: AUTH PLAIN " + b64("\x00bob\x00pw"), "S: no"}})
	if errs.KindOf(err) != errs.Auth || src.fetched != 0 || src.refreshes != 0 {
		t.Fatalf("err %v: a token was fetched or refreshed for PLAIN: %d %d", err, src.fetched, src.refreshes)
	}
}

// The server side of the token mechanisms against the clients: a valid
// token logs its user in; an unknown one, or one of another user, gets
// the error challenge and then fails; malformed messages are protocol
// errors.
func TestTokenServer(t *testing.T) {
	check := func(tok string) (string, bool) {
		u, ok := map[string]string{"at-2": "alice@mx.test"}[tok]
		return u, ok
	}
	run := func(mech string, c Client) (string, error, []string) {
		sv, err := NewTokenServer(mech, check)
		if err != nil {
			t.Fatal(err)
		}
		_, resp, _ := c.Start()
		var challenges []string
		for {
			ch, done, err := sv.Next(resp)
			if done {
				return sv.Username(), err, challenges
			}
			challenges = append(challenges, string(ch))
			if resp, err = c.Next(ch); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []struct {
		mech   string
		client Client
		user   string
		kind   errs.Kind
	}{
		{"XOAUTH2", NewXOAuth2("alice@mx.test", "at-2"), "alice@mx.test", 0},
		{"XOAUTH2", NewXOAuth2("Alice@MX.test", "at-2"), "alice@mx.test", 0},
		{"XOAUTH2", NewXOAuth2("alice@mx.test", "at-1"), "", errs.Auth},
		{"XOAUTH2", NewXOAuth2("mallory@mx.test", "at-2"), "", errs.Auth},
		{"OAUTHBEARER", NewOAuthBearer("alice@mx.test", "at-2", "mx.test", 465), "alice@mx.test", 0},
		{"OAUTHBEARER", NewOAuthBearer("", "at-2", "", 0), "alice@mx.test", 0},
		{"OAUTHBEARER", NewOAuthBearer("alice@mx.test", "expired", "mx.test", 465), "", errs.Auth},
	}
	for _, c := range cases {
		user, err, ch := run(c.mech, c.client)
		if user != c.user || errs.KindOf(err) != c.kind {
			t.Fatalf("%s: user %q, err %v", c.mech, user, err)
		}
		if c.kind == errs.Auth && (len(ch) != 1 || !strings.Contains(ch[0], `"status":`)) {
			t.Fatalf("%s: challenges %q, want the JSON error", c.mech, ch)
		}
	}
	for _, msg := range []string{"", "user=a\x01auth=Bearer t\x01", "user=a\x01auth=Basic t\x01\x01", "p=x,,\x01auth=Bearer t\x01\x01",
		"n,a=a,\x01auth=Bearer t\x01\x01x", "n,a=a=,\x01auth=Bearer t\x01\x01", "n,,\x01host=x\x01\x01"} {
		for _, mech := range TokenMechanisms() {
			sv, _ := NewTokenServer(mech, check)
			if _, done, err := sv.Next([]byte(msg)); !done || errs.KindOf(err) != errs.Protocol {
				t.Fatalf("%s %q: done %v err %v", mech, msg, done, err)
			}
		}
	}
	sv, _ := NewTokenServer("xoauth2", check)
	if ch, done, _ := sv.Next(nil); done || len(ch) != 0 {
		t.Fatal("no empty challenge for a missing initial response")
	}
	if _, err := NewTokenServer("PLAIN", check); errs.KindOf(err) != errs.Unsupported {
		t.Fatalf("PLAIN: %v", err)
	}
}
