package pop3

import (
	"context"

	"mailwire/core/sasl"
	"mailwire/core/session"
	"mailwire/core/wire"
)

// Session is a Client as an API handle holds it (session.Session), with
// the options of the next connection.
type Session struct {
	session.Session[*Client]
	Options Options
}

// NewSession returns a disconnected session with the default options.
func NewSession() *Session {
	return &Session{Session: session.Session[*Client]{Proto: "pop3"}}
}

// Set sets an option (Options.Set, and log_file) while disconnected.
func (s *Session) Set(name, value string) error {
	return s.SetOption(name, value, s.Options.Set)
}

// UseTokens sets the OAuth 2.0 token source of the next connection.
func (s *Session) UseTokens(src sasl.TokenSource) error {
	return s.Change("the OAuth2 object", func() error { s.Options.Tokens = src; return nil })
}

// Connect dials with the options.
func (s *Session) Connect() error {
	return s.Session.Connect(func(ctx context.Context, log *wire.Log, progress func(done, total int64)) (*Client, error) {
		opts := s.Options
		opts.Log, opts.Progress = log, progress
		return Dial(ctx, opts)
	})
}
