package main

import (
	"context"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

// client is what the SMTP and POP3 clients have in common for the C layer.
type client interface {
	comparable
	Capabilities() []string
	Quit() error
	Close() error
	Cancel()
}

// session is the connection part of an SMTP or POP3 handle: the open
// client (the zero value when not connected), its protocol log and its
// progress callback.
type session[C client] struct {
	proto    string // "smtp" or "pop3", for messages
	client   C
	logs     logOption
	progress progress
}

func (s *session[C]) connected() bool {
	var none C
	return s.client != none
}

// setOption sets an option while disconnected: log_file is the session's,
// the others go to set.
func (s *session[C]) setOption(name, value string, set func(name, value string) error) error {
	if s.connected() {
		return errs.New(errs.State, s.proto+": options cannot change while connected; disconnect first")
	}
	if name == "log_file" {
		return s.logs.set(value)
	}
	return set(name, value)
}

// connect opens the connection with dial, which gets the session's log and
// progress callback, with mw_cancel armed.
func (s *session[C]) connect(o *object, dial func(ctx context.Context, log *wire.Log, progress func(done, total int64)) (C, error)) error {
	if s.connected() {
		return errs.New(errs.State, s.proto+": already connected")
	}
	ctx, cancel := context.WithCancel(context.Background())
	o.setCancel(cancel)
	defer func() { o.setCancel(nil); cancel() }()
	c, err := dial(ctx, s.logs.current(), s.progress.fire)
	if err != nil {
		return err
	}
	s.client = c
	return nil
}

// setLog sets the log callback (mw_set_log), before the connection.
func (s *session[C]) setLog(fn func(line string)) error {
	if s.connected() {
		return errs.New(errs.State, s.proto+": the log callback cannot change while connected; disconnect first")
	}
	s.logs.setFunc(fn)
	return nil
}

// Close releases the connection and the log; the registry calls it.
func (s *session[C]) Close() error {
	s.drop()
	s.logs.close()
	return nil
}

// drop closes the connection without QUIT.
func (s *session[C]) drop() {
	if s.connected() {
		s.client.Close()
		var none C
		s.client = none
	}
}

// gone drops the connection after an error that ended it.
func (s *session[C]) gone(err error) {
	if errs.Gone(err) {
		s.drop()
	}
}

// run runs fn on the open connection with mw_cancel armed, and drops the
// connection when fn's error ended it.
func (s *session[C]) run(o *object, fn func(c C) error) error {
	if !s.connected() {
		return errs.New(errs.State, s.proto+": not connected (call mw_"+s.proto+"_connect first)")
	}
	o.setCancel(s.client.Cancel)
	defer o.setCancel(nil)
	err := fn(s.client)
	s.gone(err)
	return err
}

// capabilities lists the server's extensions one per line.
func (s *session[C]) capabilities() (string, bool, error) {
	if !s.connected() {
		return "", false, errs.New(errs.State, s.proto+": not connected")
	}
	return strings.Join(s.client.Capabilities(), "\n"), true, nil
}

// quit ends the session politely (QUIT) and closes the connection; it is
// not an error to quit when not connected.
func (s *session[C]) quit(o *object) error {
	if !s.connected() {
		return nil
	}
	o.setCancel(s.client.Cancel)
	defer o.setCancel(nil)
	err := s.client.Quit()
	s.drop()
	return err
}
