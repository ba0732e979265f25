package server

import (
	"bytes"
	"errors"
	"net"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/trace"
	"mailwire/core/wire"
)

// Limits of a session.
const (
	maxCommandLine = 4096 // octets of a command line, CRLF included (RFC 5321 section 4.5.3.1.4 allows 512 at least)
	maxRecipients  = 1000 // RCPT commands per transaction (RFC 5321 section 4.5.3.1.8 asks for 100 at least)
	maxErrors      = 20   // syntax and sequence errors before the session is closed
	keepBuffer     = 1 << 20
)

// rcpt is an accepted recipient.
type rcpt struct {
	addr    string // the forward-path without < >
	mailbox string
}

// smtpSession is one SMTP, submission or LMTP session (RFC 5321, RFC 6409,
// RFC 2033).
type smtpSession struct {
	s        *Server
	c        *wire.Conn
	lmtp     bool
	mustAuth bool   // submission: AUTH before MAIL (RFC 6409 section 4.3)
	ip       string // the client's address literal, "[127.0.0.1]"
	helo     string // the HELO/EHLO/LHLO argument; "" before it
	proto    string // "SMTP" (HELO), "ESMTP" (EHLO) or "LMTP" (LHLO)
	user     string // the authenticated user, "" before AUTH
	errors   int
	quit     bool
	tx       *mailTx
	buf      []byte // message data of the transaction
}

// mailTx is the state between MAIL and the end of data.
type mailTx struct {
	rcpts  []rcpt
	utf8   bool   // SMTPUTF8 (RFC 6531 section 3.4)
	body   string // BODY= value (RFC 6152, RFC 3030)
	chunks bool   // BDAT seen (RFC 3030 section 2)
	tooBig bool   // a BDAT chunk went past MaxMessageSize
}

func (s *Server) serveSMTP(svc string, c *wire.Conn) {
	ss := &smtpSession{
		s:        s,
		c:        c,
		lmtp:     svc == "lmtp",
		mustAuth: svc == "submission" || svc == "smtps",
		ip:       addrLiteral(c.RemoteAddr()),
	}
	greeting := " ESMTP Mailwire ready"
	if ss.lmtp {
		greeting = " LMTP Mailwire ready"
	}
	ss.reply("220 " + s.cfg.Hostname + greeting)
	ss.loop()
}

// addrLiteral formats a remote address as an RFC 5321 section 4.1.3
// address literal.
func addrLiteral(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return "[unknown]"
	}
	if strings.Contains(host, ":") {
		return "[IPv6:" + host + "]"
	}
	return "[" + host + "]"
}

// loop reads and runs commands. Replies stay buffered while more pipelined
// input is waiting (RFC 2920 section 3) and go out in one write.
func (ss *smtpSession) loop() {
	for !ss.quit {
		if ss.c.Buffered() == 0 && ss.c.Flush() != nil {
			return
		}
		line, err := ss.c.ReadLineBytes()
		switch {
		case errors.Is(err, wire.ErrLineTooLong):
			ss.fail("500 5.5.2 Line too long")
			continue
		case err != nil:
			ss.lost(err)
			return
		}
		ss.command(line)
	}
	ss.c.Flush()
}

// lost ends a session whose connection failed; an idle client is told why
// (RFC 5321 section 4.5.3.2).
func (ss *smtpSession) lost(err error) {
	if errs.KindOf(err) == errs.Timeout {
		ss.reply("421 4.4.2 " + ss.s.cfg.Hostname + " Idle timeout, closing connection")
		ss.c.Flush()
	}
}

// reply buffers one reply line.
func (ss *smtpSession) reply(s string) { ss.c.WriteLine(s) }

// fail replies with a syntax or sequence error and closes the session after
// too many of them.
func (ss *smtpSession) fail(s string) {
	ss.reply(s)
	ss.errors++
	if ss.errors >= maxErrors {
		ss.reply("421 4.7.0 " + ss.s.cfg.Hostname + " Too many errors, closing connection")
		ss.quit = true
	}
}

// verb splits a command line into its upper-cased verb and its argument.
func verb(line []byte) (string, []byte) {
	v, arg, _ := bytes.Cut(line, []byte{' '})
	if len(v) > 8 {
		return "", arg
	}
	var b [8]byte
	for i, c := range v {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b[i] = c
	}
	return string(b[:len(v)]), arg
}

// command runs one command line (RFC 5321 section 4.1.1).
func (ss *smtpSession) command(line []byte) {
	v, arg := verb(line)
	switch v {
	case "HELO", "EHLO", "LHLO":
		ss.hello(v, arg)
	case "MAIL":
		ss.mail(arg)
	case "RCPT":
		ss.rcpt(arg)
	case "DATA":
		ss.data(arg)
	case "BDAT":
		ss.bdat(arg)
	case "RSET":
		ss.tx = nil
		ss.reply("250 2.0.0 OK")
	case "NOOP":
		ss.reply("250 2.0.0 OK")
	case "QUIT":
		ss.reply("221 2.0.0 " + ss.s.cfg.Hostname + " Bye")
		ss.quit = true
	case "VRFY":
		ss.reply("252 2.5.0 Cannot VRFY user, but will accept message")
	case "HELP":
		ss.reply("214 2.0.0 Commands: HELO EHLO LHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY STARTTLS AUTH")
	case "STARTTLS":
		ss.startTLS(arg)
	case "AUTH":
		ss.auth(arg)
	default:
		ss.fail("500 5.5.1 Unknown command")
	}
}

// hello answers HELO and EHLO (RFC 5321 section 4.1.1.1) or LHLO (RFC 2033
// section 4.1). It resets any transaction.
func (ss *smtpSession) hello(v string, arg []byte) {
	if (v == "LHLO") != ss.lmtp {
		want := "EHLO or HELO"
		if ss.lmtp {
			want = "LHLO"
		}
		ss.fail("500 5.5.1 Unknown command, say " + want)
		return
	}
	name, _, _ := bytes.Cut(bytes.TrimSpace(arg), []byte{' '})
	if len(name) == 0 {
		ss.fail("501 5.5.4 Syntax: " + v + " hostname")
		return
	}
	ss.helo = printable(name)
	ss.tx = nil
	if v == "HELO" {
		ss.proto = "SMTP"
		ss.reply("250 " + ss.s.cfg.Hostname)
		return
	}
	ss.proto = "ESMTP"
	if ss.lmtp {
		ss.proto = "LMTP"
	}
	ss.extensions()
}

// extensions sends the EHLO/LHLO reply with the service extensions.
func (ss *smtpSession) extensions() {
	ext := []string{ss.s.cfg.Hostname, "PIPELINING", "SIZE " + itoa(ss.s.cfg.MaxMessageSize),
		"8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8", "DSN", "ENHANCEDSTATUSCODES"}
	if !ss.c.IsTLS() {
		ext = append(ext, "STARTTLS")
	}
	if mechs := ss.s.mechanisms(ss.c.IsTLS()); len(mechs) > 0 && ss.user == "" {
		ext = append(ext, "AUTH "+strings.Join(mechs, " "))
	}
	for i, e := range ext {
		sep := "-"
		if i == len(ext)-1 {
			sep = " "
		}
		ss.reply("250" + sep + e)
	}
}

// printable returns b with every byte outside printable ASCII replaced by
// '?', for a trace header.
func printable(b []byte) string {
	out := []byte(string(b))
	for i, c := range out {
		if c <= ' ' || c >= 0x7f || c == '(' || c == ')' || c == ';' {
			out[i] = '?'
		}
	}
	return string(out)
}

// keyword returns the RFC 3848 / RFC 6531 transmission type of the session.
func (ss *smtpSession) keyword(utf8 bool) string {
	flags := 0
	if ss.c.IsTLS() {
		flags |= trace.TLS
	}
	if ss.user != "" {
		flags |= trace.Auth
	}
	if utf8 {
		flags |= trace.UTF8
	}
	if kw, ok := trace.Keyword(ss.proto, flags); ok {
		return kw
	}
	return ss.proto
}
