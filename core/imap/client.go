package imap

import (
	"context"
	"crypto/tls"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"mailwire/core/errs"
	"mailwire/core/sasl"
	"mailwire/core/session"
	"mailwire/core/wire"
)

// state is the connection state of RFC 3501 section 3.
type state int

const (
	notAuthenticated state = iota
	authenticated
	selected
	loggedOut
)

// Client is an IMAP session. Its methods are used by one goroutine at a
// time, except Cancel and StopIdle.
type Client struct {
	conn     *wire.Conn
	opts     Options
	tlsCfg   *tls.Config
	p        parser
	state    state
	broken   error  // the error that lost the connection
	bye      string // the text of an untagged BYE
	greeting string
	caps     []string // the capabilities, as the server spells them
	enabled  map[string]bool
	tagN     int
	mbox     Mailbox // the selected mailbox
	changed  bool    // EXISTS, EXPUNGE, FETCH or VANISHED arrived (for Idle)
	stopIdle atomic.Bool
	session  *sasl.Session // the authentication, with its OAuth 2.0 tokens

	maxUntagged int // untagged responses while one command runs
}

// Dial connects, reads the greeting, learns the capabilities, runs
// STARTTLS as the security option says (RFC 3501 section 6.2.1; fail
// closed), logs in (SASL or LOGIN), and enables IMAP4rev2 and UTF8=ACCEPT
// when the server offers them (RFC 5161, RFC 9051, RFC 6855). The Client
// it returns is in the authenticated state. Cancelling ctx aborts Dial at
// any step.
//
// With Options.Tokens, a server that closes the connection after refusing
// the token is dialled once more with the new token.
func Dial(ctx context.Context, o Options) (*Client, error) {
	if err := o.CheckLogin("imap"); err != nil {
		return nil, err
	}
	open := func(conn *wire.Conn, cfg *tls.Config, login *sasl.Session) (*Client, error) {
		// o is as session.Dial settled it: the security and port in force.
		c := newClient(conn, o)
		c.tlsCfg, c.session = cfg, login
		return c, c.open(ctx)
	}
	return session.Dial(ctx, "imap", &o.ClientOptions, ports, open)
}

func newClient(conn *wire.Conn, o Options) *Client {
	conn.MaxLine = maxLine
	c := &Client{conn: conn, opts: o, enabled: map[string]bool{}, maxUntagged: defaultMaxUntagged}
	c.p.conn = conn
	return c
}

// open runs the not-authenticated state: greeting, capabilities,
// STARTTLS, login, then ENABLE.
func (c *Client) open(ctx context.Context) error {
	preauth, err := c.readGreeting()
	if err != nil {
		return err
	}
	if c.caps == nil {
		if err := c.capability(); err != nil {
			return err
		}
	}
	if sec := c.opts.Security; sec == wire.StartTLS || sec == wire.StartTLSOptional {
		if preauth {
			// A server that greets with PREAUTH never lets STARTTLS run
			// (RFC 3501 section 6.2.1): going on would be unencrypted.
			if sec == wire.StartTLS {
				return errs.New(errs.Security, "imap: TLS is required but the server greeted with PREAUTH, which rules STARTTLS out")
			}
		} else if err := c.startTLS(ctx, sec == wire.StartTLS); err != nil {
			return err
		}
	}
	if !preauth {
		if err := c.login(ctx); err != nil {
			return err
		}
	}
	c.state = authenticated
	return c.enable()
}

// readGreeting reads the server's greeting (RFC 3501 section 7.1.1, 7.1.4,
// 7.1.5): OK, PREAUTH, or BYE, which refuses the connection.
func (c *Client) readGreeting() (preauth bool, err error) {
	r, err := c.read()
	if err != nil {
		return false, err
	}
	if r.tag != "*" || (r.name != "OK" && r.name != "PREAUTH" && r.name != "BYE") {
		return false, c.fail(protoErr("the greeting is not * OK, * PREAUTH or * BYE"))
	}
	c.greeting = r.text
	if r.name == "BYE" {
		return false, c.fail(errs.New(errs.Closed, "imap: the server refused the connection: "+errs.Quote(r.text)))
	}
	c.handle(r)
	return r.name == "PREAUTH", nil
}

// capability asks for the capabilities (RFC 3501 section 6.1.1).
func (c *Client) capability() error {
	c.caps = nil
	if _, err := c.run(c.command("CAPABILITY"), nil); err != nil {
		return err
	}
	if c.caps == nil {
		return c.fail(protoErr("CAPABILITY without a CAPABILITY response"))
	}
	return nil
}

// setCaps keeps a capability list (RFC 3501 section 7.2.1).
func (c *Client) setCaps(vs []value) {
	caps := []string{}
	for _, v := range vs {
		if v.kind == vAtom && len(caps) < 1000 {
			caps = append(caps, v.s)
		}
	}
	c.caps = caps
}

// startTLS sends STARTTLS and runs the TLS handshake (RFC 3501 section
// 6.2.1), then forgets the capabilities and asks for them again. With
// required set, a server that does not offer or refuses STARTTLS fails the
// session before any credential is sent (errs.Security). Data that arrives
// after the tagged OK and before the handshake is refused as an injection
// (wire.Conn.StartTLS).
func (c *Client) startTLS(ctx context.Context, required bool) error {
	if !c.Has("STARTTLS") {
		if required {
			return errs.New(errs.Security, "imap: TLS is required but the server does not offer STARTTLS")
		}
		return nil
	}
	_, err := c.run(c.command("STARTTLS"), nil)
	var se *Error
	if errors.As(err, &se) {
		if required {
			return errs.E(errs.Security, errors.New("imap: TLS is required but the server refused STARTTLS: "+errs.Quote(se.Text)))
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
	return c.capability()
}

// enable turns on IMAP4rev2 and UTF8=ACCEPT when the server offers them
// (RFC 5161 section 3.1, RFC 9051 section 6.3.1, RFC 6855 section 3).
func (c *Client) enable() error {
	if !c.Has("ENABLE") {
		return nil
	}
	var want []string
	for _, x := range []string{"IMAP4rev2", "UTF8=ACCEPT"} {
		if c.Has(x) {
			want = append(want, x)
		}
	}
	if len(want) == 0 {
		return nil
	}
	_, err := c.Enable(want...)
	var se *Error
	if errors.As(err, &se) {
		return nil // a refusal leaves IMAP4rev1 and modified UTF-7
	}
	return err
}

// Enable sends ENABLE with the named extensions (RFC 5161) and returns
// those the server enabled.
func (c *Client) Enable(exts ...string) ([]string, error) {
	cmd := c.command("ENABLE")
	for _, x := range exts {
		if err := cmd.atom(x); err != nil {
			return nil, err
		}
	}
	var got []string
	_, err := c.run(cmd, func(r *response) error {
		if r.name == "ENABLED" {
			for _, v := range r.args {
				if v.kind == vAtom {
					got = append(got, v.s)
				}
			}
		}
		return nil
	})
	return got, err
}

// Has reports whether the server announced the capability name (case-
// insensitive, RFC 3501 section 7.2.1).
func (c *Client) Has(name string) bool {
	return slices.ContainsFunc(c.caps, func(s string) bool { return strings.EqualFold(s, name) })
}

// Capabilities returns the capabilities the server announced last, such
// as "IMAP4rev1", "IDLE", "AUTH=PLAIN".
func (c *Client) Capabilities() []string { return append([]string(nil), c.caps...) }

// Greeting returns the text of the server's greeting.
func (c *Client) Greeting() string { return c.greeting }

// IsTLS reports whether the session runs over TLS.
func (c *Client) IsTLS() bool { return c.conn.IsTLS() }

// utf8Names reports whether mailbox names and strings are UTF-8 rather
// than modified UTF-7 (RFC 6855 section 3, RFC 9051 section 5.1).
func (c *Client) utf8Names() bool { return c.enabled["UTF8=ACCEPT"] || c.enabled["IMAP4REV2"] }

// Enabled reports whether the server enabled the extension name (RFC 5161).
func (c *Client) Enabled(name string) bool { return c.enabled[strings.ToUpper(name)] }

// read reads one response; an error ends the session.
func (c *Client) read() (*response, error) {
	r, err := c.p.read()
	if err != nil {
		if c.bye != "" && errs.KindOf(err) == errs.Closed {
			err = errs.New(errs.Closed, "imap: the server closed the connection: "+errs.Quote(c.bye))
		}
		return nil, c.fail(err)
	}
	return r, nil
}

// fail records err as the loss of the connection when its kind says the
// connection is gone, and closes it (wire.Fail). It returns err.
func (c *Client) fail(err error) error { return wire.Fail(c.conn, &c.broken, err) }

// ready fails when the connection is already lost.
func (c *Client) ready() error { return wire.Lost("imap", c.broken) }

// Broken returns the error that lost the connection, or nil.
func (c *Client) Broken() error { return c.broken }

// handle applies an untagged response to the session's state: the
// capabilities, the selected mailbox's counts and codes, and the notice of
// a change for Idle (RFC 3501 section 7; RFC 7162 section 3.1.2).
func (c *Client) handle(r *response) {
	switch r.name {
	case "CAPABILITY":
		c.setCaps(r.args)
	case "ENABLED":
		for _, v := range r.args {
			if v.kind == vAtom {
				c.enabled[strings.ToUpper(v.s)] = true
			}
		}
	case "EXISTS":
		if r.num <= maxBody {
			c.mbox.Exists = uint32(r.num)
		}
		c.changed = true
	case "EXPUNGE":
		if c.mbox.Exists > 0 {
			c.mbox.Exists--
		}
		c.changed = true
	case "FETCH", "VANISHED":
		c.changed = true
	case "RECENT":
		if r.num <= maxBody {
			c.mbox.Recent = uint32(r.num)
		}
	case "FLAGS":
		if len(r.args) == 1 && r.args[0].kind == vList {
			c.mbox.Flags = atoms(r.args[0].list)
		}
	case "BYE":
		c.bye = r.text
	}
	if r.status() {
		c.code(r)
	}
}

// code applies a response code (RFC 3501 section 7.1, RFC 4315, RFC 7162).
func (c *Client) code(r *response) {
	num := func() (uint64, bool) {
		if len(r.codeArgs) != 1 {
			return 0, false
		}
		return r.codeArgs[0].number()
	}
	switch r.code {
	case "CAPABILITY":
		c.setCaps(r.codeArgs)
	case "UIDVALIDITY":
		if n, ok := num(); ok && n <= maxBody {
			c.mbox.UIDValidity = uint32(n)
		}
	case "UIDNEXT":
		if n, ok := num(); ok && n <= maxBody {
			c.mbox.UIDNext = uint32(n)
		}
	case "HIGHESTMODSEQ":
		if n, ok := num(); ok {
			c.mbox.HighestModSeq = n
		}
	case "NOMODSEQ":
		c.mbox.HighestModSeq = 0
	case "PERMANENTFLAGS":
		if len(r.codeArgs) == 1 && r.codeArgs[0].kind == vList {
			c.mbox.PermanentFlags = atoms(r.codeArgs[0].list)
		}
	case "READ-ONLY":
		c.mbox.ReadOnly = true
	case "READ-WRITE":
		c.mbox.ReadOnly = false
	case "ALERT":
		c.opts.Log.Note("server alert: " + r.text)
	}
}

// atoms returns the atoms of a list, such as flags.
func atoms(vs []value) []string {
	out := []string{}
	for _, v := range vs {
		if v.kind == vAtom {
			out = append(out, v.s)
		}
	}
	return out
}

// Error is a tagged NO or BAD response (RFC 3501 section 7.1.2, 7.1.3).
// Code is its response code (RFC 5530), such as "AUTHENTICATIONFAILED",
// "NONEXISTENT", "TRYCREATE", "OVERQUOTA", or empty.
type Error struct {
	Command string // the command's name
	Status  string // "NO" or "BAD"
	Code    string
	Text    string
	auth    bool // the response refused a login
}

// Error returns the server's text.
func (e *Error) Error() string {
	code := ""
	if e.Code != "" {
		code = "[" + e.Code + "] "
	}
	return "imap: " + e.Command + ": server replied " + e.Status + " " + code + errs.Quote(e.Text)
}

// ErrKind classifies the response by its code (RFC 5530 section 3): a
// refused login is errs.Auth, UNAVAILABLE, INUSE, LIMIT and EXPUNGEISSUED
// are temporary, NONEXISTENT and TRYCREATE say no such folder, OVERQUOTA
// and TOOBIG say too big; anything else is a permanent refusal.
func (e *Error) ErrKind() errs.Kind {
	switch e.Code {
	case "AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED", "PRIVACYREQUIRED":
		return errs.Auth
	case "UNAVAILABLE", "INUSE", "LIMIT", "EXPUNGEISSUED", "SERVERBUG":
		return errs.Temporary
	case "NONEXISTENT", "TRYCREATE":
		return errs.NotFound
	case "OVERQUOTA", "TOOBIG":
		return errs.TooBig
	}
	if e.auth {
		return errs.Auth
	}
	return errs.Refused
}

// authErr marks a NO or BAD response as a refused login.
func authErr(err error) error {
	var se *Error
	if errors.As(err, &se) {
		se.auth = true
	}
	return err
}

// nextTag returns a new tag: "A1", "A2"... (RFC 3501 section 2.2.1).
func (c *Client) nextTag() string {
	c.tagN++
	return "A" + strconv.Itoa(c.tagN)
}

// Logout sends LOGOUT (RFC 3501 section 6.1.3) and closes the connection
// in any case.
func (c *Client) Logout() error {
	defer c.Close()
	if c.state == loggedOut {
		return errs.New(errs.State, "imap: already logged out")
	}
	_, err := c.run(c.command("LOGOUT"), nil)
	c.state = loggedOut
	return err
}

// Quit is Logout, for the C layer's common session handling.
func (c *Client) Quit() error { return c.Logout() }

// Close drops the connection without LOGOUT.
func (c *Client) Close() error {
	c.state = loggedOut
	return wire.Close(c.conn, &c.broken, "imap")
}

// Cancel aborts the running command from another goroutine; the connection
// is closed and the command returns an error of kind errs.Cancelled.
func (c *Client) Cancel() { c.conn.Cancel() }
