package pop3

import (
	"context"

	"mailwire/core/session"
)

// Session is a Client as an API handle holds it (session.Session), with
// the options of the next connection.
type Session struct {
	session.Session[*Client]
	Options Options
}

// NewSession returns a disconnected session with the default options.
func NewSession() *Session {
	s := &Session{}
	s.Init("pop3", &s.Options)
	return s
}

// Dial connects with o and what the session adds (session.Protocol).
func (o Options) Dial(ctx context.Context, e session.Env) (*Client, error) {
	o.Use(e)
	return Dial(ctx, o)
}
