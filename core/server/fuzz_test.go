package server

import (
	"bytes"
	"fmt"
	"net"
	"testing"
	"time"

	"mailwire/core/wire"
)

// fakeConn reads a fixed input and keeps what is written.
type fakeConn struct {
	r   *bytes.Reader
	out bytes.Buffer
}

func (f *fakeConn) Read(p []byte) (int, error)         { return f.r.Read(p) }
func (f *fakeConn) Write(p []byte) (int, error)        { return f.out.Write(p) }
func (f *fakeConn) Close() error                       { return nil }
func (f *fakeConn) LocalAddr() net.Addr                { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 25} }
func (f *fakeConn) RemoteAddr() net.Addr               { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4000} }
func (f *fakeConn) SetDeadline(t time.Time) error      { return nil }
func (f *fakeConn) SetReadDeadline(t time.Time) error  { return nil }
func (f *fakeConn) SetWriteDeadline(t time.Time) error { return nil }

// fuzzServer is a prepared server that does not listen.
func fuzzServer(t testing.TB) *Server {
	cfg := DefaultConfig()
	cfg.Users = map[string]string{"alice": "secret"}
	cfg.MaxMessageSize = 1 << 16
	cfg.RequireTLSForAuth = false
	s := New(cfg)
	if err := s.prepare(); err != nil {
		t.Fatal(err)
	}
	s.locks = map[string]bool{}
	return s
}

// runSession runs one session on input and returns what the server wrote.
func runSession(s *Server, svc string, input []byte) []byte {
	f := &fakeConn{r: bytes.NewReader(input)}
	c := wire.NewConn(f, wire.Server, time.Second, nil)
	switch svc {
	case "pop3":
		s.servePOP3(c)
	case "imap":
		c.MaxLine = maxIMAPLine
		s.serveIMAP(c)
	default:
		s.serveSMTP(svc, c)
	}
	return f.out.Bytes()
}

// FuzzSMTPSession runs whole SMTP and LMTP sessions on arbitrary input:
// no panic, and every reply line is well formed.
func FuzzSMTPSession(f *testing.F) {
	seeds := []string{
		"EHLO x\r\nMAIL FROM:<a@b.c> SIZE=10 BODY=8BITMIME\r\nRCPT TO:<d@e.f> NOTIFY=NEVER\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n",
		"HELO x\r\nMAIL FROM:<>\r\nRCPT TO:<reject@x>\r\nRCPT TO:<y@x>\r\nBDAT 3 LAST\r\nabcRSET\r\n",
		"EHLO x\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nAUTH CRAM-MD5\r\n*\r\nMAIL FROM:<\"q\\\"@\"@x>\r\n",
		"LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\na\n.\nb\r\n.\r\n",
		"EHLO x\r\nMAIL FROM:<@r:a@b> SMTPUTF8\r\nRCPT TO:<ü@ä> ORCPT=utf-8;x\r\nBDAT 99999999 LAST\r\n",
		"EHLO x\r\nSTARTTLS\r\n\x16\x03\x01",
	}
	for _, s := range seeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	s := fuzzServer(f)
	f.Fuzz(func(t *testing.T, input []byte, lmtp bool) {
		svc := "smtp"
		if lmtp {
			svc = "lmtp"
		}
		out := runSession(s, svc, input)
		for _, l := range bytes.SplitAfter(out, []byte("\r\n")) {
			if len(l) == 0 {
				continue
			}
			if len(l) < 5 || !bytes.HasSuffix(l, []byte("\r\n")) || l[0] < '2' || l[0] > '5' || (l[3] != ' ' && l[3] != '-') {
				t.Fatalf("bad reply line %q", l)
			}
		}
	})
}

// FuzzPOP3Session runs whole POP3 sessions on arbitrary input.
func FuzzPOP3Session(f *testing.F) {
	seeds := []string{
		"CAPA\r\nUSER alice\r\nPASS secret\r\nSTAT\r\nLIST\r\nUIDL 1\r\nTOP 1 2\r\nRETR 1\r\nDELE 1\r\nRSET\r\nQUIT\r\n",
		"AUTH PLAIN\r\nAGFsaWNlAHNlY3JldA==\r\nTOP 1 0\r\nDELE 9\r\nQUIT\r\n",
		"APOP alice 0123456789abcdef0123456789abcdef\r\nAUTH\r\nSTLS\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	s := fuzzServer(f)
	s.store.deliver("alice", []byte("Subject: a\r\n\r\n.x\r\nline\r\n"))
	s.store.deliver("alice", []byte("no header end\r\n"))
	f.Fuzz(func(t *testing.T, input []byte) {
		out := runSession(s, "pop3", input)
		if !bytes.HasPrefix(out, []byte("+OK ")) {
			t.Fatalf("no greeting: %q", out)
		}
		// Commands are case-insensitive (RFC 1939 section 3): "quit" counts.
		if s.store.count("alice") != 2 && !bytes.Contains(bytes.ToUpper(input), []byte("QUIT")) {
			t.Fatal("deleted without QUIT")
		}
		s.store.(*memStore).boxes["alice"] = nil
		s.store.deliver("alice", []byte("Subject: a\r\n\r\n.x\r\nline\r\n"))
		s.store.deliver("alice", []byte("no header end\r\n"))
	})
}

// FuzzPath checks the address and parameter parsers.
func FuzzPath(f *testing.F) {
	for _, s := range []string{"<a@b.c> SIZE=1", "<>", "<@x,@y:a@b>", "<\"a b\"@c>", "<a@[1.2.3.4]> X", "<ü@ä> SMTPUTF8", "<a@b", "<\"\\", "ENVID=+41"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, rest, r := parsePath(s)
		if r == "" {
			if len(addr) > len(s) {
				t.Fatal("address longer than input")
			}
			if local, r := checkMailbox(addr, true); r == "" && len(local) == 0 {
				t.Fatal("empty local part accepted")
			}
			params(rest)
		}
		parseBDAT([]byte(s))
		if box := mailboxName(s); unescape(dirName(box)) != box {
			t.Fatalf("mailbox %q stored as %q, read back as %q", box, dirName(box), unescape(dirName(box)))
		}
		topLines([]byte(s), 2)
	})
}

// FuzzIMAPSession runs whole IMAP sessions on arbitrary input through the
// bounded command parser: no panic, no hang, and every line the server
// writes outside a literal is tagged, untagged ("*") or a continuation.
func FuzzIMAPSession(f *testing.F) {
	seeds := []string{
		"a CAPABILITY\r\nb LOGIN alice secret\r\nc SELECT INBOX\r\nd UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.10>)\r\ne LOGOUT\r\n",
		"a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\nb APPEND INBOX (\\Seen) {5+}\r\nhello\r\nc SELECT INBOX\r\nd SEARCH OR (FROM a) NOT SEEN UID 1:* LARGER 1\r\n",
		"a LOGIN {5}\r\nalice {6}\r\nsecret\r\nb CREATE \"A/&AMQ-\"\r\nc LIST \"\" *\r\nd RENAME A B\r\ne SELECT INBOX\r\nf STORE 1 +FLAGS.SILENT (\\Deleted)\r\ng EXPUNGE\r\nh IDLE\r\nDONE\r\n",
		"a LOGIN alice secret\r\nb SELECT INBOX (CONDSTORE)\r\nc UID MOVE 1 Trash\r\nd FETCH 1 (BODY[1.MIME] BODYSTRUCTURE ENVELOPE) (CHANGEDSINCE 1)\r\n",
		"a STARTTLS\r\n\x16\x03\x01",
		"a LOGIN alice secret\r\nb ENABLE UTF8=ACCEPT CONDSTORE\r\nc LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (* %) RETURN (STATUS (MESSAGES SIZE))\r\nd APPEND INBOX UTF8 (~{3+}\r\nx\r\n)\r\ne STATUS INBOX (UNSEEN DELETED)\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	s := fuzzServer(f)
	f.Fuzz(func(t *testing.T, input []byte) {
		s.store = newMemStore(s.ids)
		s.prepareIMAP()
		s.store.deliver("alice", []byte("Subject: a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b--\r\n"))
		s.store.deliver("alice", []byte("no header end"))
		out := runSession(s, "imap", input)
		if !bytes.HasPrefix(out, []byte("* OK ")) {
			t.Fatalf("no greeting: %q", out)
		}
		if err := checkIMAPOutput(out); err != nil {
			t.Fatalf("%v in %q", err, out)
		}
	})
}

// checkIMAPOutput checks that what an IMAP server wrote is a sequence of
// whole responses (RFC 3501 section 7): untagged, continuations or tagged
// OK, NO or BAD, their literals skipped by their stated lengths.
func checkIMAPOutput(out []byte) error {
	for len(out) > 0 {
		first := true
		for {
			i := bytes.Index(out, []byte("\r\n"))
			if i < 0 {
				return fmt.Errorf("response without CRLF at %q", out)
			}
			line := out[:i]
			out = out[i+2:]
			if first && !bytes.HasPrefix(line, []byte("* ")) && !bytes.HasPrefix(line, []byte("+ ")) {
				_, rest, _ := bytes.Cut(line, []byte{' '})
				if !bytes.HasPrefix(rest, []byte("OK ")) && !bytes.HasPrefix(rest, []byte("NO ")) && !bytes.HasPrefix(rest, []byte("BAD ")) {
					return fmt.Errorf("bad response line %q", line)
				}
			}
			first = false
			n, _, at := literalMarker(line)
			if at < 0 {
				break
			}
			if int64(len(out)) < n {
				return fmt.Errorf("literal of %d octets cut short", n)
			}
			out = out[n:]
		}
	}
	return nil
}
