package testwire

import (
	"crypto/tls"
	"net"
	"strings"
	"testing"
)

// Client is a scripted client of a server under test. Its methods stop
// the test at the first difference.
type Client struct {
	t testing.TB
	p *Peer
}

// Dial connects to addr. cfg is the client's side of !tls, and of the
// first byte when implicit is set (RFC 8314 section 3).
func Dial(t testing.TB, addr string, cfg *tls.Config, implicit bool) *Client {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, guard)
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		nc = tls.Client(nc, cfg)
	}
	c := &Client{t: t, p: newPeer(nc, 'C', cfg)}
	t.Cleanup(func() { c.p.nc.Close() })
	return c
}

// Run plays script: it says the C lines, consecutive ones in one write as
// a pipelining client does, and expects the S lines.
func (c *Client) Run(script string) {
	c.t.Helper()
	steps, err := parse(script)
	if err == nil {
		err = c.p.play(steps)
	}
	if err != nil {
		c.t.Fatal(err)
	}
}

// Send writes raw bytes.
func (c *Client) Send(raw string) {
	c.t.Helper()
	if err := c.p.Send(raw); err != nil {
		c.t.Fatal(err)
	}
}

// Line reads one line and returns it without its CRLF.
func (c *Client) Line() string {
	c.t.Helper()
	l, err := c.p.ReadLine()
	if err != nil || !strings.HasSuffix(l, "\r\n") {
		c.t.Fatalf("read %q, %v; want a line that ends in CRLF", l, err)
	}
	return strings.TrimSuffix(l, "\r\n")
}

// Expect reads one line and compares it with want, which may end in "*"
// as in a script; it returns the line.
func (c *Client) Expect(want string) string {
	c.t.Helper()
	got := c.Line()
	if !(step{data: want + "\r\n"}).matches(got + "\r\n") {
		c.t.Fatalf("got %q, want %q", got, want)
	}
	return got
}

// Closed checks that the server closes the connection without saying more.
func (c *Client) Closed() {
	c.t.Helper()
	if l, err := c.p.ReadLine(); err == nil {
		c.t.Fatalf("connection still open, got %q", l)
	}
}

// Close closes the connection.
func (c *Client) Close() { c.p.nc.Close() }

// Raw reads exactly n bytes, such as the contents of an IMAP literal
// (RFC 3501 section 4.3), and returns them.
func (c *Client) Raw(n int) string {
	c.t.Helper()
	got, err := c.p.read(step{data: strings.Repeat("\x00", n), raw: true})
	if err != nil {
		c.t.Fatalf("read %d of %d bytes: %v", len(got), n, err)
	}
	return got
}
