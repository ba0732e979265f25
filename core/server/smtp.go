package server

import (
	"bytes"
	"net"
	"strings"

	"mailwire/core/syntax"
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
	session
	lmtp     bool
	mustAuth bool   // submission: AUTH before MAIL (RFC 6409 section 4.3)
	ip       string // the client's address literal, "[127.0.0.1]"
	helo     string // the HELO/EHLO/LHLO argument; "" before it
	proto    string // "SMTP" (HELO), "ESMTP" (EHLO) or "LMTP" (LHLO)
	user     string // the authenticated user, "" before AUTH
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

// smtpDialect words the session skeleton's replies for SMTP and LMTP
// (RFC 5321 section 4.2, RFC 3463 enhanced codes).
func smtpDialect(host string) *dialect {
	return &dialect{
		challenge:     "334 ",
		busy:          "421 4.3.2 " + host + " Too many sessions, try again later",
		idle:          "421 4.4.2 " + host + " Idle timeout, closing connection",
		tooManyErrors: "421 4.7.0 " + host + " Too many errors, closing connection",
		lineTooLong:   "500 5.5.2 Line too long",
		tlsArg:        "501 5.5.4 STARTTLS takes no argument",
		tlsActive:     "503 5.5.1 TLS already active",
		tlsPipelined:  "554 5.5.1 Data pipelined after STARTTLS, closing connection",
		tlsReady:      "220 2.0.0 Ready to start TLS",
		authBadIR:     "501 5.5.2 Cannot decode the initial response",
		authCancelled: "501 5.0.0 Authentication cancelled",
		authMalformed: "501 5.5.2 Malformed authentication response",
		authFailed:    "535 5.7.8 Authentication credentials invalid",
	}
}

func (s *Server) serveSMTP(svc string, c *wire.Conn) {
	ss := &smtpSession{
		session:  session{s: s, c: c, d: s.smtpDialect},
		lmtp:     svc == "lmtp",
		mustAuth: svc == "submission" || svc == "smtps",
		ip:       addrLiteral(c.RemoteAddr()),
	}
	greeting := " ESMTP Mailwire ready"
	if ss.lmtp {
		greeting = " LMTP Mailwire ready"
	}
	ss.reply("220 " + s.cfg.Hostname + greeting)
	ss.loop(ss.command)
}

// addrLiteral formats a remote address as an RFC 5321 section 4.1.3
// address literal.
func addrLiteral(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	ip := net.ParseIP(host)
	if err != nil || ip == nil {
		return "[unknown]"
	}
	return syntax.AddressLiteral(ip)
}

// command runs one command (RFC 5321 section 4.1.1).
func (ss *smtpSession) command(v string, arg []byte) {
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

// auth answers AUTH (RFC 4954 section 4).
func (ss *smtpSession) auth(arg []byte) {
	switch {
	case ss.proto != "ESMTP" && ss.proto != "LMTP":
		ss.fail("503 5.5.1 Send " + ss.helloVerb() + " first")
		return
	case ss.user != "":
		ss.fail("503 5.5.1 Already authenticated")
		return
	case ss.tx != nil:
		ss.fail("503 5.5.1 AUTH is not allowed during a mail transaction")
		return
	}
	fields := strings.Fields(string(arg))
	if len(fields) == 0 || len(fields) > 2 {
		ss.fail("501 5.5.4 Syntax: AUTH mechanism [initial-response]")
		return
	}
	sv, err := ss.s.newAuth(fields[0])
	if err != nil {
		ss.fail("504 5.5.4 Unrecognized authentication type")
		return
	}
	if !ss.s.authAllowed(fields[0], ss.c.IsTLS()) {
		ss.reply("538 5.7.11 Encryption required for requested authentication mechanism")
		return
	}
	if user, ok := ss.authenticate(sv, fields[1:]); ok {
		ss.user = user
		ss.reply("235 2.7.0 Authentication successful")
	}
}

// startTLS answers STARTTLS (RFC 3207 section 4). After the handshake every
// earlier fact is forgotten: the client must greet again.
func (ss *smtpSession) startTLS(arg []byte) {
	if ss.upgrade(arg) {
		ss.helo, ss.proto, ss.user, ss.tx = "", "", "", nil
	}
}
