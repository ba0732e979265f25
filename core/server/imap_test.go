package server

import (
	"strconv"
	"strings"
	"testing"
)

// imapLogin connects to the imap service over STARTTLS and logs alice in.
func imapLogin(t *testing.T, s *Server) *client {
	t.Helper()
	c := dial(t, s, "imap")
	c.Run(`
		S: * OK [CAPABILITY IMAP4rev1 *
		C: a STARTTLS
		S: a OK Begin TLS negotiation now
		!tls
		C: b LOGIN alice secret
		S: b OK [CAPABILITY IMAP4rev1 *
	`)
	return c
}

func TestIMAPFlow(t *testing.T) {
	s := start(t, nil)
	fill(t, s, "alice", "From: Bob <bob@b.c>\r\nTo: alice@a.b\r\nSubject: one\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nhello world\r\n", msg2)
	c := dial(t, s, "imap")
	c.Run(`
		S: * OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE CONDSTORE UTF8=ACCEPT APPENDLIMIT=52428800 STARTTLS LOGINDISABLED AUTH=SCRAM-SHA-256 AUTH=CRAM-MD5] Mailwire IMAP ready
		C: a LOGIN alice secret
		S: a NO [PRIVACYREQUIRED] *
		C: b SELECT INBOX
		S: b BAD SELECT is not allowed before authentication
		C: c STARTTLS
		S: c OK Begin TLS negotiation now
		!tls
		C: d CAPABILITY
		S: * CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE CONDSTORE UTF8=ACCEPT APPENDLIMIT=52428800 AUTH=SCRAM-SHA-256 AUTH=CRAM-MD5 AUTH=PLAIN AUTH=LOGIN
		S: d OK CAPABILITY completed
		C: e AUTHENTICATE PLAIN ` + b64("\x00alice\x00secret") + `
		S: e OK [CAPABILITY IMAP4rev1 *
		C: f LIST "" "*"
		S: * LIST (\HasNoChildren) "/" "INBOX"
		S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
		S: * LIST (\HasNoChildren \Junk) "/" "Junk"
		S: * LIST (\HasNoChildren \Sent) "/" "Sent"
		S: * LIST (\HasNoChildren \Trash) "/" "Trash"
		S: f OK LIST completed
		C: g SELECT INBOX
		S: * FLAGS (\Answered \Deleted \Draft \Flagged \Seen)
		S: * OK [PERMANENTFLAGS (\Answered \Deleted \Draft \Flagged \Seen \*)] Flags permitted
		S: * 2 EXISTS
		S: * 2 RECENT
		S: * OK [UNSEEN 1] First unseen
		S: * OK [UIDVALIDITY *
		S: * OK [UIDNEXT 3] Predicted next UID
		S: * OK [HIGHESTMODSEQ *
		S: g OK [READ-WRITE] SELECT completed
		C: h UID SEARCH UNSEEN FROM bob SINCE 1-Jan-2000
		S: * SEARCH 1
		S: h OK SEARCH completed
		C: i FETCH 1 (UID FLAGS RFC822.SIZE ENVELOPE BODY.PEEK[HEADER.FIELDS (SUBJECT)])
		S: * 1 FETCH (UID 1 FLAGS (\Recent) RFC822.SIZE 103 ENVELOPE ("Mon, 1 Jan 2024 10:00:00 +0000" "one" (("Bob" NIL "bob" "b.c")) (("Bob" NIL "bob" "b.c")) (("Bob" NIL "bob" "b.c")) ((NIL NIL "alice" "a.b")) NIL NIL NIL NIL) BODY[HEADER.FIELDS (SUBJECT)] {16}
		S: Subject: one
		S:
		S: )
		S: i OK FETCH completed
		C: j UID FETCH 2 (BODY[]<0.7>)
		S: * 2 FETCH (UID 2 BODY[]<0> {7}
		S= "Subject FLAGS (\\Seen \\Recent))\r\n"
		S: j OK FETCH completed
		C: k STORE 1 +FLAGS (\Deleted $Label1)
		S: * 1 FETCH (FLAGS ($Label1 \Deleted \Recent))
		S: k OK STORE completed
		C: l EXPUNGE
		S: * 1 EXPUNGE
		S: l OK EXPUNGE completed
		C: m LOGOUT
		S: * BYE Mailwire IMAP logging out
		S: m OK LOGOUT completed
	`)
	if n := s.MessageCount("alice"); n != 1 {
		t.Fatalf("%d messages left, want 1", n)
	}
}

func TestIMAPFoldersAppendCopyMove(t *testing.T) {
	s := start(t, func(c *Config) { c.Store = t.TempDir() })
	c := imapLogin(t, s)
	c.Run(`
		C: a CREATE "Projekte/&AMQ-pfel"
		S: a OK CREATE completed
		C: b CREATE Projekte
		S: b NO [ALREADYEXISTS] The folder exists
		C: c LIST "" "Projekte*"
		S: * LIST (\HasChildren) "/" "Projekte"
		S: * LIST (\HasNoChildren) "/" "Projekte/&AMQ-pfel"
		S: c OK LIST completed
		C: d RENAME Projekte Archiv
		S: d OK RENAME completed
		C: e LIST "" %
		S: * LIST (\HasNoChildren) "/" "INBOX"
		S: * LIST (\HasChildren) "/" "Archiv"
		S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
		S: * LIST (\HasNoChildren \Junk) "/" "Junk"
		S: * LIST (\HasNoChildren \Sent) "/" "Sent"
		S: * LIST (\HasNoChildren \Trash) "/" "Trash"
		S: e OK LIST completed
		C: f APPEND "Archiv/&AMQ-pfel" (\Seen) "05-Dec-2026 10:00:00 +0000" {22}
		S: + Ready for literal data
		C= "Subject: app\r\n\r\nbody\r\n\r\n"
		S: f OK [APPENDUID *
		C= "g APPEND INBOX {20+}\r\nSubject: two\r\n\r\nhi\r\n\r\n"
		S: g OK [APPENDUID *
		C: h APPEND Nowhere {1+}
		C: x
		S: h NO [TRYCREATE] No such folder
		C: i SELECT "Archiv/&AMQ-pfel"
		S: * FLAGS (\Answered \Deleted \Draft \Flagged \Seen)
		S: * OK [PERMANENTFLAGS *
		S: * 1 EXISTS
		S: * 1 RECENT
		S: * OK [UIDVALIDITY *
		S: * OK [UIDNEXT 2] Predicted next UID
		S: * OK [HIGHESTMODSEQ *
		S: i OK [READ-WRITE] SELECT completed
		C: j UID FETCH 1 (FLAGS INTERNALDATE)
		S: * 1 FETCH (UID 1 FLAGS (\Seen \Recent) INTERNALDATE "05-Dec-2026 10:00:00 +0000")
		S: j OK FETCH completed
		C: k UID COPY 1 INBOX
		S: k OK [COPYUID *
		C: l UID MOVE 1 Trash
		S: * OK [COPYUID *
		S: * 1 EXPUNGE
		S: l OK MOVE completed
		C: m STATUS INBOX (MESSAGES UIDNEXT UNSEEN)
		S: * STATUS "INBOX" (MESSAGES 2 UIDNEXT 3 UNSEEN 1)
		S: m OK STATUS completed
		C: n DELETE Archiv
		S: n NO [INUSE] Delete the folders under it first
		C: o DELETE "Archiv/&AMQ-pfel"
		S: o OK DELETE completed
		C: p SELECT "Archiv/&AMQ-pfel"
		S: p NO [NONEXISTENT] No such folder
		C: q ENABLE UTF8=ACCEPT
		S: * ENABLED UTF8=ACCEPT
		S: q OK ENABLE completed
		C: r CREATE "Grüße"
		S: r OK CREATE completed
		C: s LIST "" "Gr*"
		S: * LIST (\HasNoChildren) "/" "Grüße"
		S: s OK LIST completed
	`)
	// The UIDs and flags stay across a restart of the server.
	store := s.cfg.Store
	s.Stop()
	s2 := start(t, func(c *Config) { c.Store = store })
	c2 := imapLogin(t, s2)
	c2.Run(`
		C: a EXAMINE INBOX
		S: * FLAGS *
		S: * OK [PERMANENTFLAGS ()] Read-only
		S: * 2 EXISTS
		S: * 0 RECENT
		S: * OK [UNSEEN 1] First unseen
		S: * OK [UIDVALIDITY *
		S: * OK [UIDNEXT 3] Predicted next UID
		S: * OK [HIGHESTMODSEQ *
		S: a OK [READ-ONLY] EXAMINE completed
		C: b UID SEARCH SEEN
		S: * SEARCH 2
		S: b OK SEARCH completed
		C: c STORE 1 +FLAGS \Flagged
		S: c NO [READ-ONLY] The folder is selected read-only
	`)
}

func TestIMAPIdleWokenByLMTP(t *testing.T) {
	s := start(t, nil)
	c := imapLogin(t, s)
	c.Run(`
		C: a SELECT INBOX
		S: * FLAGS *
		S: * OK [PERMANENTFLAGS *
		S: * 0 EXISTS
		S: * 0 RECENT
		S: * OK [UIDVALIDITY *
		S: * OK [UIDNEXT 1] Predicted next UID
		S: * OK [HIGHESTMODSEQ *
		S: a OK [READ-WRITE] SELECT completed
		C: b IDLE
		S: + idling
	`)
	l := dial(t, s, "lmtp")
	l.Expect("220 *")
	l.ehlo("LHLO x")
	l.Run(`
		C: MAIL FROM:<x@y.z>
		S: 250 *
		C: RCPT TO:<alice@a.b>
		S: 250 *
		C: DATA
		S: 354 *
		C: Subject: new
		C:
		C: hi
		C: .
		S: 250 2.0.0 <alice@a.b> delivered, id *
	`)
	c.Run(`
		S: * 1 EXISTS
		S: * 1 RECENT
		C: DONE
		S: b OK IDLE terminated
	`)
}

func TestIMAPLimits(t *testing.T) {
	s := start(t, func(c *Config) { c.MaxMessageSize = 1000 })
	c := imapLogin(t, s)
	c.Run(`
		C: a APPEND INBOX {1001}
		S: a NO [TOOBIG] Literal too large
		C: b LOGIN {70000}
		S: b NO [TOOBIG] Literal too large
		C: c SEARCH ((((((((((((((((((ALL))))))))))))))))))
		S: c BAD SEARCH is not allowed without a selected folder
		C: d SELECT INBOX
		S: * FLAGS *
		S: * OK *
		S: * 0 EXISTS
		S: * 0 RECENT
		S: * OK *
		S: * OK *
		S: * OK *
		S: d OK *
		C: e SEARCH ((((((((((((((((((ALL))))))))))))))))))
		S: e BAD search keys too deeply nested
		C: f FETCH 1 FLAGS
		S: f BAD no message with sequence number 1
		C: g APPEND INBOX {2000+}
		S: g BAD [TOOBIG] Literal too large, closing connection
	`)
	c.Closed()
}

// TestIMAPLargeMessage appends a 50 MB message with a literal and fetches
// it whole and in part over implicit TLS.
func TestIMAPLargeMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB")
	}
	s := start(t, func(c *Config) { c.Store = t.TempDir(); c.MaxMessageSize = 60 << 20 })
	body := strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_\r\n", 50<<20/66)
	msg := "Subject: big\r\n\r\n" + body
	c := dial(t, s, "imaps")
	c.Run(`
		S: * OK *
		C: a LOGIN alice secret
		S: a OK *
	`)
	c.Send("b APPEND INBOX {" + strconv.Itoa(len(msg)) + "}\r\n")
	c.Expect("+ Ready for literal data")
	c.Send(msg + "\r\n")
	c.Expect("b OK [APPENDUID *")
	c.Run(`
		C: c SELECT INBOX
		S: * FLAGS *
		S: * OK *
		S: * 1 EXISTS
		S: * 1 RECENT
		S: * OK *
		S: * OK *
		S: * OK *
		S: * OK *
		S: c OK *
		C: d UID FETCH 1 (RFC822.SIZE BODY.PEEK[TEXT]<1000.10>)
		S: * 1 FETCH (UID 1 RFC822.SIZE ` + strconv.Itoa(len(msg)) + ` BODY[TEXT]<1000> {10}
		S= "` + body[1000:1010] + `)\r\n"
		S: d OK FETCH completed
	`)
	c.Send("e UID FETCH 1 BODY.PEEK[]\r\n")
	c.Expect("* 1 FETCH (UID 1 BODY[] {" + strconv.Itoa(len(msg)) + "}")
	got := c.Raw(len(msg))
	if got != msg {
		t.Fatal("the fetched message differs from the appended one")
	}
	c.Run(`
		S: )
		S: e OK FETCH completed
	`)
}
