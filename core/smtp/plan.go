package smtp

import (
	"strconv"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/syntax"
)

// plan validates a message against the input rules and the server's
// extensions, decides once how it goes (DATA or BDAT, pipelined or in lock
// step) and builds its command lines, before anything is written.
func (c *Client) plan(it Item) (*txn, error) {
	env := it.Env
	if it.err != nil {
		return nil, it.err
	}
	if it.Body == nil {
		return nil, errs.New(errs.Arg, "smtp: no message body")
	}
	t := &txn{env: env, body: it.Body}
	_, t.pipe = c.ext["PIPELINING"]
	t.pipe = t.pipe && !strings.EqualFold(c.o.Pipelining, "never")
	_, t.bdat = c.ext["CHUNKING"]
	t.bdat = t.bdat && !strings.EqualFold(c.o.Chunking, "never")
	lines, err := c.memo.lines(c, env, t.bdat, t.oneLines[:0])
	if err != nil {
		return nil, err
	}
	t.lines = lines
	return t, nil
}

// xtextAddr is the ORCPT value of an ASCII address (RFC 3461 section 4.2).
func xtextAddr(a string) string { return "rfc822;" + syntax.Xtext(a) }

// needsUTF8 reports whether the envelope needs SMTPUTF8 (RFC 6531 section
// 3.4).
func needsUTF8(env Envelope) bool {
	if env.UTF8 || !syntax.IsASCII(env.From) {
		return true
	}
	for _, a := range env.To {
		if !syntax.IsASCII(a) {
			return true
		}
	}
	return false
}

// mailParams returns the MAIL parameters: SIZE (RFC 1870), BODY (RFC 6152,
// RFC 3030), SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461, when dsn).
func (c *Client) mailParams(env Envelope, bdat, dsn bool) (string, error) {
	var b strings.Builder
	if p, ok := c.ext["SIZE"]; ok {
		limit, _ := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if limit > 0 && env.Size > limit {
			return "", errs.New(errs.TooBig, "smtp: the message ("+strconv.FormatInt(env.Size, 10)+
				" bytes) exceeds the server's limit of "+strconv.FormatInt(limit, 10)+" bytes")
		}
		if env.Size > 0 {
			b.WriteString(" SIZE=" + strconv.FormatInt(env.Size, 10))
		}
	}
	if err := c.bodyParam(&b, env, bdat); err != nil {
		return "", err
	}
	if needsUTF8(env) {
		if _, ok := c.ext["SMTPUTF8"]; !ok {
			return "", errs.New(errs.Unsupported, "smtp: the message needs SMTPUTF8 and the server does not offer it")
		}
		b.WriteString(" SMTPUTF8")
	}
	if dsn {
		if c.o.DSNRet != "" {
			b.WriteString(" RET=" + strings.ToUpper(c.o.DSNRet))
		}
		if c.o.EnvID != "" {
			b.WriteString(" ENVID=" + syntax.Xtext(c.o.EnvID))
		}
	}
	return b.String(), nil
}

// bodyParam adds BODY=BINARYMIME or BODY=8BITMIME when the message needs it.
func (c *Client) bodyParam(b *strings.Builder, env Envelope, bdat bool) error {
	switch {
	case env.Binary:
		if _, ok := c.ext["BINARYMIME"]; !ok || !bdat {
			return errs.New(errs.Unsupported, "smtp: the message is binary and the server does not offer BINARYMIME with CHUNKING")
		}
		b.WriteString(" BODY=BINARYMIME")
	case env.EightBit:
		if _, ok := c.ext["8BITMIME"]; !ok {
			return errs.New(errs.Unsupported, "smtp: the message has 8-bit data and the server does not offer 8BITMIME")
		}
		b.WriteString(" BODY=8BITMIME")
	}
	return nil
}

// dsn reports whether DSN parameters are wanted and offered (RFC 3461
// section 4); wanted but not offered is noted in the log.
func (c *Client) dsn() bool {
	if c.o.DSNNotify == "" && c.o.DSNRet == "" && c.o.EnvID == "" {
		return false
	}
	if _, ok := c.ext["DSN"]; !ok {
		c.o.Log.Note("DSN not offered by the server: sending without NOTIFY/RET/ENVID")
		return false
	}
	return true
}

// rcptParams returns the RCPT parameters NOTIFY and ORCPT (RFC 3461 section
// 4.1 and 4.2): ORCPT=rfc822;xtext for an ASCII address, and for a non-ASCII
// one (sent only with SMTPUTF8) ORCPT=utf-8;unitext (RFC 6533 section 3).
func (c *Client) rcptParams(a string, dsn bool) string {
	if !dsn {
		return ""
	}
	var s string
	if c.o.DSNNotify != "" {
		s = " NOTIFY=" + strings.ToUpper(c.o.DSNNotify)
	}
	if syntax.IsASCII(a) {
		return s + " ORCPT=" + xtextAddr(a)
	}
	return s + " ORCPT=utf-8;" + unitext(a)
}

// planMemo keeps the command lines of the last envelope planned, so that a
// stream of messages from one sender, or to the same recipients, checks
// and formats each address once. What the lines depend on besides the
// envelope (the EHLO reply, the options) is fixed while the connection
// lives; a new EHLO clears the memo.
type planMemo struct {
	from           string
	size           int64
	utf8, eight    bool
	binary, bdat   bool
	mail           string   // "" when nothing is kept
	to, rcpt       []string // recipients and their RCPT lines
	checkedFrom    string   // the last sender that passed checkAddress
	checkedFromSet bool
}

// lines checks env and returns its MAIL and RCPT lines (RFC 5321 sections
// 4.1.1.2 and 4.1.1.3), reusing those of the envelope before where they
// are the same. The returned slice is the caller's: buf when it has room.
func (m *planMemo) lines(c *Client, env Envelope, bdat bool, buf []string) ([]string, error) {
	if !m.checkedFromSet || env.From != m.checkedFrom {
		if err := checkAddress("sender", env.From, true); err != nil {
			return nil, err
		}
		m.checkedFrom, m.checkedFromSet = env.From, true
	}
	if len(env.To) == 0 {
		return nil, errs.New(errs.Arg, "smtp: no recipients")
	}
	same := func(i int) bool { return i < len(m.to) && m.to[i] == env.To[i] }
	for i, a := range env.To {
		if same(i) {
			continue
		}
		if err := checkAddress("recipient", a, false); err != nil {
			return nil, err
		}
	}
	if env.Size < 0 {
		return nil, errs.New(errs.Arg, "smtp: negative message size")
	}
	// Checked: every error below is about the server's extensions.
	utf8 := needsUTF8(env)
	if m.mail == "" || m.from != env.From || m.size != env.Size || m.utf8 != utf8 ||
		m.eight != env.EightBit || m.binary != env.Binary || m.bdat != bdat {
		m.mail = ""
		params, err := c.mailParams(env, bdat, c.dsn())
		if err != nil {
			return nil, err
		}
		m.from, m.size, m.utf8, m.eight, m.binary, m.bdat = env.From, env.Size, utf8, env.EightBit, env.Binary, bdat
		m.mail = "MAIL FROM:<" + env.From + ">" + params
	}
	lines := buf[:0]
	if cap(buf) < 1+len(env.To) {
		lines = make([]string, 0, 1+len(env.To))
	}
	lines = lines[:1+len(env.To)]
	lines[0] = m.mail
	dsn := -1
	for i, a := range env.To {
		if same(i) {
			lines[1+i] = m.rcpt[i]
			continue
		}
		if dsn < 0 {
			dsn = 0
			if c.dsn() {
				dsn = 1
			}
		}
		lines[1+i] = "RCPT TO:<" + a + ">" + c.rcptParams(a, dsn == 1)
	}
	if len(m.to) != len(env.To) {
		m.to, m.rcpt = make([]string, len(env.To)), make([]string, len(env.To))
	}
	copy(m.to, env.To)
	copy(m.rcpt, lines[1:])
	return lines, nil
}
