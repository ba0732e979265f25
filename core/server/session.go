package server

import (
	"bytes"
	"context"
	"errors"
	"io"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

// session is the skeleton the SMTP, LMTP, POP3 and IMAP sessions share:
// the command loop and its limits (command line length, errors, idle time),
// the SASL exchange of AUTH or AUTHENTICATE (RFC 4954 section 4, RFC 5034
// section 4, RFC 3501 section 6.2.2), the STARTTLS or STLS upgrade (RFC
// 3207 section 4, RFC 2595 section 4) and the literals of IMAP (RFC 3501
// section 4.3, RFC 7888). Each protocol embeds it, gives it its dialect and
// runs its own commands.
type session struct {
	s      *Server
	c      *wire.Conn
	d      *dialect
	tag    string // the tag of the running command in a tagged dialect; "" between commands
	errors int    // syntax and sequence errors so far
	quit   bool   // the session ends once the buffered replies are sent
}

// A dialect is what a protocol adds to the session skeleton: the wording
// of the replies the skeleton sends. Texts marked "line" are whole reply
// lines; the others follow the negative prefix.
type dialect struct {
	tagged        bool   // replies to a command start with its tag (IMAP, RFC 3501 section 2.2.2); the texts then carry their status
	negative      string // what starts a negative reply: "" in SMTP, whose texts carry their codes, "-ERR " in POP3
	challenge     string // what starts a SASL challenge line
	busy          string // line: the refusal of a session over MaxSessions
	literalReady  string // line: go ahead with a synchronizing literal (RFC 3501 section 7.5)
	idle          string // the goodbye to a client idle for longer than IdleTimeout
	tooManyErrors string
	lineTooLong   string
	tlsArg        string // STARTTLS (STLS) with an argument
	tlsActive     string // STARTTLS (STLS) under TLS
	tlsPipelined  string // data after STARTTLS (STLS): the session is closed
	tlsReady      string // line, after the tag in a tagged dialect: go ahead with the handshake
	authBadIR     string // an initial response that is not base64
	authCancelled string // the client's "*"
	authMalformed string // a response that is not base64, or too long
	authFailed    string // the mechanism refused the credentials
}

// loop reads and runs commands until the session ends. Replies stay
// buffered while more pipelined input is waiting (RFC 2920 section 3, RFC
// 2449 section 6.6) and go out in one write.
func (se *session) loop(run func(verb string, arg []byte)) {
	se.loopLines(func(line []byte) { run(verb(line)) })
}

// loopLines is loop for a protocol whose command does not start with its
// verb (IMAP's starts with a tag) or does not end with its first line (an
// IMAP literal follows it): run gets the first line and reads the rest.
func (se *session) loopLines(run func(line []byte)) {
	for !se.quit {
		if se.c.Buffered() == 0 && se.c.Flush() != nil {
			return
		}
		line, err := se.c.ReadLineBytes()
		switch {
		case errors.Is(err, wire.ErrLineTooLong):
			se.tag = ""
			se.fail(se.d.lineTooLong)
		case err != nil:
			se.lost(err)
			return
		default:
			run(line)
		}
	}
	se.c.Flush()
}

// lost ends a session whose connection failed; an idle client is told why
// (RFC 5321 section 4.5.3.2, RFC 1939 section 3).
func (se *session) lost(err error) {
	if errs.KindOf(err) == errs.Timeout {
		se.bye(se.d.idle)
		se.c.Flush()
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

// reply buffers one reply line.
func (se *session) reply(line string) { se.c.WriteLine(line) }

// err buffers a negative reply: to the running command in a tagged
// dialect ("*" when the tag is not known), where text carries its status.
func (se *session) err(text string) {
	if se.d.tagged {
		se.reply(se.tagOr("*") + " " + text)
		return
	}
	se.reply(se.d.negative + text)
}

// positive buffers the positive line that ends a command: after the tag in
// a tagged dialect.
func (se *session) positive(line string) {
	if se.d.tagged {
		line = se.tagOr("*") + " " + line
	}
	se.reply(line)
}

// bye buffers the notice of a session that the server ends: untagged in a
// tagged dialect (IMAP's "* BYE", RFC 3501 section 7.1.5).
func (se *session) bye(text string) {
	if se.d.tagged {
		se.reply("* " + text)
		return
	}
	se.err(text)
}

// tagOr returns the running command's tag, or def between commands.
func (se *session) tagOr(def string) string {
	if se.tag == "" {
		return def
	}
	return se.tag
}

// fail sends a negative reply to a syntax or sequence error, and closes the
// session after too many of them.
func (se *session) fail(text string) {
	se.err(text)
	se.errors++
	if se.errors >= maxErrors {
		se.bye(se.d.tooManyErrors)
		se.quit = true
	}
}

// upgrade answers STARTTLS (RFC 3207 section 4) or STLS (RFC 2595 section
// 4) and reports whether TLS now runs, after which the caller forgets what
// the session learned before. Anything the client sent after the command
// was written before the handshake, where a man in the middle can inject
// it, so such a session is closed.
func (se *session) upgrade(arg []byte) bool {
	switch {
	case len(arg) > 0:
		se.fail(se.d.tlsArg)
		return false
	case se.c.IsTLS():
		se.fail(se.d.tlsActive)
		return false
	case se.c.Buffered() > 0:
		se.err(se.d.tlsPipelined)
		se.quit = true
		return false
	}
	se.positive(se.d.tlsReady)
	if se.c.Flush() != nil || se.c.StartTLS(context.Background(), se.s.tls) != nil {
		se.quit = true
		return false
	}
	return true
}

// literalTo copies a literal of n octets to w, as literal reads it.
func (se *session) literalTo(w io.Writer, n int64, sync bool) error {
	if sync {
		se.reply(se.d.literalReady)
		if err := se.c.Flush(); err != nil {
			return err
		}
	}
	buf := make([]byte, min(n, 64<<10))
	for n > 0 {
		p := buf[:min(n, int64(len(buf)))]
		if err := se.c.ReadFull(p); err != nil {
			return se.c.Err(err)
		}
		if _, err := w.Write(p); err != nil {
			return err
		}
		n -= int64(len(p))
	}
	return nil
}

// literal reads a literal of n octets (RFC 3501 section 4.3): after the
// dialect's go-ahead when the client waits for it (sync), at once for a
// non-synchronizing literal (RFC 7888 section 3). The caller has checked n
// against its limit.
func (se *session) literal(n int64, sync bool) ([]byte, error) {
	if sync {
		se.reply(se.d.literalReady)
		if err := se.c.Flush(); err != nil {
			return nil, err
		}
	}
	buf := make([]byte, n)
	if err := se.c.ReadFull(buf); err != nil {
		return nil, se.c.Err(err)
	}
	return buf, nil
}
