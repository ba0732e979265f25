// Package session is the life of one client connection as an API handle
// holds it: options set while disconnected, the protocol log and the
// progress callback, connecting, running commands on the open connection
// with a cancellation armed, and ending it; and what every client's
// connect shares (ClientOptions, Dial). smtp.Session, pop3.Session and
// imap.Session embed a Session of their Client; a new client protocol
// does the same.
package session

import (
	"context"
	"strings"
	"sync"

	"mailwire/core/errs"
	"mailwire/core/sasl"
	"mailwire/core/wire"
)

// Conn is what a protocol client gives its session.
type Conn interface {
	comparable
	Capabilities() []string
	Quit() error
	Close() error
	Cancel()       // aborts the command in flight, from any goroutine
	Broken() error // the error that lost the connection, or nil (wire.Fail)
}

// Protocol is what a client protocol gives its session: its options, and
// how to connect with them. *smtp.Options, *pop3.Options and *imap.Options
// are Protocols.
type Protocol[C Conn] interface {
	Set(name, value string) error // one option, log_file excepted
	// Dial connects with the options and what the session adds to them;
	// cancelling ctx aborts it.
	Dial(ctx context.Context, e Env) (C, error)
}

// Env is what a session adds to the protocol's options for a connection.
type Env struct {
	Log      *wire.Log
	Progress func(done, total int64) // total is -1 when not known
	Tokens   sasl.TokenSource        // OAuth 2.0 tokens; nil: none
}

// Session holds the connection of one handle (the zero C when not
// connected). It is used by one goroutine at a time, except Cancel. Init
// prepares it.
type Session[C Conn] struct {
	proto    string
	opts     Protocol[C]
	conn     C
	logs     wire.LogOption
	progress func(done, total int64)
	tokens   sasl.TokenSource
	mu       sync.Mutex
	cancel   func() // aborts what is in flight; nil when nothing is
}

// Init names the protocol in messages ("smtp", "pop3") and gives the
// options the session sets and connects with.
func (s *Session[C]) Init(proto string, opts Protocol[C]) {
	s.proto, s.opts = proto, opts
}

// Connected reports whether a connection is open.
func (s *Session[C]) Connected() bool {
	var none C
	return s.conn != none
}

// Change runs fn, which changes what the next connection will use, while
// disconnected; what names it in the refusal (errs.State) while connected.
func (s *Session[C]) Change(what string, fn func() error) error {
	if s.Connected() {
		return errs.New(errs.State, s.proto+": "+what+" cannot change while connected; disconnect first")
	}
	return fn()
}

// Set sets an option while disconnected: log_file is the session's, the
// others the protocol's.
func (s *Session[C]) Set(name, value string) error {
	return s.Change("options", func() error {
		if strings.ToLower(strings.TrimSpace(name)) == "log_file" {
			return s.logs.Set(value)
		}
		return s.opts.Set(name, value)
	})
}

// UseTokens sets the OAuth 2.0 token source of the next connection (nil:
// none); it takes the place of the options' own.
func (s *Session[C]) UseTokens(src sasl.TokenSource) error {
	return s.Change("the OAuth2 object", func() error { s.tokens = src; return nil })
}

// SetLog sets the callback that gets each protocol log line (nil: none),
// beside the log_file; while disconnected.
func (s *Session[C]) SetLog(fn func(line string)) error {
	return s.Change("the log callback", func() error { s.logs.SetFunc(fn); return nil })
}

// SetProgress sets the progress callback (nil: none); it takes effect at
// once, also on an open connection.
func (s *Session[C]) SetProgress(fn func(done, total int64)) { s.progress = fn }

// Progress calls the progress callback, if one is set; total is -1 when
// not known. A connection is given this method, so that SetProgress
// reaches it.
func (s *Session[C]) Progress(done, total int64) {
	if s.progress == nil {
		return
	}
	if total <= 0 {
		total = -1
	}
	s.progress(done, total)
}

// Connect connects with the options, with Cancel armed.
func (s *Session[C]) Connect() error {
	if s.Connected() {
		return errs.New(errs.State, s.proto+": already connected")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.arm(cancel)
	defer func() { s.arm(nil); cancel() }()
	c, err := s.opts.Dial(ctx, Env{Log: s.logs.Current(), Progress: s.Progress, Tokens: s.tokens})
	if err != nil {
		return err
	}
	s.conn = c
	return nil
}

// Run runs fn on the open connection with Cancel armed, and drops the
// connection when it was lost meanwhile (Conn.Broken).
func (s *Session[C]) Run(fn func(c C) error) error { return s.RunCancel(nil, fn) }

// RunCancel is Run with cancel as what Cancel does meanwhile (nil: abort
// the connection): an IMAP IDLE ends without losing the connection.
func (s *Session[C]) RunCancel(cancel func(), fn func(c C) error) error {
	if !s.Connected() {
		return errs.New(errs.State, s.proto+": not connected (call mw_"+s.proto+"_connect first)")
	}
	if cancel == nil {
		cancel = s.conn.Cancel
	}
	s.arm(cancel)
	defer s.arm(nil)
	err := fn(s.conn)
	if s.conn.Broken() != nil {
		s.drop()
	}
	return err
}

// Capabilities lists the server's extensions one per line.
func (s *Session[C]) Capabilities() (string, error) {
	if !s.Connected() {
		return "", errs.New(errs.State, s.proto+": not connected")
	}
	return strings.Join(s.conn.Capabilities(), "\n"), nil
}

// Quit ends the session politely (QUIT) and closes the connection; it is
// not an error to quit when not connected.
func (s *Session[C]) Quit() error {
	if !s.Connected() {
		return nil
	}
	s.arm(s.conn.Cancel)
	defer s.arm(nil)
	err := s.conn.Quit()
	s.drop()
	return err
}

// Close releases the connection (without QUIT) and the log file.
func (s *Session[C]) Close() error {
	s.drop()
	s.logs.Close()
	return nil
}

// Cancel aborts the connect or command in flight, if any; it may be
// called from any goroutine.
func (s *Session[C]) Cancel() {
	s.mu.Lock()
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (s *Session[C]) arm(f func()) {
	s.mu.Lock()
	s.cancel = f
	s.mu.Unlock()
}

// drop closes the connection without QUIT.
func (s *Session[C]) drop() {
	if s.Connected() {
		s.conn.Close()
		var none C
		s.conn = none
	}
}

// Conn returns the open connection (the zero C when none).
func (s *Session[C]) Conn() C { return s.conn }
