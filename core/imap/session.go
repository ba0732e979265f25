package imap

import (
	"context"

	"mailwire/core/session"
)

// Session is a Client as an API handle holds it (session.Session), with
// the options of the next connection and the results of the last LIST and
// SEARCH, which the C API reads an item at a time.
type Session struct {
	session.Session[*Client]
	Options Options
	Folders []Folder // the last listing
	UIDs    []uint32 // the last search
}

// NewSession returns a disconnected session with the default options.
func NewSession() *Session {
	s := &Session{}
	s.Init("imap", &s.Options)
	return s
}

// Dial connects with o and what the session adds (session.Protocol).
func (o Options) Dial(ctx context.Context, e session.Env) (*Client, error) {
	o.Use(e)
	return Dial(ctx, o)
}
