// Package syntax holds the grammar of mail addresses and SMTP arguments
// that Mailwire's client, its server and its message code all apply, so
// that they cannot disagree: domains and address literals (RFC 5321 section
// 4.1.2 and 4.1.3, with the UTF-8 labels of RFC 6531 section 3.3), local
// parts and atoms (RFC 5321 section 4.1.2, RFC 5322 section 3.2.3, RFC
// 6532 section 3.2), and the xtext of ESMTP parameters (RFC 3461 section
// 4).
//
// The functions only say whether text matches the grammar; what to do
// about it (a 501 reply, an errs.Arg error) is the caller's.
package syntax

import (
	"net"
	"strings"
)

// Limits of RFC 5321 section 4.5.3.1: a domain of 255 octets, a label of
// 63 (RFC 1035 section 2.3.4); a local part of 64 characters, which in
// UTF-8 (RFC 6531) take up to four octets each.
const (
	MaxDomain    = 255
	maxLabel     = 63
	MaxLocalPart = 64 * 4
)

// IsASCII reports whether s is 7-bit.
func IsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// IsPrintableASCII reports whether s holds only printable ASCII, space
// included (0x20 to 0x7E).
func IsPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// IsAtext reports whether c may stand in an atom (RFC 5322 section 3.2.3):
// a letter, a digit, one of !#$%&'*+-/=?^_`{|}~, or a byte of a UTF-8
// character beyond ASCII (RFC 6532 section 3.2; the caller checks that
// the text is UTF-8 and that non-ASCII is allowed at all).
func IsAtext(c byte) bool {
	return c >= 0x80 || isLetDig(c) || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

func isLetDig(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// IsDotAtom reports whether s is atoms joined by single dots (RFC 5322
// section 3.2.3 dot-atom-text, RFC 5321 section 4.1.2 Dot-string).
func IsDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '.' && !IsAtext(s[i]) {
			return false
		}
	}
	return true
}

// IsQuotedString reports whether s is an SMTP Quoted-string (RFC 5321
// section 4.1.2): double quotes around printable ASCII or UTF-8 beyond
// ASCII (RFC 6531 section 3.3), where a backslash quotes the next
// printable character and a bare '"' or '\' cannot stand.
func IsQuotedString(s string) bool {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
			if i == len(s)-1 || s[i] < 0x20 || s[i] > 0x7e {
				return false
			}
		case c == '"' || c < 0x20 || c == 0x7f:
			return false
		}
	}
	return true
}

// IsLocalPart reports whether s is a Local-part (RFC 5321 section 4.1.2):
// a Dot-string or a Quoted-string, at most MaxLocalPart octets.
func IsLocalPart(s string) bool {
	return len(s) <= MaxLocalPart && (IsDotAtom(s) || IsQuotedString(s))
}

// IsDomain reports whether s is a Domain (RFC 5321 section 4.1.2): labels
// of letters, digits and inner hyphens joined by dots, at most 63 octets
// each and 255 in all. A label may also be UTF-8 beyond ASCII (a U-label,
// RFC 6531 section 3.3); the caller checks that the text is UTF-8 and that
// SMTPUTF8 allows it. A trailing dot is not part of the grammar.
func IsDomain(s string) bool {
	if s == "" || len(s) > MaxDomain {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if !isLabel(label) {
			return false
		}
	}
	return true
}

// isLabel reports whether l is one label of a Domain: Let-dig [Ldh-str]
// (RFC 5321 section 4.1.2), or a U-label.
func isLabel(l string) bool {
	if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	ascii := true
	for i := 0; i < len(l); i++ {
		c := l[i]
		ascii = ascii && c < 0x80
		if c < 0x80 && !isLetDig(c) && c != '-' {
			return false
		}
	}
	return !ascii || len(l) <= maxLabel
}

// IsAddressLiteral reports whether s is an IPv4 or IPv6 address literal
// (RFC 5321 section 4.1.3): "[192.0.2.1]" or "[IPv6:2001:db8::1]".
func IsAddressLiteral(s string) bool {
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' {
		return false
	}
	inner := s[1 : len(s)-1]
	if v6, ok := strings.CutPrefix(inner, "IPv6:"); ok {
		return strings.Contains(v6, ":") && net.ParseIP(v6) != nil
	}
	return !strings.Contains(inner, ":") && net.ParseIP(inner) != nil
}

// AddressLiteral formats ip as an address literal (RFC 5321 section
// 4.1.3): "[192.0.2.1]", "[IPv6:2001:db8::1]".
func AddressLiteral(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return "[" + v4.String() + "]"
	}
	return "[IPv6:" + ip.String() + "]"
}

// SplitMailbox splits a Mailbox (RFC 5321 section 4.1.2) at the '@' that
// starts its domain: the last one outside a quoted local part. ok is false
// when there is no such '@' or either side is empty; the parts are not
// checked otherwise (IsLocalPart, IsDomain, IsAddressLiteral).
func SplitMailbox(addr string) (local, domain string, ok bool) {
	at := IndexUnquoted(addr, '@', true)
	if at <= 0 || at == len(addr)-1 {
		return "", "", false
	}
	return addr[:at], addr[at+1:], true
}

// IndexUnquoted returns the index of the first c in s (with last, of the
// last one) that stands outside a quoted string, where a backslash quotes
// the next byte (RFC 5321 section 4.1.2), or -1.
func IndexUnquoted(s string, c byte, last bool) int {
	quoted, at := false, -1
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b == '\\' && quoted:
			i++
		case b == '"':
			quoted = !quoted
		case b == c && !quoted:
			if !last {
				return i
			}
			at = i
		}
	}
	return at
}

// IsMailbox reports whether addr is Local-part "@" ( Domain /
// address-literal ) (RFC 5321 section 4.1.2).
func IsMailbox(addr string) bool {
	local, domain, ok := SplitMailbox(addr)
	return ok && IsLocalPart(local) && (IsDomain(domain) || IsAddressLiteral(domain))
}
