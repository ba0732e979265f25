package server

import (
	"strings"
	"testing"
)

func TestSMTPHeloSession(t *testing.T) {
	s := start(t, nil)
	c := dial(t, s, "smtp")
	c.Run(`
		S: 220 mailwire.test ESMTP Mailwire ready
		C: HELO client.example
		S: 250 mailwire.test
		C: MAIL FROM:<sender@example.org>
		S: 250 2.1.0 Sender OK
		C: RCPT TO:<Alice@example.com>
		S: 250 2.1.5 Recipient OK
		C: DATA
		S: 354 End data with <CR><LF>.<CR><LF>
		C: Subject: hi
		C:
		C: ..dot
		C: .
		S: 250 2.0.0 OK queued as *
		C: QUIT
		S: 221 2.0.0 mailwire.test Bye
	`)
	c.Closed()
	msgs := s.Messages("alice")
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	v, body := splitReceived(t, msgs[0])
	if !strings.HasPrefix(v, "from client.example ([127.0.0.1]) by mailwire.test with SMTP id ") ||
		!strings.Contains(v, " for <Alice@example.com>; ") {
		t.Errorf("Received: %s", v)
	}
	if body != "Subject: hi\r\n\r\n.dot\r\n" {
		t.Errorf("body %q", body)
	}
}
