package smtp

import (
	"context"
	"encoding/base64"
	"strings"
	"sync"
	"testing"

	"mailwire/core/errs"
	"mailwire/core/internal/tokenmail"
	"mailwire/core/oauth2"
	"mailwire/core/oauth2/oauth2test"
	mailserver "mailwire/core/server"
)

// scriptedTokens hands out tok-1, then tok-2 once tok-1 is refused.
type scriptedTokens struct{ cur string }

func (s *scriptedTokens) Token(context.Context) (string, error) { return s.cur, nil }
func (s *scriptedTokens) Refresh(_ context.Context, refused string) (string, error) {
	if refused == s.cur {
		s.cur = "tok-2"
	}
	return s.cur, nil
}

func xoauth2IR(tok string) string {
	return base64.StdEncoding.EncodeToString([]byte("user=alice@mx.test\x01auth=Bearer " + tok + "\x01\x01"))
}

// After a 535 the client takes a new token and sends AUTH again on the same
// connection; when the server closed it, on a new connection.
func TestTokenRetry(t *testing.T) {
	mod := func(o *Options) {
		o.Username, o.Tokens, o.AllowPlaintextAuth = "alice@mx.test", &scriptedTokens{cur: "tok-1"}, true
	}
	c, s, err := dialScript(t, `
		S: 220 mx
		C: EHLO client.example
		S: 250-mx
		S: 250 AUTH XOAUTH2
		C: AUTH XOAUTH2 `+xoauth2IR("tok-1")+`
		S: 334 eyJzdGF0dXMiOiI0MDEifQ==
		C:
		S: 535 5.7.8 Username and Password not accepted
		C: AUTH XOAUTH2 `+xoauth2IR("tok-2")+`
		S: 235 2.7.0 Accepted`, mod)
	if err != nil {
		t.Fatal(err)
	}
	closeAndCheck(t, c, s)

	srv := newServers(t, nil, false, `
		S: 220 mx
		C: EHLO client.example
		S: 250-mx
		S: 250 AUTH XOAUTH2
		C: AUTH XOAUTH2 `+xoauth2IR("tok-1")+`
		S: 535 5.7.8 Username and Password not accepted
		!close`, `
		S: 220 mx
		C: EHLO client.example
		S: 250-mx
		S: 250 AUTH XOAUTH2
		C: AUTH XOAUTH2 `+xoauth2IR("tok-2")+`
		S: 235 2.7.0 Accepted`)
	o := testOptions(srv.Port())
	mod(&o)
	c, err = Dial(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	closeAndCheck(t, c, srv)
}

// oauthSetup starts the token server and an embedded mail server that
// accepts the tokens given, and returns SMTP options with a token source.
func oauthSetup(t *testing.T, refresh, valid string) (Options, *oauth2.Source, *oauth2test.Server, *mailserver.Server) {
	t.Helper()
	f := tokenmail.Start(t, valid)
	src := f.Source(t, refresh)
	return Options{ClientOptions: f.Options("smtps", "alice@mx.test", src)}, src, f.Tokens, f.Mail
}

func testMessage() (Envelope, *strings.Reader) {
	body := "From: alice@mx.test\r\nTo: bob@mx.test\r\nSubject: token\r\n\r\nsent with a token\r\n"
	return Envelope{From: "alice@mx.test", To: []string{"bob@mx.test"}}, strings.NewReader(body)
}

// End to end: the embedded server refuses the first token the source
// gets, accepts the refreshed one, and the message goes out; when it
// refuses both, the connect fails with errs.Auth after one refresh.
func TestTokenEndToEnd(t *testing.T) {
	o, _, ts, ms := oauthSetup(t, "rt-alice", "alice@mx.test:at-alice-2")
	c, err := Dial(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	env, body := testMessage()
	if _, err := c.Send(env, body); err != nil {
		t.Fatal(err)
	}
	c.Quit()
	if n := ms.MessageCount("bob"); n != 1 {
		t.Fatalf("%d messages", n)
	}
	if n := ts.Count("refresh_token"); n != 2 {
		t.Fatalf("%d refreshes, want 2 (the first token, then the one after the refusal)", n)
	}
	o, _, ts, _ = oauthSetup(t, "rt-alice", "alice@mx.test:at-alice-9")
	_, err = Dial(context.Background(), o)
	if errs.KindOf(err) != errs.Auth || !strings.Contains(err.Error(), "535") {
		t.Fatalf("err %v", err)
	}
	if n := ts.Count("refresh_token"); n != 2 {
		t.Fatalf("%d refreshes, want 2", n)
	}
	o, _, _, _ = oauthSetup(t, "rt-bad", "alice@mx.test:at-alice-1")
	_, err = Dial(context.Background(), o)
	if errs.KindOf(err) != errs.Auth || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("err %v", err)
	}
}

// Eight goroutines send through one pool whose connections share one token
// source: one refresh gets the token for all. When the token they all
// start with is refused, one more refresh replaces it for all.
func TestPoolSharesOneRefresh(t *testing.T) {
	for _, seeded := range []bool{false, true} {
		o, src, ts, ms := oauthSetup(t, "rt-pool", "alice@mx.test:at-pool-1")
		if seeded {
			src.Set("access_token", "at-stale") // as if persisted from an earlier run
		}
		p := NewPool(o, 4, 0)
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				env, body := testMessage()
				if _, err := p.Send(context.Background(), env, body); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		p.Close()
		if n := ts.Count("refresh_token"); n != 1 {
			t.Fatalf("seeded %v: %d refreshes, want 1", seeded, n)
		}
		if n := ms.MessageCount("bob"); n != 8 {
			t.Fatalf("%d messages", n)
		}
	}
}
