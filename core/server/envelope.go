package server

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"mailwire/core/syntax"
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
	end := syntax.IndexUnquoted(s, '>', false)
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

// checkMailbox validates "local@domain" (RFC 5321 section 4.1.2) with the
// grammar the client applies too. Non-ASCII text needs SMTPUTF8 (RFC 6531
// section 3.3).
func checkMailbox(addr string, utf8ok bool) (local string, r reply) {
	if !utf8.ValidString(addr) {
		return "", "553 5.1.7 Address is not valid UTF-8"
	}
	if !utf8ok && !syntax.IsASCII(addr) {
		return "", "553 5.6.7 Non-ASCII address needs SMTPUTF8"
	}
	local, domain, ok := syntax.SplitMailbox(addr)
	if !ok {
		return "", "501 5.1.3 Bad address syntax: local-part@domain expected"
	}
	if !syntax.IsLocalPart(local) || !syntax.IsDomain(domain) && !syntax.IsAddressLiteral(domain) {
		return "", "501 5.1.3 Bad address syntax"
	}
	return local, ""
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
			if !syntax.IsXtext(v) || len(v) > 500 {
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
			if !syntax.IsNotify(v) {
				return "501 5.5.4 Bad NOTIFY value"
			}
		case "ORCPT":
			typ, val, ok := strings.Cut(v, ";")
			if !ok || typ == "" || val == "" || len(v) > 500 || !syntax.IsXtext(typ) || !utf8.ValidString(val) || strings.ContainsAny(val, " \x00") {
				return "501 5.5.4 Bad ORCPT value"
			}
		default:
			return "555 5.5.4 Unsupported parameter " + k
		}
	}
	return ""
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
