package server

import (
	"fmt"
	"strings"

	"mailwire/core/errs"
)

// Instance is the embedded server as an API handle holds it: options set
// while it is not running, and any number of runs, each a new Server. The
// mail of the last run stays readable after it stopped.
type Instance struct {
	cfg     Config
	srv     *Server
	stopped bool
}

// NewInstance returns a stopped server with DefaultConfig.
func NewInstance() *Instance { return &Instance{cfg: DefaultConfig()} }

func (in *Instance) running() bool { return in.srv != nil && !in.stopped }

// Set sets an option (Config.Set) while the server is not running.
func (in *Instance) Set(name, value string) error {
	if in.running() {
		return errs.New(errs.State, "server: options are set before mw_server_start")
	}
	return in.cfg.Set(name, value)
}

// Start starts a run with the options.
func (in *Instance) Start() error {
	if in.running() {
		return errs.New(errs.State, "server: already started")
	}
	s := New(in.cfg)
	if err := s.Start(); err != nil {
		return err
	}
	in.srv, in.stopped = s, false
	return nil
}

// Port returns the port a service listens on.
func (in *Instance) Port(service string) (int, error) {
	if !in.running() {
		return 0, errs.New(errs.State, "server: not running")
	}
	port := in.srv.Port(strings.ToLower(service))
	if port <= 0 {
		return 0, errs.New(errs.NotFound, "server: service "+service+" is off or unknown (smtp, submission, smtps, lmtp, pop3, pop3s)")
	}
	return port, nil
}

// MessageCount counts the messages of mailbox, also after a stop.
func (in *Instance) MessageCount(mailbox string) (int, error) {
	if in.srv == nil {
		return 0, errs.New(errs.State, "server: not started")
	}
	return in.srv.MessageCount(mailbox), nil
}

// Message returns message i of mailbox, also after a stop.
func (in *Instance) Message(mailbox string, i int) ([]byte, error) {
	if in.srv == nil {
		return nil, errs.New(errs.State, "server: not started")
	}
	msg, count, ok := in.srv.Message(mailbox, i)
	if !ok {
		return nil, errs.New(errs.NotFound, fmt.Sprintf("server: no message %d in mailbox %q (it has %d)", i, mailbox, count))
	}
	return msg, nil
}

// Stop ends the run; it is not an error when none runs.
func (in *Instance) Stop() error {
	if !in.running() {
		return nil
	}
	in.stopped = true
	return in.srv.Stop()
}

// Close stops the run, if any.
func (in *Instance) Close() error {
	if in.srv != nil {
		return in.srv.Stop()
	}
	return nil
}
