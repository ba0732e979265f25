package wire

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"mailwire/core/errs"
)

// DefaultMaxLine bounds one reply or command line, CRLF included. RFC 5321
// section 4.5.3.1.5 allows 512 octets for a reply line; real servers send
// longer ones, so the bound is generous but finite.
const DefaultMaxLine = 8192

const bufSize = 64 << 10

// Conn is a connection with a bounded buffered reader, a buffered writer, a
// deadline per step, cancellation from another goroutine and a protocol log.
// Apart from Cancel, it is used by one goroutine at a time.
type Conn struct {
	nc        net.Conn
	R         *bufio.Reader
	W         *bufio.Writer
	Timeout   time.Duration // deadline of one step; 0 means none
	MaxLine   int           // bound of ReadLine; DefaultMaxLine when 0
	Log       *Log
	cancelled atomic.Bool
	tls       bool
	mu        sync.Mutex // guards nc against Cancel while swap replaces it
}

// NewConn wraps nc. log may be nil.
func NewConn(nc net.Conn, timeout time.Duration, log *Log) *Conn {
	c := &Conn{nc: nc, Timeout: timeout, Log: log}
	c.R = bufio.NewReaderSize(nc, bufSize)
	c.W = bufio.NewWriterSize(deadlineWriter{c}, bufSize)
	_, c.tls = nc.(*tls.Conn)
	return c
}

// deadlineWriter renews the write deadline before every write to the socket,
// so a long stream (a 100 MB attachment) only fails when one write stalls.
type deadlineWriter struct{ c *Conn }

func (d deadlineWriter) Write(p []byte) (int, error) {
	if d.c.Timeout > 0 {
		d.c.nc.SetWriteDeadline(time.Now().Add(d.c.Timeout))
	}
	n, err := d.c.nc.Write(p)
	return n, d.c.Err(err)
}

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.nc }

// IsTLS reports whether TLS is in force.
func (c *Conn) IsTLS() bool { return c.tls }

// Deadline sets the read deadline of the next step to now plus d (the
// connection's Timeout when d is 0). It fails when the connection was cancelled.
func (c *Conn) Deadline(d time.Duration) error {
	if d == 0 {
		d = c.Timeout
	}
	if d > 0 {
		c.nc.SetReadDeadline(time.Now().Add(d))
	} else {
		c.nc.SetReadDeadline(time.Time{})
	}
	if c.cancelled.Load() {
		return errs.New(errs.Cancelled, "operation cancelled")
	}
	return nil
}

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

// Err classifies a network error: cancellation, timeout, end of stream, I/O.
func (c *Conn) Err(err error) error {
	if err == nil {
		return nil
	}
	if c.cancelled.Load() {
		return errs.New(errs.Cancelled, "operation cancelled")
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	switch errs.KindOf(err) {
	case errs.Timeout:
		return errs.E(errs.Timeout, fmt.Errorf("timed out waiting for the server: %w", err))
	case errs.Closed:
		return errs.E(errs.Closed, fmt.Errorf("connection closed by the server: %w", err))
	case errs.TLS:
		return errs.E(errs.TLS, err)
	}
	return errs.E(errs.IO, err)
}

// ReadLine reads one line without its line ending. It accepts CRLF and bare
// LF, and fails with errs.Protocol when the line exceeds MaxLine.
func (c *Conn) ReadLine() (string, error) {
	b, err := c.ReadLineBytes()
	return string(b), err
}

// ReadLineBytes is ReadLine without the string copy; the slice is valid until
// the next read.
func (c *Conn) ReadLineBytes() ([]byte, error) {
	max := c.MaxLine
	if max <= 0 {
		max = DefaultMaxLine
	}
	line, err := c.R.ReadSlice('\n')
	if err == bufio.ErrBufferFull || len(line) > max {
		return nil, errs.New(errs.Protocol, "line too long: more than "+strconv.Itoa(max)+" bytes without a line end")
	}
	if err != nil {
		return nil, c.Err(err)
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if c.Log != nil {
		c.Log.Line("S: ", line)
	}
	return line, nil
}

// WriteLine buffers s followed by CRLF; Flush sends it. s must have passed
// CheckLine.
func (c *Conn) WriteLine(s string) error {
	if c.Log != nil {
		c.Log.Line("C: ", []byte(s))
	}
	return c.writeRaw(s)
}

// WriteSecretLine is WriteLine for a line that carries a secret: the log
// shows shown instead of s.
func (c *Conn) WriteSecretLine(s, shown string) error {
	if c.Log != nil {
		c.Log.Line("C: ", []byte(shown))
	}
	return c.writeRaw(s)
}

func (c *Conn) writeRaw(s string) error {
	c.W.WriteString(s)
	_, err := c.W.WriteString("\r\n")
	return err
}

// Flush sends what is buffered.
func (c *Conn) Flush() error { return c.Err(c.W.Flush()) }

// Buffered returns the number of received bytes not read yet.
func (c *Conn) Buffered() int { return c.R.Buffered() }

// StartTLS runs the client side of a TLS handshake on the connection after a
// STARTTLS or STLS reply. Any byte already buffered was sent before the
// handshake by someone who could not know its outcome: a man in the middle
// injecting commands (CVE-2021-22947, CVE-2020-15953), so it is refused.
func (c *Conn) StartTLS(ctx context.Context, cfg *tls.Config) error {
	if c.R.Buffered() > 0 {
		return errs.New(errs.Protocol, "the server sent data after its STARTTLS reply, before the TLS handshake: possible injection, connection closed")
	}
	tc := tls.Client(c.nc, cfg)
	if err := handshake(ctx, tc, c.Timeout); err != nil {
		return c.tlsErr(err)
	}
	c.swap(tc)
	return nil
}

// ServerTLS is StartTLS for the server side.
func (c *Conn) ServerTLS(ctx context.Context, cfg *tls.Config) error {
	if c.R.Buffered() > 0 {
		return errs.New(errs.Protocol, "client sent data before the TLS handshake")
	}
	tc := tls.Server(c.nc, cfg)
	if err := handshake(ctx, tc, c.Timeout); err != nil {
		return c.tlsErr(err)
	}
	c.swap(tc)
	return nil
}

func (c *Conn) swap(nc net.Conn) {
	c.mu.Lock()
	c.nc = nc
	c.mu.Unlock()
	c.tls = true
	c.R.Reset(nc)
	c.W.Reset(deadlineWriter{c})
}

func (c *Conn) tlsErr(err error) error {
	if c.cancelled.Load() {
		return errs.New(errs.Cancelled, "operation cancelled")
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
