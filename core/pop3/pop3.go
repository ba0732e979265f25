// Package pop3 is Mailwire's POP3 client (RFC 1939) with the extension
// mechanism (RFC 2449), STLS (RFC 2595), SASL authentication (RFC 5034) and
// UTF-8-clean response codes (RFC 3206).
//
// A session runs through the three states of RFC 1939 section 3:
// authorization (greeting, CAPA, STLS, login), transaction (STAT, LIST,
// UIDL, RETR, TOP, DELE, RSET, NOOP) and update (after QUIT, when the server
// removes the messages marked as deleted).
package pop3

import "mailwire/core/session"

// ports are POP3's (RFC 1939 section 3, RFC 8314 section 7): 995 with
// implicit TLS, the default without a port or a security option; 110
// with STLS (RFC 2595 section 4), required unless "starttls-optional".
var ports = session.Ports{Plain: 110, TLS: 995}

// Options configure a Client: the options of every client
// (session.ClientOptions). Auth is "auto" (or empty), "user", "apop" or a
// SASL mechanism name; with "auto", a SASL mechanism listed in CAPA (RFC
// 5034 section 3) and chosen by sasl.Choose comes first, then APOP when
// the greeting carries a timestamp and a password is set, then USER/PASS.
// AllowPlaintextAuth is needed by USER/PASS and APOP without TLS: APOP
// does not send the password, but its MD5 digest can be attacked offline
// by anyone who reads it. Progress is called while a message is read.
type Options struct {
	session.ClientOptions
}

// Set sets the option called name as session.ClientOptions.Set does, with
// POP3's logins "user" and "apop" (RFC 1939 section 7) besides the SASL
// mechanisms (RFC 5034) for auth.
func (o *Options) Set(name, value string) error {
	return o.ClientOptions.Set(name, value, "user", "apop")
}
