package server

import (
	"crypto/subtle"
	"errors"
	"os"
	"strconv"
	"strings"

	"mailwire/core/wire"
)

// imapPhase is the state of an IMAP session (RFC 3501 section 3).
type imapPhase int

const (
	notAuthenticated imapPhase = 1 << iota
	authenticated
	selected
)

// imapSession is one IMAP session (RFC 3501) on the mailboxes POP3 serves:
// the user's mailbox is INBOX, and its folders are kept beside it.
type imapSession struct {
	session
	phase     imapPhase
	user      string // the mailbox (a lower-cased local part) once authenticated
	utf8      bool   // UTF8=ACCEPT enabled (RFC 6855 section 3)
	condstore bool   // CONDSTORE enabled (RFC 7162 section 3.1)

	// The selected folder.
	key      string
	name     string
	readOnly bool
	validity uint32
	view     []uint32          // the UIDs the client knows, in sequence-number order
	known    map[uint32]string // the flags the client was told, by UID
	synced   uint64            // the folder's mod-sequence at the last full update
	recent   map[uint32]bool   // the UIDs that are \Recent in this session
}

// imapDialect words the session skeleton's replies for IMAP (RFC 3501
// section 7.1, RFC 5530 response codes): tagged, with their status.
func imapDialect() *dialect {
	return &dialect{
		tagged:        true,
		challenge:     "+ ",
		busy:          "* BYE [UNAVAILABLE] Too many sessions, try again later",
		literalReady:  "+ Ready for literal data",
		idle:          "BYE Idle timeout, closing connection",
		tooManyErrors: "BYE Too many errors, closing connection",
		lineTooLong:   "BAD [TOOBIG] Line too long",
		tlsArg:        "BAD STARTTLS takes no argument",
		tlsActive:     "BAD TLS already active",
		tlsPipelined:  "BAD Data pipelined after STARTTLS, closing connection",
		tlsReady:      "OK Begin TLS negotiation now",
		authBadIR:     "BAD Cannot decode the initial response",
		authCancelled: "BAD Authentication cancelled",
		authMalformed: "BAD Malformed authentication response",
		authFailed:    "NO [AUTHENTICATIONFAILED] Authentication failed",
	}
}

func (s *Server) serveIMAP(c *wire.Conn) {
	is := &imapSession{session: session{s: s, c: c, d: s.imapDialect}, phase: notAuthenticated}
	is.reply("* OK [CAPABILITY " + is.capabilities() + "] Mailwire IMAP ready")
	is.loopLines(is.command)
}

// capabilities lists what the session offers now (RFC 3501 section
// 6.1.1): STARTTLS and LOGINDISABLED without TLS, the SASL mechanisms the
// TLS rule allows, and the extensions.
func (is *imapSession) capabilities() string {
	tls := is.c.IsTLS()
	caps := []string{"IMAP4rev1", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE",
		"UIDPLUS", "MOVE", "UNSELECT", "CHILDREN", "LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE", "CONDSTORE", "UTF8=ACCEPT",
		"APPENDLIMIT=" + strconv.FormatInt(is.s.cfg.MaxMessageSize, 10)}
	if is.phase == notAuthenticated {
		if !tls {
			caps = append(caps, "STARTTLS")
		}
		if !is.plainOK() {
			caps = append(caps, "LOGINDISABLED")
		}
		for _, m := range is.s.mechanisms(tls) {
			caps = append(caps, "AUTH="+m)
		}
	}
	return strings.Join(caps, " ")
}

// plainOK reports whether LOGIN may carry a password now: under TLS, or
// when RequireTLSForAuth is off (RFC 3501 section 6.2.3, as POP3's USER).
func (is *imapSession) plainOK() bool { return is.c.IsTLS() || !is.s.cfg.RequireTLSForAuth }

// imapCommand is an entry of the IMAP command table: what runs it and the
// phases it is allowed in. run returns the text of the tagged OK, or ""
// when it has replied itself.
type imapCommand struct {
	run    func(is *imapSession, a *imapArgs) (string, error)
	phases imapPhase
	// noExpunge marks the commands during which no EXPUNGE may be sent
	// (RFC 3501 section 7.4.1): FETCH, STORE and SEARCH by sequence number.
	noExpunge bool
}

const (
	anyPhase = notAuthenticated | authenticated | selected
	authed   = authenticated | selected
)

var imapCommands map[string]imapCommand

func init() {
	imapCommands = map[string]imapCommand{
		"CAPABILITY":   {run: (*imapSession).capability, phases: anyPhase},
		"NOOP":         {run: (*imapSession).noop, phases: anyPhase},
		"LOGOUT":       {run: (*imapSession).logout, phases: anyPhase},
		"ID":           {run: (*imapSession).id, phases: anyPhase},
		"STARTTLS":     {run: (*imapSession).starttls, phases: notAuthenticated},
		"LOGIN":        {run: (*imapSession).login, phases: notAuthenticated},
		"AUTHENTICATE": {run: (*imapSession).authenticateCmd, phases: notAuthenticated},
		"ENABLE":       {run: (*imapSession).enable, phases: authed},
		"NAMESPACE":    {run: (*imapSession).namespace, phases: authed},
		"SELECT":       {run: func(is *imapSession, a *imapArgs) (string, error) { return is.selectCmd(a, false) }, phases: authed},
		"EXAMINE":      {run: func(is *imapSession, a *imapArgs) (string, error) { return is.selectCmd(a, true) }, phases: authed},
		"CREATE":       {run: (*imapSession).create, phases: authed},
		"DELETE":       {run: (*imapSession).deleteCmd, phases: authed},
		"RENAME":       {run: (*imapSession).rename, phases: authed},
		"SUBSCRIBE":    {run: func(is *imapSession, a *imapArgs) (string, error) { return is.subscribe(a, true) }, phases: authed},
		"UNSUBSCRIBE":  {run: func(is *imapSession, a *imapArgs) (string, error) { return is.subscribe(a, false) }, phases: authed},
		"LIST":         {run: func(is *imapSession, a *imapArgs) (string, error) { return is.list(a, false) }, phases: authed},
		"LSUB":         {run: func(is *imapSession, a *imapArgs) (string, error) { return is.list(a, true) }, phases: authed},
		"STATUS":       {run: (*imapSession).status, phases: authed},
		"APPEND":       {run: (*imapSession).appendCmd, phases: authed},
		"IDLE":         {run: (*imapSession).idle, phases: authed},
		"CHECK":        {run: (*imapSession).noop, phases: selected},
		"CLOSE":        {run: (*imapSession).closeCmd, phases: selected},
		"UNSELECT":     {run: (*imapSession).unselect, phases: selected},
		"EXPUNGE":      {run: func(is *imapSession, a *imapArgs) (string, error) { return is.expunge(a, false) }, phases: selected},
		"UID EXPUNGE":  {run: func(is *imapSession, a *imapArgs) (string, error) { return is.expunge(a, true) }, phases: selected},
		"SEARCH":       {run: func(is *imapSession, a *imapArgs) (string, error) { return is.search(a, false) }, phases: selected, noExpunge: true},
		"UID SEARCH":   {run: func(is *imapSession, a *imapArgs) (string, error) { return is.search(a, true) }, phases: selected},
		"FETCH":        {run: func(is *imapSession, a *imapArgs) (string, error) { return is.fetch(a, false) }, phases: selected, noExpunge: true},
		"UID FETCH":    {run: func(is *imapSession, a *imapArgs) (string, error) { return is.fetch(a, true) }, phases: selected},
		"STORE":        {run: func(is *imapSession, a *imapArgs) (string, error) { return is.store(a, false) }, phases: selected, noExpunge: true},
		"UID STORE":    {run: func(is *imapSession, a *imapArgs) (string, error) { return is.store(a, true) }, phases: selected},
		"COPY":         {run: func(is *imapSession, a *imapArgs) (string, error) { return is.copyCmd(a, false, false) }, phases: selected},
		"UID COPY":     {run: func(is *imapSession, a *imapArgs) (string, error) { return is.copyCmd(a, true, false) }, phases: selected},
		"MOVE":         {run: func(is *imapSession, a *imapArgs) (string, error) { return is.copyCmd(a, false, true) }, phases: selected},
		"UID MOVE":     {run: func(is *imapSession, a *imapArgs) (string, error) { return is.copyCmd(a, true, true) }, phases: selected},
	}
}

// command reads the rest of a command (its literals) and runs it.
func (is *imapSession) command(line []byte) {
	cmd, ok := is.readCommand(line)
	if !ok {
		is.tag = ""
		return
	}
	is.tag = cmd.tag
	defer func() { is.tag = "" }()
	defer cmd.args.release()
	c, known := imapCommands[cmd.name]
	switch {
	case !known:
		is.fail("BAD Unknown command " + strconv.Quote(cmd.name))
		return
	case c.phases&is.phase == 0:
		is.fail("BAD " + cmd.name + " is not allowed " + phaseText(c.phases))
		return
	}
	text, err := c.run(is, cmd.args)
	var se errSyntax
	switch {
	case errors.As(err, &se):
		is.fail("BAD " + string(se))
	case err != nil:
		is.err("NO " + err.Error())
	case text != "":
		if is.phase == selected {
			is.update(!c.noExpunge)
		}
		is.positive(text)
	}
}

// phaseText says why a command allowed in phases is refused now.
func phaseText(phases imapPhase) string {
	switch {
	case phases&authed == 0:
		return "after authentication"
	case phases&authenticated == 0:
		return "without a selected folder"
	}
	return "before authentication"
}

// readCommand reads the literals of the command whose first line is line
// (RFC 3501 section 4.3, RFC 7888): a synchronizing literal gets the
// go-ahead, or a tagged NO when it is too large and the client sends
// nothing; a non-synchronizing one that is too large ends the session,
// since its bytes cannot be told from commands. ok is false when the
// command was refused.
func (is *imapSession) readCommand(line []byte) (*imapCmd, bool) {
	tag, name, rest, ok := splitTag(line)
	if !ok {
		is.tag = tag
		is.fail("BAD Missing or invalid tag or command")
		return nil, false
	}
	is.tag = tag
	if name == "UID" {
		sub := strings.TrimPrefix(string(rest), " ")
		n := 0
		for n < len(sub) && isAtomChar(sub[n]) {
			n++
		}
		name = "UID " + strings.ToUpper(sub[:n])
		rest = []byte(sub[n:])
	}
	// One literal of APPEND is the message; the others, and every literal
	// before authentication, are bounded like command arguments.
	limit, budget := int64(maxIMAPLiteral), int64(maxIMAPCommand)
	if name == "APPEND" && is.authed() {
		limit = is.s.cfg.MaxMessageSize
		budget += is.s.cfg.MaxMessageSize
	}
	args := &imapArgs{}
	total := int64(0)
	cur := append([]byte(nil), rest...)
	if len(cur) > 0 && cur[0] == ' ' {
		cur = cur[1:]
	}
	for {
		n, sync, at := literalMarker(cur)
		if at < 0 {
			args.segs = append(args.segs, cur)
			return &imapCmd{tag: tag, name: name, args: args}, true
		}
		if n > limit || len(args.lits) >= maxIMAPLiterals || total+n > budget {
			// A client that waits for the go-ahead sends nothing more;
			// the bytes of a non-synchronizing literal cannot be told
			// from commands (RFC 7888 section 4).
			if !sync {
				is.err("BAD [TOOBIG] Literal too large, closing connection")
				is.quit = true
				return nil, false
			}
			is.fail("NO [TOOBIG] Literal too large")
			return nil, false
		}
		var lit []byte
		var err error
		if f := is.spoolFile(name, n); f != nil {
			if args.files == nil {
				args.files = map[int]*os.File{}
			}
			args.files[len(args.lits)] = f
			err = is.literalTo(f, n, sync)
		} else {
			lit, err = is.literal(n, sync)
		}
		if err != nil {
			args.release()
			is.quit = true
			return nil, false
		}
		total += n
		args.segs = append(args.segs, cur[:at])
		args.lits = append(args.lits, lit)
		next, err := is.c.ReadLineBytes()
		switch {
		case errors.Is(err, wire.ErrLineTooLong):
			args.release()
			is.fail("BAD [TOOBIG] Line too long")
			return nil, false
		case err != nil:
			args.release()
			is.quit = true
			return nil, false
		}
		total += int64(len(next))
		cur = append([]byte(nil), next...)
	}
}

func (is *imapSession) authed() bool { return is.phase != notAuthenticated }

// spoolAbove is the size from which APPEND's message goes to a file of the
// store as it arrives, rather than into memory.
const spoolAbove = 256 << 10

// spoolFile returns the file for a literal of n octets of command name, or
// nil when it is read into memory.
func (is *imapSession) spoolFile(name string, n int64) *os.File {
	if name != "APPEND" || !is.authed() || n <= spoolAbove {
		return nil
	}
	f, err := is.s.store.spool(is.user)
	if err != nil {
		return nil
	}
	return f
}

// capability answers CAPABILITY (RFC 3501 section 6.1.1).
func (is *imapSession) capability(a *imapArgs) (string, error) {
	if err := a.done(); err != nil {
		return "", err
	}
	is.reply("* CAPABILITY " + is.capabilities())
	return "OK CAPABILITY completed", nil
}

// noop answers NOOP and CHECK (RFC 3501 sections 6.1.2 and 6.4.1): the
// updates of the selected folder go out before the OK.
func (is *imapSession) noop(a *imapArgs) (string, error) {
	if err := a.done(); err != nil {
		return "", err
	}
	return "OK NOOP completed", nil
}

// logout answers LOGOUT (RFC 3501 section 6.1.3).
func (is *imapSession) logout(a *imapArgs) (string, error) {
	if err := a.done(); err != nil {
		return "", err
	}
	is.reply("* BYE Mailwire IMAP logging out")
	is.positive("OK LOGOUT completed")
	is.quit = true
	return "", nil
}

// id answers ID (RFC 2971 section 3): the client's fields are read and
// ignored.
func (is *imapSession) id(a *imapArgs) (string, error) {
	if _, err := a.atom(); err != nil {
		if opened, err := a.open(); err != nil || !opened {
			return "", syntaxErr("ID takes NIL or a list")
		}
		for i := 0; !a.close(); i++ {
			if i > 0 {
				if err := a.sp(); err != nil {
					return "", err
				}
			}
			if _, err := a.nstring(); err != nil {
				return "", err
			}
			if i > 60 {
				return "", syntaxErr("too many ID fields")
			}
		}
	}
	if err := a.done(); err != nil {
		return "", err
	}
	is.reply(`* ID ("name" "Mailwire" "vendor" "Mailwire")`)
	return "OK ID completed", nil
}

// nstring reads a string or NIL.
func (a *imapArgs) nstring() ([]byte, error) {
	if a.peek() == 'N' || a.peek() == 'n' {
		s, _ := a.atom()
		if strings.EqualFold(s, "NIL") {
			return nil, nil
		}
		return nil, syntaxErr("expected a string or NIL")
	}
	return a.str()
}

// starttls answers STARTTLS (RFC 3501 section 6.2.1); the capabilities
// change after it.
func (is *imapSession) starttls(a *imapArgs) (string, error) {
	var arg []byte
	if !a.end() {
		arg = []byte{' '}
	}
	is.upgrade(arg)
	return "", nil
}

// login answers LOGIN (RFC 3501 section 6.2.3), refused without TLS when
// passwords in the clear are (RFC 3501 section 6.2.3, LOGINDISABLED).
func (is *imapSession) login(a *imapArgs) (string, error) {
	user, err := a.astring()
	if err == nil {
		err = a.sp()
	}
	var pass []byte
	if err == nil {
		pass, err = a.astring()
	}
	if err == nil {
		err = a.done()
	}
	if err != nil {
		return "", err
	}
	if !is.plainOK() {
		is.fail("NO [PRIVACYREQUIRED] Plaintext authentication disallowed without TLS (use STARTTLS or a challenge-response mechanism)")
		return "", nil
	}
	want, ok := is.s.password(string(user))
	if subtle.ConstantTimeCompare([]byte(want), pass) != 1 || !ok {
		is.fail("NO [AUTHENTICATIONFAILED] Authentication failed")
		return "", nil
	}
	return is.loggedIn(string(user)), nil
}

// authenticateCmd answers AUTHENTICATE (RFC 3501 section 6.2.2) with an
// initial response when given (RFC 4959).
func (is *imapSession) authenticateCmd(a *imapArgs) (string, error) {
	mech, err := a.atom()
	if err != nil {
		return "", err
	}
	var rest []string
	if a.take(' ') {
		ir := a.chars(func(c byte) bool { return isAtomChar(c) || c == '=' })
		rest = append(rest, ir)
	}
	if err := a.done(); err != nil {
		return "", err
	}
	sv, err := is.s.newAuth(mech)
	if err != nil {
		is.fail("NO Unsupported authentication mechanism")
		return "", nil
	}
	if !is.s.authAllowed(mech, is.c.IsTLS()) {
		is.fail("NO [PRIVACYREQUIRED] Encryption required for this mechanism")
		return "", nil
	}
	user, ok := is.authenticate(sv, rest)
	if !ok {
		return "", nil
	}
	return is.loggedIn(user), nil
}

// loggedIn enters the authenticated state for user, whose mailbox gets
// the special-use folders it lacks (RFC 6154), and returns the OK text.
func (is *imapSession) loggedIn(user string) string {
	local, _, _ := strings.Cut(user, "@")
	is.user = mailboxName(local)
	is.phase = authenticated
	is.s.provision(is.user)
	return "OK [CAPABILITY " + is.capabilities() + "] Logged in"
}

// enable answers ENABLE (RFC 5161 section 3.1): UTF8=ACCEPT (RFC 6855) and
// CONDSTORE (RFC 7162) are known.
func (is *imapSession) enable(a *imapArgs) (string, error) {
	var on []string
	for i := 0; ; i++ {
		c, err := a.atom()
		if err != nil {
			return "", err
		}
		switch strings.ToUpper(c) {
		case "UTF8=ACCEPT":
			if !is.utf8 {
				on = append(on, "UTF8=ACCEPT")
			}
			is.utf8 = true
		case "CONDSTORE":
			if !is.condstore {
				on = append(on, "CONDSTORE")
			}
			is.condstore = true
		}
		if a.end() {
			break
		}
		if err := a.sp(); err != nil || i > 64 {
			return "", syntaxErr("bad ENABLE arguments")
		}
	}
	is.reply(strings.TrimSpace("* ENABLED " + strings.Join(on, " ")))
	return "OK ENABLE completed", nil
}

// namespace answers NAMESPACE (RFC 2342): one personal namespace.
func (is *imapSession) namespace(a *imapArgs) (string, error) {
	if err := a.done(); err != nil {
		return "", err
	}
	is.reply(`* NAMESPACE (("" "/")) NIL NIL`)
	return "OK NAMESPACE completed", nil
}
