// Package sasl implements the SASL mechanisms (RFC 4422) that Mailwire's SMTP
// client (RFC 4954), POP3 client (RFC 5034) and embedded test server use:
// PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256, XOAUTH2 and OAUTHBEARER.
//
// The package only builds and checks the bytes of an exchange. Base64
// encoding, the "334"/"+ " framing and cancellation ("*") belong to the
// protocol packages.
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
// the secret. The clients use it to refuse such mechanisms without TLS unless
// the caller allowed plaintext (RFC 4954 section 4, RFC 8314 section 3).
func SendsSecret(mech string) bool {
	switch strings.ToUpper(mech) {
	case CramMD5, ScramSHA256:
		return false
	}
	return true
}

// Choose returns the client for an "auth" option: want is "auto" (or empty)
// or a mechanism name ("plain", "login", "cram-md5", "scram-sha-256",
// "xoauth2", "oauthbearer"; case-insensitive). offered is the server's list
// (case-insensitive), from EHLO (RFC 4954 section 3) or CAPA (RFC 5034
// section 3).
//
// With "auto", a token selects OAUTHBEARER, then XOAUTH2; a password selects
// SCRAM-SHA-256, CRAM-MD5, PLAIN, LOGIN, in that order of preference among
// those offered. A named mechanism the server does not offer, or no usable
// mechanism, is an error of kind errs.Unsupported; an unknown name is
// errs.Option; missing or malformed credentials are errs.Arg. host and port
// are only used by OAUTHBEARER.
func Choose(want string, offered []string, username, password, token, host string, port int) (Client, error) {
	if password == "" && token == "" {
		return nil, errs.New(errs.Arg, "sasl: neither a password nor a token was given")
	}
	var prefs []string
	switch w := strings.ToUpper(strings.TrimSpace(want)); w {
	case "", "AUTO":
		if token != "" {
			prefs = append(prefs, OAuthBearer, XOAuth2)
		}
		if password != "" {
			prefs = append(prefs, ScramSHA256, CramMD5, Plain, Login)
		}
	case XOAuth2, OAuthBearer:
		if token == "" {
			return nil, errs.New(errs.Arg, "sasl: "+w+" needs a token")
		}
		prefs = []string{w}
	case Plain, Login, CramMD5, ScramSHA256:
		if password == "" {
			return nil, errs.New(errs.Arg, "sasl: "+w+" needs a password")
		}
		prefs = []string{w}
	default:
		return nil, errs.New(errs.Option, "sasl: unknown mechanism "+quote(want))
	}
	for _, m := range prefs {
		if offers(offered, m) {
			return newClient(m, username, password, token, host, port)
		}
	}
	if len(prefs) == 1 {
		return nil, errs.New(errs.Unsupported, "sasl: the server does not offer "+prefs[0])
	}
	return nil, errs.New(errs.Unsupported, "sasl: the server offers no mechanism usable with the given credentials")
}

// offers reports whether mech is in list, ignoring case.
func offers(list []string, mech string) bool {
	for _, m := range list {
		if strings.EqualFold(strings.TrimSpace(m), mech) {
			return true
		}
	}
	return false
}

// newClient builds the client for mech and checks its credentials now, so
// that Choose reports bad input before anything is written.
func newClient(mech, username, password, token, host string, port int) (Client, error) {
	var c Client
	var err error
	switch mech {
	case Plain:
		c, err = NewPlain("", username, password), checkPlain("", username, password)
	case Login:
		c, err = NewLogin(username, password), checkLogin(username, password)
	case CramMD5:
		c, err = NewCramMD5(username, password), checkCramMD5(username, password)
	case ScramSHA256:
		c, err = NewScramSHA256(username, password), checkScram(username, password)
	case XOAuth2:
		c, err = NewXOAuth2(username, token), checkXOAuth2(username, token)
	default:
		c, err = NewOAuthBearer(username, token, host, port), checkOAuthBearer(username, token, host, port)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// argErr is an error of kind errs.Arg with the package prefix.
func argErr(msg string) error { return errs.New(errs.Arg, "sasl: "+msg) }

// protoErr is an error of kind errs.Protocol with the package prefix.
func protoErr(msg string) error { return errs.New(errs.Protocol, "sasl: "+msg) }

// hasCtl reports whether s contains a control character.
func hasCtl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

// validText reports whether s is valid UTF-8 without control characters.
func validText(s string) bool { return utf8.ValidString(s) && !hasCtl(s) }

// quote renders s for an error message, bounded and without control bytes.
func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strings.ToValidUTF8(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s), "?")
}
