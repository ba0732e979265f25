package server

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

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
	session
	state   popState
	stamp   string // the APOP timestamp of the greeting (RFC 1939 section 7)
	userArg string // the argument of USER, waiting for PASS
	mailbox string
	msgs    []entry
	deleted []bool
}

// popDialect words the session skeleton's replies for POP3 (RFC 1939
// section 3, RFC 2449 section 8 response codes).
func popDialect() *dialect {
	return &dialect{
		negative:      "-ERR ",
		challenge:     "+ ",
		busy:          "-ERR [SYS/TEMP] Too many sessions, try again later",
		idle:          "[SYS/TEMP] Idle timeout, closing connection",
		tooManyErrors: "Too many errors, closing connection",
		lineTooLong:   "Line too long",
		tlsArg:        "STLS takes no argument",
		tlsActive:     "TLS already active",
		tlsPipelined:  "Data pipelined after STLS, closing connection",
		tlsReady:      "+OK Begin TLS negotiation",
		authBadIR:     "Cannot decode the initial response",
		authCancelled: "Authentication cancelled",
		authMalformed: "Malformed authentication response",
		authFailed:    "[AUTH] Authentication failed",
	}
}

func (s *Server) servePOP3(c *wire.Conn) {
	ps := &popSession{session: session{s: s, c: c, d: s.popDialect}, stamp: apopStamp(s.cfg.Hostname)}
	defer ps.close()
	ps.ok("Mailwire POP3 ready " + ps.stamp)
	ps.loop(ps.command)
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

// ok sends a positive reply.
func (ps *popSession) ok(s string) {
	if s == "" {
		ps.reply("+OK")
		return
	}
	ps.reply("+OK " + s)
}

// popCommand is an entry of the POP3 command table.
type popCommand struct {
	run   func(ps *popSession, arg []byte)
	state popState // the state it is allowed in (RFC 1939 section 3)
	any   bool     // allowed in every state
}

// popCommands is the POP3 command table: RFC 1939, CAPA (RFC 2449), STLS
// (RFC 2595) and AUTH (RFC 5034).
var popCommands = map[string]popCommand{
	"CAPA": {run: (*popSession).capa, any: true},
	"QUIT": {run: (*popSession).doQuit, any: true},
	"USER": {run: (*popSession).user},
	"PASS": {run: (*popSession).pass},
	"APOP": {run: (*popSession).apop},
	"AUTH": {run: (*popSession).auth},
	"STLS": {run: (*popSession).stls},
	"NOOP": {run: func(ps *popSession, _ []byte) { ps.ok("") }, state: transaction},
	"STAT": {run: (*popSession).stat, state: transaction},
	"LIST": {run: func(ps *popSession, arg []byte) { ps.list(arg, false) }, state: transaction},
	"UIDL": {run: func(ps *popSession, arg []byte) { ps.list(arg, true) }, state: transaction},
	"RETR": {run: (*popSession).retr, state: transaction},
	"TOP":  {run: (*popSession).top, state: transaction},
	"DELE": {run: (*popSession).dele, state: transaction},
	"RSET": {run: (*popSession).rset, state: transaction},
}

// command runs one command, in the states the table allows it in.
func (ps *popSession) command(v string, arg []byte) {
	switch cmd, ok := popCommands[v]; {
	case ok && (cmd.any || cmd.state == ps.state):
		cmd.run(ps, arg)
	case ps.state == authorization:
		ps.fail("Unknown command or not allowed before authentication")
	default:
		ps.fail("Unknown command or not allowed after authentication")
	}
}

// capa answers CAPA (RFC 2449 section 5).
func (ps *popSession) capa([]byte) {
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
		ps.reply(l)
	}
	ps.reply(".")
}

// doQuit answers QUIT: in the transaction state it enters UPDATE and removes
// the messages marked as deleted (RFC 1939 section 6).
func (ps *popSession) doQuit([]byte) {
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
		ps.s.changed(ps.mailbox)
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
			ps.reply(m)
		}
		ps.reply(".")
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
	if user, ok := ps.authenticate(sv, fields[1:]); ok {
		ps.login(user)
	}
}

// stls answers STLS (RFC 2595 section 4); a USER given before it is
// forgotten.
func (ps *popSession) stls(arg []byte) {
	if ps.upgrade(arg) {
		ps.userArg = ""
	}
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
