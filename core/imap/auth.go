package imap

import (
	"context"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/sasl"
)

// maxAuthLine bounds an AUTHENTICATE command with its initial response;
// IMAP sets no limit of its own (RFC 4959 section 3), this keeps it within
// what servers read.
const maxAuthLine = 8192

// login authenticates as Options.Auth says (RFC 3501 section 6.2.2,
// 6.2.3) and takes the capabilities in force after it.
func (c *Client) login(ctx context.Context) error {
	var err error
	switch want := strings.ToLower(strings.TrimSpace(c.opts.Auth)); want {
	case "", "auto":
		err = c.loginAuto(ctx)
	case "login":
		err = c.loginCommand()
	default:
		err = c.runSASL(ctx, want, c.mechanisms())
	}
	if err != nil {
		return err
	}
	// The capabilities may change after login (RFC 3501 section 6.2.3):
	// the tagged OK may carry them, else they are asked for again.
	if c.caps == nil {
		return c.capability()
	}
	return nil
}

// mechanisms returns the SASL mechanisms of the AUTH= capabilities.
func (c *Client) mechanisms() []string {
	var m []string
	for _, s := range c.caps {
		if len(s) > 5 && strings.EqualFold(s[:5], "AUTH=") {
			m = append(m, s[5:])
		}
	}
	return m
}

// loginAuto prefers SASL (when AUTH= capabilities are listed), then LOGIN.
// A SASL mechanism that would expose the secret without TLS is passed
// over; LOGIN is then refused for the same reason.
func (c *Client) loginAuto(ctx context.Context) error {
	var saslErr error
	if mechs := c.mechanisms(); len(mechs) > 0 {
		err := c.runSASL(ctx, "auto", mechs)
		if k := errs.KindOf(err); k != errs.Unsupported && k != errs.Security {
			return err
		}
		saslErr = err
	}
	if c.opts.Password == "" || c.Has("LOGINDISABLED") && saslErr != nil {
		if saslErr != nil {
			return saslErr
		}
		return errs.New(errs.Unsupported, "imap: the server offers no SASL mechanism usable with a token")
	}
	return c.loginCommand()
}

// loginCommand runs LOGIN (RFC 3501 section 6.2.3), with the user name and
// password as quoted strings or literals; the password never reaches the
// protocol log. Without TLS it needs AllowPlaintextAuth; a server that
// announces LOGINDISABLED is not sent it.
func (c *Client) loginCommand() error {
	if err := c.opts.CheckExposure("LOGIN", c.conn.IsTLS()); err != nil {
		return err
	}
	if c.Has("LOGINDISABLED") {
		return errs.New(errs.Unsupported, "imap: the server disabled the LOGIN command (LOGINDISABLED)")
	}
	if c.opts.Password == "" {
		return errs.New(errs.Arg, "imap: LOGIN needs a password")
	}
	cmd := c.command("LOGIN")
	cmd.str(c.opts.Username)
	cmd.secret(c.opts.Password)
	old := c.caps
	c.caps = nil
	_, err := c.run(cmd, nil)
	if err != nil && c.caps == nil {
		c.caps = old // a refusal leaves the session as it was
	}
	return authErr(err)
}

// runSASL authenticates with mech, "auto" or the mechanism asked for,
// among the AUTH= capabilities, over IMAP's framing through the session
// (session.ClientOptions.Login). A failed AUTHENTICATE leaves the client
// in the not authenticated state (RFC 3501 section 6.2.2), so a refused
// token is replaced on this connection; the capabilities stay as they
// were unless the tagged response carried new ones.
func (c *Client) runSASL(ctx context.Context, mech string, offered []string) error {
	w := &saslWire{c: c, ir: c.Has("SASL-IR")}
	old := c.caps
	c.caps = nil
	err := c.opts.Login(ctx, c.session, mech, offered, c.conn.IsTLS(), w)
	if err != nil && c.caps == nil {
		c.caps = old
	}
	return err
}

// saslWire frames an exchange in IMAP (RFC 3501 section 6.2.2, RFC 4959):
//
//	C: A1 AUTHENTICATE PLAIN
//	S: +
//	C: AHRpbQB0YW5zdGFhZg==
//	S: A1 OK [CAPABILITY IMAP4rev1 ...] Logged in
type saslWire struct {
	c     *Client
	ir    bool // the server offers SASL-IR
	tag   string
	count int
}

// Begin sends AUTHENTICATE, with the initial response when the server
// offers SASL-IR (RFC 4959 section 3).
func (w *saslWire) Begin(mech, ir string) (bool, error) {
	if err := w.c.ready(); err != nil {
		return false, err
	}
	if !isAtom(mech) {
		return false, errs.New(errs.Arg, "imap: bad mechanism name")
	}
	if !w.ir {
		ir = ""
	}
	w.tag, w.count = w.c.nextTag(), 0
	line, shown, sent := sasl.CommandLine(w.tag+" AUTHENTICATE "+mech, ir, maxAuthLine)
	return sent, w.Send(line, shown)
}

// Send sends one response line.
func (w *saslWire) Send(line, shown string) error {
	w.c.conn.WriteSecretLine(line, shown)
	return w.c.fail(w.c.conn.Flush())
}

// Read reads a "+ " continuation, whose text is the challenge, or the
// tagged response that ends the exchange; untagged responses on the way
// are taken in.
func (w *saslWire) Read() (string, bool, error) {
	r, err := w.c.await(w.tag, &w.count, nil)
	if err != nil {
		return "", false, err
	}
	if r.tag == "+" {
		return r.text, true, nil
	}
	_, err = w.c.result(&command{name: "AUTHENTICATE"}, r, nil)
	return "", false, authErr(err)
}
