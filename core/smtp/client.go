package smtp

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"os"
	"strings"
	"time"

	"mailwire/core/errs"
	"mailwire/core/sasl"
	"mailwire/core/session"
	"mailwire/core/syntax"
	"mailwire/core/wire"
)

// Client is one SMTP or LMTP session. Apart from Cancel, it is used by one
// goroutine at a time.
type Client struct {
	o        Options
	conn     *wire.Conn
	tlsCfg   *tls.Config
	helo     string
	ext      map[string]string // EHLO keyword (upper case) to its parameters
	memo     planMemo          // the last envelope planned, for the EHLO reply in ext
	texts    texts             // recent reply texts, for whoever reads the replies
	caps     []string          // EHLO lines as sent, after the greeting line
	authed   bool
	lastCode int
	lastText string
	// The session state, changed only by track and lose: dirty says that
	// the commands written so far may leave a transaction open, so the
	// next one starts with RSET; broken says why the connection is gone.
	dirty  bool
	broken error
	pace   pacer // what a stream keeps in flight on this connection
	chunk  []byte
	chunkW *bufio.Writer // normalises line ends into the chunker, kept between messages
	enh    bool          // the server offers ENHANCEDSTATUSCODES
	// watched is the Done channel of the pool context whose cancellation
	// cancels the connection; watchStop removes that registration.
	watched   <-chan struct{}
	watchStop func() bool
	login     *sasl.Session // the authentication, kept across a reconnect
}

// Dial connects to the server and prepares the session: greeting, EHLO
// (HELO when the server answers 500 or 502, RFC 5321 section 4.1.1.1; LHLO
// for LMTP, RFC 2033 section 4.1), STARTTLS per the security policy (RFC
// 3207, then EHLO again), and AUTH (RFC 4954) when a password or token is
// set. With Options.Tokens, a server that closes the connection after
// refusing the token is dialled once more with the new token. Cancelling
// ctx aborts it.
func Dial(ctx context.Context, o Options) (*Client, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	open := func(conn *wire.Conn, cfg *tls.Config, login *sasl.Session) (*Client, error) {
		// o is as session.Dial settled it: the security and port in force.
		c := &Client{o: o, conn: conn, tlsCfg: cfg, login: login}
		return c, c.wrap(c.open(ctx))
	}
	return session.Dial(ctx, "smtp", &o.ClientOptions, o.ports(), open)
}

// check validates the options that reach command lines before any
// connection is made, as Set does.
func (o *Options) check() error {
	if o.Host == "" {
		return errs.New(errs.Arg, "smtp: no host given")
	}
	for _, f := range [][2]string{{"username", o.Username}, {"password", o.Password}, {"token", o.Token}} {
		if err := wire.CheckLine(f[0], f[1]); err != nil {
			return err
		}
	}
	scratch := *o
	for _, f := range [][2]string{{"helo", o.Helo}, {"dsn_notify", o.DSNNotify}, {"dsn_ret", o.DSNRet}, {"envid", o.EnvID}} {
		if f[1] != "" {
			if err := scratch.Set(f[0], f[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// open runs the session set-up after the connection is made.
func (c *Client) open(ctx context.Context) error {
	c.helo = c.o.Helo
	if c.helo == "" {
		c.helo = defaultHelo(c.conn.LocalAddr())
	}
	r, err := c.read(0)
	if err != nil {
		return err
	}
	if r.Code != 220 {
		return c.fail(r.err())
	}
	if err := c.hello(); err != nil {
		return err
	}
	if err := c.startTLS(ctx); err != nil {
		return err
	}
	return c.auth(ctx)
}

// defaultHelo returns the host name when it is a fully qualified domain,
// else the address literal of the local address (RFC 5321 section 4.1.4).
func defaultHelo(local net.Addr) string {
	if h, err := os.Hostname(); err == nil && strings.Contains(h, ".") && checkHelo(h) == nil {
		return h
	}
	if ta, ok := local.(*net.TCPAddr); ok {
		return syntax.AddressLiteral(ta.IP)
	}
	return "[127.0.0.1]"
}

// hello sends EHLO (or LHLO) and records the extensions; it falls back to
// HELO when the server does not know EHLO (RFC 5321 section 4.1.1.1).
func (c *Client) hello() error {
	c.ext, c.caps, c.enh = map[string]string{}, nil, false
	c.memo = planMemo{}
	verb := "EHLO "
	if c.o.LMTP {
		verb = "LHLO "
	}
	r, err := c.cmd(verb + c.helo)
	if err != nil {
		return err
	}
	if r.Code == 250 {
		c.parseCaps(r.Lines[1:])
		_, c.enh = c.ext["ENHANCEDSTATUSCODES"]
		return nil
	}
	if c.o.LMTP || (r.Code != 500 && r.Code != 502) {
		return c.fail(r.err())
	}
	if r, err = c.cmd("HELO " + c.helo); err != nil {
		return err
	}
	if r.Code != 250 {
		return c.fail(r.err())
	}
	return nil
}

// parseCaps records the EHLO keywords (RFC 5321 section 4.1.1.1). The old
// "AUTH=PLAIN LOGIN" form counts as AUTH when AUTH itself is absent.
func (c *Client) parseCaps(lines []string) {
	for _, l := range lines {
		c.caps = append(c.caps, l)
		kw, param, _ := strings.Cut(l, " ")
		kw = strings.ToUpper(kw)
		if strings.HasPrefix(kw, "AUTH=") {
			param = strings.TrimSpace(kw[5:] + " " + param)
			kw = "AUTH="
		}
		if _, dup := c.ext[kw]; !dup {
			c.ext[kw] = param
		}
	}
	if _, ok := c.ext["AUTH"]; !ok {
		if p, ok := c.ext["AUTH="]; ok {
			c.ext["AUTH"] = p
		}
	}
}

// startTLS upgrades the connection per the security policy (RFC 3207). The
// command is sent alone; bytes the server sent after its 220 are refused by
// wire.Conn.StartTLS; every capability is forgotten and EHLO sent again.
func (c *Client) startTLS(ctx context.Context) error {
	sec := c.o.Security
	if sec != wire.StartTLS && sec != wire.StartTLSOptional {
		return nil
	}
	if _, ok := c.ext["STARTTLS"]; !ok {
		if sec == wire.StartTLSOptional {
			c.o.Log.Note("STARTTLS not offered: continuing without TLS")
			return nil
		}
		return c.fail(errs.New(errs.Security, "smtp: TLS is required but the server does not offer STARTTLS"))
	}
	r, err := c.cmd("STARTTLS")
	if err != nil {
		return err
	}
	if r.Code == 421 {
		return c.fail(errs.E(errs.Closed, &Error{Code: r.Code, Enhanced: r.Enhanced,
			Message: "the server is closing the session (421) instead of starting TLS: " + r.Text()}))
	}
	if r.Code != 220 {
		if sec == wire.StartTLSOptional {
			c.o.Log.Note("STARTTLS refused: continuing without TLS")
			return nil
		}
		return c.fail(errs.E(errs.Security, &Error{Code: r.Code, Enhanced: r.Enhanced,
			Message: "STARTTLS refused and TLS is required: " + r.Text()}))
	}
	if err := c.conn.StartTLS(ctx, c.tlsCfg); err != nil {
		return c.fail(err)
	}
	c.o.Log.Note("TLS established")
	return c.hello()
}

// cmd writes one command line, sends it and reads the reply. Server
// refusals are returned as replies, not errors; errors mean the
// connection is gone.
func (c *Client) cmd(line string) (*reply, error) {
	if err := c.sendLine(line, line); err != nil {
		return nil, err
	}
	return c.read(0)
}

// sendLine writes one line and flushes it; the log shows shown.
func (c *Client) sendLine(line, shown string) error {
	if err := c.conn.WriteSecretLine(line, shown); err != nil {
		return c.fail(err)
	}
	return c.fail(c.conn.Flush())
}

// read reads one reply, each wait for it bounded by timeout (the command
// timeout when 0). A 421
// reply ends the session (RFC 5321 section 3.8); once the session has
// ended, read returns what ended it (the 421 reply, say), so that the
// replies still expected of a pipelined group report that and not the
// closed connection.
func (c *Client) read(timeout time.Duration) (*reply, error) {
	if c.broken != nil {
		return nil, c.broken
	}
	r, err := c.receive(timeout)
	if err != nil {
		return nil, c.fail(err)
	}
	c.lastCode, c.lastText = r.Code, r.Text()
	if r.Code == 421 {
		c.fail(r.err())
	}
	return r, nil
}

// receive reads one reply, each wait for it bounded by timeout (the
// command timeout when 0), and nothing else: the caller applies it. It is
// the one place replies are read, by the calling goroutine or by a
// stream's reader.
func (c *Client) receive(timeout time.Duration) (*reply, error) {
	c.conn.SetReadTimeout(timeout)
	return readReplyIn(c.conn.ReadLineBytes, c.enh, &c.texts)
}

// fail records err as the end of the connection when its kind says the
// connection is gone (wire.Fail), and returns it.
func (c *Client) fail(err error) error { return wire.Fail(c.conn, &c.broken, c.wrap(err)) }

// txnEvent is an event that changes whether a mail transaction may be
// open on the server.
type txnEvent uint8

const (
	mailSent     txnEvent = iota // MAIL opens a transaction (RFC 5321 section 4.1.1.2)
	resetSent                    // a pipelined RSET closes it; a refusal would show in the next MAIL's reply
	resetDone                    // RSET answered 2xx (section 4.1.1.5)
	dataEnded                    // the "." after DATA's data ends it, whatever the reply (section 4.1.1.4)
	lastAccepted                 // BDAT LAST answered 2xx with nothing written since (RFC 3030 section 2)
)

// track keeps the transaction state: dirty says that the commands written
// so far may leave a transaction open (a MAIL whose transaction has not
// ended, or ended with a refused DATA or BDAT), so that the next
// transaction starts with RSET.
func (c *Client) track(e txnEvent) { c.dirty = e == mailSent }

// lose records err as the end of the connection, whatever its kind, and
// closes the connection; the first such error stays the connection's
// (wire.Lose).
func (c *Client) lose(err error) { wire.Lose(c.conn, &c.broken, c.wrap(err)) }

// wrap classifies err: a server reply keeps its own kind, unless the call
// was cancelled; anything else goes through wire's classification.
func (c *Client) wrap(err error) error {
	var e *Error
	if errors.As(err, &e) && !c.conn.Cancelled() {
		return err
	}
	return c.conn.Err(err)
}

// usable returns errs.State when the connection is gone (wire.Lost).
func (c *Client) usable() error { return wire.Lost("smtp", c.broken) }

// Broken returns the error that ended the connection, or nil.
func (c *Client) Broken() error { return c.broken }

// simple runs a command that expects a 2xx reply.
func (c *Client) simple(line string) error {
	if err := c.usable(); err != nil {
		return err
	}
	r, err := c.cmd(line)
	if err != nil {
		return err
	}
	if r.Code/100 != 2 {
		return r.err()
	}
	return nil
}

// Capabilities returns the EHLO (or LHLO) keywords with their parameters as
// the server sent them after the last EHLO, such as "SIZE 52428800".
func (c *Client) Capabilities() []string { return append([]string(nil), c.caps...) }

// Extension reports whether the server offers the EHLO keyword name (any
// case), and its parameters (RFC 5321 section 4.1.1.1).
func (c *Client) Extension(name string) (param string, ok bool) {
	param, ok = c.ext[strings.ToUpper(name)]
	return param, ok
}

// LastReply returns the code and text of the last reply read.
func (c *Client) LastReply() (code int, text string) { return c.lastCode, c.lastText }

// TLS reports whether the connection is encrypted.
func (c *Client) TLS() bool { return c.conn.IsTLS() }

// Authenticated reports whether AUTH succeeded.
func (c *Client) Authenticated() bool { return c.authed }

// Noop sends NOOP (RFC 5321 section 4.1.1.9), to keep the connection alive
// or check that it lives.
func (c *Client) Noop() error { return c.simple("NOOP") }

// Reset sends RSET (RFC 5321 section 4.1.1.5), aborting any transaction.
func (c *Client) Reset() error {
	if err := c.simple("RSET"); err != nil {
		return err
	}
	c.track(resetDone)
	return nil
}

// Quit sends QUIT (RFC 5321 section 4.1.1.10) and closes the connection.
func (c *Client) Quit() error {
	err := c.simple("QUIT")
	c.Close()
	return err
}

// Close closes the connection without QUIT. Later calls fail with
// errs.State.
func (c *Client) Close() error {
	wire.Close(c.conn, &c.broken, "smtp")
	return nil
}

// Cancel aborts the call in flight from another goroutine: it returns
// errs.Cancelled promptly and the connection is closed.
func (c *Client) Cancel() { c.conn.Cancel() }
