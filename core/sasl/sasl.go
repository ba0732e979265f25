// Package sasl implements the SASL mechanisms (RFC 4422) that Mailwire's SMTP
// client (RFC 4954), POP3 client (RFC 5034) and embedded test server use:
// PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256, XOAUTH2 and OAUTHBEARER.
//
// On the client side it owns the whole decision and the whole exchange:
// Choose picks the mechanism from the server's offer and the credentials and
// applies the rule that no password or token crosses a connection without
// TLS unless the caller allowed it; Authenticate runs the exchange (base64,
// the challenge loop, cancellation with "*", the check that the server
// proved itself) over a Wire, the few methods by which a protocol frames
// it: SMTP's AUTH command and 334 replies, POP3's AUTH and "+ "
// continuations, IMAP's tagged AUTHENTICATE.
package sasl

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"mailwire/core/errs"
)

// Client is one authentication exchange on the client side (RFC 4422
// section 3).
type Client interface {
	// Start returns the mechanism name, and the initial response (nil when
	// the mechanism has none; an empty non-nil slice means an empty initial
	// response, sent as "=" in SMTP/POP3).
	Start() (mech string, ir []byte, err error)
	// Next returns the response to a server challenge (already
	// base64-decoded by the caller).
	Next(challenge []byte) (response []byte, err error)
}

// Completer is implemented by clients whose mechanism also authenticates
// the server (SCRAM-SHA-256). When the server reports success, the protocol
// layer must call Complete and treat an error as a failed, untrustworthy
// exchange (RFC 4422 section 3.6, RFC 5802 section 5).
type Completer interface {
	Complete() error
}

// Mechanism names as servers advertise them (RFC 4422 section 3.1).
const (
	Plain        = "PLAIN"
	Login        = "LOGIN"
	CramMD5      = "CRAM-MD5"
	ScramSHA256  = "SCRAM-SHA-256"
	XOAuth2      = "XOAUTH2"
	OAuthBearer  = "OAUTHBEARER"
	maxChallenge = 16 << 10 // bound on any challenge or response we parse
)

// SendsSecret reports whether the mechanism exposes the password or token to
// anyone who can read the connection (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER:
// true; CRAM-MD5, SCRAM-SHA-256: false). Unknown mechanisms count as sending
// the secret. Choose uses it to keep such mechanisms off a connection without
// TLS unless the caller allowed plaintext (RFC 4954 section 4, RFC 8314
// section 3); the embedded server, to decide what it offers.
func SendsSecret(mech string) bool {
	switch strings.ToUpper(mech) {
	case CramMD5, ScramSHA256:
		return false
	}
	return true
}

// argErr is an error of kind errs.Arg with the package prefix.
func argErr(msg string) error { return errs.New(errs.Arg, "sasl: "+msg) }

// protoErr is an error of kind errs.Protocol with the package prefix.
func protoErr(msg string) error { return errs.New(errs.Protocol, "sasl: "+msg) }

// validText reports whether s is valid UTF-8 without control characters.
func validText(s string) bool { return utf8.ValidString(s) && !hasCtl(s) }

// hasCtl reports whether s contains a control character.
func hasCtl(s string) bool { return strings.IndexFunc(s, unicode.IsControl) >= 0 }
