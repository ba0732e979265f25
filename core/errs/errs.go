// Package errs classifies the errors of every Mailwire package by what the
// caller must do next. The C layer maps each Kind to one MW_E_* code, so the
// numeric values here are the codes of include/mailwire.h and never change.
package errs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is the class of an error. Its value is the C API's MW_E_* code.
type Kind int

// The caller erred: fix the call, nothing went on the wire.
const (
	Internal Kind = -1 // a bug in the library (a recovered panic)
	Handle   Kind = -2 // bad, closed or wrong-kind handle
	Arg      Kind = -3 // bad argument: NULL, out of range, CR/LF/NUL, bad address
	State    Kind = -4 // not valid now: not connected, already connected
	Option   Kind = -5 // unknown option or bad option value
	File     Kind = -6 // a local file cannot be opened, read or written
	Busy     Kind = -7 // the handle is in use by another thread
	NotFound Kind = -8 // no such item: index out of range, unregistered name
	Parse    Kind = -9 // input data cannot be parsed (a URL, a message)
)

// The server refused; the connection lives and the next command may work.
const (
	Partial     Kind = -20 // some recipients refused, the message went to the rest
	Refused     Kind = -21 // permanent refusal (5xx / -ERR)
	Temporary   Kind = -22 // temporary refusal (4xx): try again later
	Auth        Kind = -23 // authentication failed
	TooBig      Kind = -24 // the message exceeds the server's SIZE limit
	Unsupported Kind = -25 // the server lacks an extension or mechanism that is needed
)

// The connection is gone: reconnect before the next command.
const (
	IO        Kind = -40 // network error; the connection was lost
	Timeout   Kind = -41 // a step took longer than its timeout
	TLS       Kind = -42 // TLS handshake or certificate verification failed
	Protocol  Kind = -43 // malformed, oversized or hostile reply
	Security  Kind = -44 // TLS was required but is not available, or plaintext AUTH refused
	Cancelled Kind = -45 // cancelled by mw_cancel
	Connect   Kind = -46 // could not connect (refused, no route, name lookup failed)
	Closed    Kind = -47 // the server closed the session (421 or end of stream)
)

// Gone reports whether err says the connection is gone (a kind from IO
// down): the caller must connect again before the next command.
func Gone(err error) bool {
	k := KindOf(err)
	return k <= IO && k >= Closed
}

// Error is an error with a Kind.
type Error struct {
	Kind Kind
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// E wraps err with kind. It returns nil for a nil err and keeps an inner
// kind that is already set.
func E(kind Kind, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Kind: kind, Err: err}
}

// New is E(kind, errors.New(msg)).
func New(kind Kind, msg string) error { return &Error{Kind: kind, Err: errors.New(msg)} }

// Quote renders untrusted text (a server's line, a caller's value) for an
// error message: in double quotes, at most 80 bytes of it, with control
// characters and invalid UTF-8 shown as '?'.
func Quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return `"` + strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s) + `"`
}

// Kinder is implemented by protocol error types (for example a server reply)
// that know their own kind.
type Kinder interface{ ErrKind() Kind }

// KindOf classifies err. Errors not tagged by E are classified by their type:
// timeouts, TLS and certificate errors, closed connections and file errors.
func KindOf(err error) Kind {
	if err == nil {
		return 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var k Kinder
	if errors.As(err, &k) {
		return k.ErrKind()
	}
	if errors.Is(err, context.Canceled) {
		return Cancelled
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return Timeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return Timeout
	}
	var (
		certErr  *tls.CertificateVerificationError
		hostErr  x509.HostnameError
		unkErr   x509.UnknownAuthorityError
		invErr   x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
	)
	if errors.As(err, &certErr) || errors.As(err, &hostErr) || errors.As(err, &unkErr) ||
		errors.As(err, &invErr) || errors.As(err, &recErr) || errors.As(err, &alertErr) {
		return TLS
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return Closed
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return File
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		if oe.Op == "dial" {
			return Connect
		}
		return IO
	}
	return Internal
}
