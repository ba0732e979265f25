package server

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"mailwire/core/internal/testwire"
)

// start runs a server with two users and the defaults, changed by mod.
func start(t testing.TB, mod func(*Config)) *Server {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Users = map[string]string{"alice": "secret", "bob": "hunter2"}
	if mod != nil {
		mod(&cfg)
	}
	s := New(cfg)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	return s
}

// client is a scripted client (testwire's syntax) with SMTP's helpers.
type client struct {
	*testwire.Client
	t testing.TB
}

// dial connects to service svc of s, with TLS from the start for smtps
// and pop3s; "!tls" trusts the server's CA.
func dial(t testing.TB, s *Server, svc string) *client {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(s.Port(svc))
	return &client{testwire.Dial(t, addr, clientTLS(t, s), svc == "smtps" || svc == "pop3s" || svc == "imaps"), t}
}

func clientTLS(t testing.TB, s *Server) *tls.Config {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CACertPEM()) {
		t.Fatal("no CA")
	}
	return &tls.Config{RootCAs: pool, ServerName: "localhost"}
}

// reply reads a multi-line SMTP reply and returns its lines.
func (c *client) reply() []string {
	c.t.Helper()
	var lines []string
	for {
		l := c.Line()
		lines = append(lines, l)
		if len(l) < 4 || l[3] != '-' {
			return lines
		}
	}
}

// ehlo sends EHLO and returns the reply lines.
func (c *client) ehlo(cmd string) []string {
	c.t.Helper()
	c.Send(cmd + "\r\n")
	return c.reply()
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// received returns the Received value at the top of msg, unfolded.
func received(t testing.TB, msg []byte) string {
	v, _ := splitReceived(t, msg)
	return v
}

// splitReceived returns the Received value at the top of msg, unfolded,
// and the message after that header field. The field's lines but the last
// must be short (RFC 5322 section 2.1.1).
func splitReceived(t testing.TB, msg []byte) (string, string) {
	t.Helper()
	s := string(msg)
	if !strings.HasPrefix(s, "Received: ") {
		t.Fatalf("message does not start with Received: %q", s)
	}
	end := 0
	for {
		n := strings.Index(s[end:], "\r\n")
		if n < 0 {
			t.Fatalf("Received header without an end: %q", s)
		}
		end += n + 2
		if end == len(s) || (s[end] != ' ' && s[end] != '\t') {
			break
		}
	}
	field := s[:end-2]
	for _, l := range strings.Split(field, "\r\n") {
		if len(l) > 78 {
			t.Errorf("Received line of %d characters: %q", len(l), l)
		}
	}
	return strings.ReplaceAll(field[len("Received: "):], "\r\n", ""), s[end:]
}

// with returns the keyword of the "with" clause of a Received value.
func with(v string) string {
	f := strings.Fields(v)
	for i := range f[:len(f)-1] {
		if f[i] == "with" {
			return f[i+1]
		}
	}
	return ""
}

// waitUnlocked waits until no POP3 session holds mailbox, as one whose
// connection was dropped stops holding it once it has seen the drop.
func waitUnlocked(t testing.TB, s *Server, mailbox string) {
	t.Helper()
	for i := 0; ; i++ {
		s.mu.Lock()
		held := s.locks[mailbox]
		s.mu.Unlock()
		if !held {
			return
		}
		if i > 1000 {
			t.Fatalf("mailbox %q still locked", mailbox)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
