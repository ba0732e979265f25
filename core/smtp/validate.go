package smtp

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"mailwire/core/errs"
	"mailwire/core/syntax"
	"mailwire/core/wire"
)

// maxPath bounds an address: RFC 5321 section 4.5.3.1.3 allows a path of
// 256 octets, angle brackets included.
const maxPath = 254

// checkHelo validates the EHLO/HELO/LHLO argument: an ASCII domain or an
// address literal (RFC 5321 section 4.1.1.1), one word.
func checkHelo(s string) error {
	if err := wire.CheckLine("helo", s); err != nil {
		return err
	}
	if !(syntax.IsASCII(s) && syntax.IsDomain(s)) && !syntax.IsAddressLiteral(s) {
		return errs.New(errs.Arg, "smtp: helo must be one domain name (ASCII letters, digits, hyphens and dots) or address literal such as [192.0.2.1]")
	}
	return nil
}

// checkAddress validates a Mailbox for MAIL FROM or RCPT TO (RFC 5321
// section 4.1.2) with the grammar the server applies too. Beyond it, the
// local part may not hold white space, angle brackets or separators even
// when quoted: they could end the path early and smuggle ESMTP parameters
// or commands (go-mail CVE-2025-59937). empty allows the null
// reverse-path.
func checkAddress(what, a string, empty bool) error {
	if err := wire.CheckLine(what, a); err != nil {
		return err
	}
	if a == "" && empty {
		return nil
	}
	bad := func(why string) error {
		return errs.New(errs.Arg, "smtp: "+what+" "+errs.Quote(a)+": "+why)
	}
	local, domain, ok := syntax.SplitMailbox(a)
	switch {
	case a == "":
		return bad("empty address")
	case len(a) > maxPath:
		return bad("longer than 254 bytes")
	case !utf8.ValidString(a):
		return bad("not valid UTF-8")
	case strings.ContainsAny(local, " \t<>()[]\\,;"):
		return bad("white space, brackets or separators are not allowed in an address")
	case !ok:
		return bad("want local-part@domain")
	case !syntax.IsLocalPart(local):
		return bad("malformed local part")
	case !syntax.IsDomain(domain) && !syntax.IsAddressLiteral(domain):
		return bad("malformed domain")
	}
	return nil
}

// parseNotify reads a NOTIFY value (RFC 3461 section 4.1): "NEVER" or a
// comma list of SUCCESS, FAILURE and DELAY, in any case and with any
// spaces; it returns it in upper case without spaces.
func parseNotify(name, v string) (string, error) {
	v = strings.ToUpper(strings.ReplaceAll(v, " ", ""))
	if v != "" && !syntax.IsNotify(v) {
		return "", wire.OptionError(name, `"NEVER" or a comma list of SUCCESS, FAILURE, DELAY`)
	}
	return v, nil
}

// parseRet reads a RET value (RFC 3461 section 4.3), in upper case.
func parseRet(name, v string) (string, error) {
	return wire.ParseChoice(name, v, "FULL", "HDRS", "")
}

// parseEnvID reads an ENVID (RFC 3461 section 4.4): printable ASCII, at
// most 100 characters before xtext encoding.
func parseEnvID(name, v string) (string, error) {
	if len(v) > 100 || !syntax.IsPrintableASCII(v) {
		return "", wire.OptionError(name, "at most 100 printable ASCII characters")
	}
	return v, nil
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
