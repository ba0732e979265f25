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
	"mailwire/core/session"
	"mailwire/core/wire"
)

// DefaultDataTimeout bounds the wait for the reply to the end of the data
// when Options.DataTimeout is zero (RFC 5321 section 4.5.3.2.6 gives 10
// minutes); every other step waits Options.Timeout, a minute by default
// (section 4.5.3.2 gives 5 minutes; a minute suits a submission client
// better).
const DefaultDataTimeout = 10 * time.Minute

// Options configure a Client or a Pool: the options of every client
// (session.ClientOptions) and SMTP's own. The zero value plus a Host is
// usable: port 587 with STARTTLS required, certificates verified (ports).
// Auth is "auto" (the default) or a SASL mechanism name; Tokens are
// shared by every connection made with these options; Progress counts
// the body bytes written, with Envelope.Size as the total (0 when
// unknown).
type Options struct {
	session.ClientOptions

	Helo        string        // EHLO/HELO/LHLO name; default: the host name or an address literal
	DataTimeout time.Duration // final reply after the data; DefaultDataTimeout when 0
	LMTP        bool

	DSNNotify string // "NEVER" or a comma list of SUCCESS, FAILURE, DELAY (RFC 3461 section 4.1)
	DSNRet    string // "FULL" or "HDRS" (RFC 3461 section 4.3)
	EnvID     string // envelope identifier (RFC 3461 section 4.4)

	Chunking   string // "auto" (default) or "never"
	Pipelining string // "auto" (default) or "never"
}

// ports are SMTP's (RFC 8314 section 7, RFC 6409 section 3.1, RFC 2033
// section 4): implicit TLS on 465, STARTTLS, required, on 587 for
// submission or 24 for LMTP, which are the default without a port.
func (o *Options) ports() session.Ports {
	plain := 587
	if o.LMTP {
		plain = 24
	}
	return session.Ports{Plain: plain, TLS: 465, StartTLSFirst: true}
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
		o.Security, o.SecuritySet, o.Port = wire.TLS, true, 465
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

// Set sets one option by its C API name (case-insensitive): SMTP's own
// (helo, data_timeout, protocol, dsn_notify, dsn_ret, envid, chunking,
// pipelining) or one of every client (session.ClientOptions.Set). An
// unknown name or a bad value is an error of kind errs.Option, and leaves
// the options as they were; CR, LF or NUL in the value is errs.Arg.
func (o *Options) Set(name, value string) error {
	if f, ok := setters[strings.ToLower(strings.TrimSpace(name))]; ok {
		if err := wire.CheckLine(name, value); err != nil {
			return err
		}
		return f(o, value)
	}
	return o.ClientOptions.Set(name, value)
}

var setters = map[string]func(o *Options, v string) error{
	"helo": setHelo,
	"data_timeout": func(o *Options, v string) error {
		return wire.Set(&o.DataTimeout, "data_timeout", v, wire.ParseDuration)
	},
	"protocol":   setProtocol,
	"dsn_notify": func(o *Options, v string) error { return wire.Set(&o.DSNNotify, "dsn_notify", v, parseNotify) },
	"dsn_ret":    func(o *Options, v string) error { return wire.Set(&o.DSNRet, "dsn_ret", v, parseRet) },
	"envid":      func(o *Options, v string) error { return wire.Set(&o.EnvID, "envid", v, parseEnvID) },
	"chunking":   func(o *Options, v string) error { return wire.Set(&o.Chunking, "chunking", v, parseAutoNever) },
	"pipelining": func(o *Options, v string) error { return wire.Set(&o.Pipelining, "pipelining", v, parseAutoNever) },
}

func setHelo(o *Options, v string) error {
	if err := checkHelo(v); err != nil {
		return err
	}
	o.Helo = v
	return nil
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
