package smtp

import (
	"context"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/sasl"
)

// maxAuthLine is the longest AUTH command, CRLF included: a longer initial
// response waits for the server's first challenge (RFC 4954 section 4).
const maxAuthLine = 512

// auth authenticates when a password, a token or a token source is set
// (RFC 4954 section 4). sasl.Choose picks the mechanism and refuses,
// before anything is written, one that would expose the secret without
// TLS (errs.Security) unless AllowPlaintextAuth; the session takes the
// token from Options.Tokens and, after a 535, tries once more with a new
// one on this connection.
func (c *Client) auth(ctx context.Context) error {
	if c.o.Password == "" && c.o.Token == "" && c.o.Tokens == nil {
		return nil
	}
	params, ok := c.ext["AUTH"]
	if !ok {
		return errs.New(errs.Unsupported, "smtp: credentials are set but the server does not offer AUTH")
	}
	o := &c.o
	if c.login == nil {
		c.login = &sasl.Session{Tokens: o.Tokens}
	}
	c.login.Options = o.SASL(o.Auth, strings.Fields(params), c.conn.IsTLS())
	if err := c.login.Run(ctx, authWire{c}); err != nil {
		return err
	}
	c.authed = true
	return nil
}

// authWire frames an exchange in SMTP (RFC 4954 section 4):
//
//	C: AUTH LOGIN
//	S: 334 VXNlcm5hbWU6
//	C: dGlt
//	S: 334 UGFzc3dvcmQ6
//	C: dGFuc3RhYWY=
//	S: 235 2.7.0 Authentication successful
type authWire struct{ c *Client }

// Begin sends AUTH with the initial response when it fits.
func (w authWire) Begin(mech, ir string) (bool, error) {
	line, shown, sent := sasl.CommandLine("AUTH "+mech, ir, maxAuthLine)
	return sent, w.c.sendLine(line, shown)
}

// Send sends one response line.
func (w authWire) Send(line, shown string) error { return w.c.sendLine(line, shown) }

// Read reads a 334 challenge or the outcome: 235 is success, 4xx and 5xx
// a refusal that counts as an authentication failure when permanent, any
// other reply a protocol error (RFC 4954 section 6).
func (w authWire) Read() (string, bool, error) {
	r, err := w.c.read(0)
	switch {
	case err != nil:
		return "", false, err
	case r.Code == 334:
		return r.Text(), true, nil
	case r.Code == 235:
		return "", false, nil
	}
	// Only 235 ends the exchange well; 4xx and 5xx refuse it, any other
	// reply is outside the protocol (RFC 4954 section 6).
	if err := expectClass("AUTH", r, 4, 5); err != nil {
		return "", false, w.c.fail(err)
	}
	e := r.err()
	e.auth = true
	return "", false, e
}
