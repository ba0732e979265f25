package server

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"mailwire/core/errs"
	"mailwire/core/sasl"
	"mailwire/core/wire"
)

// popState is the state of a POP3 session (RFC 1939 section 3).
type popState int

const (
	authorization popState = iota // the client has not identified itself yet
	transaction                   // the mailbox is locked and open; UPDATE follows QUIT
)

// popSession is one POP3 session (RFC 1939).
type popSession struct {
	s       *Server
	c       *wire.Conn
	state   popState
	stamp   string // the APOP timestamp of the greeting (RFC 1939 section 7)
	userArg string // the argument of USER, waiting for PASS
	mailbox string
	msgs    []entry
	deleted []bool
	errors  int
	quit    bool
}

func (s *Server) servePOP3(c *wire.Conn) {
	ps := &popSession{s: s, c: c, stamp: apopStamp(s.cfg.Hostname)}
	defer ps.close()
	ps.ok("Mailwire POP3 ready " + ps.stamp)
	for !ps.quit {
		if c.Buffered() == 0 && c.Flush() != nil {
			return
		}
		line, err := readLine(c)
		switch {
		case err == errLineTooLong:
			ps.fail("Line too long")
			continue
		case err != nil:
			if errs.KindOf(err) == errs.Timeout {
				ps.err("[SYS/TEMP] Idle timeout, closing connection")
				c.Flush()
			}
			return
		}
		ps.command(line)
	}
	c.Flush()
}

// close releases the mailbox lock; deletions only happen at QUIT.
func (ps *popSession) close() {
	if ps.state == transaction {
		ps.s.unlock(ps.mailbox)
	}
}

// apopStamp returns a fresh "<random.time@hostname>" timestamp.
func apopStamp(hostname string) string {
	var b [8]byte
	rand.Read(b[:])
	return "<" + strconv.FormatUint(binary.BigEndian.Uint64(b[:]), 10) + "." +
		strconv.FormatInt(time.Now().Unix(), 10) + "@" + hostname + ">"
}

func (ps *popSession) ok(s string) {
	if s == "" {
		ps.c.WriteLine("+OK")
		return
	}
	ps.c.WriteLine("+OK " + s)
}

func (ps *popSession) err(s string) { ps.c.WriteLine("-ERR " + s) }

// fail replies -ERR and closes the session after too many errors.
func (ps *popSession) fail(s string) {
	ps.err(s)
	ps.errors++
	if ps.errors >= maxErrors {
		ps.err("Too many errors, closing connection")
		ps.quit = true
	}
}

// command runs one command line.
func (ps *popSession) command(line []byte) {
	v, arg := verb(line)
	switch v {
	case "CAPA":
		ps.capa()
		return
	case "QUIT":
		ps.doQuit()
		return
	case "NOOP":
		if ps.state == transaction {
			ps.ok("")
			return
		}
	}
	if ps.state == authorization {
		ps.authCommand(v, arg)
	} else {
		ps.mailCommand(v, arg)
	}
}

func (ps *popSession) authCommand(v string, arg []byte) {
	switch v {
	case "USER":
		ps.user(arg)
	case "PASS":
		ps.pass(arg)
	case "APOP":
		ps.apop(arg)
	case "AUTH":
		ps.auth(arg)
	case "STLS":
		ps.stls(arg)
	default:
		ps.fail("Unknown command or not allowed before authentication")
	}
}

func (ps *popSession) mailCommand(v string, arg []byte) {
	switch v {
	case "STAT":
		ps.stat()
	case "LIST":
		ps.list(arg, false)
	case "UIDL":
		ps.list(arg, true)
	case "RETR":
		ps.retr(arg)
	case "TOP":
		ps.top(arg)
	case "DELE":
		ps.dele(arg)
	case "RSET":
		for i := range ps.deleted {
			ps.deleted[i] = false
		}
		ps.ok("")
	default:
		ps.fail("Unknown command or not allowed after authentication")
	}
}

// capa answers CAPA (RFC 2449 section 5).
func (ps *popSession) capa() {
	tls := ps.c.IsTLS()
	lines := []string{"TOP", "USER", "UIDL"}
	if m := ps.s.mechanisms(tls); len(m) > 0 {
		lines = append(lines, "SASL "+strings.Join(m, " "))
	}
	if !tls && ps.state == authorization {
		lines = append(lines, "STLS")
	}
	lines = append(lines, "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE", "IMPLEMENTATION Mailwire")
	ps.ok("Capability list follows")
	for _, l := range lines {
		ps.c.WriteLine(l)
	}
	ps.c.WriteLine(".")
}

// doQuit answers QUIT: in the transaction state it enters UPDATE and removes
// the messages marked as deleted (RFC 1939 section 6).
func (ps *popSession) doQuit() {
	ps.quit = true
	if ps.state != transaction {
		ps.ok("Bye")
		return
	}
	var ids []string
	for i, d := range ps.deleted {
		if d {
			ids = append(ids, ps.msgs[i].id)
		}
	}
	var err error
	if len(ids) > 0 {
		err = ps.s.store.remove(ps.mailbox, ids)
	}
	// Unlock before the reply, so that a client may log in again at once.
	ps.s.unlock(ps.mailbox)
	ps.state = authorization
	if err != nil {
		ps.err("[SYS/TEMP] Some deleted messages were not removed")
		return
	}
	ps.ok("Bye, " + strconv.Itoa(len(ids)) + " messages deleted")
}

// plainAllowed refuses passwords in the clear without TLS (RFC 2595
// section 2) when RequireTLSForAuth is set.
func (ps *popSession) plainAllowed() bool {
	if ps.c.IsTLS() || !ps.s.cfg.RequireTLSForAuth {
		return true
	}
	ps.fail("[AUTH] Plaintext authentication disallowed without TLS (use STLS, APOP or a challenge-response mechanism)")
	return false
}

// user answers USER (RFC 1939 section 7).
func (ps *popSession) user(arg []byte) {
	if !ps.plainAllowed() {
		return
	}
	if len(arg) == 0 {
		ps.fail("Syntax: USER name")
		return
	}
	ps.userArg = string(arg)
	ps.ok("Send PASS")
}

// pass answers PASS (RFC 1939 section 7); the password is the rest of the
// line, spaces included.
func (ps *popSession) pass(arg []byte) {
	if ps.userArg == "" {
		ps.fail("USER first")
		return
	}
	if !ps.plainAllowed() {
		return
	}
	user := ps.userArg
	ps.userArg = ""
	want, ok := ps.s.password(user)
	if subtle.ConstantTimeCompare([]byte(want), arg) != 1 || !ok {
		ps.fail("[AUTH] Authentication failed")
		return
	}
	ps.login(user)
}

// apop answers APOP name digest, where digest is the MD5 of the greeting's
// timestamp followed by the password, in lower-case hex (RFC 1939 section 7).
func (ps *popSession) apop(arg []byte) {
	name, digest, found := bytes.Cut(arg, []byte{' '})
	if !found || len(name) == 0 || len(digest) != 32 {
		ps.fail("Syntax: APOP name digest")
		return
	}
	pw, ok := ps.s.password(string(name))
	sum := md5.Sum([]byte(ps.stamp + pw))
	want := hex.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(want), bytes.ToLower(digest)) != 1 || !ok {
		ps.fail("[AUTH] Authentication failed")
		return
	}
	ps.login(string(name))
}

// auth answers AUTH (RFC 5034 section 4); without argument it lists the
// mechanisms.
func (ps *popSession) auth(arg []byte) {
	fields := strings.Fields(string(arg))
	if len(fields) == 0 {
		ps.ok("Mechanisms follow")
		for _, m := range ps.s.mechanisms(ps.c.IsTLS()) {
			ps.c.WriteLine(m)
		}
		ps.c.WriteLine(".")
		return
	}
	sv, err := ps.s.newAuth(fields[0])
	if err != nil || len(fields) > 2 {
		ps.fail("Unsupported mechanism or bad syntax")
		return
	}
	if !ps.s.authAllowed(fields[0], ps.c.IsTLS()) {
		ps.fail("[AUTH] Encryption required for this mechanism")
		return
	}
	var ir []byte
	if len(fields) == 2 {
		if ir, err = initialResponse(fields[1]); err != nil {
			ps.fail("Cannot decode the initial response")
			return
		}
	}
	ps.runAuth(sv, ir)
}

func (ps *popSession) runAuth(sv sasl.Server, ir []byte) {
	send := func(ch []byte) error {
		ps.c.WriteLine("+ " + base64.StdEncoding.EncodeToString(ch))
		return ps.c.Flush()
	}
	recv := func() ([]byte, error) { return readLine(ps.c) }
	user, err := exchange(sv, ir, send, recv)
	switch {
	case err == nil:
		ps.login(user)
	case err == errCancelled:
		ps.fail("Authentication cancelled")
	case errs.KindOf(err) == errs.Auth:
		ps.fail("[AUTH] Authentication failed")
	case err == errLineTooLong || errs.KindOf(err) == errs.Protocol:
		ps.fail("Malformed authentication response")
	default:
		ps.quit = true
	}
}

// stls answers STLS (RFC 2595 section 4). Data pipelined after it could
// have been injected before the handshake, so it closes the session.
func (ps *popSession) stls(arg []byte) {
	switch {
	case len(arg) > 0:
		ps.fail("STLS takes no argument")
		return
	case ps.c.IsTLS():
		ps.fail("TLS already active")
		return
	case ps.c.Buffered() > 0:
		ps.err("Data pipelined after STLS, closing connection")
		ps.quit = true
		return
	}
	ps.ok("Begin TLS negotiation")
	if ps.c.Flush() != nil || ps.c.ServerTLS(context.Background(), ps.s.tls) != nil {
		ps.quit = true
		return
	}
	ps.userArg = ""
}

// login opens the mailbox of user (its local part, lower-cased) and enters
// the transaction state. A mailbox already open elsewhere is refused
// (RFC 1939 section 8, RFC 2449 section 8.1.2).
func (ps *popSession) login(user string) {
	local, _, _ := strings.Cut(user, "@")
	mailbox := mailboxName(local)
	if !ps.s.lock(mailbox) {
		ps.err("[IN-USE] Mailbox in use by another session")
		return
	}
	msgs, err := ps.s.store.list(mailbox)
	if err != nil {
		ps.s.unlock(mailbox)
		ps.err("[SYS/TEMP] Cannot open the mailbox")
		return
	}
	ps.mailbox, ps.msgs, ps.deleted = mailbox, msgs, make([]bool, len(msgs))
	ps.state = transaction
	ps.ok("Logged in, " + strconv.Itoa(len(msgs)) + " messages")
}
