package sasl

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"mailwire/core/errs"
)

var users = map[string]string{"tim": "tanstaaftanstaaf", "user": "pencil", "a=b,c": "pässword"}

func lookup(u string) (string, bool) { p, ok := users[u]; return p, ok }

// exchange runs c against s the way a protocol layer would and returns the
// server's verdict and the client's first error.
func exchange(t *testing.T, c Client, s Server) (serverErr, clientErr error) {
	t.Helper()
	_, resp, err := c.Start()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	for i := 0; i < 10; i++ {
		ch, done, err := s.Next(resp)
		if done {
			return err, nil
		}
		if resp, err = c.Next(ch); err != nil {
			return nil, err
		}
	}
	t.Fatal("exchange does not end")
	return nil, nil
}

func clientFor(mech, user, pass string) Client {
	switch mech {
	case Plain:
		return NewPlain("", user, pass)
	case Login:
		return NewLogin(user, pass)
	case CramMD5:
		return NewCramMD5(user, pass)
	}
	return NewScramSHA256(user, pass)
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name, user, pass string
		kind             errs.Kind
	}{
		{"good", "tim", "tanstaaftanstaaf", 0},
		{"escaped name and UTF-8", "a=b,c", "pässword", 0},
		{"wrong password", "tim", "tanstaaf", errs.Auth},
		{"unknown user", "bob", "tanstaaftanstaaf", errs.Auth},
		{"password of another user", "tim", "pencil", errs.Auth},
	}
	for _, mech := range ServerMechanisms() {
		for _, tt := range tests {
			t.Run(mech+" "+tt.name, func(t *testing.T) {
				s, err := NewServer(mech, "mx.example.com", lookup)
				if err != nil {
					t.Fatal(err)
				}
				serr, cerr := exchange(t, clientFor(mech, tt.user, tt.pass), s)
				if cerr != nil || errs.KindOf(serr) != tt.kind {
					t.Fatalf("server %v (kind %d), client %v; want kind %d", serr, errs.KindOf(serr), cerr, tt.kind)
				}
				wantUser := tt.user
				if tt.kind != 0 {
					wantUser = ""
				}
				if s.Username() != wantUser {
					t.Errorf("Username = %q, want %q", s.Username(), wantUser)
				}
				if _, done, err := s.Next(nil); !done || errs.KindOf(err) != errs.State {
					t.Errorf("Next after end = %v, %v", done, err)
				}
			})
		}
	}
}

// srvStep is one client response (nil when absent) and the server's expected
// challenge, or the kind of error that ends the exchange.
type srvStep struct {
	resp      []byte
	challenge string
	done      bool
	kind      errs.Kind
}

func runServer(t *testing.T, s Server, steps []srvStep) {
	t.Helper()
	for i, st := range steps {
		ch, done, err := s.Next(st.resp)
		if done != st.done || errs.KindOf(err) != st.kind {
			t.Fatalf("step %d: done=%v err=%v (kind %d); want done=%v kind %d", i, done, err, errs.KindOf(err), st.done, st.kind)
		}
		if !done && string(ch) != st.challenge {
			t.Fatalf("step %d: challenge %q, want %q", i, ch, st.challenge)
		}
	}
}

func b(s string) []byte { return []byte(s) }

func TestServerTranscripts(t *testing.T) {
	tests := []struct {
		name, mech string
		steps      []srvStep
	}{
		{"plain no ir", "plain", []srvStep{{resp: nil, challenge: ""}, {resp: b("\x00tim\x00tanstaaftanstaaf"), done: true}}},
		{"plain authzid self", "PLAIN", []srvStep{{resp: b("tim\x00tim\x00tanstaaftanstaaf"), done: true}}},
		{"plain authzid other", "PLAIN", []srvStep{{resp: b("user\x00tim\x00tanstaaftanstaaf"), done: true, kind: errs.Auth}}},
		{"plain two fields", "PLAIN", []srvStep{{resp: b("tim\x00tanstaaftanstaaf"), done: true, kind: errs.Protocol}}},
		{"plain four fields", "PLAIN", []srvStep{{resp: b("\x00tim\x00tanstaaftanstaaf\x00"), done: true, kind: errs.Protocol}}},
		{"plain empty user", "PLAIN", []srvStep{{resp: b("\x00\x00x"), done: true, kind: errs.Protocol}}},
		{"plain empty ir", "PLAIN", []srvStep{{resp: b(""), done: true, kind: errs.Protocol}}},
		{"login", "login", []srvStep{
			{resp: nil, challenge: "Username:"}, {resp: b("tim"), challenge: "Password:"},
			{resp: b("tanstaaftanstaaf"), done: true}}},
		{"login with ir", "LOGIN", []srvStep{{resp: b("tim"), challenge: "Password:"}, {resp: b("tanstaaftanstaaf"), done: true}}},
		{"login empty user", "LOGIN", []srvStep{{resp: b(""), challenge: "Password:"}, {resp: b(""), done: true, kind: errs.Auth}}},
		{"cram ir refused", "CRAM-MD5", []srvStep{{resp: b("tim"), done: true, kind: errs.Protocol}}},
		{"cram empty ir refused", "CRAM-MD5", []srvStep{{resp: b(""), done: true, kind: errs.Protocol}}},
		{"scram p= refused", "SCRAM-SHA-256", []srvStep{{resp: b("p=tls-unique,,n=user,r=abc"), done: true, kind: errs.Protocol}}},
		{"scram mandatory ext", "SCRAM-SHA-256", []srvStep{{resp: b("n,,m=x,n=user,r=abc"), done: true, kind: errs.Protocol}}},
		{"scram bad escape", "SCRAM-SHA-256", []srvStep{{resp: b("n,,n=us=er,r=abc"), done: true, kind: errs.Protocol}}},
		{"scram no nonce", "SCRAM-SHA-256", []srvStep{{resp: b("n,,n=user"), done: true, kind: errs.Protocol}}},
		{"scram authzid other", "SCRAM-SHA-256", []srvStep{{resp: b("n,a=tim,n=user,r=abc"), done: true, kind: errs.Auth}}},
		{"scram bad gs2", "SCRAM-SHA-256", []srvStep{{resp: b("n,x,n=user,r=abc"), done: true, kind: errs.Protocol}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewServer(tt.mech, "", lookup)
			if err != nil {
				t.Fatal(err)
			}
			runServer(t, s, tt.steps)
		})
	}
}

func TestCramChallengeForm(t *testing.T) {
	s, _ := NewServer("CRAM-MD5", "mx.example.com", lookup)
	ch, done, err := s.Next(nil)
	if done || err != nil || !regexp.MustCompile(`^<[0-9]+\.[0-9]+@mx\.example\.com>$`).Match(ch) {
		t.Fatalf("challenge %q, %v, %v", ch, done, err)
	}
	resp := []byte("tim " + strings.ToUpper(cramDigest("tanstaaftanstaaf", ch)))
	if _, done, err := s.Next(resp); err != nil || !done || s.Username() != "tim" {
		t.Fatalf("upper-case digest: %v, %v, %q", done, err, s.Username())
	}
}

// fixedScramServer is a SCRAM server with the nonce and salt of RFC 7677.
func fixedScramServer() *scramServer {
	s := newScramServer(lookup)
	s.nonce = func() (string, error) { return "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", nil }
	s.salt = func() ([]byte, error) { return base64.StdEncoding.DecodeString("W22ZaJ0SNY7soEsUEjb6gQ==") }
	return s
}

func TestScramServer(t *testing.T) {
	v := rfc7677
	final := b(v.clientFinal)
	tests := []struct {
		name  string
		steps []srvStep
	}{
		{"RFC 7677", []srvStep{
			{resp: b(v.clientFirst), challenge: v.serverFirst},
			{resp: b(v.clientFinal), challenge: v.serverFinal},
			{resp: b(""), done: true},
		}},
		{"no initial response", []srvStep{
			{resp: nil, challenge: ""},
			{resp: b(v.clientFirst), challenge: v.serverFirst},
			{resp: b(v.clientFinal), challenge: v.serverFinal},
			{resp: nil, done: true},
		}},
		{"y flag is bound into c=", []srvStep{
			{resp: b("y,,n=user,r=rOprNGfwEbeRWgbNEkqO"), challenge: v.serverFirst},
			{resp: b(v.clientFinal), done: true, kind: errs.Protocol},
		}},
		{"wrong proof", []srvStep{
			{resp: b(v.clientFirst), challenge: v.serverFirst},
			{resp: bytes.Replace(final, b("p=dHzb"), b("p=eHzb"), 1), done: true, kind: errs.Auth},
		}},
		{"short proof", []srvStep{
			{resp: b(v.clientFirst), challenge: v.serverFirst},
			{resp: b("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA"), done: true, kind: errs.Protocol},
		}},
		{"nonce changed", []srvStep{
			{resp: b(v.clientFirst), challenge: v.serverFirst},
			{resp: b("c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="), done: true, kind: errs.Protocol},
		}},
		{"no proof", []srvStep{
			{resp: b(v.clientFirst), challenge: v.serverFirst},
			{resp: b("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"), done: true, kind: errs.Protocol},
		}},
		{"final response not empty", []srvStep{
			{resp: b(v.clientFirst), challenge: v.serverFirst},
			{resp: b(v.clientFinal), challenge: v.serverFinal},
			{resp: b("x"), done: true, kind: errs.Protocol},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runServer(t, fixedScramServer(), tt.steps) })
	}
}

func TestNewServerErrors(t *testing.T) {
	tests := []struct {
		mech, host string
		lookup     Lookup
		kind       errs.Kind
	}{
		{"GSSAPI", "h", lookup, errs.Unsupported},
		{"XOAUTH2", "h", lookup, errs.Unsupported},
		{"PLAIN", "h", nil, errs.Arg},
		{"CRAM-MD5", "h\r\nx", lookup, errs.Arg},
		{"CRAM-MD5", "h>x", lookup, errs.Arg},
	}
	for _, tt := range tests {
		if s, err := NewServer(tt.mech, tt.host, tt.lookup); s != nil || errs.KindOf(err) != tt.kind {
			t.Errorf("NewServer(%q, %q) = %v, %v; want kind %d", tt.mech, tt.host, s, err, tt.kind)
		}
	}
}
