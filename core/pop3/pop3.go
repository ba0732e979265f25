// Package pop3 is Mailwire's POP3 client (RFC 1939) with the extension
// mechanism (RFC 2449), STLS (RFC 2595), SASL authentication (RFC 5034) and
// UTF-8-clean response codes (RFC 3206).
//
// A session runs through the three states of RFC 1939 section 3:
// authorization (greeting, CAPA, STLS, login), transaction (STAT, LIST,
// UIDL, RETR, TOP, DELE, RSET, NOOP) and update (after QUIT, when the server
// removes the messages marked as deleted).
package pop3

import (
	"strings"
	"time"

	"mailwire/core/sasl"
	"mailwire/core/wire"
)

// Security says how the connection is protected (RFC 8314, RFC 2595).
type Security = wire.Security

const (
	// TLS is implicit TLS from the first byte (RFC 8314 section 3), the
	// default on port 995.
	TLS = wire.TLS
	// StartTLS requires STLS (RFC 2595 section 4) and fails closed when the
	// server does not offer it or refuses it; the default on other ports.
	StartTLS = wire.StartTLS
	// StartTLSOptional uses STLS when the server offers it and goes on in
	// plaintext otherwise. It is only used when asked for by name.
	StartTLSOptional = wire.StartTLSOptional
	// None never uses TLS.
	None = wire.None
)

// Default ports (RFC 1939 section 3, RFC 8314 section 7).
const (
	PortPOP3  = 110
	PortPOP3S = 995
)

// DefaultTimeout bounds every step (a command and its reply, or one read of
// a message) when Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// Options configure a Client.
type Options struct {
	Host        string
	Port        int      // 995 with TLS, 110 otherwise when zero
	Security    Security // only used when SecuritySet is true
	SecuritySet bool     // false: TLS on port 995 (or no port), StartTLS elsewhere

	Username, Password, Token string

	// Tokens gives the OAuth 2.0 token for XOAUTH2 and OAUTHBEARER instead
	// of Token: one is taken at login, and a token the server refuses is
	// replaced once (sasl.Session).
	Tokens sasl.TokenSource

	// Auth is "auto" (or empty), "user", "apop" or a SASL mechanism name.
	// With "auto", a SASL mechanism listed in CAPA (RFC 5034 section 3)
	// and chosen by sasl.Choose comes first, then APOP when the greeting
	// carries a timestamp and a password is set, then USER/PASS.
	Auth string

	Timeout time.Duration // per step; DefaultTimeout when zero
	TLS     wire.TLSOptions

	// AllowPlaintextAuth lets USER/PASS, APOP and the SASL mechanisms
	// that expose the password or token (PLAIN, LOGIN, XOAUTH2,
	// OAUTHBEARER) run without TLS. APOP needs it too: it does not send
	// the password, but its MD5 digest can be attacked offline by anyone
	// who reads it. CRAM-MD5 and SCRAM-SHA-256 never need it.
	AllowPlaintextAuth bool

	Log      *wire.Log
	Progress func(done, total int64) // called while a message is read; total is -1 when unknown
}

// Set sets the option called name (case-insensitive) from its text form as
// the C API passes it: host, port, security ("tls", "starttls",
// "starttls-optional", "none"), username, password, token, auth ("auto",
// "user", "apop" or a SASL mechanism), timeout (seconds), ca_file,
// tls_verify (a boolean), pin, allow_plaintext_auth (a boolean); log_file
// belongs to the session (wire.LogOption). An unknown name or a bad value is an
// error of kind errs.Option and leaves the options as they were; CR, LF or
// NUL in a value is errs.Arg.
func (o *Options) Set(name, value string) error {
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
	case "username":
		o.Username = value
	case "password":
		o.Password = value
	case "token":
		o.Token = value
	case "auth":
		return wire.Set(&o.Auth, name, value, parseAuth)
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

// parseAuth reads "auto", "user", "apop" (RFC 1939 section 7) or a SASL
// mechanism sasl knows (RFC 5034).
func parseAuth(name, v string) (string, error) {
	return wire.ParseChoice(name, v, append([]string{"auto", "", "user", "apop"}, sasl.Names()...)...)
}

// security returns the effective security and port of o.
func (o *Options) security() (Security, int) {
	sec, port := o.Security, o.Port
	if !o.SecuritySet {
		sec = StartTLS
		if port == 0 || port == PortPOP3S {
			sec = TLS
		}
	}
	if port == 0 {
		port = PortPOP3
		if sec == TLS {
			port = PortPOP3S
		}
	}
	return sec, port
}
