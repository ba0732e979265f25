package server

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// open returns a client that is ready to send MAIL.
func open(t *testing.T, s *Server, svc string) *client {
	t.Helper()
	c := dial(t, s, svc)
	c.Expect("220 *")
	if svc == "lmtp" {
		c.ehlo("LHLO x")
	} else {
		c.ehlo("EHLO x")
	}
	return c
}

// TestSmuggling sends the end-of-data variants of SMTP smuggling
// (CVE-2023-51764 and hannob/smtpsmug) followed by a smuggled transaction:
// the message must be refused after the real end, and the smuggled
// commands must never run.
func TestSmuggling(t *testing.T) {
	ends := []string{"\n.\n", "\n.\r\n", "\r.\r", "\r.\r\n", "\r\n.\n", "\r\n.\r", "\n.\r", "\r.\n",
		"\n..\n", "\r\n.\r\r\n", "\r\n.\n\r\n", "\n\r\n.\n"}
	for _, svc := range []string{"smtp", "lmtp"} {
		for i, end := range ends {
			t.Run(svc+"/"+strconv.Quote(end), func(t *testing.T) {
				s := start(t, nil)
				c := open(t, s, svc)
				c.Run("C: MAIL FROM:<a@b.c>\nC: RCPT TO:<victim@b.c>\nC: DATA\nS: 250 *\nS: 250 *\nS: 354 *")
				c.Send("Subject: " + strconv.Itoa(i) + "\r\n\r\nbody" + end +
					"MAIL FROM:<admin@b.c>\r\nRCPT TO:<smuggled@b.c>\r\nDATA\r\nSubject: smuggled\r\n\r\n.\r\n")
				c.Expect("554 5.6.0 Bare CR or LF in message data, only CRLF line ends are allowed; message refused")
				c.Run("C: NOOP\nS: 250 2.0.0 OK")
				if n := s.MessageCount(""); n != 0 {
					t.Fatalf("%d messages stored", n)
				}
			})
		}
	}
}

// TestSmugglingNUL checks that a NUL before the dot, which some servers
// strip, leaves the dot line as message text.
func TestSmugglingNUL(t *testing.T) {
	s := start(t, nil)
	c := open(t, s, "smtp")
	c.Run("C: MAIL FROM:<a@b.c>\nC: RCPT TO:<victim@b.c>\nC: DATA\nS: 250 *\nS: 250 *\nS: 354 *")
	c.Send("body\r\n\x00.\r\nMAIL FROM:<admin@b.c>\r\nRCPT TO:<smuggled@b.c>\r\nDATA\r\nx\r\n.\r\n")
	c.Expect("250 2.0.0 OK queued as *")
	c.Run("C: NOOP\nS: 250 2.0.0 OK")
	msgs := s.Messages("victim")
	if len(msgs) != 1 || !bytes.HasSuffix(msgs[0], []byte("\r\nbody\r\n\x00.\r\nMAIL FROM:<admin@b.c>\r\nRCPT TO:<smuggled@b.c>\r\nDATA\r\nx\r\n")) {
		t.Fatalf("stored %q", msgs)
	}
	if s.MessageCount("smuggled") != 0 {
		t.Fatal("smuggled message stored")
	}
}

// TestDataEnd checks what is and is not the end of data.
func TestDataEnd(t *testing.T) {
	s := start(t, nil)
	c := open(t, s, "smtp")
	c.Run("C: MAIL FROM:<a@b.c>\nC: RCPT TO:<dana@b.c>\nC: DATA\nS: 250 *\nS: 250 *\nS: 354 *")
	c.Send("a\r\n..\r\n.x\r\n\r\n.\r\n")
	c.Expect("250 2.0.0 OK queued as *")
	msgs := s.Messages("dana")
	if len(msgs) != 1 || !bytes.HasSuffix(msgs[0], []byte("\r\na\r\n.\r\nx\r\n\r\n")) {
		t.Fatalf("stored %q", msgs)
	}
}

func TestDataTooBig(t *testing.T) {
	s := start(t, func(c *Config) { c.MaxMessageSize = 100 })
	c := open(t, s, "smtp")
	c.Run("C: MAIL FROM:<a@b.c>\nC: RCPT TO:<erin@b.c>\nC: DATA\nS: 250 *\nS: 250 *\nS: 354 *")
	c.Send(strings.Repeat("0123456789\r\n", 100) + ".\r\nNOOP\r\n")
	c.Expect("552 5.3.4 Message size exceeds fixed limit")
	c.Expect("250 2.0.0 OK")
	c.Run("C: MAIL FROM:<a@b.c> SIZE=101\nS: 552 5.3.4 Message size exceeds fixed limit")
	c.Run("C: MAIL FROM:<a@b.c> SIZE=100\nS: 250 2.1.0 Sender OK")
	if n := s.MessageCount(""); n != 0 {
		t.Fatalf("%d stored", n)
	}
}

func TestBDAT(t *testing.T) {
	s := start(t, nil)
	c := open(t, s, "smtp")
	// The chunks hold what would end DATA and a command: with BDAT they
	// are message bytes, counted exactly.
	chunk1 := "Subject: b\r\n\r\n.\r\nQUIT\r\n"
	chunk2 := "bare\nLF and\x00binary"
	c.Send("MAIL FROM:<a@b.c> BODY=BINARYMIME\r\nRCPT TO:<fred@b.c>\r\nBDAT " + strconv.Itoa(len(chunk1)) + "\r\n" + chunk1 +
		"BDAT " + strconv.Itoa(len(chunk2)) + " LAST\r\n" + chunk2)
	c.Run(`
		S: 250 2.1.0 Sender OK
		S: 250 2.1.5 Recipient OK
		S: 250 2.0.0 23 octets received
		S: 250 2.0.0 OK queued as *
		C: NOOP
		S: 250 2.0.0 OK
	`)
	msgs := s.Messages("fred")
	if len(msgs) != 1 || !bytes.HasSuffix(msgs[0], []byte("\r\n"+chunk1+chunk2)) {
		t.Fatalf("stored %q", msgs)
	}
	c.Run(`
		C: BDAT 0 LAST
		S: 503 5.5.1 Need MAIL and RCPT first
		C: MAIL FROM:<a@b.c>
		C: RCPT TO:<fred@b.c>
		C: BDAT 3
		C: abcDATA
		S: 250 2.1.0 Sender OK
		S: 250 2.1.5 Recipient OK
		S: 250 2.0.0 3 octets received
		S: 503 5.5.1 BINARYMIME and BDAT transactions need BDAT, not DATA
		C: BDAT 0 LAST
		S: 250 2.0.0 OK queued as *
		C: MAIL FROM:<a@b.c> BODY=BINARYMIME
		C: RCPT TO:<fred@b.c>
		C: DATA
		S: 250 2.1.0 Sender OK
		S: 250 2.1.5 Recipient OK
		S: 503 5.5.1 BINARYMIME and BDAT transactions need BDAT, not DATA
	`)
	if msgs := s.Messages("fred"); len(msgs) != 2 || !bytes.HasSuffix(msgs[1], []byte("\r\nabc")) {
		t.Fatalf("stored %q", msgs)
	}
	// A refused BDAT still consumes its bytes.
	c.Send("RSET\r\nBDAT 6\r\nNOOP\r\nQUIT\r\n")
	c.Run(`
		S: 250 2.0.0 OK
		S: 503 5.5.1 Need MAIL and RCPT first
		S: 221 *
	`)
}

func TestBDATSyntaxCloses(t *testing.T) {
	s := start(t, nil)
	for _, cmd := range []string{"BDAT", "BDAT x", "BDAT -1", "BDAT 1 NOTLAST", "BDAT 1 LAST x", "BDAT 99999999999999999999"} {
		c := open(t, s, "smtp")
		c.Send(cmd + "\r\n")
		c.Expect("501 5.5.4 Syntax: BDAT size [LAST]; closing connection")
		c.Closed()
	}
}

func TestBDATTooBig(t *testing.T) {
	s := start(t, func(c *Config) { c.MaxMessageSize = 10 })
	c := open(t, s, "smtp")
	c.Send("MAIL FROM:<a@b.c>\r\nRCPT TO:<gina@b.c>\r\nBDAT 6\r\n123456BDAT 6\r\n789012BDAT 1 LAST\r\nxNOOP\r\n")
	c.Run(`
		S: 250 2.1.0 Sender OK
		S: 250 2.1.5 Recipient OK
		S: 250 2.0.0 6 octets received
		S: 552 5.3.4 Message size exceeds fixed limit
		S: 503 5.5.1 Need MAIL and RCPT first
		S: 250 2.0.0 OK
	`)
	if n := s.MessageCount(""); n != 0 {
		t.Fatalf("%d stored", n)
	}
}

func TestLMTPPerRecipient(t *testing.T) {
	s := start(t, nil)
	c := dial(t, s, "lmtp")
	c.Run(`
		S: 220 mailwire.test LMTP Mailwire ready
		C: EHLO x
		S: 500 5.5.1 Unknown command, say LHLO
	`)
	c.ehlo("LHLO x")
	c.Run(`
		C: MAIL FROM:<a@b.c>
		C: RCPT TO:<hank@b.c>
		C: RCPT TO:<reject.x@b.c>
		C: RCPT TO:<ivy@b.c>
		C: DATA
		S: 250 2.1.0 Sender OK
		S: 250 2.1.5 Recipient OK
		S: 550 5.1.1 *
		S: 250 2.1.5 Recipient OK
		S: 354 *
		C: Subject: l
		C: .
		S: 250 2.0.0 <hank@b.c> delivered, id *
		S: 250 2.0.0 <ivy@b.c> delivered, id *
		C: MAIL FROM:<a@b.c>
		C: RCPT TO:<hank@b.c>
		C: RCPT TO:<ivy@b.c>
		C: BDAT 5
		C: abc
		C: BDAT 0 LAST
		S: 250 2.1.0 Sender OK
		S: 250 2.1.5 Recipient OK
		S: 250 2.1.5 Recipient OK
		S: 250 2.0.0 5 octets received
		S: 250 2.0.0 <hank@b.c> delivered, id *
		S: 250 2.0.0 <ivy@b.c> delivered, id *
		C: MAIL FROM:<a@b.c>
		C: RCPT TO:<hank@b.c>
		C: RCPT TO:<ivy@b.c>
		C: DATA
		S: 250 2.1.0 Sender OK
		S: 250 2.1.5 Recipient OK
		S: 250 2.1.5 Recipient OK
		S: 354 *
	`)
	c.Send("bare\nLF\r\n.\r\n")
	c.Expect("554 5.6.0 *")
	c.Expect("554 5.6.0 *")
	for _, box := range []string{"hank", "ivy"} {
		msgs := s.Messages(box)
		if len(msgs) != 2 {
			t.Fatalf("%s: %d messages", box, len(msgs))
		}
		if v := received(t, msgs[0]); !strings.Contains(v, " with LMTP id ") || !strings.Contains(v, " for <"+box+"@b.c>; ") {
			t.Errorf("%s: Received: %s", box, v)
		}
	}
}
