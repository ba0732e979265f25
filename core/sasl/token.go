package sasl

import (
	"context"
	"errors"
	"fmt"

	"mailwire/core/errs"
)

// TokenSource gives OAuth 2.0 bearer tokens (RFC 6750) to the token
// mechanisms, XOAUTH2 and OAUTHBEARER. core/oauth2's Source is one.
type TokenSource interface {
	// Token returns a token that is valid now.
	Token(ctx context.Context) (string, error)
	// Refresh returns a new token after a server refused refused: the
	// one another caller already got, or a new one requested now.
	Refresh(ctx context.Context, refused string) (string, error)
}

// Session is the authentication of one session, over one or, after a
// refused token, two connections. With Tokens set, the token comes from
// it; when the server refuses a token, it asks Tokens for a new one
// once and tries once more, on the same connection while it lives (a
// refused AUTH leaves an SMTP or POP3 session in its state before AUTH)
// or, when the server closed it, on a new one (Reconnect).
type Session struct {
	Options             // what Choose weighs; Token is filled from Tokens
	Tokens  TokenSource // nil: Options.Token and Options.Password as they are
	refused bool        // a token was refused and a new one asked for
	again   bool        // Reconnect said yes once
	lost    error       // the error of the exchange that lost the connection
}

// Run chooses the mechanism and runs the exchange over w (Choose and
// Authenticate). With Tokens set, a token is taken from it only once a
// token mechanism is chosen, so that nothing is fetched for a connection
// that could not carry it (no TLS, no mechanism offered). When the server
// refuses the token (errs.Auth), Run asks Tokens.Refresh for a new one and
// runs the exchange again on w, once per Session; after that the refusal
// stands. When a new token cannot be had, the error says both what the
// server said and why, with the kind of the token source's error.
func (l *Session) Run(ctx context.Context, w Wire) error {
	for {
		cl, err := l.choose(ctx)
		if err != nil {
			return err
		}
		err = Authenticate(w, cl)
		if errs.Gone(err) {
			l.lost = err
		}
		if l.Tokens == nil || !usesToken(cl) || errs.KindOf(err) != errs.Auth || l.refused {
			return err
		}
		l.refused = true
		if _, rerr := l.Tokens.Refresh(ctx, l.Token); rerr != nil {
			return refreshErr(err, rerr)
		}
	}
}

// choose returns the client to run; with Tokens, it fetches the token
// once Choose has picked a token mechanism for a stand-in.
func (l *Session) choose(ctx context.Context) (Client, error) {
	if l.Tokens == nil {
		return Choose(l.Options)
	}
	probe := l.Options
	probe.Token = "placeholder"
	cl, err := Choose(probe)
	if err != nil || !usesToken(cl) {
		return cl, err
	}
	tok, err := l.Tokens.Token(ctx)
	if err != nil {
		return nil, err
	}
	l.Token = tok
	return Choose(l.Options)
}

// Reconnect reports whether the protocol should open a new connection and
// Run again: the server lost the connection after it had refused a token
// and a new one was had (some servers close the session on a failed AUTH).
// It says yes once per Session.
func (l *Session) Reconnect(err error) bool {
	if !l.refused || l.again || l.lost == nil || !errors.Is(err, l.lost) {
		return false
	}
	l.again, l.lost = true, nil
	return true
}

// Dial runs dial with a new Session for tokens, and once more when the
// server closed the connection after refusing the token (Reconnect),
// telling note. Each protocol's Dial goes through it.
func Dial[C any](tokens TokenSource, note func(string), dial func(login *Session) (C, error)) (C, error) {
	login := &Session{Tokens: tokens}
	for {
		c, err := dial(login)
		if err == nil || !login.Reconnect(err) {
			return c, err
		}
		note("the server closed the connection after refusing the token: connecting again with the new one")
	}
}

// usesToken reports whether c is a token mechanism.
func usesToken(c Client) bool {
	switch c.(type) {
	case *xoauth2Client, *oauthBearerClient:
		return true
	}
	return false
}

// refreshErr is the refusal of a token when no new one could be had.
func refreshErr(refusal, cause error) error {
	return &errs.Error{Kind: errs.KindOf(cause), Err: fmt.Errorf("%w; no new token could be had: %v", refusal, cause)}
}
