// Package smtp is Mailwire's SMTP (RFC 5321) and LMTP (RFC 2033) client,
// with the ESMTP extensions a sender needs: PIPELINING (RFC 2920), CHUNKING
// and BINARYMIME (RFC 3030), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531), SIZE
// (RFC 1870), DSN (RFC 3461), ENHANCEDSTATUSCODES (RFC 2034), STARTTLS
// (RFC 3207) and AUTH (RFC 4954); and a pool of connections shared by many
// goroutines.
package smtp

import (
	"net/url"
	"strings"
	"time"

	"mailwire/core/errs"
	"mailwire/core/sasl"
	"mailwire/core/wire"
)

// Security is the TLS policy of a connection (RFC 8314, RFC 3207).
type Security = wire.Security

// The TLS policies.
const (
	TLS              = wire.TLS              // implicit TLS from the first byte (RFC 8314 section 3)
	StartTLS         = wire.StartTLS         // STARTTLS required: fail closed when it is missing or refused
	StartTLSOptional = wire.StartTLSOptional // STARTTLS when offered, plaintext when it is not offered or refused
	None             = wire.None             // plaintext
)

// Default timeouts (RFC 5321 section 4.5.3.2 gives 5 and 10 minutes; a
// minute per command suits a submission client better).
const (
	DefaultTimeout     = 60 * time.Second
	DefaultDataTimeout = 10 * time.Minute
)

// Options configure a Client or a Pool. The zero value plus a Host is
// usable: port 587 with STARTTLS required, certificates verified.
type Options struct {
	Host        string
	Port        int      // 0: 465 with TLS, 24 for LMTP, 587 otherwise
	Security    Security // used when SecuritySet; else TLS on port 465, StartTLS elsewhere
	SecuritySet bool

	Username, Password, Token string
	Auth                      string // "auto" (default) or a mechanism name

	// Tokens gives the OAuth 2.0 token for XOAUTH2 and OAUTHBEARER instead
	// of Token: one is taken at connect, and a token the server refuses is
	// replaced once (sasl.Session). Shared by every connection made with
	// these options.
	Tokens sasl.TokenSource

	Helo        string        // EHLO/HELO/LHLO name; default: the host name or an address literal
	Timeout     time.Duration // per command; DefaultTimeout when 0
	DataTimeout time.Duration // final reply after the data; DefaultDataTimeout when 0
	LMTP        bool
	TLS         wire.TLSOptions

	// AllowPlaintextAuth lets PLAIN, LOGIN, XOAUTH2 and OAUTHBEARER go out
	// without TLS (SECURITY.md section 5). Off by default.
	AllowPlaintextAuth bool

	DSNNotify string // "NEVER" or a comma list of SUCCESS, FAILURE, DELAY (RFC 3461 section 4.1)
	DSNRet    string // "FULL" or "HDRS" (RFC 3461 section 4.3)
	EnvID     string // envelope identifier (RFC 3461 section 4.4)

	Chunking   string // "auto" (default) or "never"
	Pipelining string // "auto" (default) or "never"

	Log      *wire.Log
	Progress func(done, total int64) // body bytes written; total is Envelope.Size (0 when unknown)
}

// security returns the effective TLS policy.
func (o *Options) security() Security {
	if o.SecuritySet {
		return o.Security
	}
	if o.Port == 465 {
		return TLS
	}
	return StartTLS
}

// port returns the effective port.
func (o *Options) port() int {
	switch {
	case o.Port != 0:
		return o.Port
	case o.SecuritySet && o.Security == TLS:
		return 465
	case o.LMTP:
		return 24
	}
	return 587
}

func (o *Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

func (o *Options) dataTimeout() time.Duration {
	if o.DataTimeout > 0 {
		return o.DataTimeout
	}
	return DefaultDataTimeout
}

// ParseURL reads options from a URL: "smtp://user:pass@host:587?auth=plain",
// "smtps://host" (implicit TLS, port 465), "lmtp://host" (port 24). Every
// option of Set may be given as a query parameter; the user name and
// password are percent-decoded.
func ParseURL(raw string) (Options, error) {
	var o Options
	if err := wire.CheckLine("url", raw); err != nil {
		return o, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return o, errs.New(errs.Parse, "smtp: bad URL: "+err.Error())
	}
	switch strings.ToLower(u.Scheme) {
	case "smtp":
	case "smtps":
		o.Security, o.SecuritySet, o.Port = TLS, true, 465
	case "lmtp":
		o.LMTP, o.Port = true, 24
	default:
		return o, errs.New(errs.Parse, "smtp: URL scheme must be smtp, smtps or lmtp")
	}
	if u.Hostname() == "" {
		return o, errs.New(errs.Parse, "smtp: URL has no host")
	}
	o.Host = u.Hostname()
	if p := u.Port(); p != "" {
		if err := o.Set("port", p); err != nil {
			return o, err
		}
	}
	if u.User != nil {
		o.Username = u.User.Username()
		o.Password, _ = u.User.Password()
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return o, errs.New(errs.Parse, "smtp: bad URL query: "+err.Error())
	}
	for name, vals := range q {
		for _, v := range vals {
			if err := o.Set(name, v); err != nil {
				return o, err
			}
		}
	}
	return o, nil
}

// Set sets one option by its C API name (case-insensitive). An unknown
// name or a bad value is an error of kind errs.Option, and leaves the
// options as they were; CR, LF or NUL in the value is errs.Arg.
func (o *Options) Set(name, value string) error {
	if err := wire.CheckLine(name, value); err != nil {
		return err
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if f, ok := setters[name]; ok {
		return f(o, value)
	}
	if ok, err := o.TLS.Set(name, value); ok {
		return err
	}
	return wire.UnknownOption(name)
}

var setters = map[string]func(o *Options, v string) error{
	"host":     func(o *Options, v string) error { return wire.Set(&o.Host, "host", v, wire.ParseHost) },
	"port":     func(o *Options, v string) error { return wire.Set(&o.Port, "port", v, wire.ParsePort) },
	"security": setSecurity,
	"username": func(o *Options, v string) error { o.Username = v; return nil },
	"password": func(o *Options, v string) error { o.Password = v; return nil },
	"token":    func(o *Options, v string) error { o.Token = v; return nil },
	"auth":     func(o *Options, v string) error { return wire.Set(&o.Auth, "auth", v, parseAuth) },
	"helo":     setHelo,
	"timeout":  func(o *Options, v string) error { return wire.Set(&o.Timeout, "timeout", v, wire.ParseDuration) },
	"data_timeout": func(o *Options, v string) error {
		return wire.Set(&o.DataTimeout, "data_timeout", v, wire.ParseDuration)
	},
	"protocol": setProtocol,
	"allow_plaintext_auth": func(o *Options, v string) error {
		return wire.Set(&o.AllowPlaintextAuth, "allow_plaintext_auth", v, wire.ParseBool)
	},
	"dsn_notify": func(o *Options, v string) error { return wire.Set(&o.DSNNotify, "dsn_notify", v, parseNotify) },
	"dsn_ret":    func(o *Options, v string) error { return wire.Set(&o.DSNRet, "dsn_ret", v, parseRet) },
	"envid":      func(o *Options, v string) error { return wire.Set(&o.EnvID, "envid", v, parseEnvID) },
	"chunking":   func(o *Options, v string) error { return wire.Set(&o.Chunking, "chunking", v, parseAutoNever) },
	"pipelining": func(o *Options, v string) error { return wire.Set(&o.Pipelining, "pipelining", v, parseAutoNever) },
}

func setSecurity(o *Options, v string) error {
	s, err := wire.ParseSecurity("security", v)
	if err == nil {
		o.Security, o.SecuritySet = s, true
	}
	return err
}

func setHelo(o *Options, v string) error {
	if err := checkHelo(v); err != nil {
		return err
	}
	o.Helo = v
	return nil
}

// parseAuth reads "auto" or a mechanism sasl knows.
func parseAuth(name, v string) (string, error) {
	return wire.ParseChoice(name, v, append([]string{"auto", ""}, sasl.Names()...)...)
}

func setProtocol(o *Options, v string) error {
	p, err := wire.ParseChoice("protocol", v, "smtp", "lmtp")
	if err == nil {
		o.LMTP = p == "lmtp"
	}
	return err
}

func parseAutoNever(name, v string) (string, error) {
	return wire.ParseChoice(name, v, "auto", "never", "")
}

// The pool's defaults and bound.
const (
	DefaultMaxConnections = 4
	DefaultPoolIdle       = 30 * time.Second
	maxPoolConnections    = 1000
)

// PoolOptions configure a Pool: the options of its connections, how many
// it keeps at most and how long an unused one stays open.
type PoolOptions struct {
	Options
	MaxConnections int           // DefaultMaxConnections in NewPoolOptions
	IdleTimeout    time.Duration // DefaultPoolIdle in NewPoolOptions; 0 keeps them open
}

// NewPoolOptions returns the options of a pool with the defaults.
func NewPoolOptions() PoolOptions {
	return PoolOptions{MaxConnections: DefaultMaxConnections, IdleTimeout: DefaultPoolIdle}
}

// Set sets "max_connections" (1 to 1000), "idle_timeout" (seconds), or an
// option of the connections (Options.Set), with the same errors.
func (p *PoolOptions) Set(name, value string) error {
	if err := wire.CheckLine(name, value); err != nil {
		return err
	}
	switch name = strings.ToLower(strings.TrimSpace(name)); name {
	case "max_connections":
		return wire.Set(&p.MaxConnections, name, value, wire.ParseCount(maxPoolConnections))
	case "idle_timeout":
		return wire.Set(&p.IdleTimeout, name, value, wire.ParseDuration)
	}
	return p.Options.Set(name, value)
}
