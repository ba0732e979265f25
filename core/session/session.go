// Package session is the life of one client connection as an API handle
// holds it: options set while disconnected, the protocol log and the
// progress callback, connecting, running commands on the open connection
// with a cancellation armed, and ending it. smtp.Session and pop3.Session
// embed a Session of their Client; a new client protocol does the same.
package session

import (
	"context"
	"strings"
	"sync"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

// Conn is what a protocol client gives its session.
type Conn interface {
	comparable
	Capabilities() []string
	Quit() error
	Close() error
	Cancel() // aborts the command in flight, from any goroutine
}

// Dialer opens a connection with the session's log and progress callback;
// cancelling ctx aborts it.
type Dialer[C Conn] func(ctx context.Context, log *wire.Log, progress func(done, total int64)) (C, error)

// Session holds the connection of one handle (the zero C when not
// connected). It is used by one goroutine at a time, except Cancel. Proto
// names the protocol in messages ("smtp", "pop3").
type Session[C Conn] struct {
	Proto    string
	conn     C
	logs     wire.LogOption
	progress func(done, total int64)
	mu       sync.Mutex
	cancel   func() // aborts what is in flight; nil when nothing is
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
		return errs.New(errs.State, s.Proto+": "+what+" cannot change while connected; disconnect first")
	}
	return fn()
}

// SetOption sets an option while disconnected: log_file is the session's,
// the others go to set (the protocol's Options.Set).
func (s *Session[C]) SetOption(name, value string, set func(name, value string) error) error {
	return s.Change("options", func() error {
		if strings.ToLower(strings.TrimSpace(name)) == "log_file" {
			return s.logs.Set(value)
		}
		return set(name, value)
	})
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

// Connect opens the connection with dial, with Cancel armed.
func (s *Session[C]) Connect(dial Dialer[C]) error {
	if s.Connected() {
		return errs.New(errs.State, s.Proto+": already connected")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.arm(cancel)
	defer func() { s.arm(nil); cancel() }()
	c, err := dial(ctx, s.logs.Current(), s.Progress)
	if err != nil {
		return err
	}
	s.conn = c
	return nil
}

// Run runs fn on the open connection with Cancel armed, and drops the
// connection when fn's error ended it (errs.Gone).
func (s *Session[C]) Run(fn func(c C) error) error {
	if !s.Connected() {
		return errs.New(errs.State, s.Proto+": not connected (call mw_"+s.Proto+"_connect first)")
	}
	s.arm(s.conn.Cancel)
	defer s.arm(nil)
	err := fn(s.conn)
	if errs.Gone(err) {
		s.drop()
	}
	return err
}

// Capabilities lists the server's extensions one per line.
func (s *Session[C]) Capabilities() (string, error) {
	if !s.Connected() {
		return "", errs.New(errs.State, s.Proto+": not connected")
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
