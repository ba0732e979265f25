// Package tokenmail starts what an end-to-end test of an OAuth 2.0 login
// needs: the test token server (oauth2test) and an embedded mail server
// that accepts the tokens given, with the CA file a client trusts for each.
// The SMTP, POP3 and IMAP clients' tests share it.
package tokenmail

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"mailwire/core/oauth2"
	"mailwire/core/oauth2/oauth2test"
	"mailwire/core/sasl"
	mailserver "mailwire/core/server"
	"mailwire/core/session"
	"mailwire/core/wire"
)

// Fixture is a running token server and mail server, stopped when the
// test that started them ends.
type Fixture struct {
	Tokens  *oauth2test.Server
	Mail    *mailserver.Server
	tokenCA string // PEM file of the token server's CA
	mailCA  string // PEM file of the mail server's CA
}

// Start starts both servers for t; accepted is the mail server's
// oauth_tokens option ("user:token,...": the tokens it takes).
func Start(t testing.TB, accepted string) *Fixture {
	t.Helper()
	ts, err := oauth2test.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	cfg := mailserver.DefaultConfig()
	if err := cfg.Set("oauth_tokens", accepted); err != nil {
		t.Fatal(err)
	}
	ms := mailserver.New(cfg)
	if err := ms.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ms.Stop() })
	f := &Fixture{Tokens: ts, Mail: ms}
	dir := t.TempDir()
	f.tokenCA, f.mailCA = filepath.Join(dir, "oauth-ca.pem"), filepath.Join(dir, "mail-ca.pem")
	for path, pem := range map[string][]byte{f.tokenCA: ts.CAPEM, f.mailCA: ms.CACertPEM()} {
		if err := os.WriteFile(path, pem, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// Source returns a token source of the public client "pub" holding the
// refresh token given.
func (f *Fixture) Source(t testing.TB, refresh string) *oauth2.Source {
	t.Helper()
	src := oauth2.New()
	for _, kv := range [][2]string{{"token_url", f.Tokens.URL + "/token"}, {"ca_file", f.tokenCA},
		{"client_id", "pub"}, {"refresh_token", refresh}} {
		if err := src.Set(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

// Options returns client options for the mail server's service (smtps,
// pop3s, imaps: implicit TLS, its CA trusted) logging in as user with
// the tokens of src.
func (f *Fixture) Options(service, user string, src sasl.TokenSource) session.ClientOptions {
	o := session.ClientOptions{Host: "localhost", Port: f.Mail.Port(service), Security: wire.TLS,
		SecuritySet: true, Username: user, Tokens: src, Timeout: 10 * time.Second}
	o.TLS.CAFile = f.mailCA
	return o
}
