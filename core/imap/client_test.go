package imap

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"mailwire/core/errs"
)

func TestLoginLogout(t *testing.T) {
	s := serve(t, greet+`
C: A1 LOGIN "tim" "tanstaaf"
S: A1 OK [CAPABILITY IMAP4rev1 IDLE] logged in
C: A2 LOGOUT
S: * BYE bye
S: A2 OK done`)
	c := login(t, s)
	if got := strings.Join(c.Capabilities(), " "); got != "IMAP4rev1 IDLE" {
		t.Errorf("capabilities after login %q", got)
	}
	logout(t, c, s)
}

func TestLoginAskCapability(t *testing.T) {
	s := serve(t, `S: * OK ready
C: A1 CAPABILITY
S: * CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR
S: A1 OK
C: A2 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZg==
S: A2 OK logged in
C: A3 CAPABILITY
S: * CAPABILITY IMAP4rev1 IDLE
S: A3 OK
C: A4 LOGOUT
S: A4 OK`)
	c := login(t, s)
	logout(t, c, s)
}

func TestSASLWithoutIR(t *testing.T) {
	s := serve(t, `S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
C: A1 AUTHENTICATE PLAIN
S: +
C: AHRpbQB0YW5zdGFhZg==
S: A1 OK [CAPABILITY IMAP4rev1] ok
C: A2 LOGOUT
S: A2 OK`)
	c := login(t, s)
	logout(t, c, s)
}

func TestSCRAM(t *testing.T) {
	s := serve(t, `S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=SCRAM-SHA-256 SASL-IR] ready
!sasl A1 SCRAM-SHA-256
C: A2 LOGOUT
S: A2 OK`)
	o := opts(s)
	o.AllowPlaintextAuth = false
	c, err := dial(t, o)
	if err != nil {
		t.Fatal(err)
	}
	logout(t, c, s)
}

func TestLoginLiteral(t *testing.T) {
	s := serve(t, `S: * OK [CAPABILITY IMAP4rev1] ready
C: A1 LOGIN "tim" {5}
S: + go on
C= "p\u00e4ss\r\n"
S: A1 OK [CAPABILITY IMAP4rev1] in
C: A2 LOGOUT
S: A2 OK`)
	o := opts(s)
	o.Password = "p\u00e4ss"
	c, err := dial(t, o)
	if err != nil {
		t.Fatal(err)
	}
	logout(t, c, s)
}

func TestLoginRefused(t *testing.T) {
	s := serve(t, greet+`
C: A1 LOGIN "tim" "tanstaaf"
S: A1 NO [AUTHENTICATIONFAILED] bad`)
	_, err := dial(t, opts(s))
	wantKind(t, err, errs.Auth)
	s.Check(t)
}

func TestLoginWithoutTLSRefused(t *testing.T) {
	s := serve(t, greet)
	o := opts(s)
	o.AllowPlaintextAuth = false
	_, err := dial(t, o)
	wantKind(t, err, errs.Security)
	s.Check(t)
}

func TestSelectSearchFetch(t *testing.T) {
	msg := "Subject: hi\r\n\r\nbody\r\n"
	s := serve(t, start+`
`+inbox+`
C: A3 UID SEARCH UNSEEN FROM "x"
S: * SEARCH 4 9
S: * 4 EXISTS
S: A3 OK
C: A4 UID FETCH 4,9 (UID BODY.PEEK[])
S= `+strconv.Quote("* 1 FETCH (UID 4 BODY[] {21}\r\n"+msg+")\r\n* 2 FETCH (BODY[] {21}\r\n"+msg+" UID 9 FLAGS (\\Seen))\r\nA4 OK\r\n")+`
C: A5 LOGOUT
S: A5 OK`)
	c := login(t, s)
	mb, err := c.Select("INBOX", false)
	if err != nil {
		t.Fatal(err)
	}
	if mb.Exists != 3 || mb.UIDValidity != 7 || mb.UIDNext != 10 || mb.ReadOnly {
		t.Errorf("mailbox %+v", mb)
	}
	uids, err := c.Search(`UNSEEN FROM "x"`)
	if err != nil || len(uids) != 2 || uids[0] != 4 || uids[1] != 9 {
		t.Fatalf("search %v %v", uids, err)
	}
	if c.Selected().Exists != 4 {
		t.Errorf("EXISTS not taken in")
	}
	var got []string
	res, err := c.Fetch(uids, func(uid uint32, r io.Reader) error {
		b, err := io.ReadAll(r)
		got = append(got, string(b))
		return err
	})
	if err != nil || res[0] != nil || res[1] != nil {
		t.Fatal(err, res)
	}
	if len(got) != 2 || got[0] != msg || got[1] != msg {
		t.Errorf("got %q", got)
	}
	logout(t, c, s)
}

func TestFetchMissing(t *testing.T) {
	s := serve(t, start+`
`+inbox+`
C: A3 UID FETCH 5 (UID BODY.PEEK[])
S: A3 OK
`+bye("A4"))
	c := login(t, s)
	selectInbox(t, c)
	err := c.FetchOne(5, func(io.Reader) error { return nil })
	wantKind(t, err, errs.NotFound)
	logout(t, c, s)
}

func TestAppendLiteralPlus(t *testing.T) {
	msg := "Subject: x\r\n\r\ny\r\n"
	s := serve(t, start+`
C= `+strconv.Quote("A2 APPEND \"Sent\" (\\Seen) {17+}\r\n"+msg+"\r\n")+`
S: A2 OK [APPENDUID 7 42] done
`+bye("A3"))
	c := login(t, s)
	uid, err := c.Append("Sent", []string{`\Seen`}, int64(len(msg)), func(w io.Writer) error {
		_, err := io.WriteString(w, msg)
		return err
	})
	if err != nil || uid != 42 {
		t.Fatal(uid, err)
	}
	logout(t, c, s)
}

func TestAppendSync(t *testing.T) {
	s := serve(t, `S: * OK [CAPABILITY IMAP4rev1] ready
C: A1 LOGIN "tim" "tanstaaf"
S: A1 OK [CAPABILITY IMAP4rev1] in
C: A2 APPEND "Sent" {3}
S: A2 NO [OVERQUOTA] full
C: A3 APPEND "Sent" {3}
S: + ok
C= "abc\r\n"
S: A3 OK
C: A4 LOGOUT
S: A4 OK`)
	c := login(t, s)
	w := func(w io.Writer) error { _, err := io.WriteString(w, "abc"); return err }
	_, err := c.Append("Sent", nil, 3, w)
	wantKind(t, err, errs.TooBig)
	if uid, err := c.Append("Sent", nil, 3, w); err != nil || uid != 0 {
		t.Fatal(uid, err)
	}
	logout(t, c, s)
}

func TestMoveFallback(t *testing.T) {
	s := serve(t, `S: * OK [CAPABILITY IMAP4rev1 UIDPLUS] ready
C: A1 LOGIN "tim" "tanstaaf"
S: A1 OK [CAPABILITY IMAP4rev1 UIDPLUS] in
`+inbox+`
C: A3 UID COPY 4 "Trash"
S: A3 OK [COPYUID 9 4 77] copied
C: A4 UID STORE 4 +FLAGS.SILENT (\Deleted)
S: A4 OK
C: A5 UID EXPUNGE 4
S: * 1 EXPUNGE
S: A5 OK
C: A6 LOGOUT
S: A6 OK`)
	c := login(t, s)
	selectInbox(t, c)
	uid, err := c.Move(4, "Trash")
	if err != nil || uid != 77 {
		t.Fatal(uid, err)
	}
	if c.Selected().Exists != 2 {
		t.Error("EXPUNGE not counted")
	}
	logout(t, c, s)
}

func TestMove(t *testing.T) {
	s := serve(t, start+`
`+inbox+`
C: A3 UID MOVE 4 "Archive/2026"
S: * OK [COPYUID 9 4 12] moved
S: * 1 EXPUNGE
S: A3 OK done
C: A4 LOGOUT
S: A4 OK`)
	c := login(t, s)
	selectInbox(t, c)
	uid, err := c.Move(4, "Archive/2026")
	if err != nil || uid != 12 {
		t.Fatal(uid, err)
	}
	logout(t, c, s)
}

func TestListUTF7(t *testing.T) {
	s := serve(t, `S: * OK [CAPABILITY IMAP4rev1] ready
C: A1 LOGIN "tim" "tanstaaf"
S: A1 OK in
C: A2 CAPABILITY
S: * CAPABILITY IMAP4rev1 SPECIAL-USE LIST-STATUS
S: A2 OK
C: A3 LIST "" "*" RETURN (SPECIAL-USE STATUS (MESSAGES UIDNEXT UIDVALIDITY UNSEEN))
S: * LIST (\HasNoChildren) "/" INBOX
S: * STATUS INBOX (MESSAGES 3 UNSEEN 1 UIDNEXT 4 UIDVALIDITY 1)
S: * LIST (\HasNoChildren \Sent) "/" "Gesendete Objekte"
S: * LIST (\Noselect) "/" "&AMQ-pfel/&ZeVnLIqe-"
S= "* LIST () \"/\" {5}\r\na\"b\\c\r\n"
S: A3 OK
C: A4 CREATE "&AMQ-pfel/&ZeVnLIqe-"
S: A4 OK
C: A5 RENAME "a&-b" "c"
S: A5 NO [ALREADYEXISTS] exists
C: A6 LOGOUT
S: A6 OK`)
	c := login(t, s)
	fs, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 4 || fs[0].Name != "INBOX" || fs[0].Status["UNSEEN"] != 1 || fs[1].SpecialUse != `\Sent` ||
		fs[2].Name != "Äpfel/日本語" || fs[2].Delimiter != "/" || fs[3].Name != `a"b\c` {
		t.Fatalf("%+v", fs)
	}
	if err := c.Create("Äpfel/日本語"); err != nil {
		t.Fatal(err)
	}
	wantKind(t, c.Rename("a&b", "c"), errs.Refused)
	logout(t, c, s)
}

func TestUTF8Accept(t *testing.T) {
	s := serve(t, `S: * OK [CAPABILITY IMAP4rev1] ready
C: A1 LOGIN "tim" "tanstaaf"
S: A1 OK [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT ESEARCH] in
C: A2 ENABLE UTF8=ACCEPT
S: * ENABLED UTF8=ACCEPT
S: A2 OK
C: A3 SELECT "Äpfel"
S: A3 OK
C: A4 UID SEARCH RETURN (ALL) SUBJECT "café"
S: * ESEARCH (TAG "A4") UID ALL 3:5,9
S: A4 OK
C: A5 LOGOUT
S: A5 OK`)
	c := login(t, s)
	if _, err := c.Select("Äpfel", false); err != nil {
		t.Fatal(err)
	}
	uids, err := c.Search(`SUBJECT "café"`)
	if err != nil || len(uids) != 4 || uids[3] != 9 {
		t.Fatal(uids, err)
	}
	logout(t, c, s)
}

func TestSearchCharsetLiteral(t *testing.T) {
	s := serve(t, start+`
`+inbox+`
C: A3 UID SEARCH CHARSET UTF-8 SUBJECT {5+}
C= "caf\u00e9 UNSEEN\r\n"
S: * SEARCH
S: A3 OK
`+bye("A4"))
	c := login(t, s)
	selectInbox(t, c)
	uids, err := c.Search(`SUBJECT "café" UNSEEN`)
	if err != nil || len(uids) != 0 {
		t.Fatal(uids, err)
	}
	logout(t, c, s)
}

func TestSearchCriteriaRefused(t *testing.T) {
	s := serve(t, start+`
`+inbox+`
C: A3 LOGOUT
S: A3 OK`)
	c := login(t, s)
	selectInbox(t, c)
	for _, bad := range []string{
		"ALL\r\nA9 DELETE INBOX", "ALL\nX", "SUBJECT \"x", "(UNSEEN", "UNSEEN)", ")(",
		"SUBJECT {5}", "SUBJECT {5+}", "SUBJECT \"a\\b\"", "SUBJECT café", "\x00", "SUBJECT \"\x01\"",
		strings.Repeat("(", 20) + strings.Repeat(")", 20),
	} {
		_, err := c.Search(bad)
		if errs.KindOf(err) != errs.Arg {
			t.Errorf("%q: %v, want errs.Arg", bad, err)
		}
	}
	logout(t, c, s)
}

func TestFlagsStore(t *testing.T) {
	s := serve(t, start+`
`+inbox+`
C: A3 UID FETCH 4 (UID FLAGS)
S: * 2 FETCH (FLAGS (\Seen $Label1) UID 4)
S: A3 OK
C: A4 UID STORE 4 -FLAGS.SILENT (\Seen)
S: A4 OK
C: A5 UID STORE 4 FLAGS.SILENT ()
S: A5 OK
C: A6 LOGOUT
S: A6 OK`)
	c := login(t, s)
	selectInbox(t, c)
	f, err := c.Flags(4)
	if err != nil || strings.Join(f, " ") != `\Seen $Label1` {
		t.Fatal(f, err)
	}
	if err := c.Store(4, []string{`\Seen`}, -1); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(4, nil, 0); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`\Recent`, "a b", "x)", "(", "", `\`, "a\r\n"} {
		wantKind(t, c.Store(4, []string{bad}, 1), errs.Arg)
	}
	logout(t, c, s)
}

func TestIdle(t *testing.T) {
	s := serve(t, start+`
`+inbox+`
C: A3 IDLE
S: + idling
S: * 4 EXISTS
C: DONE
S: A3 OK done
C: A4 LOGOUT
S: A4 OK`)
	c := login(t, s)
	selectInbox(t, c)
	changed, err := c.Idle(10 * 1e9)
	if err != nil || !changed || c.Selected().Exists != 4 {
		t.Fatal(changed, err)
	}
	logout(t, c, s)
}

func TestFetchToFile(t *testing.T) {
	s := serve(t, start+`
`+inbox+`
C: A3 UID FETCH 9 (UID BODY.PEEK[])
S= "* 2 FETCH (UID 9 BODY[] {3}\r\nabc FLAGS ())\r\nA3 OK\r\n"
`+bye("A4"))
	c := login(t, s)
	selectInbox(t, c)
	var b bytes.Buffer
	if n, err := c.FetchTo(9, &b); err != nil || n != 3 || b.String() != "abc" {
		t.Fatal(n, err, b.String())
	}
	logout(t, c, s)
}

// TestFetchMessagesInMemory fetches messages read into memory whole: one
// with the UID first, one with the UID after the body (kept until the UID
// comes), and, in one response, more bodies after which the UID comes than
// a response may hold in memory (8 MiB), the rest going to temporary
// files that are removed.
func TestFetchMessagesInMemory(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	msg := "Subject: hi\r\n\r\nbody\r\n"
	big := "Subject: big\r\n\r\n" + strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345\r\n", 14000)
	var many strings.Builder
	many.WriteString("* 3 FETCH (")
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&many, "BODY[] {%d}\r\n%s ", len(big), big)
	}
	many.WriteString("UID 11)\r\n")
	s := serve(t, start+`
`+inbox+`
C: A3 UID FETCH 4,9,11 (UID BODY.PEEK[])
S= `+strconv.Quote("* 1 FETCH (UID 4 BODY[] {21}\r\n"+msg+")\r\n* 2 FETCH (BODY[] {21}\r\n"+msg+" UID 9)\r\n"+many.String()+"A3 OK\r\n")+`
`+bye("A4"))
	c := login(t, s)
	selectInbox(t, c)
	ms, res, err := c.FetchMessages([]uint32{4, 9, 11})
	if err != nil {
		t.Fatal(err, res)
	}
	for i, want := range []string{"body\r\n", "body\r\n", big[len("Subject: big\r\n\r\n"):]} {
		if got, _ := ms[i].Get("TextBody"); got != want {
			t.Errorf("message %d: body of %d bytes, want %d", i, len(got), len(want))
		}
		ms[i].Close()
	}
	logout(t, c, s)
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
