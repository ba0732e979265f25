package server

import (
	"crypto/tls"
	"net"
	"net/smtp"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"mailwire/core/errs"
)

func TestStartTwiceAndPorts(t *testing.T) {
	s := start(t, func(c *Config) { c.Ports = map[string]int{"lmtp": -1, "POP3S": -1} })
	if err := s.Start(); errs.KindOf(err) != errs.State {
		t.Fatalf("second Start: %v", err)
	}
	for _, svc := range Services {
		p := s.Port(svc)
		if off := svc == "lmtp" || svc == "pop3s"; off != (p == 0) {
			t.Errorf("Port(%q) = %d", svc, p)
		}
	}
	if s.Port("nntp") != 0 {
		t.Error("unknown service has a port")
	}
	s.Stop()
	if s.Port("smtp") != 0 {
		t.Error("port after Stop")
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
}

func TestTwoServers(t *testing.T) {
	a, b := start(t, nil), start(t, nil)
	for _, svc := range Services {
		if a.Port(svc) == b.Port(svc) {
			t.Fatalf("%s: same port %d", svc, a.Port(svc))
		}
	}
	for i, s := range []*Server{a, b} {
		c := open(t, s, "smtp")
		c.Run("C: MAIL FROM:<a@b.c>\nC: RCPT TO:<box" + strconv.Itoa(i) + "@b.c>\nC: DATA\nS: 250 *\nS: 250 *\nS: 354 *\nC: x\nC: .\nS: 250 *")
	}
	if a.MessageCount("box0") != 1 || a.MessageCount("box1") != 0 || b.MessageCount("box1") != 1 || b.MessageCount("") != 1 {
		t.Fatal("messages went to the wrong server")
	}
}

func TestSessionLimit(t *testing.T) {
	s := start(t, func(c *Config) { c.MaxSessions = 2 })
	c1, c2 := dial(t, s, "smtp"), dial(t, s, "pop3")
	c1.Expect("220 *")
	c2.Expect("+OK *")
	c3 := dial(t, s, "smtp")
	c3.Expect("421 4.3.2 mailwire.test Too many sessions, try again later")
	c3.Closed()
	c4 := dial(t, s, "pop3")
	c4.Expect("-ERR [SYS/TEMP] Too many sessions, try again later")
	c4.Closed()
	c1.Run("C: QUIT\nS: 221 *")
	c1.Closed()
	// The freed slot is released when the session's goroutine ends; wait
	// for it without asserting on time.
	for i := 0; ; i++ {
		c := dial(t, s, "smtp")
		if l := c.Line(); strings.HasPrefix(l, "220 ") {
			break
		} else if i > 1000 {
			t.Fatalf("still refused: %s", l)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestIdleTimeout(t *testing.T) {
	s := start(t, func(c *Config) { c.IdleTimeout = 50 * time.Millisecond })
	c := dial(t, s, "smtp")
	c.Expect("220 *")
	c.Expect("421 4.4.2 mailwire.test Idle timeout, closing connection")
	c.Closed()
	p := dial(t, s, "pop3")
	p.Expect("+OK *")
	p.Expect("-ERR [SYS/TEMP] Idle timeout, closing connection")
	p.Closed()
}

func TestStopWithOpenSessions(t *testing.T) {
	s := New(DefaultConfig())
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	var cs []*client
	for _, svc := range Services {
		c := dial(t, s, svc)
		c.Line()
		cs = append(cs, c)
	}
	cs[0].Send("EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<a@b.c>\r\nDATA\r\n")
	for i := 0; i < 14; i++ {
		cs[0].Line()
	}
	port := s.Port("smtp")
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		c.Closed()
	}
	if _, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
		t.Error("still listening after Stop")
	}
}

func TestMaildir(t *testing.T) {
	root := t.TempDir()
	s := start(t, func(c *Config) { c.Store = filepath.Join(root, "mail") })
	c := open(t, s, "smtp")
	c.Run(`
		C: MAIL FROM:<a@b.c>
		C: RCPT TO:<Alice@b.c>
		C: RCPT TO:<"../../evil"@b.c>
		C: DATA
		S: 250 *
		S: 250 *
		S: 250 *
		S: 354 *
		C: Subject: m
		C: .
		S: 250 2.0.0 *
	`)
	news, _ := filepath.Glob(filepath.Join(root, "mail", "alice", "new", "*"))
	if len(news) != 1 {
		t.Fatalf("new/: %q", news)
	}
	if tmps, _ := filepath.Glob(filepath.Join(root, "mail", "alice", "tmp", "*")); len(tmps) != 0 {
		t.Fatalf("tmp/ not empty: %q", tmps)
	}
	if des, _ := os.ReadDir(root); len(des) != 1 {
		t.Fatalf("something was written outside the store: %v", des)
	}
	if s.MessageCount("ALICE") != 1 || s.MessageCount("../../evil") != 1 || s.MessageCount("") != 2 {
		t.Fatalf("counts %d %d", s.MessageCount("alice"), s.MessageCount(""))
	}
	if m := s.Messages("alice"); len(m) != 1 || !strings.HasSuffix(string(m[0]), "\r\nSubject: m\r\n") {
		t.Fatalf("messages %q", m)
	}
	p := dial(t, s, "pop3s")
	p.Run(`
		S: +OK *
		C: USER alice
		C: PASS secret
		S: +OK *
		S: +OK Logged in, 1 messages
		C: TOP 1 0
		S: +OK Top of message follows
		S: Received: from *
		S:  by *
		S:  for <*
		S: Subject: m
		S: .
		C: UIDL 1
		S: +OK 1 new/*
		C: DELE 1
		S: +OK *
		C: QUIT
		S: +OK Bye, 1 messages deleted
	`)
	if s.MessageCount("alice") != 0 {
		t.Fatal("not deleted")
	}
}

func TestCAOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ca.pem")
	s := start(t, func(c *Config) { c.CAOut = path })
	b, err := os.ReadFile(path)
	if err != nil || string(b) != string(s.CACertPEM()) || !strings.HasPrefix(string(b), "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("ca_out: %v %q", err, b)
	}
}

// TestNetSMTP sends with Go's net/smtp client: STARTTLS, AUTH PLAIN, a
// message, and checks the keyword.

func TestNetSMTP(t *testing.T) {
	s := start(t, nil)
	nc, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.Port("submission")))
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.NewClient(nc, "localhost")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	tc := clientTLS(t, s)
	if err := c.StartTLS(&tls.Config{RootCAs: tc.RootCAs, ServerName: "localhost"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", "alice", "secret", "localhost")); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("alice@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("bob@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("reject@example.org"); err == nil || !strings.Contains(err.Error(), "5.1.1 Mailbox unavailable") {
		t.Fatalf("reject: %v", err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("Subject: net/smtp\n\n.leading dot\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	// net/smtp adds SMTPUTF8 to MAIL whenever the server offers it, so
	// the transaction is a UTF8SMTP one (RFC 6531 section 3.7.4).
	m := s.Messages("bob")
	if len(m) != 1 || with(received(t, m[0])) != "UTF8SMTPSA" || !strings.HasSuffix(string(m[0]), "\r\n.leading dot\r\n") {
		t.Fatalf("stored %q", m)
	}
}

// Message reads one message as Messages lists them, in memory and in a
// Maildir, for one mailbox and for all.
func TestMessageByIndex(t *testing.T) {
	for _, store := range []string{"", "maildir"} {
		s := start(t, func(c *Config) {
			if store != "" {
				c.Store = filepath.Join(t.TempDir(), "mail")
			}
		})
		fill(t, s, "alice", "A: 1\r\n\r\none\r\n", "A: 2\r\n\r\ntwo\r\n")
		fill(t, s, "bob", "B: 1\r\n\r\nthree\r\n")
		for _, box := range []string{"", "alice", "bob", "nobody"} {
			all := s.Messages(box)
			for i := -1; i <= len(all); i++ {
				msg, n, ok := s.Message(box, i)
				want := i >= 0 && i < len(all)
				if ok != want || n != len(all) || (ok && string(msg) != string(all[i])) {
					t.Errorf("%s store, mailbox %q, message %d: %q %d %v; Messages has %d", store, box, i, msg, n, ok, len(all))
				}
			}
		}
	}
}
