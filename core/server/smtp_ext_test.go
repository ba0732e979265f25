package server

import (
	"strings"
	"testing"

	"mailwire/core/sasl"
)

func TestEHLOExtensions(t *testing.T) {
	s := start(t, nil)
	c := dial(t, s, "smtp")
	c.Expect("220 mailwire.test ESMTP Mailwire ready")
	want := []string{"250-mailwire.test", "250-PIPELINING", "250-SIZE 52428800", "250-8BITMIME",
		"250-BINARYMIME", "250-CHUNKING", "250-SMTPUTF8", "250-DSN", "250-ENHANCEDSTATUSCODES",
		"250-STARTTLS", "250 AUTH SCRAM-SHA-256 CRAM-MD5"}
	if got := c.ehlo("EHLO x"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("EHLO before TLS:\n%s", strings.Join(got, "\n"))
	}
	c.Run("C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n!tls")
	want = append(want[:9], "250 AUTH SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN")
	if got := c.ehlo("EHLO x"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("EHLO after TLS:\n%s", strings.Join(got, "\n"))
	}
	c.Run(`
		C: STARTTLS
		S: 503 5.5.1 TLS already active
	`)
}

func TestSTARTTLSForgetsState(t *testing.T) {
	s := start(t, nil)
	c := open(t, s, "smtp")
	c.Run("C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n!tls")
	c.Run(`
		C: MAIL FROM:<a@b.c>
		S: 503 5.5.1 Send EHLO first
	`)
}

func TestSTARTTLSPipelinedDataClosed(t *testing.T) {
	s := start(t, nil)
	c := open(t, s, "smtp")
	c.Send("STARTTLS\r\nMAIL FROM:<evil@x.y>\r\n")
	c.Expect("554 5.5.1 Data pipelined after STARTTLS, closing connection")
	c.Closed()
}

func TestAuth(t *testing.T) {
	s := start(t, nil)
	c := dial(t, s, "smtp")
	c.Run(`
		S: 220 *
		C: AUTH PLAIN ` + b64("\x00alice\x00secret") + `
		S: 503 5.5.1 Send EHLO first
	`)
	c.ehlo("EHLO x")
	c.Run(`
		C: AUTH PLAIN ` + b64("\x00alice\x00secret") + `
		S: 538 5.7.11 Encryption required for requested authentication mechanism
		C: AUTH LOGIN
		S: 538 5.7.11 Encryption required for requested authentication mechanism
		C: AUTH NOPE
		S: 504 5.5.4 Unrecognized authentication type
		C: AUTH CRAM-MD5
		S: 334 *
		C: *
		S: 501 5.0.0 Authentication cancelled
		C: AUTH CRAM-MD5
		S: 334 *
		C: ` + b64("alice 00000000000000000000000000000000") + `
		S: 535 5.7.8 Authentication credentials invalid
		C: AUTH CRAM-MD5
		S: 334 *
		C: !!notbase64
		S: 501 5.5.2 Malformed authentication response
	`)
	if r := c.authSASL(sasl.NewScramSHA256("alice", "secret"), false); r != "235 2.7.0 Authentication successful" {
		t.Fatal(r)
	}
	c.Run(`
		C: AUTH CRAM-MD5
		S: 503 5.5.1 Already authenticated
	`)
}

func TestAuthAfterTLS(t *testing.T) {
	s := start(t, nil)
	tests := []struct {
		name string
		run  string
	}{
		{"plain-ir", `
			C: AUTH PLAIN ` + b64("\x00alice\x00secret") + `
			S: 235 2.7.0 Authentication successful`},
		{"plain-empty-ir-then-response", `
			C: AUTH PLAIN
			S: 334 
			C: ` + b64("\x00bob\x00hunter2") + `
			S: 235 2.7.0 Authentication successful`},
		{"plain-wrong", `
			C: AUTH PLAIN ` + b64("\x00bob\x00secret") + `
			S: 535 5.7.8 Authentication credentials invalid`},
		{"login", `
			C: AUTH LOGIN
			S: 334 ` + b64("Username:") + `
			C: ` + b64("alice") + `
			S: 334 ` + b64("Password:") + `
			C: ` + b64("secret") + `
			S: 235 2.7.0 Authentication successful`},
		{"bad-ir", `
			C: AUTH PLAIN %%%
			S: 501 5.5.2 Cannot decode the initial response`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := open(t, s, "submission")
			c.Run("C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n!tls")
			c.ehlo("EHLO x")
			c.Run(tt.run)
		})
	}
}

func TestRequireTLSForAuthOff(t *testing.T) {
	s := start(t, func(c *Config) { c.RequireTLSForAuth = false })
	c := dial(t, s, "smtp")
	c.Expect("220 *")
	if got := c.ehlo("EHLO x"); got[len(got)-1] != "250 AUTH SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN" {
		t.Errorf("EHLO: %q", got)
	}
	c.Run(`
		C: AUTH PLAIN ` + b64("\x00alice\x00secret") + `
		S: 235 2.7.0 Authentication successful
	`)
}

func TestSubmissionNeedsAuth(t *testing.T) {
	s := start(t, nil)
	for _, svc := range []string{"submission", "smtps"} {
		c := dial(t, s, svc)
		c.Expect("220 *")
		c.ehlo("EHLO x")
		c.Run(`
			C: MAIL FROM:<a@b.c>
			S: 530 5.7.0 Authentication required
		`)
	}
	c := open(t, s, "smtp")
	c.Run(`
		C: MAIL FROM:<a@b.c>
		S: 250 2.1.0 Sender OK
	`)
}

func TestSequenceAndSyntax(t *testing.T) {
	s := start(t, nil)
	c := dial(t, s, "smtp")
	c.Run(`
		S: 220 *
		C: MAIL FROM:<a@b.c>
		S: 503 5.5.1 Send EHLO first
		C: LHLO x
		S: 500 5.5.1 Unknown command, say EHLO or HELO
		C: EHLO
		S: 501 5.5.4 Syntax: EHLO hostname
		C: HELO x
		S: 250 mailwire.test
		C: RCPT TO:<a@b.c>
		S: 503 5.5.1 Need MAIL before RCPT
		C: DATA
		S: 503 5.5.1 Need MAIL and RCPT first
		C: FOO
		S: 500 5.5.1 Unknown command
		C: MAIL FROM:a@b.c
		S: 501 5.5.4 Syntax: address must be in angle brackets
		C: MAIL TO:<a@b.c>
		S: 501 5.5.4 Syntax: MAIL FROM:<address>
		C: MAIL FROM:<>
		S: 250 2.1.0 Sender OK
		C: MAIL FROM:<a@b.c>
		S: 503 5.5.1 Nested MAIL command
		C: DATA
		S: 554 5.5.1 No valid recipients
		C: RCPT TO:<nodomain>
		S: 501 5.1.3 Bad address syntax: local-part@domain expected
		C: RCPT TO:<a@evil.example@b.c>
		S: 501 5.1.3 Bad address syntax
		C: RCPT TO:<a@b_c.example>
		S: 501 5.1.3 Bad address syntax
		C: RCPT TO:<a@[1.2.3]>
		S: 501 5.1.3 Bad address syntax
		C: RCPT TO:<a."b"@b.c>
		S: 501 5.1.3 Bad address syntax
		C: RCPT TO:<"a b"@[192.0.2.1]>
		S: 250 2.1.5 Recipient OK
		C: RCPT TO:<@relay.example:Bob@b.c>
		S: 250 2.1.5 Recipient OK
		C: RSET
		S: 250 2.0.0 OK
		C: NOOP
		S: 250 2.0.0 OK
		C: VRFY bob
		S: 252 2.5.0 Cannot VRFY user, but will accept message
		C: HELP
		S: 214 2.0.0 *
		C: DATA extra
		S: 501 5.5.4 DATA takes no argument
		C: QUIT
		S: 221 2.0.0 mailwire.test Bye
	`)
	c.Closed()
}

func TestParameters(t *testing.T) {
	s := start(t, nil)
	c := open(t, s, "smtp")
	c.Run(`
		C: MAIL FROM:<a@b.c> SIZE=100 BODY=8BITMIME RET=HDRS ENVID=QQ+2B1 AUTH=<>
		S: 250 2.1.0 Sender OK
		C: RCPT TO:<bob@b.c> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@b.c
		S: 250 2.1.5 Recipient OK
		C: RCPT TO:<bob@b.c> NOTIFY=NEVER,SUCCESS
		S: 501 5.5.4 Bad NOTIFY value
		C: RCPT TO:<bob@b.c> ORCPT=rfc822
		S: 501 5.5.4 Bad ORCPT value
		C: RCPT TO:<bob@b.c> FOO=1
		S: 555 5.5.4 Unsupported parameter FOO
		C: RCPT TO:<bøb@b.c>
		S: 553 5.6.7 Non-ASCII address needs SMTPUTF8
		C: RSET
		S: 250 2.0.0 OK
		C: MAIL FROM:<a@b.c> SIZE=52428801
		S: 552 5.3.4 Message size exceeds fixed limit
		C: MAIL FROM:<a@b.c> BODY=9BIT
		S: 501 5.5.4 Bad BODY value
		C: MAIL FROM:<a@b.c> ENVID=a=b
		S: 501 5.5.4 Bad ENVID value
		C: MAIL FROM:<a@b.c> ENVID=
		S: 501 5.5.4 Syntax error in parameters
		C: MAIL FROM:<a@b.c> ENVID=a+zz
		S: 501 5.5.4 Bad ENVID value
		C: MAIL FROM:<a@b.c> SIZE=1 SIZE=2
		S: 501 5.5.4 Duplicate parameter SIZE
		C: MAIL FROM:<ä@b.c> SMTPUTF8
		S: 250 2.1.0 Sender OK
		C: RCPT TO:<bøb@bücher.example>
		S: 250 2.1.5 Recipient OK
	`)
}

func TestRecipientResults(t *testing.T) {
	s := start(t, nil)
	c := open(t, s, "smtp")
	c.Run(`
		C: MAIL FROM:<a@b.c>
		C: RCPT TO:<reject-me@b.c>
		C: RCPT TO:<TempFail1@b.c>
		C: DATA
		S: 250 2.1.0 Sender OK
		S: 550 5.1.1 Mailbox unavailable (local parts starting with "reject" are refused)
		S: 450 4.2.0 Mailbox temporarily unavailable (local parts starting with "tempfail" are deferred)
		S: 554 5.5.1 No valid recipients
		C: RSET
		S: 250 2.0.0 OK
		C: MAIL FROM:<a@b.c>
		C: RCPT TO:<reject@b.c>
		C: RCPT TO:<carol@b.c>
		C: DATA
		S: 250 2.1.0 Sender OK
		S: 550 5.1.1 *
		S: 250 2.1.5 Recipient OK
		S: 354 *
		C: hi
		C: .
		S: 250 2.0.0 OK queued as *
	`)
	if n := s.MessageCount(""); n != 1 || s.MessageCount("Carol") != 1 {
		t.Errorf("stored %d, carol %d", n, s.MessageCount("carol"))
	}
}

func TestMaxRecipients(t *testing.T) {
	s := start(t, nil)
	c := open(t, s, "smtp")
	var b strings.Builder
	b.WriteString("MAIL FROM:<a@b.c>\r\n")
	for i := 0; i <= maxRecipients; i++ {
		b.WriteString("RCPT TO:<r@b.c>\r\n")
	}
	c.Send(b.String())
	c.Expect("250 2.1.0 Sender OK")
	for i := 0; i < maxRecipients; i++ {
		c.Expect("250 2.1.5 Recipient OK")
	}
	c.Expect("452 4.5.3 Too many recipients")
}

func TestLineTooLong(t *testing.T) {
	s := start(t, nil)
	c := dial(t, s, "smtp")
	c.Expect("220 *")
	c.Send("NOOP " + strings.Repeat("x", maxCommandLine) + "\r\n")
	c.Expect("500 5.5.2 Line too long")
	// A line longer than the read buffer: its tail must not run as a command.
	c.Send("NOOP " + strings.Repeat("x", 70000) + "QUIT\r\nNOOP\r\n")
	c.Expect("500 5.5.2 Line too long")
	c.Expect("250 2.0.0 OK")
	c.Send("NOOP " + strings.Repeat("x", maxCommandLine-8) + "\r\n")
	c.Expect("250 2.0.0 OK")
}
