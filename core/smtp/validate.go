package smtp

import (
	"fmt"
	"net"
	"strings"
	"unicode/utf8"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

// maxPath bounds an address: RFC 5321 section 4.5.3.1.3 allows a path of
// 256 octets, angle brackets included.
const maxPath = 254

// checkHelo validates the EHLO/HELO/LHLO argument: a domain or an address
// literal (RFC 5321 section 4.1.1.1), one word.
func checkHelo(s string) error {
	if err := wire.CheckLine("helo", s); err != nil {
		return err
	}
	if !heloDomain(s) && !heloLiteral(s) {
		return errs.New(errs.Arg, "smtp: helo must be one domain name (ASCII letters, digits, hyphens and dots) or address literal such as [192.0.2.1]")
	}
	return nil
}

// heloDomain reports whether s is a Domain of RFC 5321 section 4.1.2:
// dot-separated labels of ASCII letters, digits and inner hyphens.
func heloDomain(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// heloLiteral reports whether s is an address literal (RFC 5321 section
// 4.1.3): an IPv4 or IPv6 address in brackets.
func heloLiteral(s string) bool {
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' {
		return false
	}
	ip := strings.TrimPrefix(s[1:len(s)-1], "IPv6:")
	return net.ParseIP(ip) != nil
}

// printable reports whether s holds no ASCII control character.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// checkAddress validates an addr-spec for MAIL FROM or RCPT TO (RFC 5321
// section 4.1.2). It refuses what could end the path early and smuggle
// ESMTP parameters or commands (go-mail CVE-2025-59937): white space, angle
// brackets, control characters. empty allows the null reverse-path.
func checkAddress(what, a string, empty bool) error {
	if err := wire.CheckLine(what, a); err != nil {
		return err
	}
	if a == "" && empty {
		return nil
	}
	bad := func(why string) error {
		return errs.New(errs.Arg, "smtp: "+what+" "+quoteAddr(a)+": "+why)
	}
	switch {
	case a == "":
		return bad("empty address")
	case len(a) > maxPath:
		return bad("longer than 254 bytes")
	case !utf8.ValidString(a):
		return bad("not valid UTF-8")
	case strings.ContainsAny(a, " \t<>()[\\,;") && !domainLiteral(a):
		return bad("white space, brackets or separators are not allowed in an address")
	case !printable(a):
		return bad("control characters are not allowed")
	}
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 {
		return bad("want local-part@domain")
	}
	if strings.ContainsAny(a[at+1:], "\"@") || strings.HasPrefix(a[at+1:], ".") {
		return bad("malformed domain")
	}
	return nil
}

// domainLiteral allows "user@[192.0.2.1]" and "user@[IPv6:...]" (RFC 5321
// section 4.1.3) while keeping brackets out of everything else.
func domainLiteral(a string) bool {
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || strings.ContainsAny(a[:at], " \t<>()[]\\,;") {
		return false
	}
	d := a[at+1:]
	if len(d) < 3 || d[0] != '[' || d[len(d)-1] != ']' {
		return false
	}
	for _, c := range d[1 : len(d)-1] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' ||
			c == '.' || c == ':' || strings.ContainsRune("IPv", c)) {
			return false
		}
	}
	return true
}

// quoteAddr shows an address in an error message, bounded.
func quoteAddr(a string) string {
	if len(a) > 80 {
		a = a[:80] + "..."
	}
	return "\"" + strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, a) + "\""
}

// isASCII reports whether s is 7-bit.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// checkNotify validates a NOTIFY value (RFC 3461 section 4.1): "NEVER" or a
// comma list of SUCCESS, FAILURE and DELAY.
func checkNotify(v string) error {
	if err := wire.CheckLine("dsn_notify", v); err != nil || v == "" {
		return err
	}
	if strings.EqualFold(v, "NEVER") {
		return nil
	}
	seen := map[string]bool{}
	for _, w := range strings.Split(v, ",") {
		w = strings.ToUpper(w)
		if (w != "SUCCESS" && w != "FAILURE" && w != "DELAY") || seen[w] {
			return optErr("dsn_notify", `want "NEVER" or a comma list of SUCCESS, FAILURE, DELAY`)
		}
		seen[w] = true
	}
	return nil
}

// checkRet validates a RET value (RFC 3461 section 4.3).
func checkRet(v string) error {
	if err := wire.CheckLine("dsn_ret", v); err != nil {
		return err
	}
	if v != "" && !strings.EqualFold(v, "FULL") && !strings.EqualFold(v, "HDRS") {
		return optErr("dsn_ret", `want "FULL" or "HDRS"`)
	}
	return nil
}

// checkEnvID validates an ENVID (RFC 3461 section 4.4): printable ASCII, at
// most 100 characters before xtext encoding.
func checkEnvID(v string) error {
	if err := wire.CheckLine("envid", v); err != nil {
		return err
	}
	if len(v) > 100 || !isASCII(v) || !printable(v) {
		return optErr("envid", "want at most 100 printable ASCII characters")
	}
	return nil
}

// xtext encodes s as RFC 3461 section 4 xtext: "+", "=", controls, space
// and non-ASCII bytes become "+XX".
func xtext(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '!' || c > '~' || c == '+' || c == '=' {
			b.WriteByte('+')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unitext encodes an address as RFC 6533's utf-8-addr-unitext (section 3),
// the ORCPT form of a non-ASCII address in an SMTPUTF8 transaction: UTF-8
// characters stay as they are; plus, equals, backslash, controls and space
// become \x{HEX}.
func unitext(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r <= ' ' || r == '+' || r == '=' || r == '\\' || r == 0x7f {
			fmt.Fprintf(&b, "\\x{%02X}", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
