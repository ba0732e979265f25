package server

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
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

// client is a raw scripted client.
type client struct {
	t  testing.TB
	nc net.Conn
	r  *bufio.Reader
}

func dial(t testing.TB, s *Server, svc string) *client {
	t.Helper()
	nc, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.Port(svc)))
	if err != nil {
		t.Fatal(err)
	}
	if svc == "smtps" || svc == "pop3s" {
		nc = tls.Client(nc, clientTLS(t, s))
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(20 * time.Second))
	return &client{t: t, nc: nc, r: bufio.NewReader(nc)}
}

func clientTLS(t testing.TB, s *Server) *tls.Config {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CACertPEM()) {
		t.Fatal("no CA")
	}
	return &tls.Config{RootCAs: pool, ServerName: "localhost"}
}

// send writes raw bytes.
func (c *client) send(s string) {
	c.t.Helper()
	if _, err := c.nc.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// line reads one line without CRLF.
func (c *client) line() string {
	c.t.Helper()
	l, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read: %v (got %q)", err, l)
	}
	if !strings.HasSuffix(l, "\r\n") {
		c.t.Fatalf("line without CRLF: %q", l)
	}
	return strings.TrimSuffix(l, "\r\n")
}

// run plays a transcript: "C: " lines are sent (CRLF added), "S: " lines
// must arrive exactly, or start with the text before a final "*". Blank
// lines are ignored. Consecutive C: lines are sent in one write, as a
// pipelining client does.
func (c *client) run(transcript string) {
	c.t.Helper()
	var out strings.Builder
	flush := func() {
		if out.Len() > 0 {
			c.send(out.String())
			out.Reset()
		}
	}
	for _, l := range strings.Split(transcript, "\n") {
		l = strings.TrimLeft(l, "\t ")
		switch {
		case l == "C:":
			out.WriteString("\r\n")
		case strings.HasPrefix(l, "C: "):
			out.WriteString(l[3:] + "\r\n")
		case l == "S:":
			flush()
			c.expect("")
		case strings.HasPrefix(l, "S: "):
			flush()
			c.expect(l[3:])
		case l == "":
		default:
			c.t.Fatalf("bad transcript line %q", l)
		}
	}
	flush()
}

// expect reads a line and compares it with want ("prefix*" matches a prefix).
func (c *client) expect(want string) string {
	c.t.Helper()
	got := c.line()
	if p, ok := strings.CutSuffix(want, "*"); ok {
		if !strings.HasPrefix(got, p) {
			c.t.Fatalf("got %q, want prefix %q", got, p)
		}
		return got
	}
	if got != want {
		c.t.Fatalf("got %q, want %q", got, want)
	}
	return got
}

// reply reads a multi-line SMTP reply and returns its lines.
func (c *client) reply() []string {
	c.t.Helper()
	var lines []string
	for {
		l := c.line()
		lines = append(lines, l)
		if len(l) < 4 || l[3] != '-' {
			return lines
		}
	}
}

// ehlo sends EHLO and returns the reply lines.
func (c *client) ehlo(cmd string) []string {
	c.t.Helper()
	c.send(cmd + "\r\n")
	return c.reply()
}

// startTLS upgrades the connection after a 220 or +OK reply.
func (c *client) startTLS(s *Server) {
	c.t.Helper()
	tc := tls.Client(c.nc, clientTLS(c.t, s))
	if err := tc.Handshake(); err != nil {
		c.t.Fatal(err)
	}
	c.nc = tc
	c.r = bufio.NewReader(tc)
}

// closed asserts that the server closed the connection.
func (c *client) closed() {
	c.t.Helper()
	if l, err := c.r.ReadString('\n'); err == nil {
		c.t.Fatalf("connection still open, got %q", l)
	}
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
