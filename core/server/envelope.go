package server

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A reply is an SMTP reply line with its code and enhanced status code
// (RFC 3463); an empty reply means success.
type reply = string

// parsePath parses "<path> params" after "FROM:" or "TO:" (RFC 5321 section
// 4.1.2). A source route ("<@a,@b:user@host>") is dropped. It returns the
// address without brackets and the text after them.
func parsePath(s string) (addr, rest string, r reply) {
	s = strings.TrimLeft(s, " ")
	if !strings.HasPrefix(s, "<") {
		return "", "", "501 5.5.4 Syntax: address must be in angle brackets"
	}
	end := closingBracket(s)
	if end < 0 {
		return "", "", "501 5.5.4 Syntax: missing closing angle bracket"
	}
	addr, rest = s[1:end], s[end+1:]
	if strings.HasPrefix(addr, "@") {
		i := strings.IndexByte(addr, ':')
		if i < 0 {
			return "", "", "501 5.1.3 Bad source route"
		}
		addr = addr[i+1:]
	}
	if rest != "" && rest[0] != ' ' {
		return "", "", "501 5.5.4 Syntax: space expected after the address"
	}
	return addr, rest, ""
}

// closingBracket returns the index of the '>' that ends the path, skipping
// quoted strings and quoted pairs, or -1.
func closingBracket(s string) int {
	quoted := false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == '>' && !quoted:
			return i
		}
	}
	return -1
}

// checkMailbox validates "local@domain" (RFC 5321 section 4.1.2). Non-ASCII
// text needs SMTPUTF8 (RFC 6531 section 3.3).
func checkMailbox(addr string, utf8ok bool) (local string, r reply) {
	if !utf8.ValidString(addr) {
		return "", "553 5.1.7 Address is not valid UTF-8"
	}
	if !utf8ok && !isASCII(addr) {
		return "", "553 5.6.7 Non-ASCII address needs SMTPUTF8"
	}
	at := lastAt(addr)
	if at <= 0 || at == len(addr)-1 {
		return "", "501 5.1.3 Bad address syntax: local-part@domain expected"
	}
	local, domain := addr[:at], addr[at+1:]
	if !validLocal(local) || !validDomain(domain) {
		return "", "501 5.1.3 Bad address syntax"
	}
	return local, ""
}

// lastAt returns the index of the '@' that starts the domain: the last one
// outside a quoted string.
func lastAt(addr string) int {
	quoted, at := false, -1
	for i := 0; i < len(addr); i++ {
		switch c := addr[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == '@' && !quoted:
			at = i
		}
	}
	return at
}

func validLocal(l string) bool {
	if len(l) > 64*4 {
		return false
	}
	if l[0] == '"' {
		return len(l) >= 2 && l[len(l)-1] == '"'
	}
	if l[0] == '.' || l[len(l)-1] == '.' || strings.Contains(l, "..") {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c < 0x80 && !isAtext(c) && c != '.' {
			return false
		}
	}
	return true
}

func isAtext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

func validDomain(d string) bool {
	if len(d) > 255 {
		return false
	}
	if d[0] == '[' {
		return d[len(d)-1] == ']' && !strings.ContainsAny(d[1:len(d)-1], "[]\\ ")
	}
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c < 0x80 && !(isAtext(c) && c != '/' || c == '.') {
			return false
		}
	}
	return !strings.HasPrefix(d, ".") && !strings.Contains(d, "..")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// params splits ESMTP parameters "KEY=VALUE KEY" (RFC 5321 section 4.1.2);
// keys come back upper-cased. A repeated key is an error.
func params(s string) (map[string]string, reply) {
	var m map[string]string
	for _, f := range strings.Fields(s) {
		k, v, hasV := strings.Cut(f, "=")
		k = strings.ToUpper(k)
		if k == "" || (hasV && v == "") {
			return nil, "501 5.5.4 Syntax error in parameters"
		}
		if m == nil {
			m = map[string]string{}
		}
		if _, dup := m[k]; dup {
			return nil, "501 5.5.4 Duplicate parameter " + k
		}
		m[k] = v
	}
	return m, ""
}

// isXtext reports whether s is xtext (RFC 3461 section 4): printable ASCII
// without '=' and with '+' only as "+HH".
func isXtext(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			if i+2 >= len(s) || !isUpperHex(s[i+1]) || !isUpperHex(s[i+2]) {
				return false
			}
			i += 2
		case c < '!' || c > '~' || c == '=':
			return false
		}
	}
	return true
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

// mailParams checks the MAIL parameters: SIZE (RFC 1870), BODY (RFC 6152,
// RFC 3030), SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461), AUTH (RFC 4954).
func (ss *smtpSession) mailParams(tx *mailTx, p map[string]string) reply {
	for k, v := range p {
		switch k {
		case "SIZE":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return "501 5.5.4 Bad SIZE value"
			}
			if n > ss.s.cfg.MaxMessageSize {
				return "552 5.3.4 Message size exceeds fixed limit"
			}
		case "BODY":
			v = strings.ToUpper(v)
			if v != "7BIT" && v != "8BITMIME" && v != "BINARYMIME" {
				return "501 5.5.4 Bad BODY value"
			}
			tx.body = v
		case "SMTPUTF8":
			if v != "" {
				return "501 5.5.4 SMTPUTF8 takes no value"
			}
			tx.utf8 = true
		case "RET":
			if u := strings.ToUpper(v); u != "FULL" && u != "HDRS" {
				return "501 5.5.4 Bad RET value"
			}
		case "ENVID", "AUTH":
			if !isXtext(v) || len(v) > 500 {
				return "501 5.5.4 Bad " + k + " value"
			}
		default:
			return "555 5.5.4 Unsupported parameter " + k
		}
	}
	return ""
}

// rcptParams checks the RCPT parameters NOTIFY and ORCPT (RFC 3461 section
// 4.1 and 4.2).
func rcptParams(p map[string]string) reply {
	for k, v := range p {
		switch k {
		case "NOTIFY":
			if !validNotify(strings.ToUpper(v)) {
				return "501 5.5.4 Bad NOTIFY value"
			}
		case "ORCPT":
			typ, val, ok := strings.Cut(v, ";")
			if !ok || typ == "" || val == "" || len(v) > 500 || !isXtext(typ) || !utf8.ValidString(val) || strings.ContainsAny(val, " \x00") {
				return "501 5.5.4 Bad ORCPT value"
			}
		default:
			return "555 5.5.4 Unsupported parameter " + k
		}
	}
	return ""
}

func validNotify(v string) bool {
	if v == "NEVER" {
		return true
	}
	seen := map[string]bool{}
	for _, f := range strings.Split(v, ",") {
		if f != "SUCCESS" && f != "FAILURE" && f != "DELAY" || seen[f] {
			return false
		}
		seen[f] = true
	}
	return true
}

// mail answers MAIL FROM (RFC 5321 section 4.1.1.2).
func (ss *smtpSession) mail(arg []byte) {
	switch {
	case ss.helo == "":
		ss.fail("503 5.5.1 Send " + ss.helloVerb() + " first")
		return
	case ss.tx != nil:
		ss.fail("503 5.5.1 Nested MAIL command")
		return
	case ss.mustAuth && ss.user == "":
		ss.fail("530 5.7.0 Authentication required")
		return
	}
	rest, ok := cutPrefixFold(arg, "FROM:")
	if !ok {
		ss.fail("501 5.5.4 Syntax: MAIL FROM:<address>")
		return
	}
	addr, ps, r := parsePath(rest)
	tx := &mailTx{}
	if r == "" {
		var p map[string]string
		if p, r = params(ps); r == "" {
			r = ss.mailParams(tx, p)
		}
	}
	if r == "" && addr != "" {
		_, r = checkMailbox(addr, tx.utf8)
	}
	if r != "" {
		ss.refuse(r)
		return
	}
	ss.tx = tx
	ss.reply("250 2.1.0 Sender OK")
}

func (ss *smtpSession) helloVerb() string {
	if ss.lmtp {
		return "LHLO"
	}
	return "EHLO"
}

// refuse sends a refusal; syntax errors (5.5.x) count towards maxErrors.
func (ss *smtpSession) refuse(r reply) {
	if strings.HasPrefix(r, "50") {
		ss.fail(r)
		return
	}
	ss.reply(r)
}

func cutPrefixFold(b []byte, prefix string) (string, bool) {
	if len(b) < len(prefix) || !bytes.EqualFold(b[:len(prefix)], []byte(prefix)) {
		return "", false
	}
	return string(b[len(prefix):]), true
}

// rcpt answers RCPT TO (RFC 5321 section 4.1.1.3). Local parts starting
// with "reject" are refused (550 5.1.1) and those starting with "tempfail"
// deferred (450 4.2.0), so that clients can test per-recipient results.
func (ss *smtpSession) rcpt(arg []byte) {
	tx := ss.tx
	if tx == nil {
		ss.fail("503 5.5.1 Need MAIL before RCPT")
		return
	}
	rest, ok := cutPrefixFold(arg, "TO:")
	if !ok {
		ss.fail("501 5.5.4 Syntax: RCPT TO:<address>")
		return
	}
	addr, ps, r := parsePath(rest)
	if r == "" {
		var p map[string]string
		if p, r = params(ps); r == "" {
			r = rcptParams(p)
		}
	}
	if r == "" && strings.EqualFold(addr, "postmaster") {
		addr = "postmaster@" + ss.s.cfg.Hostname
	}
	local := ""
	if r == "" {
		local, r = checkMailbox(addr, tx.utf8)
	}
	box := mailboxName(local)
	if r == "" {
		r = ss.policy(tx, box)
	}
	if r != "" {
		ss.refuse(r)
		return
	}
	tx.rcpts = append(tx.rcpts, rcpt{addr: addr, mailbox: box})
	ss.reply("250 2.1.5 Recipient OK")
}

// policy applies the recipient limit and the test prefixes.
func (ss *smtpSession) policy(tx *mailTx, mailbox string) reply {
	switch {
	case len(tx.rcpts) >= maxRecipients:
		return "452 4.5.3 Too many recipients"
	case strings.HasPrefix(mailbox, "reject"):
		return "550 5.1.1 Mailbox unavailable (local parts starting with \"reject\" are refused)"
	case strings.HasPrefix(mailbox, "tempfail"):
		return "450 4.2.0 Mailbox temporarily unavailable (local parts starting with \"tempfail\" are deferred)"
	}
	return ""
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
