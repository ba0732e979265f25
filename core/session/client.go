package session

import (
	"context"
	"crypto/tls"
	"strings"
	"time"

	"mailwire/core/errs"
	"mailwire/core/sasl"
	"mailwire/core/wire"
)

// DefaultTimeout bounds every step of a client (a command and its reply,
// or one wait while a message moves) when ClientOptions.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// ClientOptions are the options every client protocol takes: where to
// connect and how it is protected, who logs in and how, the step timeout,
// and the host's callbacks. A protocol's Options embed them and add their
// own; its Set handles its own names and hands the others to
// ClientOptions.Set.
type ClientOptions struct {
	Host        string
	Port        int           // the protocol's default for the security when zero (Ports)
	Security    wire.Security // only used when SecuritySet is true
	SecuritySet bool          // false: the protocol's default for the port (Ports)

	Username, Password, Token string

	// Tokens gives the OAuth 2.0 token for XOAUTH2 and OAUTHBEARER instead
	// of Token: one is taken at login, and a token the server refuses is
	// replaced once (sasl.Session).
	Tokens sasl.TokenSource

	// Auth is "auto" (or empty), a SASL mechanism name, or one of the
	// protocol's own logins (POP3's "user" and "apop", IMAP's "login").
	Auth string

	Timeout time.Duration // per step; DefaultTimeout when zero
	TLS     wire.TLSOptions

	// AllowPlaintextAuth lets the logins that expose the password or
	// token (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER, and the protocol's own
	// such as POP3's USER/PASS and APOP or IMAP's LOGIN) run without TLS
	// (SECURITY.md section 5). CRAM-MD5 and SCRAM-SHA-256 never need it.
	AllowPlaintextAuth bool

	Log      *wire.Log
	Progress func(done, total int64) // called while a message moves; total is -1 or 0 when unknown
}

// Set sets the option called name (case-insensitive) from its text form as
// the C API passes it: host, port, security ("tls", "starttls",
// "starttls-optional", "none"), username, password, token, auth ("auto",
// a SASL mechanism, or one of logins, the protocol's own), timeout
// (seconds), ca_file, tls_verify (a boolean), pin, allow_plaintext_auth
// (a boolean); log_file belongs to the session (wire.LogOption). An
// unknown name or a bad value is an error of kind errs.Option and leaves
// the options as they were; CR, LF or NUL in a value is errs.Arg.
func (o *ClientOptions) Set(name, value string, logins ...string) error {
	if err := wire.CheckLine(name, value); err != nil {
		return err
	}
	switch name = strings.ToLower(strings.TrimSpace(name)); name {
	case "host":
		return wire.Set(&o.Host, name, value, wire.ParseHost)
	case "port":
		return wire.Set(&o.Port, name, value, wire.ParsePort)
	case "security":
		sec, err := wire.ParseSecurity(name, value)
		if err == nil {
			o.Security, o.SecuritySet = sec, true
		}
		return err
	case "username", "password", "token": // as they are: CheckLine is their only check
		*map[string]*string{"username": &o.Username, "password": &o.Password, "token": &o.Token}[name] = value
	case "auth":
		choices := append(append([]string{"auto", ""}, logins...), sasl.Names()...)
		auth, err := wire.ParseChoice(name, value, choices...)
		if err == nil {
			o.Auth = auth
		}
		return err
	case "timeout":
		return wire.Set(&o.Timeout, name, value, wire.ParseDuration)
	case "allow_plaintext_auth":
		return wire.Set(&o.AllowPlaintextAuth, name, value, wire.ParseBool)
	default:
		if ok, err := o.TLS.Set(name, value); ok {
			return err
		}
		return wire.UnknownOption(name)
	}
	return nil
}

// Use adds what a session gives a connection to the options: its log,
// progress callback and token source (Protocol.Dial).
func (o *ClientOptions) Use(e Env) {
	o.Log, o.Progress, o.Tokens = e.Log, e.Progress, e.Tokens
}

// Ports are a protocol's default ports (RFC 8314 section 7): Plain for
// STARTTLS or none, TLS for implicit TLS. Without a security option,
// implicit TLS is used on the TLS port and, unless StartTLSFirst, when no
// port is given; STARTTLS, required, everywhere else.
type Ports struct {
	Plain, TLS    int
	StartTLSFirst bool // no port and no security: STARTTLS on Plain (SMTP submission)
}

// Resolve returns the security and the port in force with the protocol's
// default ports p.
func (o *ClientOptions) Resolve(p Ports) (wire.Security, int) {
	sec, port := o.Security, o.Port
	if !o.SecuritySet {
		sec = wire.StartTLS
		if port == p.TLS || port == 0 && !p.StartTLSFirst {
			sec = wire.TLS
		}
	}
	if port == 0 {
		port = p.Plain
		if sec == wire.TLS {
			port = p.TLS
		}
	}
	return sec, port
}

// CheckLogin checks, before anything is sent, that a mailbox client (POP3,
// IMAP; proto prefixes the messages) can log in: no CR, LF or NUL in any
// value (errs.Arg), a host, a user name with a password or a token
// (errs.Arg), and a known security mode (errs.Option).
func (o *ClientOptions) CheckLogin(proto string) error {
	for _, v := range []string{o.Host, o.Username, o.Password, o.Token, o.Auth} {
		if err := wire.CheckLine("option", v); err != nil {
			return err
		}
	}
	if o.Host == "" {
		return errs.New(errs.Arg, proto+": no host")
	}
	if o.Username == "" || o.Password == "" && o.Token == "" && o.Tokens == nil {
		return errs.New(errs.Arg, proto+": a user name and a password or token are needed")
	}
	if o.Security < wire.TLS || o.Security > wire.None {
		return errs.New(errs.Option, proto+": unknown security mode")
	}
	return nil
}

// SASL gives sasl.Choose the offer, the credentials and the state of the
// connection (secure: it runs over TLS), so that sasl applies its rule on
// secrets without TLS to the SASL mechanisms and, through
// sasl.Options.CheckExposure, to the protocol's own logins alike. o are
// the options of a connection (Dial): Port is the one in force.
func (o *ClientOptions) SASL(mech string, offered []string, secure bool) sasl.Options {
	return sasl.Options{
		Mechanism: mech, Offered: offered,
		Username: o.Username, Password: o.Password, Token: o.Token,
		Host: o.Host, Port: o.Port,
		Secure: secure, AllowPlaintext: o.AllowPlaintextAuth,
	}
}

// CheckExposure is sasl.Options.CheckExposure for a login that is not
// SASL (POP3's USER/PASS and APOP, IMAP's LOGIN) on a connection that is
// secure or not: one rule for every secret that would cross without TLS.
func (o *ClientOptions) CheckExposure(login string, secure bool) error {
	return o.SASL("", nil, secure).CheckExposure(login)
}

// Login runs a SASL exchange over w through login, the connection's
// authentication session (Dial gives it), which takes the token from
// Tokens and, after a refused one, tries once more with a new one on this
// connection. mech is "auto" or the mechanism asked for, offered the
// server's list; a named mechanism is tried as given when the server
// lists none.
func (o *ClientOptions) Login(ctx context.Context, login *sasl.Session, mech string, offered []string, secure bool, w sasl.Wire) error {
	if len(offered) == 0 && mech != "auto" {
		offered = []string{mech}
	}
	login.Options = o.SASL(mech, offered, secure)
	return login.Run(ctx, w)
}

// Dial is the connect of every client protocol. It settles o in place as
// the protocol's Client will keep it (the security and port in force
// with the default ports p, DefaultTimeout for a zero Timeout), then, once
// or, after a refused token, twice (sasl.Dial): connects with implicit TLS
// when the security says so (wire.Dial), makes the wire.Conn and hands it
// to open with the TLS configuration for STARTTLS (nil with security
// none) and the authentication session. Cancelling ctx cancels the
// connection, whatever step open is at; a connection open could not set
// up, or whose ctx ended meanwhile ("proto: connect cancelled"), is
// closed.
func Dial[C any](ctx context.Context, proto string, o *ClientOptions, p Ports,
	open func(conn *wire.Conn, cfg *tls.Config, login *sasl.Session) (C, error)) (C, error) {
	sec, port := o.Resolve(p)
	o.Security, o.SecuritySet, o.Port = sec, true, port
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	return sasl.Dial(o.Tokens, o.Log.Note, func(login *sasl.Session) (c C, err error) {
		var cfg, implicit *tls.Config
		if sec != wire.None {
			if cfg, err = wire.TLSConfigFor(o.TLS, o.Host); err != nil {
				return c, err
			}
		}
		if sec == wire.TLS {
			implicit = cfg
		}
		nc, err := wire.Dial(ctx, o.Host, port, implicit, o.Timeout)
		if err != nil {
			return c, err
		}
		conn := wire.NewConn(nc, wire.Client, o.Timeout, o.Log)
		stop := context.AfterFunc(ctx, conn.Cancel)
		c, err = open(conn, cfg, login)
		if !stop() && err == nil && ctx.Err() != nil {
			err = errs.New(errs.Cancelled, proto+": connect cancelled")
		}
		if err != nil {
			conn.Close()
			var none C
			return none, err
		}
		return c, nil
	})
}
