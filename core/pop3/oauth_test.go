package pop3

import (
	"context"
	"mailwire/core/session"
	"mailwire/core/wire"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailwire/core/errs"
	"mailwire/core/oauth2"
	"mailwire/core/oauth2/oauth2test"
	mailserver "mailwire/core/server"
)

// End to end over POP3S: the embedded server refuses the first token the
// source gets and accepts the refreshed one; when it refuses both, the
// login fails with errs.Auth after one refresh.
func TestTokenEndToEnd(t *testing.T) {
	ts, err := oauth2test.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	dir := t.TempDir()
	ca := filepath.Join(dir, "oauth-ca.pem")
	os.WriteFile(ca, ts.CAPEM, 0o600)
	cfg := mailserver.DefaultConfig()
	cfg.Set("oauth_tokens", "carol@mx.test:at-carol-2")
	ms := mailserver.New(cfg)
	if err := ms.Start(); err != nil {
		t.Fatal(err)
	}
	defer ms.Stop()
	mailCA := filepath.Join(dir, "mail-ca.pem")
	os.WriteFile(mailCA, ms.CACertPEM(), 0o600)
	login := func(refresh string) (*Client, *oauth2.Source, error) {
		src := oauth2.New()
		for _, kv := range [][2]string{{"token_url", ts.URL + "/token"}, {"ca_file", ca}, {"client_id", "pub"}, {"refresh_token", refresh}} {
			src.Set(kv[0], kv[1])
		}
		o := Options{session.ClientOptions{Host: "localhost", Port: ms.Port("pop3s"), Security: wire.TLS, SecuritySet: true,
			Username: "carol@mx.test", Tokens: src, Timeout: 10 * time.Second}}
		o.TLS.CAFile = mailCA
		c, err := Dial(context.Background(), o)
		return c, src, err
	}
	c, _, err := login("rt-carol")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.Count(); err != nil || n != 0 {
		t.Fatalf("Count = %d, %v", n, err)
	}
	c.Quit()
	if n := ts.Count("refresh_token"); n != 2 {
		t.Fatalf("%d refreshes, want 2", n)
	}
	_, src, err := login("rt-carol")
	if errs.KindOf(err) != errs.Auth || !strings.Contains(err.Error(), "[AUTH]") {
		t.Fatalf("err %v", err)
	}
	if tok, _ := src.Get("access_token"); tok != "at-carol-4" {
		t.Fatalf("access token %q: want the one refresh after the refusal", tok)
	}
}
