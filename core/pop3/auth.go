package pop3

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/sasl"
)

// maxAuthLine is the longest AUTH command with an initial response, CRLF
// included (RFC 5034 section 4).
const maxAuthLine = 255

// login authenticates as Options.Auth says (RFC 1939 section 7, RFC 5034).
func (c *Client) login(ctx context.Context) error {
	want := strings.ToLower(strings.TrimSpace(c.opts.Auth))
	switch want {
	case "", "auto":
		return c.loginAuto(ctx)
	case "user":
		return c.loginUser()
	case "apop":
		return c.loginAPOP()
	}
	return c.runSASL(ctx, want, c.capArgs("SASL"))
}

// loginAuto prefers SASL (when CAPA lists mechanisms), then APOP, then
// USER/PASS. A SASL mechanism that would expose the secret without TLS is
// passed over; APOP and USER/PASS are then refused for the same reason.
func (c *Client) loginAuto(ctx context.Context) error {
	var saslErr error
	if mechs := c.capArgs("SASL"); len(mechs) > 0 {
		err := c.runSASL(ctx, "auto", mechs)
		if k := errs.KindOf(err); k != errs.Unsupported && k != errs.Security {
			return err
		}
		saslErr = err
	}
	if c.opts.Password == "" {
		if saslErr != nil {
			return saslErr
		}
		return errs.New(errs.Unsupported, "pop3: the server offers no SASL mechanism usable with a token")
	}
	if c.stamp != "" {
		return c.loginAPOP()
	}
	return c.loginUser()
}

// loginUser runs USER and PASS (RFC 1939 section 7). The password never
// reaches the protocol log.
func (c *Client) loginUser() error {
	if err := c.opts.CheckExposure("USER/PASS", c.conn.IsTLS()); err != nil {
		return err
	}
	if c.opts.Password == "" {
		return errs.New(errs.Arg, "pop3: USER/PASS needs a password")
	}
	if _, err := c.cmd("USER", c.opts.Username); err != nil {
		return authErr(err)
	}
	if err := c.send("PASS "+c.opts.Password, "PASS <secret>"); err != nil {
		return err
	}
	_, err := c.status()
	return authErr(err)
}

// loginAPOP runs APOP with the MD5 digest of the greeting's timestamp and
// the password (RFC 1939 section 7). Without TLS it needs
// AllowPlaintextAuth: the digest allows an offline attack on the password.
func (c *Client) loginAPOP() error {
	if c.stamp == "" {
		return errs.New(errs.Unsupported, "pop3: the server greeting has no APOP timestamp")
	}
	if err := c.opts.CheckExposure("APOP", c.conn.IsTLS()); err != nil {
		return err
	}
	if c.opts.Password == "" {
		return errs.New(errs.Arg, "pop3: APOP needs a password")
	}
	line, err := cmdLine("APOP", []string{c.opts.Username})
	if err != nil {
		return err
	}
	if err := c.send(line+" "+apopDigest(c.stamp, c.opts.Password), line+" <secret>"); err != nil {
		return err
	}
	_, err = c.status()
	return authErr(err)
}

// apopDigest is the lowercase hex MD5 of timestamp followed by the secret
// (RFC 1939 section 7).
func apopDigest(stamp, secret string) string {
	sum := md5.Sum([]byte(stamp + secret))
	return hex.EncodeToString(sum[:])
}

// runSASL authenticates with mech, "auto" or the mechanism asked for,
// among the mechanisms CAPA lists (RFC 5034), through the session
// (session.ClientOptions.Login). A failed AUTH leaves the session in the
// authorization state (RFC 5034 section 4), so a refused token is
// replaced on this connection.
func (c *Client) runSASL(ctx context.Context, mech string, offered []string) error {
	return c.opts.Login(ctx, c.session, mech, offered, c.conn.IsTLS(), saslWire{c})
}

// saslWire frames an exchange in POP3 (RFC 5034 section 4):
//
//	C: AUTH CRAM-MD5
//	S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+
//	C: dGltIDcwNTMyMjA1MWE3ZTE0ZWZjNjcwMWVhZmZlOTJjOTli
//	S: +OK maildrop locked and ready
type saslWire struct{ c *Client }

// Begin sends AUTH with the initial response when it fits.
func (w saslWire) Begin(mech, ir string) (bool, error) {
	line, shown, sent := sasl.CommandLine("AUTH "+mech, ir, maxAuthLine)
	return sent, w.c.send(line, shown)
}

// Send sends one response line.
func (w saslWire) Send(line, shown string) error { return w.c.send(line, shown) }

// Read reads a "+ " continuation, whose text is the challenge ("+" alone is
// an empty one), or the +OK or -ERR that ends the exchange.
func (w saslWire) Read() (string, bool, error) {
	line, err := w.c.conn.ReadLine()
	if err != nil {
		return "", false, w.c.fail(err)
	}
	if text, ok := strings.CutPrefix(line+" ", "+ "); ok { // "+" alone: an empty one
		return text, true, nil
	}
	_, err = parseStatus(line)
	if errs.KindOf(err) == errs.Protocol {
		return "", false, w.c.fail(err)
	}
	return "", false, authErr(err)
}

// authErr marks a -ERR reply as a refused authentication (RFC 3206
// section 5).
func authErr(err error) error {
	var pe *Error
	if errors.As(err, &pe) {
		pe.auth = true
	}
	return err
}
