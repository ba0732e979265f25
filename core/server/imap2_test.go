package server

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"mailwire/core/sasl"
)

func TestMUTF7(t *testing.T) {
	tests := []struct{ utf8, mutf7 string }{
		{"INBOX", "INBOX"},
		{"Grüße", "Gr&APwA3w-e"},
		{"A&B", "A&-B"},
		{"日本語", "&ZeVnLIqe-"},
		{"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
		{"😀", "&2D3eAA-"},
	}
	for _, tt := range tests {
		if got := encodeMUTF7(tt.utf8); got != tt.mutf7 {
			t.Errorf("encode(%q) = %q, want %q", tt.utf8, got, tt.mutf7)
		}
		if got, ok := decodeMUTF7(tt.mutf7); !ok || got != tt.utf8 {
			t.Errorf("decode(%q) = %q, %v, want %q", tt.mutf7, got, ok, tt.utf8)
		}
	}
	for _, bad := range []string{"&", "&AGE-", "&APw", "&APw-&AN8-", "&2D0-", "ü", "&A-", "a\x01"} {
		if got, ok := decodeMUTF7(bad); ok {
			t.Errorf("decode(%q) = %q, want a refusal", bad, got)
		}
	}
}

func TestMatchPattern(t *testing.T) {
	tests := []struct {
		pat, name string
		want      bool
	}{
		{"*", "a/b/c", true}, {"%", "a/b", false}, {"%", "a", true}, {"a/%", "a/b", true},
		{"a/%", "a/b/c", false}, {"a*", "a/b/c", true}, {"*c", "a/b/c", true}, {"INBOX", "INBOX", true},
		{"", "", true}, {"x", "", false}, {"%/%", "a/b", true}, {strings.Repeat("*a", 200), strings.Repeat("a", 300), true},
		{strings.Repeat("*a", 200) + "b", strings.Repeat("a", 500), false},
	}
	for _, tt := range tests {
		if got := matchPattern(tt.pat, tt.name); got != tt.want {
			t.Errorf("matchPattern(%.20q, %.20q) = %v", tt.pat, tt.name, got)
		}
	}
}

func TestSeqSetAndMarkers(t *testing.T) {
	set, err := parseSeqSet("1,3:5,*,9:7", 20)
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[uint32]bool{1: true, 2: false, 4: true, 6: false, 8: true, 20: true, 19: false} {
		if set.contains(n) != want {
			t.Errorf("contains(%d) != %v", n, want)
		}
	}
	for _, bad := range []string{"", "0", "01", "1:", "a", "1,,2", "4294967296"} {
		if _, err := parseSeqSet(bad, 5); err == nil {
			t.Errorf("parseSeqSet(%q) accepted", bad)
		}
	}
	if got := formatSet([]uint32{1, 2, 3, 5, 7, 8}); got != "1:3,5,7:8" {
		t.Errorf("formatSet = %q", got)
	}
	markers := []struct {
		line string
		n    int64
		sync bool
		at   int
	}{
		{"a LOGIN {5}", 5, true, 8}, {"a APPEND x {12+}", 12, false, 11}, {"a {}", 0, false, -1},
		{"a {x}", 0, false, -1}, {"a {1234567890123}", 0, false, -1}, {"a }", 0, false, -1}, {"a {+}", 0, false, -1},
	}
	for _, m := range markers {
		n, sync, at := literalMarker([]byte(m.line))
		if n != m.n || sync != m.sync || at != m.at {
			t.Errorf("literalMarker(%q) = %d, %v, %d", m.line, n, sync, at)
		}
	}
}

// imapAuth runs AUTHENTICATE with cl and returns the tagged reply.
func (c *client) imapAuth(cl sasl.Client) string {
	c.t.Helper()
	mech, ir, err := cl.Start()
	if err != nil {
		c.t.Fatal(err)
	}
	cmd := "x AUTHENTICATE " + mech
	if ir != nil {
		cmd += " " + base64.StdEncoding.EncodeToString(ir)
		if len(ir) == 0 {
			cmd += "="
		}
	}
	c.Send(cmd + "\r\n")
	for {
		l := c.Line()
		ch, ok := strings.CutPrefix(l, "+ ")
		if !ok {
			return l
		}
		dec, _ := base64.StdEncoding.DecodeString(ch)
		resp, err := cl.Next(dec)
		if err != nil {
			c.t.Fatal(err)
		}
		c.Send(base64.StdEncoding.EncodeToString(resp) + "\r\n")
	}
}

func TestIMAPAuthenticate(t *testing.T) {
	s := start(t, nil)
	tests := []struct {
		name string
		svc  string
		cl   sasl.Client
		want string
	}{
		{"cram-md5", "imap", sasl.NewCramMD5("alice", "secret"), "x OK [CAPABILITY IMAP4rev1 *"},
		{"scram", "imap", sasl.NewScramSHA256("alice", "secret"), "x OK [CAPABILITY IMAP4rev1 *"},
		{"scram-wrong", "imap", sasl.NewScramSHA256("alice", "nope"), "x NO [AUTHENTICATIONFAILED] Authentication failed"},
		{"plain-tls", "imaps", sasl.NewPlain("", "alice", "secret"), "x OK [CAPABILITY IMAP4rev1 *"},
		{"login-tls", "imaps", sasl.NewLogin("alice", "secret"), "x OK [CAPABILITY IMAP4rev1 *"},
		{"plain-no-tls", "imap", sasl.NewPlain("", "alice", "secret"), "x NO [PRIVACYREQUIRED] Encryption required for this mechanism"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, s, tt.svc)
			c.Expect("* OK *")
			got := c.imapAuth(tt.cl)
			if p, ok := strings.CutSuffix(tt.want, "*"); !(got == tt.want || ok && strings.HasPrefix(got, p)) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	c := dial(t, s, "imap")
	c.Run(`
		S: * OK *
		C: a AUTHENTICATE CRAM-MD5
		S: + *
		C: *
		S: a BAD Authentication cancelled
		C: b AUTHENTICATE NOPE
		S: b NO Unsupported authentication mechanism
	`)
	// A server that allows passwords in the clear takes LOGIN without TLS,
	// here with literals for both arguments.
	s2 := start(t, func(c *Config) { c.RequireTLSForAuth = false })
	c = dial(t, s2, "imap")
	c.Run(`
		S: * OK [CAPABILITY IMAP4rev1 *
		C: a LOGIN {5}
		S: + Ready for literal data
		C: alice {6+}
		C: secret
		S: a OK [CAPABILITY *
	`)
}

func TestIMAPCondstoreAndUIDExpunge(t *testing.T) {
	s := start(t, nil)
	fill(t, s, "alice", msg1, msg2, msg3)
	c := imapLogin(t, s)
	c.Run(`
		C: a ENABLE CONDSTORE
		S: * ENABLED CONDSTORE
		S: a OK ENABLE completed
		C: b SELECT INBOX
		S: * FLAGS *
		S: * OK *
		S: * 3 EXISTS
		S: * 3 RECENT
		S: * OK [UNSEEN 1] First unseen
		S: * OK [UIDVALIDITY *
		S: * OK [UIDNEXT 4] Predicted next UID
		S: * OK [HIGHESTMODSEQ 4] Highest
		S: b OK [READ-WRITE] SELECT completed
		C: c UID STORE 1:2 +FLAGS.SILENT (\Deleted)
		S: * 1 FETCH (UID 1 FLAGS (\Deleted \Recent) MODSEQ (5))
		S: * 2 FETCH (UID 2 FLAGS (\Deleted \Recent) MODSEQ (6))
		S: c OK STORE completed
		C: d UID FETCH 1:* (FLAGS) (CHANGEDSINCE 5)
		S: * 2 FETCH (UID 2 FLAGS (\Deleted \Recent) MODSEQ (6))
		S: d OK FETCH completed
		C: e STORE 3 (UNCHANGEDSINCE 1) +FLAGS (\Seen)
		S: e OK [MODIFIED 3] Conditional STORE failed for some
		C: f UID EXPUNGE 2:3
		S: * 2 EXPUNGE
		S: f OK EXPUNGE completed
		C: g STATUS INBOX (MESSAGES HIGHESTMODSEQ)
		S: * STATUS "INBOX" (MESSAGES 2 HIGHESTMODSEQ 7)
		S: g OK STATUS completed
		C: h SEARCH DELETED
		S: * SEARCH 1
		S: h OK SEARCH completed
		C: i UID SEARCH OR SUBJECT three NOT DELETED
		S: * SEARCH 3
		S: i OK SEARCH completed
		C: j FETCH 2 BODYSTRUCTURE
		S: * 2 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 0 0))
		S: j OK FETCH completed
		C: k UID SEARCH MODSEQ 5
		S: * SEARCH 1 (MODSEQ 5)
		S: k OK SEARCH completed
		C: l SEARCH RECENT NOT DELETED NEW
		S: * SEARCH 2
		S: l OK SEARCH completed
		C: m STATUS Trash (RECENT MESSAGES)
		S: * STATUS "Trash" (RECENT 0 MESSAGES 0)
		S: m OK STATUS completed
		C: n ENABLE UTF8=ACCEPT
		S: * ENABLED UTF8=ACCEPT
		S: n OK ENABLE completed
		C= "o APPEND INBOX UTF8 (~{21+}\r\nSubject: caf\xc3\xa9\r\n\r\nx\r\n)\r\n"
		S: * 3 EXISTS
		S: * 3 RECENT
		S: o OK [APPENDUID *
		C: p FETCH 3 ENVELOPE
		S: * 3 FETCH (ENVELOPE (NIL "café" NIL NIL NIL NIL NIL NIL NIL NIL))
		S: p OK FETCH completed
		C: k CLOSE
		S: k OK CLOSE completed
	`)
	if n := s.MessageCount("alice"); n != 2 {
		t.Fatalf("%d messages, want 2", n)
	}
}

// TestIMAPIdleOtherSession wakes an IDLE with another session's STORE and
// APPEND, and checks that Stop ends a session in IDLE.
func TestIMAPIdleOtherSession(t *testing.T) {
	s := start(t, nil)
	fill(t, s, "alice", msg1)
	a := imapLogin(t, s)
	a.Run(`
		C: a SELECT INBOX
		S: * FLAGS *
		S: * OK *
		S: * 1 EXISTS
		S: * 1 RECENT
		S: * OK *
		S: * OK *
		S: * OK *
		S: * OK *
		S: a OK *
		C: b IDLE
		S: + idling
	`)
	b := imapLogin(t, s)
	b.Run(`
		C: a SELECT INBOX
		S: * FLAGS *
		S: * OK *
		S: * 1 EXISTS
		S: * 0 RECENT
		S: * OK *
		S: * OK *
		S: * OK *
		S: * OK *
		S: a OK *
		C: b STORE 1 +FLAGS (\Flagged)
		S: * 1 FETCH (FLAGS (\Flagged))
		S: b OK STORE completed
	`)
	a.Expect(`* 1 FETCH (UID 1 FLAGS (\Flagged \Recent))`)
	b.Run(`
		C: c APPEND INBOX {5+}
		C: hello
		S: * 2 EXISTS
		S: * 1 RECENT
		S: c OK [APPENDUID *
	`)
	a.Expect("* 2 EXISTS")
	a.Expect("* 1 RECENT")
	s.Stop()
	a.Closed()
}

func TestIMAPBadInput(t *testing.T) {
	s := start(t, nil)
	c := imapLogin(t, s)
	c.Run(`
		C: +bad NOOP
		S: * BAD Missing or invalid tag or command
		C: a FROB
		S: a BAD Unknown command "FROB"
		C: b SELECT "unterminated
		S: b BAD unterminated quoted string
		C: c CREATE "a//b"
		S: c BAD empty level in the folder name
		C: d CREATE "&Jjo"
		S: d BAD folder name is not valid modified UTF-7
		C: e FETCH 1 FLAGS
		S: e BAD FETCH is not allowed without a selected folder
		C: f LOGIN a b
		S: f BAD LOGIN is not allowed after authentication
		C: g DELETE INBOX
		S: g NO [CANNOT] INBOX cannot be deleted
		C: h RENAME Nope Other
		S: h NO [NONEXISTENT] No such folder
		C: i APPEND INBOX (\Recent) {1+}
		C: x
		S: i BAD bad flag \Recent
		C: j SEARCH ALL
		S: j BAD SEARCH is not allowed without a selected folder
		C: k CREATE Archive (USE (\Archive))
		S: k OK CREATE completed
		C: l LIST (SPECIAL-USE) "" "*"
		S: * LIST (\HasNoChildren \Archive) "/" "Archive"
		S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
		S: * LIST (\HasNoChildren \Junk) "/" "Junk"
		S: * LIST (\HasNoChildren \Sent) "/" "Sent"
		S: * LIST (\HasNoChildren \Trash) "/" "Trash"
		S: l OK LIST completed
	`)
	c.Send("m NOOP " + strings.Repeat("x", maxIMAPLine) + "\r\n")
	c.Expect("* BAD [TOOBIG] Line too long")
	c.Run(`
		C: n NOOP
		S: n OK NOOP completed
	`)
	// Before authentication, APPEND's literal is bounded like any other.
	c = dial(t, s, "imap")
	c.Run(`
		S: * OK *
		C: a APPEND INBOX {100000}
		S: a NO [TOOBIG] Literal too large
		C: b APPEND INBOX {100000+}
		S: b BAD [TOOBIG] Literal too large, closing connection
	`)
	c.Closed()
}

// TestIMAPExpungeWaits checks that another session's EXPUNGE is not told
// during FETCH, STORE or SEARCH by sequence number (RFC 3501 section
// 7.4.1) but at the next NOOP.
func TestIMAPExpungeWaits(t *testing.T) {
	s := start(t, func(c *Config) { c.Store = t.TempDir() })
	fill(t, s, "alice", msg1, msg2)
	sel := `
		C: a SELECT INBOX
		S: * FLAGS *
		S: * OK *
		S: * 2 EXISTS
		S: * 0 RECENT
		S: * OK *
		S: * OK *
		S: * OK *
		S: * OK *
		S: a OK *
	`
	a, b := imapLogin(t, s), imapLogin(t, s)
	a.Run(strings.Replace(sel, "* 0 RECENT", "* 2 RECENT", 1))
	b.Run(sel + `
		C: b STORE 1 +FLAGS.SILENT (\Deleted)
		S: b OK STORE completed
		C: c EXPUNGE
		S: * 1 EXPUNGE
		S: c OK EXPUNGE completed
	`)
	a.Run(`
		C: b FETCH 2 (UID)
		S: * 2 FETCH (UID 2)
		S: b OK FETCH completed
		C: c SEARCH ALL
		S: * SEARCH 2
		S: c OK SEARCH completed
		C: d NOOP
		S: * 1 EXPUNGE
		S: d OK NOOP completed
		C: e FETCH 1 (UID)
		S: * 1 FETCH (UID 2)
		S: e OK FETCH completed
	`)
}

// TestIMAPSessionLimits checks the skeleton's rules in IMAP's words: data
// pipelined after STARTTLS, a session over MaxSessions, the idle timeout
// (in IDLE too) and too many errors.
func TestIMAPSessionLimits(t *testing.T) {
	s := start(t, func(c *Config) { c.MaxSessions = 1 })
	c := dial(t, s, "imap")
	c.Expect("* OK *")
	c.Send("a STARTTLS\r\nb NOOP\r\n")
	c.Expect("a BAD Data pipelined after STARTTLS, closing connection")
	c.Closed()
	c = dial(t, s, "imaps")
	c.Expect("* OK *")
	d := dial(t, s, "imap")
	d.Expect("* BYE [UNAVAILABLE] Too many sessions, try again later")
	d.Closed()
	for i := 0; i < maxErrors-1; i++ {
		c.Send("x FROB\r\n")
		c.Expect(`x BAD Unknown command "FROB"`)
	}
	c.Send("x FROB\r\n")
	c.Expect(`x BAD Unknown command "FROB"`)
	c.Expect("* BYE Too many errors, closing connection")
	c.Closed()

	s2 := start(t, func(c *Config) { c.IdleTimeout = 100 * time.Millisecond })
	c = dial(t, s2, "imaps")
	c.Run(`
		S: * OK *
		C: a LOGIN alice secret
		S: a OK *
		C: b IDLE
		S: + idling
		S: * BYE Idle timeout, closing connection
	`)
	c.Closed()
}

// TestIMAPSpooledAppend checks that a large APPEND goes through a file in
// the Maildir's tmp/, which is empty afterwards whether the APPEND was
// taken or refused.
func TestIMAPSpooledAppend(t *testing.T) {
	root := t.TempDir()
	s := start(t, func(c *Config) { c.Store = root })
	c := imapLogin(t, s)
	big := "Subject: spool\r\n\r\n" + strings.Repeat("y", spoolAbove+10) + "\r\n"
	n := strconv.Itoa(len(big))
	c.Send("a APPEND Nowhere {" + n + "+}\r\n" + big + "\r\n")
	c.Expect("a NO [TRYCREATE] No such folder")
	c.Send("b APPEND Sent (\\Seen) {" + n + "+}\r\n" + big + "\r\n")
	c.Expect("b OK [APPENDUID *")
	c.Send("c APPEND Sent (\\Bogus) {" + n + "+}\r\n" + big + "\r\n")
	c.Expect(`c BAD bad flag \Bogus`)
	c.Run(`
		C: d EXAMINE Sent
		S: * FLAGS *
		S: * OK *
		S: * 1 EXISTS
		S: * 1 RECENT
		S: * OK *
		S: * OK *
		S: * OK *
		S: d OK *
		C: e FETCH 1 (FLAGS RFC822.SIZE)
		S: * 1 FETCH (FLAGS (\Seen \Recent) RFC822.SIZE ` + n + `)
		S: e OK FETCH completed
	`)
	left, err := os.ReadDir(filepath.Join(root, "alice", "tmp"))
	if err != nil || len(left) != 0 {
		t.Fatalf("tmp/ holds %v (%v)", left, err)
	}
}

// TestIMAPStreamedItemsMatch checks that the items sent from the store as
// they are read (or from the header alone) say what the same items say
// when the whole message is read: BODYSTRUCTURE makes a FETCH read it.
func TestIMAPStreamedItemsMatch(t *testing.T) {
	msgs := []string{
		"Subject: a\r\nX: b\r\n\r\nline 1\r\nline 2\r\n",
		"Subject: lf\nX: b\n\nbody\n\r\n\r\nmore",
		"no header end",
		"\r\nbody after an empty header\r\n",
		"Subject: only a header\r\n\r\n",
	}
	items := []string{"BODY.PEEK[]", "BODY.PEEK[TEXT]", "BODY.PEEK[TEXT]<3.5>", "BODY.PEEK[]<0.4>", "RFC822.TEXT",
		"RFC822.HEADER", "BODY.PEEK[HEADER]", "BODY.PEEK[HEADER.FIELDS (X)]", "ENVELOPE", "RFC822", "BODY.PEEK[TEXT]<100.5>"}
	for _, store := range []string{"", t.TempDir()} {
		s := fuzzServer(t)
		if store != "" {
			md, err := newMaildir(store, "x", s.ids)
			if err != nil {
				t.Fatal(err)
			}
			s.store = md
		}
		for i, m := range msgs {
			s.store.deliver("alice", []byte(m))
			for _, it := range items {
				uid := strconv.Itoa(i + 1)
				in := "a LOGIN alice secret\r\nb EXAMINE INBOX\r\nc UID FETCH " + uid + " (" + it + ")\r\nd UID FETCH " + uid + " (" + it + " BODYSTRUCTURE)\r\n"
				out := string(runSession(s, "imap", []byte(in)))
				c, _, _ := strings.Cut(out[strings.Index(out, "b OK"):], "c OK")
				d, _, _ := strings.Cut(out[strings.Index(out, "c OK"):], "d OK")
				c = c[strings.Index(c, "* "+uid+" FETCH"):]
				d = d[strings.Index(d, "* "+uid+" FETCH"):]
				if !strings.HasPrefix(d, strings.TrimSuffix(c, ")\r\n")+" BODYSTRUCTURE") {
					t.Errorf("message %d, %s: streamed %q, read %q", i+1, it, c, d)
				}
			}
		}
	}
}

func TestIMAPBodyStructure(t *testing.T) {
	tests := []struct{ msg, want string }{
		{"Subject: x\r\n\r\nhi\r\n", `("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 4 1)`},
		{"Content-Type: multipart/alternative; boundary=b\r\n\r\npre\r\n--b\r\nContent-Type: text/plain\r\n\r\none\r\n--b\r\n" +
			"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPGI+\r\n--b--\r\n",
			`(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1)("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "BASE64" 4 1) "ALTERNATIVE")`},
		{"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nx\r\n",
			`("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 21 (NIL "inner" NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 3 1) 3)`},
	}
	for _, tt := range tests {
		if got := bodyStructure([]byte(tt.msg), true, 0); got != tt.want {
			t.Errorf("bodyStructure(%.30q)\n got %s\nwant %s", tt.msg, got, tt.want)
		}
	}
	msg := []byte(tests[1].msg)
	for spec, want := range map[string]string{"1": "one", "2": "PGI+", "2.MIME": "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n", "3": ""} {
		a := &imapArgs{segs: [][]byte{[]byte("[" + spec + "]")}}
		it, err := a.section()
		if err != nil {
			t.Fatal(err)
		}
		if got := string(sectionData(msg, it)); got != want {
			t.Errorf("BODY[%s] = %q, want %q", spec, got, want)
		}
	}
}

func TestIMAPListExtended(t *testing.T) {
	s := start(t, nil)
	fill(t, s, "alice", msg1)
	c := imapLogin(t, s)
	c.Run(`
		C: a CREATE Work/Deep
		S: a OK CREATE completed
		C: b SUBSCRIBE Work/Deep
		S: b OK SUBSCRIBE completed
		C: c SUBSCRIBE Gone/Child
		S: c OK SUBSCRIBE completed
		C: d UNSUBSCRIBE Junk
		S: d OK UNSUBSCRIBE completed
		C: e LIST (SUBSCRIBED RECURSIVEMATCH) "" "*" RETURN (STATUS (MESSAGES UNSEEN DELETED))
		S: * LIST (\HasNoChildren \Subscribed) "/" "INBOX"
		S: * STATUS "INBOX" (MESSAGES 1 UNSEEN 1 DELETED 0)
		S: * LIST (\HasNoChildren \Drafts \Subscribed) "/" "Drafts"
		S: * STATUS "Drafts" (MESSAGES 0 UNSEEN 0 DELETED 0)
		S: * LIST (\HasNoChildren \Sent \Subscribed) "/" "Sent"
		S: * STATUS "Sent" (MESSAGES 0 UNSEEN 0 DELETED 0)
		S: * LIST (\HasNoChildren \Trash \Subscribed) "/" "Trash"
		S: * STATUS "Trash" (MESSAGES 0 UNSEEN 0 DELETED 0)
		S: * LIST (\HasChildren) "/" "Work" ("CHILDINFO" ("SUBSCRIBED"))
		S: * STATUS "Work" (MESSAGES 0 UNSEEN 0 DELETED 0)
		S: * LIST (\HasNoChildren \Subscribed) "/" "Work/Deep"
		S: * STATUS "Work/Deep" (MESSAGES 0 UNSEEN 0 DELETED 0)
		S: * LIST (\NonExistent \Subscribed) "/" "Gone/Child"
		S: e OK LIST completed
		C: f LIST "" (Work% INBOX) RETURN (SUBSCRIBED CHILDREN)
		S: * LIST (\HasNoChildren \Subscribed) "/" "INBOX"
		S: * LIST (\HasChildren) "/" "Work"
		S: f OK LIST completed
		C: g LSUB "" G*
		S: * LSUB (\Noselect) "/" "Gone/Child"
		S: g OK LSUB completed
		C: h LIST (RECURSIVEMATCH) "" *
		S: h BAD RECURSIVEMATCH needs another selection option
		C: i LIST "" * RETURN (FROB)
		S: i BAD unknown LIST return option FROB
	`)
}

// TestIMAPSelectedFolderDeleted ends a session whose selected folder
// another session deletes.
func TestIMAPSelectedFolderDeleted(t *testing.T) {
	s := start(t, func(c *Config) { c.Store = t.TempDir() })
	a, b := imapLogin(t, s), imapLogin(t, s)
	a.Run(`
		C: a CREATE Work
		S: a OK CREATE completed
		C: b SELECT Work
		S: * FLAGS *
		S: * OK *
		S: * 0 EXISTS
		S: * 0 RECENT
		S: * OK *
		S: * OK *
		S: * OK *
		S: b OK *
	`)
	b.Run(`
		C: a DELETE Work
		S: a OK DELETE completed
	`)
	a.Run(`
		C: c NOOP
		S: * BYE [UNAVAILABLE] The selected folder was deleted or renamed
		S: c OK NOOP completed
	`)
	a.Closed()
	if _, err := os.Stat(filepath.Join(s.cfg.Store, "alice", ".Work")); !os.IsNotExist(err) {
		t.Fatalf("the deleted folder is back: %v", err)
	}
}
