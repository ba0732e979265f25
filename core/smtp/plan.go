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
	if err := checkAddress("sender", env.From, true); err != nil {
		return nil, err
	}
	if len(env.To) == 0 {
		return nil, errs.New(errs.Arg, "smtp: no recipients")
	}
	for _, a := range env.To {
		if err := checkAddress("recipient", a, false); err != nil {
			return nil, err
		}
	}
	if env.Size < 0 {
		return nil, errs.New(errs.Arg, "smtp: negative message size")
	}
	t := &txn{env: env, body: it.Body}
	_, t.pipe = c.ext["PIPELINING"]
	t.pipe = t.pipe && !strings.EqualFold(c.o.Pipelining, "never")
	_, t.bdat = c.ext["CHUNKING"]
	t.bdat = t.bdat && !strings.EqualFold(c.o.Chunking, "never")
	dsn := c.dsn()
	params, err := c.mailParams(env, t.bdat, dsn)
	if err != nil {
		return nil, err
	}
	t.lines = make([]string, 0, 1+len(env.To))
	t.lines = append(t.lines, "MAIL FROM:<"+env.From+">"+params)
	for _, a := range env.To {
		t.lines = append(t.lines, "RCPT TO:<"+a+">"+c.rcptParams(a, dsn))
	}
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
