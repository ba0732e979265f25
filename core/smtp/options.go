// Package smtp is Mailwire's SMTP (RFC 5321) and LMTP (RFC 2033) client,
// with the ESMTP extensions a sender needs: PIPELINING (RFC 2920), CHUNKING
// and BINARYMIME (RFC 3030), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531), SIZE
// (RFC 1870), DSN (RFC 3461), ENHANCEDSTATUSCODES (RFC 2034), STARTTLS
// (RFC 3207) and AUTH (RFC 4954); and a pool of connections shared by many
// goroutines.
package smtp

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"mailwire/core/errs"
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
// name or a bad value is an error of kind errs.Option; CR, LF or NUL in the
// value is errs.Arg.
func (o *Options) Set(name, value string) error {
	if err := wire.CheckLine(name, value); err != nil {
		return err
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if f, ok := setters[name]; ok {
		return f(o, value)
	}
	return optErr(name, "unknown option")
}

func optErr(name, msg string) error {
	return errs.New(errs.Option, "smtp: option "+name+": "+msg)
}

var setters = map[string]func(o *Options, v string) error{
	"host":     func(o *Options, v string) error { o.Host = v; return nil },
	"port":     setPort,
	"security": setSecurity,
	"username": func(o *Options, v string) error { o.Username = v; return nil },
	"password": func(o *Options, v string) error { o.Password = v; return nil },
	"token":    func(o *Options, v string) error { o.Token = v; return nil },
	"auth":     setAuth,
	"helo":     func(o *Options, v string) error { o.Helo = v; return checkHelo(v) },
	"timeout": func(o *Options, v string) error {
		return setDuration(&o.Timeout, "timeout", v)
	},
	"data_timeout": func(o *Options, v string) error {
		return setDuration(&o.DataTimeout, "data_timeout", v)
	},
	"protocol": setProtocol,
	"ca_file":  func(o *Options, v string) error { o.TLS.CAFile = v; return nil },
	"tls_verify": func(o *Options, v string) error {
		b, err := parseBool("tls_verify", v)
		o.TLS.NoVerify = !b
		return err
	},
	"pin": func(o *Options, v string) error { o.TLS.Pin = v; return nil },
	"allow_plaintext_auth": func(o *Options, v string) error {
		b, err := parseBool("allow_plaintext_auth", v)
		o.AllowPlaintextAuth = b
		return err
	},
	"dsn_notify": func(o *Options, v string) error {
		o.DSNNotify = strings.ToUpper(strings.ReplaceAll(v, " ", ""))
		return checkNotify(o.DSNNotify)
	},
	"dsn_ret": func(o *Options, v string) error {
		o.DSNRet = strings.ToUpper(strings.TrimSpace(v))
		return checkRet(o.DSNRet)
	},
	"envid":      func(o *Options, v string) error { o.EnvID = v; return checkEnvID(v) },
	"chunking":   func(o *Options, v string) error { return setAutoNever(&o.Chunking, "chunking", v) },
	"pipelining": func(o *Options, v string) error { return setAutoNever(&o.Pipelining, "pipelining", v) },
}

func setPort(o *Options, v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > 65535 {
		return optErr("port", "want a number from 1 to 65535")
	}
	o.Port = n
	return nil
}

func setSecurity(o *Options, v string) error {
	s, ok := wire.ParseSecurity(v)
	if !ok {
		return optErr("security", `want "tls", "starttls", "starttls-optional" or "none"`)
	}
	o.Security, o.SecuritySet = s, true
	return nil
}

var authNames = map[string]bool{"auto": true, "plain": true, "login": true, "cram-md5": true,
	"scram-sha-256": true, "xoauth2": true, "oauthbearer": true}

func setAuth(o *Options, v string) error {
	v = strings.ToLower(strings.TrimSpace(v))
	if v != "" && !authNames[v] {
		return optErr("auth", "unknown mechanism")
	}
	o.Auth = v
	return nil
}

func setProtocol(o *Options, v string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "smtp":
		o.LMTP = false
	case "lmtp":
		o.LMTP = true
	default:
		return optErr("protocol", `want "smtp" or "lmtp"`)
	}
	return nil
}

// setDuration parses seconds, possibly fractional; 0 means the default.
func setDuration(d *time.Duration, name, v string) error {
	t, ok := wire.ParseSeconds(v, 7*24*3600)
	if !ok {
		return optErr(name, "want seconds from 0 to 604800")
	}
	*d = t
	return nil
}

func parseBool(name, v string) (bool, error) {
	b, ok := wire.ParseBool(v)
	if !ok {
		return false, optErr(name, `want "1" or "0"`)
	}
	return b, nil
}

func setAutoNever(p *string, name, v string) error {
	v = strings.ToLower(strings.TrimSpace(v))
	if v != "auto" && v != "never" && v != "" {
		return optErr(name, `want "auto" or "never"`)
	}
	*p = v
	return nil
}
