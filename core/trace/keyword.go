// Package trace knows the Received header (RFC 5321 section 4.4): the mail
// transmission types of its "with" clause registered by RFC 3848 and RFC
// 6531, and the parsing and formatting of whole Received values.
package trace

import "strings"

// Flags of a transmission type: what was in force on the hop.
const (
	TLS  = 1 // STARTTLS or implicit TLS (the "S" of ESMTPS)
	Auth = 2 // SMTP AUTH succeeded (the "A" of ESMTPA)
	UTF8 = 4 // SMTPUTF8 was used (the "UTF8" of UTF8SMTP, RFC 6531 section 3.7.4)
	all  = TLS | Auth | UTF8
)

// keyword is one registered transmission type.
type keyword struct {
	name     string
	protocol string
	flags    int
}

// keywords is the IANA "Mail Transmission Types" registry entries this
// package knows: SMTP and ESMTP (RFC 5321), the A/S/SA forms (RFC 3848),
// LMTP and its forms (RFC 3848), and the UTF8 forms (RFC 6531).
var keywords = []keyword{
	{"SMTP", "SMTP", 0},
	{"ESMTP", "ESMTP", 0},
	{"ESMTPS", "ESMTP", TLS},
	{"ESMTPA", "ESMTP", Auth},
	{"ESMTPSA", "ESMTP", TLS | Auth},
	{"LMTP", "LMTP", 0},
	{"LMTPS", "LMTP", TLS},
	{"LMTPA", "LMTP", Auth},
	{"LMTPSA", "LMTP", TLS | Auth},
	{"UTF8SMTP", "ESMTP", UTF8},
	{"UTF8SMTPS", "ESMTP", UTF8 | TLS},
	{"UTF8SMTPA", "ESMTP", UTF8 | Auth},
	{"UTF8SMTPSA", "ESMTP", UTF8 | TLS | Auth},
	{"UTF8LMTP", "LMTP", UTF8},
	{"UTF8LMTPS", "LMTP", UTF8 | TLS},
	{"UTF8LMTPA", "LMTP", UTF8 | Auth},
	{"UTF8LMTPSA", "LMTP", UTF8 | TLS | Auth},
}

// Keyword returns the registered keyword for a session of protocol ("SMTP"
// for HELO, "ESMTP" for EHLO, "LMTP" for LHLO; case-insensitive) with flags.
// ok is false when nothing is registered for that combination: SMTP with any
// flag (TLS, AUTH and SMTPUTF8 are ESMTP extensions), an unknown protocol, or
// unknown flag bits.
func Keyword(protocol string, flags int) (kw string, ok bool) {
	if flags&^all != 0 {
		return "", false
	}
	for _, k := range keywords {
		if k.flags == flags && strings.EqualFold(k.protocol, protocol) {
			return k.name, true
		}
	}
	return "", false
}

func lookup(kw string) (keyword, bool) {
	for _, k := range keywords {
		if strings.EqualFold(k.name, kw) {
			return k, true
		}
	}
	return keyword{}, false
}

// Flags returns what a registered keyword stands for. Keywords are
// case-insensitive (Exim writes "esmtpsa"). ok is false for anything not
// registered, such as "LSMTPS" and "LSMTPA", misspellings found in RFC
// 3848's own text.
func Flags(kw string) (flags int, ok bool) {
	k, ok := lookup(kw)
	return k.flags, ok
}

// Protocol returns "SMTP", "ESMTP" or "LMTP" for a registered keyword: the
// greeting of the session it names (UTF8SMTP forms are ESMTP sessions,
// UTF8LMTP forms LMTP ones).
func Protocol(kw string) (protocol string, ok bool) {
	k, ok := lookup(kw)
	return k.protocol, ok
}
