package sasl

import (
	"slices"
	"strings"

	"mailwire/core/errs"
)

// Options are what Choose weighs: the mechanism the caller asked for, the
// server's offer, the credentials and the connection.
type Options struct {
	// Mechanism is "auto" (or empty) or a mechanism name in any case:
	// "plain", "login", "cram-md5", "scram-sha-256", "xoauth2",
	// "oauthbearer".
	Mechanism string
	// Offered is the server's list in any case: the AUTH keyword of EHLO
	// (RFC 4954 section 3), the SASL capability of CAPA (RFC 5034 section
	// 3), the AUTH= capabilities of IMAP (RFC 9051 section 6.2.2).
	Offered []string

	Username, Password, Token string

	// Host and Port are the server's, for OAUTHBEARER (RFC 7628 section
	// 3.1); Port may be zero.
	Host string
	Port int

	// Secure says the connection is encrypted (TLS). AllowPlaintext is the
	// caller's explicit allow_plaintext_auth: without one or the other, no
	// mechanism that exposes the password or token runs.
	Secure, AllowPlaintext bool
}

// auto is the order of preference of Mechanism "auto": with a token,
// OAUTHBEARER then XOAUTH2; with a password, the mechanisms that keep it
// secret before those that send it.
var (
	tokenMechs    = []string{OAuthBearer, XOAuth2}
	passwordMechs = []string{ScramSHA256, CramMD5, Plain, Login}
)

// Names returns the names of the mechanisms Choose knows, in lower case as
// the "auth" option takes them.
func Names() []string {
	var names []string
	for _, m := range append(passwordMechs, tokenMechs...) {
		names = append(names, strings.ToLower(m))
	}
	return names
}

// Choose returns the client to run, or the reason there is none; nothing
// has been written when it fails.
//
// A named mechanism runs when the credentials suit it and the server offers
// it. With "auto", a token selects OAUTHBEARER, then XOAUTH2; a password
// selects SCRAM-SHA-256, CRAM-MD5, PLAIN, LOGIN: the first of those the
// server offers.
//
// Without TLS and without AllowPlaintext, a mechanism that exposes the
// secret (SendsSecret) does not run: a named one is refused, and "auto"
// passes over it to the next one offered, or fails when none is left
// (RFC 4954 section 4, RFC 8314 section 3).
//
// Errors: errs.Arg for missing or malformed credentials, errs.Option for an
// unknown name, errs.Security for a mechanism that would expose the secret,
// errs.Unsupported when the server offers nothing usable.
func Choose(o Options) (Client, error) {
	prefs, named, err := o.preferences()
	if err != nil {
		return nil, err
	}
	var exposed error // a named mechanism is refused even when not offered
	for _, m := range prefs {
		offered := offers(o.Offered, m)
		if err := o.exposure(m); err != nil {
			if exposed == nil && (offered || named) {
				exposed = err
			}
		} else if offered {
			return o.newClient(m)
		}
	}
	switch {
	case exposed != nil:
		return nil, exposed
	case named:
		return nil, errs.New(errs.Unsupported, "sasl: the server does not offer "+prefs[0])
	}
	return nil, errs.New(errs.Unsupported, "sasl: the server offers no mechanism usable with the given credentials")
}

// preferences returns the mechanisms to consider, best first, and whether
// the caller named one; it refuses credentials that cannot serve.
func (o *Options) preferences() (prefs []string, named bool, err error) {
	if o.Password == "" && o.Token == "" {
		return nil, false, argErr("neither a password nor a token was given")
	}
	m := strings.ToUpper(strings.TrimSpace(o.Mechanism))
	switch {
	case m == "" || m == "AUTO":
		if o.Token != "" {
			prefs = append(prefs, tokenMechs...)
		}
		if o.Password != "" {
			prefs = append(prefs, passwordMechs...)
		}
		return prefs, false, nil
	case !slices.Contains(tokenMechs, m) && !slices.Contains(passwordMechs, m):
		return nil, false, errs.New(errs.Option, "sasl: unknown mechanism "+errs.Quote(o.Mechanism))
	case slices.Contains(tokenMechs, m) && o.Token == "":
		return nil, false, argErr(m + " needs a token")
	case slices.Contains(passwordMechs, m) && o.Password == "":
		return nil, false, argErr(m + " needs a password")
	}
	return []string{m}, true, nil
}

// exposure applies the TLS rule to a SASL mechanism.
func (o *Options) exposure(mech string) error {
	if !SendsSecret(mech) {
		return nil
	}
	return o.CheckExposure(mech)
}

// CheckExposure is the one rule on secrets in the clear, for SASL
// mechanisms and for the protocols' own logins alike (POP3's USER/PASS and
// APOP, RFC 1939 section 7): it returns an error of kind errs.Security
// naming method when the connection is not secure and the caller has not
// set AllowPlaintext, and nil otherwise. Call it before anything of method
// is written (SECURITY.md section 5).
func (o Options) CheckExposure(method string) error {
	if o.Secure || o.AllowPlaintext {
		return nil
	}
	secret := "password"
	if slices.Contains(tokenMechs, strings.ToUpper(method)) {
		secret = "token"
	}
	return errs.New(errs.Security, method+" would expose the "+secret+
		" without TLS; use TLS, or set allow_plaintext_auth explicitly")
}

// offers reports whether mech is in list, ignoring case.
func offers(list []string, mech string) bool {
	return slices.ContainsFunc(list, func(m string) bool { return strings.EqualFold(m, mech) })
}

// newClient builds the client for mech and checks its credentials now, so
// that Choose reports bad input before anything is written.
func (o *Options) newClient(mech string) (Client, error) {
	var c Client
	var err error
	switch mech {
	case Plain:
		c, err = NewPlain("", o.Username, o.Password), checkPlain("", o.Username, o.Password)
	case Login:
		c, err = NewLogin(o.Username, o.Password), checkLogin(o.Username, o.Password)
	case CramMD5:
		c, err = NewCramMD5(o.Username, o.Password), checkCramMD5(o.Username, o.Password)
	case ScramSHA256:
		c, err = NewScramSHA256(o.Username, o.Password), checkScram(o.Username, o.Password)
	case XOAuth2:
		c, err = NewXOAuth2(o.Username, o.Token), checkXOAuth2(o.Username, o.Token)
	default:
		c, err = NewOAuthBearer(o.Username, o.Token, o.Host, o.Port), checkOAuthBearer(o.Username, o.Token, o.Host, o.Port)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}
