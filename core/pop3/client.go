package pop3

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/sasl"
	"mailwire/core/session"
	"mailwire/core/wire"
)

// state is the session state of RFC 1939 section 3.
type state int

const (
	authorization state = iota // after the greeting, until a login succeeds
	transaction                // logged in: the maildrop is locked
	update                     // after QUIT: the server applies deletions; the connection is gone
)

// Client is a POP3 session. Its methods are used by one goroutine at a
// time, except Cancel.
type Client struct {
	conn     *wire.Conn
	opts     Options
	tlsCfg   *tls.Config
	state    state
	broken   error    // the error that lost the connection
	greeting string   // the text of the +OK greeting
	stamp    string   // the APOP timestamp of the greeting
	caps     []string // the CAPA lines; nil when CAPA failed
	capaOK   bool     // CAPA succeeded
	count    int      // the STAT count, once known
	statDone bool
	sizes    []int64  // LIST, by message number; -1 when not listed
	uids     []string // UIDL, by message number
	uidlErr  error    // the reply to UIDL when the server refused it
	deleted  map[int]bool
	inPipe   bool // a message is being handed to a callback: the replies to come are not ours
	session  *sasl.Session
}

// Dial connects, reads the greeting, asks for the capabilities (RFC 2449
// section 5; a server without CAPA is tolerated), runs STLS as the security
// option says (RFC 2595 section 4), and logs in. The Client it returns is in
// the transaction state; the maildrop listing is fetched when first needed.
// With Options.Tokens, a server that closes the connection after refusing
// the token is dialled once more with the new token. Cancelling ctx aborts
// Dial at any step.
func Dial(ctx context.Context, o Options) (*Client, error) {
	if err := o.CheckLogin("pop3"); err != nil {
		return nil, err
	}
	open := func(conn *wire.Conn, cfg *tls.Config, login *sasl.Session) (*Client, error) {
		// o is as session.Dial settled it: the security and port in force.
		c := &Client{conn: conn, opts: o, tlsCfg: cfg, session: login}
		return c, c.open(ctx)
	}
	return session.Dial(ctx, "pop3", &o.ClientOptions, ports, open)
}

// open runs the authorization state: greeting, CAPA, STLS, login.
func (c *Client) open(ctx context.Context) error {
	if err := c.readGreeting(); err != nil {
		return err
	}
	if err := c.capa(); err != nil {
		return err
	}
	if sec := c.opts.Security; sec == wire.StartTLS || sec == wire.StartTLSOptional {
		if err := c.startTLS(ctx, sec == wire.StartTLS); err != nil {
			return err
		}
	}
	if err := c.login(ctx); err != nil {
		return err
	}
	c.state = transaction
	return nil
}

// readGreeting reads the server's "+OK" greeting and its APOP timestamp
// (RFC 1939 sections 4 and 7).
func (c *Client) readGreeting() error {
	text, err := c.status()
	if err != nil {
		return err
	}
	c.greeting, c.stamp = text, timestamp(text)
	return nil
}

// capa asks for the capabilities (RFC 2449 section 5). A -ERR reply means a
// server without CAPA: no capabilities are known.
func (c *Client) capa() error {
	c.caps, c.capaOK = nil, false
	_, err := c.cmd("CAPA")
	var pe *Error
	if errors.As(err, &pe) {
		return nil
	}
	if err != nil {
		return err
	}
	caps := []string{}
	err = c.readListing(maxCapa, "CAPA", func(line string) error {
		caps = append(caps, line)
		return nil
	})
	if err != nil {
		return err
	}
	c.caps, c.capaOK = caps, true
	return nil
}

// startTLS sends STLS alone and runs the TLS handshake (RFC 2595 section 4),
// then forgets the capabilities and asks for them again. With required set,
// a server that does not offer or refuses STLS fails the session before any
// credential is sent (errs.Security).
func (c *Client) startTLS(ctx context.Context, required bool) error {
	if c.capaOK && !c.hasCap("STLS") {
		if required {
			return errs.New(errs.Security, "pop3: TLS is required but the server does not offer STLS")
		}
		return nil
	}
	_, err := c.cmd("STLS")
	var pe *Error
	if errors.As(err, &pe) {
		if required {
			return errs.E(errs.Security, errors.New("pop3: TLS is required but the server refused STLS: "+pe.Message))
		}
		return nil
	}
	if err != nil {
		return err
	}
	if err := c.conn.StartTLS(ctx, c.tlsCfg); err != nil {
		return c.fail(err)
	}
	c.opts.Log.Note("TLS established")
	return c.capa()
}

// hasCap reports whether CAPA listed the capability name (case-insensitive,
// RFC 2449 section 6).
func (c *Client) hasCap(name string) bool { return c.capArgs(name) != nil }

// capArgs returns the arguments of capability name, or nil when it is not
// listed.
func (c *Client) capArgs(name string) []string {
	for _, line := range c.caps {
		f := strings.Fields(line)
		if len(f) > 0 && strings.EqualFold(f[0], name) {
			return f[1:len(f):len(f)]
		}
	}
	return nil
}

// Capabilities returns the lines of the last CAPA reply (RFC 2449 section
// 6), such as "TOP", "UIDL", "SASL PLAIN SCRAM-SHA-256", "PIPELINING"; nil
// when the server does not support CAPA.
func (c *Client) Capabilities() []string {
	return append([]string(nil), c.caps...)
}

// Greeting returns the text of the server's greeting.
func (c *Client) Greeting() string { return c.greeting }

// IsTLS reports whether the session runs over TLS.
func (c *Client) IsTLS() bool { return c.conn.IsTLS() }

// cmd sends one command, verb and arguments separated by spaces, and reads
// its status line. Every argument passes wire.CheckLine first, so that
// nothing is written when one would inject a line (SECURITY.md section 1).
// It returns the text after "+OK", or an *Error for "-ERR".
func (c *Client) cmd(verb string, args ...string) (string, error) {
	line, err := cmdLine(verb, args)
	if err != nil {
		return "", err
	}
	if err := c.send(line, ""); err != nil {
		return "", err
	}
	return c.status()
}

// cmdLine joins verb and args after checking them.
func cmdLine(verb string, args []string) (string, error) {
	line := verb
	for _, a := range args {
		if err := wire.CheckLine("pop3: "+verb+" argument", a); err != nil {
			return "", err
		}
		line += " " + a
	}
	return line, nil
}

// send writes one line and flushes it; shown, when not empty, is what the
// protocol log shows instead of a line that carries a secret.
func (c *Client) send(line, shown string) error {
	if err := c.ready(); err != nil {
		return err
	}
	if shown == "" {
		shown = line
	}
	c.conn.WriteSecretLine(line, shown)
	return c.fail(c.conn.Flush())
}

// ready fails when the connection is already lost.
func (c *Client) ready() error {
	if err := wire.Lost("pop3", c.broken); err != nil {
		return err
	}
	if c.inPipe {
		return errs.New(errs.State, "pop3: a command cannot be sent while a message is being delivered")
	}
	return nil
}

// status reads one status line.
func (c *Client) status() (string, error) {
	line, err := c.conn.ReadLine()
	if err != nil {
		return "", c.fail(err)
	}
	text, err := parseStatus(line)
	if errs.KindOf(err) == errs.Protocol {
		return "", c.fail(err)
	}
	return text, err
}

// readListing reads the lines of a multi-line reply up to the line "."
// (RFC 1939 section 3), removing the stuffed dot, and fails with
// errs.Protocol after max lines.
func (c *Client) readListing(max int, what string, fn func(line string) error) error {
	for n := 0; ; n++ {
		line, err := c.conn.ReadLine()
		if err != nil {
			return c.fail(err)
		}
		if line == "." {
			return nil
		}
		if n >= max {
			return c.fail(protoErr(what + " listing too long"))
		}
		if err := fn(strings.TrimPrefix(line, ".")); err != nil {
			return c.fail(err)
		}
	}
}

// fail records err as the loss of the connection when its kind says the
// connection is gone, and closes it (wire.Fail). It returns err.
func (c *Client) fail(err error) error { return wire.Fail(c.conn, &c.broken, err) }

// Broken returns the error that lost the connection, or nil.
func (c *Client) Broken() error { return c.broken }

// Quit sends QUIT (RFC 1939 section 6): the server enters the update state
// and removes the messages marked as deleted. The connection is closed in
// any case; a -ERR reply (deletions failed) is returned.
func (c *Client) Quit() error {
	defer c.Close()
	if c.state == update {
		return errs.New(errs.State, "pop3: already quit")
	}
	_, err := c.cmd("QUIT")
	c.state = update
	return err
}

// Close drops the connection without QUIT: no message is deleted.
func (c *Client) Close() error {
	c.state = update
	return wire.Close(c.conn, &c.broken, "pop3")
}

// Cancel aborts the running command from another goroutine; the connection
// is closed and the command returns an error of kind errs.Cancelled.
func (c *Client) Cancel() { c.conn.Cancel() }
