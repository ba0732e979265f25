package wire

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"mailwire/core/errs"
)

// Role is the side of the protocol a Conn plays. It decides how the
// protocol log labels lines, which side of the TLS handshake StartTLS runs,
// how strictly DotReader reads, and what ReadLine does with a line that is
// too long.
type Role int

// The roles.
const (
	Client Role = iota // writes commands, reads replies
	Server             // reads commands, writes replies
)

// sides names, by role, the peer in messages and what the protocol log
// shows before a line read and a line written.
var sides = [2]struct{ peer, in, out string }{
	Client: {"server", "S: ", "C: "},
	Server: {"client", "C: ", "S: "},
}

// DefaultMaxLine bounds one reply or command line, CRLF included. RFC 5321
// section 4.5.3.1.5 allows 512 octets for a reply line; real servers send
// longer ones, so the bound is generous but finite.
const DefaultMaxLine = 8192

const bufSize = 64 << 10

// ErrLineTooLong is the cause of the error ReadLine returns for a line
// longer than MaxLine; test for it with errors.Is.
var ErrLineTooLong = errors.New("line too long")

// Conn is a connection with a bounded buffered reader, a buffered writer,
// one deadline rule for every wait (see deadline), cancellation from
// another goroutine and a protocol log. Its buffers are its own: the
// protocols read and write through its methods only. Apart from Cancel, it
// is used by one goroutine at a time, with one exception: the reading
// methods and the writing ones share no state (the log has its own lock),
// so one goroutine may wait for a line while another writes, as a server
// does in IMAP's IDLE (RFC 2177), provided neither runs StartTLS then.
type Conn struct {
	nc        net.Conn
	r         *bufio.Reader
	w         *bufio.Writer
	role      Role
	Timeout   time.Duration // how long one wait for the peer may last; 0 means no limit
	MaxLine   int           // bound of ReadLine, CRLF included; DefaultMaxLine when 0
	Log       *Log
	wait      time.Duration // read timeout set by SetReadTimeout; Timeout when 0
	rd, wr    deadline
	cancelled atomic.Bool
	tls       bool
	mu        sync.Mutex // guards nc against Cancel while StartTLS replaces it
}

// NewConn wraps nc for role. log may be nil.
func NewConn(nc net.Conn, role Role, timeout time.Duration, log *Log) *Conn {
	c := &Conn{nc: nc, role: role, Timeout: timeout, Log: log}
	c.r = bufio.NewReaderSize(netReader{c}, bufSize)
	c.w = bufio.NewWriterSize(netWriter{c}, bufSize)
	_, c.tls = nc.(*tls.Conn)
	return c
}

// A deadline is the deadline of one direction of the connection, kept by
// the package's one rule: a wait for the peer may last the timeout, and the
// deadline moves forward only once less than 7/8 of the timeout is left.
// Every socket read or write gets between 7/8 of the timeout and all of it:
// an idle timeout, which a silent peer reaches and a long transfer that
// moves never does, for one clock reading per socket read. The protocols'
// limits (line length, reply lines, message size) bound the totals.
type deadline struct {
	until time.Time     // the deadline in force; zero when none
	span  time.Duration // the timeout it was set for; -1 when unknown
}

// renew returns the deadline a wait of at most d (0: no limit) needs, and
// whether it differs from the one in force.
func (t *deadline) renew(d time.Duration) (time.Time, bool) {
	if d <= 0 {
		set := t.span != 0
		t.until, t.span = time.Time{}, 0
		return t.until, set
	}
	now := time.Now()
	if d == t.span && t.until.Sub(now) > d-d/8 {
		return t.until, false
	}
	t.until, t.span = now.Add(d), d
	return t.until, true
}

// netReader is what the buffered reader reads: the connection, with the
// read deadline kept by the rule and errors classified.
type netReader struct{ c *Conn }

func (r netReader) Read(p []byte) (int, error) {
	c := r.c
	if c.cancelled.Load() {
		return 0, errCancelled()
	}
	d := c.wait
	if d == 0 {
		d = c.Timeout
	}
	if t, set := c.rd.renew(d); set {
		c.nc.SetReadDeadline(t)
	}
	n, err := c.nc.Read(p)
	return n, c.Err(err)
}

// netWriter is what the buffered writer writes to, with the write deadline
// kept by the same rule.
type netWriter struct{ c *Conn }

func (w netWriter) Write(p []byte) (int, error) {
	c := w.c
	if t, set := c.wr.renew(c.Timeout); set {
		c.nc.SetWriteDeadline(t)
	}
	n, err := c.nc.Write(p)
	return n, c.Err(err)
}

// SetReadTimeout sets how long each wait of the reads that follow may last
// (0: Timeout; negative: no limit), such as the longer wait for the reply
// to the end of the message data (RFC 5321 section 4.5.3.2.6).
func (c *Conn) SetReadTimeout(d time.Duration) { c.wait = d }

// LocalAddr returns the local network address.
func (c *Conn) LocalAddr() net.Addr { return c.nc.LocalAddr() }

// RemoteAddr returns the peer's network address.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// IsTLS reports whether TLS is in force.
func (c *Conn) IsTLS() bool { return c.tls }

// Cancel aborts whatever the connection is doing and closes it. It is the
// one method that may be called from another goroutine.
func (c *Conn) Cancel() {
	c.cancelled.Store(true)
	c.mu.Lock()
	c.nc.Close()
	c.mu.Unlock()
}

// Cancelled reports whether Cancel was called.
func (c *Conn) Cancelled() bool { return c.cancelled.Load() }

// Close closes the connection.
func (c *Conn) Close() error { return c.nc.Close() }

func errCancelled() error { return errs.New(errs.Cancelled, "operation cancelled") }

// Err classifies a network error: cancellation, timeout, end of stream, I/O.
func (c *Conn) Err(err error) error {
	if err == nil {
		return nil
	}
	if c.cancelled.Load() {
		return errCancelled()
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	switch errs.KindOf(err) {
	case errs.Timeout:
		return errs.E(errs.Timeout, fmt.Errorf("timed out waiting for the %s: %w", sides[c.role].peer, err))
	case errs.Closed:
		return errs.E(errs.Closed, fmt.Errorf("connection closed by the %s: %w", sides[c.role].peer, err))
	case errs.TLS:
		return errs.E(errs.TLS, err)
	}
	return errs.E(errs.IO, err)
}

// ReadLine reads one line and returns it without its line end; it accepts
// CRLF and bare LF. A line longer than MaxLine fails with an error of kind
// errs.Protocol that wraps ErrLineTooLong. In the Server role the rest of
// such a line is read and dropped first, so that the session can refuse it
// and read the next command (RFC 5321 section 4.5.3.1.4, RFC 2449 section
// 4); a client gives the connection up instead, as a reply it cannot read
// leaves it out of step with the server.
func (c *Conn) ReadLine() (string, error) {
	b, err := c.ReadLineBytes()
	return string(b), err
}

// ReadLineBytes is ReadLine without the string copy; the slice is valid until
// the next read.
func (c *Conn) ReadLineBytes() ([]byte, error) {
	if c.cancelled.Load() {
		return nil, errCancelled()
	}
	max := c.MaxLine
	if max <= 0 {
		max = DefaultMaxLine
	}
	line, err := c.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull || len(line) > max {
		return nil, c.tooLong(err, max)
	}
	if err != nil {
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if c.Log != nil {
		c.Log.Line(sides[c.role].in, line)
	}
	return line, nil
}

// tooLong returns the error of a line longer than max, after reading the
// rest of it in the Server role.
func (c *Conn) tooLong(err error, max int) error {
	for c.role == Server && err == bufio.ErrBufferFull {
		_, err = c.r.ReadSlice('\n')
	}
	if err != nil && c.role == Server {
		return err
	}
	return errs.E(errs.Protocol, fmt.Errorf("%w: more than %d bytes without a line end", ErrLineTooLong, max))
}

// ReadFull reads exactly len(p) bytes, such as a BDAT chunk (RFC 3030
// section 2).
func (c *Conn) ReadFull(p []byte) error {
	_, err := io.ReadFull(c.r, p)
	return err
}

// Discard reads and drops n bytes.
func (c *Conn) Discard(n int64) error {
	_, err := c.r.Discard(int(n))
	return err
}

// Buffered returns the number of received bytes not read yet.
func (c *Conn) Buffered() int { return c.r.Buffered() }

// Quiet reports whether the peer sends nothing and keeps the connection
// open for wait: what a connection kept idle for reuse must do, since a
// server that times it out says 421 and closes (RFC 5321 section
// 4.5.3.2).
func (c *Conn) Quiet(wait time.Duration) bool {
	if c.r.Buffered() > 0 {
		return false
	}
	old := c.wait
	c.wait = wait
	_, err := c.r.Peek(1)
	c.wait = old
	return errs.KindOf(err) == errs.Timeout
}

// DotReader returns a reader of the dot-terminated data that follows
// (RFC 5321 section 4.5.2, RFC 1939 section 3): strict in the Server role,
// lenient in the Client role (see DotReader).
func (c *Conn) DotReader() *DotReader { return NewDotReader(c.r, c.role == Server) }

// WriteLine buffers s followed by CRLF; Flush sends it. s must have passed
// CheckLine.
func (c *Conn) WriteLine(s string) error { return c.WriteSecretLine(s, s) }

// WriteSecretLine is WriteLine for a line that carries a secret: the log
// shows shown instead of s.
func (c *Conn) WriteSecretLine(s, shown string) error {
	if c.Log != nil {
		c.Log.Line(sides[c.role].out, []byte(shown))
	}
	c.w.WriteString(s)
	_, err := c.w.WriteString("\r\n")
	return err
}

// Write buffers p as it is, for data whose framing the caller has made: a
// BDAT chunk (RFC 3030 section 2). It is not logged.
func (c *Conn) Write(p []byte) (int, error) { return c.w.Write(p) }

// ReadFrom buffers what r holds, up to its end, as Write would: read
// straight into the write buffer, which is sent as it fills, so io.Copy
// to c needs no buffer of its own (an IMAP literal copied from a stored
// message, RFC 3501 section 4.3). It is not logged.
func (c *Conn) ReadFrom(r io.Reader) (int64, error) { return c.w.ReadFrom(r) }

// DotWriter returns a writer that buffers data in the dot-stuffed form
// (RFC 5321 section 4.5.2, RFC 1939 section 3); its Close ends the data.
func (c *Conn) DotWriter() *DotWriter { return NewDotWriter(c.w) }

// Flush sends what is buffered.
func (c *Conn) Flush() error { return c.Err(c.w.Flush()) }

// StartTLS runs the TLS handshake after a STARTTLS or STLS exchange (RFC
// 3207 section 4, RFC 2595 section 4), as a client or as a server by the
// role. Any byte already buffered was sent before the handshake by someone
// who could not know its outcome: a man in the middle injecting commands
// (CVE-2021-22947, CVE-2020-15953), so it is refused.
func (c *Conn) StartTLS(ctx context.Context, cfg *tls.Config) error {
	if c.r.Buffered() > 0 {
		return errs.New(errs.Protocol, "the "+sides[c.role].peer+" sent data after the STARTTLS exchange, before the TLS handshake: possible injection, connection closed")
	}
	tc := tls.Client(c.nc, cfg)
	if c.role == Server {
		tc = tls.Server(c.nc, cfg)
	}
	if err := handshake(ctx, tc, c.Timeout); err != nil {
		return c.tlsErr(err)
	}
	c.mu.Lock()
	c.nc = tc
	c.mu.Unlock()
	c.tls = true
	c.r.Reset(netReader{c})
	c.w.Reset(netWriter{c})
	c.rd.span, c.wr.span = -1, -1 // the handshake may have moved them
	return nil
}

func (c *Conn) tlsErr(err error) error {
	if c.cancelled.Load() {
		return errCancelled()
	}
	if errs.KindOf(err) == errs.Timeout {
		return errs.E(errs.Timeout, fmt.Errorf("TLS handshake timed out: %w", err))
	}
	return errs.E(errs.TLS, &tlsError{"TLS handshake failed: " + ExplainTLS(err), err})
}

func handshake(ctx context.Context, tc *tls.Conn, timeout time.Duration) error {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	return tc.HandshakeContext(ctx)
}

// tlsError keeps the cause of a handshake failure behind a message that
// explains it.
type tlsError struct {
	msg string
	err error
}

func (e *tlsError) Error() string { return e.msg }
func (e *tlsError) Unwrap() error { return e.err }
