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

import "mailwire/core/session"

// ports are IMAP's (RFC 3501 section 2.1, RFC 8314 section 7): 993 with
// implicit TLS, the default without a port or a security option; 143
// with STARTTLS (RFC 3501 section 6.2.1), required unless
// "starttls-optional"; a required STARTTLS also refuses a PREAUTH
// greeting.
var ports = session.Ports{Plain: 143, TLS: 993}

// Options configure a Client: the options of every client
// (session.ClientOptions). Auth is "auto" (or empty), "login" (the LOGIN
// command, RFC 3501 section 6.2.3) or a SASL mechanism name; with "auto",
// a SASL mechanism offered as AUTH= (RFC 3501 section 6.2.2) and chosen by
// sasl.Choose comes first, then LOGIN with a password. AllowPlaintextAuth
// is needed by LOGIN without TLS. Progress is called while a message is
// read or appended.
type Options struct {
	session.ClientOptions
}

// Set sets the option called name as session.ClientOptions.Set does, with
// IMAP's "login" (RFC 3501 section 6.2.3) besides the SASL mechanisms (RFC
// 3501 section 6.2.2) for auth. "login" names the IMAP command; the SASL
// mechanism of that name is only ever chosen by "auto".
func (o *Options) Set(name, value string) error {
	return o.ClientOptions.Set(name, value, "login")
}
