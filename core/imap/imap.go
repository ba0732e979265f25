// Package imap is Mailwire's IMAP client: IMAP4rev1 (RFC 3501) everywhere
// and IMAP4rev2 (RFC 9051) when the server offers it, with STARTTLS and
// implicit TLS (RFC 8314), SASL (RFC 4959 SASL-IR), LITERAL+ (RFC 7888),
// UIDPLUS (RFC 4315), MOVE (RFC 6851), IDLE (RFC 2177), SPECIAL-USE (RFC
// 6154), LIST-STATUS (RFC 5819), CONDSTORE (RFC 7162), ENABLE (RFC 5161),
// UTF8=ACCEPT (RFC 6855), ESEARCH (RFC 4731) and ID (RFC 2971).
//
// The API speaks of messages by UID, never by sequence number: a sequence
// number changes whenever another client expunges, a UID does not while
// the mailbox's UIDVALIDITY stays (RFC 3501 section 2.3.1.1).
//
// The responses of the server are read by a bounded parser (response.go):
// a line, a literal, the nesting of lists, the values of one response and
// the untagged responses of one command all have limits, so that a hostile
// server cannot make the client allocate without bound, loop, or take the
// response of one command for another's.
package imap

import (
	"strings"
	"time"

	"mailwire/core/sasl"
	"mailwire/core/wire"
)

// Security says how the connection is protected (RFC 8314, RFC 3501
// section 6.2.1).
type Security = wire.Security

const (
	// TLS is implicit TLS from the first byte (RFC 8314 section 3), the
	// default on port 993.
	TLS = wire.TLS
	// StartTLS requires STARTTLS (RFC 3501 section 6.2.1) and fails closed
	// when the server does not offer it, refuses it, or greets with
	// PREAUTH; the default on other ports.
	StartTLS = wire.StartTLS
	// StartTLSOptional uses STARTTLS when the server offers it and goes on
	// in plaintext otherwise. It is only used when asked for by name.
	StartTLSOptional = wire.StartTLSOptional
	// None never uses TLS.
	None = wire.None
)

// Default ports (RFC 3501 section 2.1, RFC 8314 section 7).
const (
	PortIMAP  = 143
	PortIMAPS = 993
)

// DefaultTimeout bounds every step (a command and its response, or one
// wait while a message is read) when Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// Options configure a Client.
type Options struct {
	Host        string
	Port        int      // 993 with TLS, 143 otherwise when zero
	Security    Security // only used when SecuritySet is true
	SecuritySet bool     // false: TLS on port 993 (or no port), StartTLS elsewhere

	Username, Password, Token string

	// Tokens gives the OAuth 2.0 token for XOAUTH2 and OAUTHBEARER instead
	// of Token: one is taken at login, and a token the server refuses is
	// replaced once (sasl.Session).
	Tokens sasl.TokenSource

	// Auth is "auto" (or empty), "login" (the LOGIN command, RFC 3501
	// section 6.2.3) or a SASL mechanism name. With "auto", a SASL
	// mechanism offered as AUTH= (RFC 3501 section 6.2.2) and chosen by
	// sasl.Choose comes first, then LOGIN with a password.
	Auth string

	Timeout time.Duration // per step; DefaultTimeout when zero
	TLS     wire.TLSOptions

	// AllowPlaintextAuth lets LOGIN and the SASL mechanisms that expose
	// the password or token (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER) run
	// without TLS. CRAM-MD5 and SCRAM-SHA-256 never need it.
	AllowPlaintextAuth bool

	Log      *wire.Log
	Progress func(done, total int64) // called while a message is read or appended
}

// Set sets the option called name (case-insensitive) from its text form as
// the C API passes it: host, port, security ("tls", "starttls",
// "starttls-optional", "none"), username, password, token, auth ("auto",
// "login" or a SASL mechanism), timeout (seconds), ca_file, tls_verify (a
// boolean), pin, allow_plaintext_auth (a boolean); log_file is the session's
// (session.Session.Set). An unknown name or a bad value is an error
// of kind errs.Option and leaves the options as they were; CR, LF or NUL
// in a value is errs.Arg.
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

// parseAuth reads "auto", "login" (RFC 3501 section 6.2.3) or a SASL
// mechanism sasl knows (RFC 3501 section 6.2.2). "login" names the IMAP
// command; the SASL mechanism of that name is only ever chosen by "auto".
func parseAuth(name, v string) (string, error) {
	return wire.ParseChoice(name, v, append([]string{"auto", "", "login"}, sasl.Names()...)...)
}

// security returns the effective security and port of o.
func (o *Options) security() (Security, int) {
	sec, port := o.Security, o.Port
	if !o.SecuritySet {
		sec = StartTLS
		if port == 0 || port == PortIMAPS {
			sec = TLS
		}
	}
	if port == 0 {
		port = PortIMAP
		if sec == TLS {
			port = PortIMAPS
		}
	}
	return sec, port
}
