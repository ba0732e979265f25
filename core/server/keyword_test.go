package server

import (
	"encoding/base64"
	"strings"
	"testing"

	"mailwire/core/sasl"
)

// authSASL runs an AUTH exchange with a sasl client and returns the final
// reply line.
func (c *client) authSASL(cl sasl.Client, pop bool) string {
	c.t.Helper()
	mech, ir, err := cl.Start()
	if err != nil {
		c.t.Fatal(err)
	}
	cmd := "AUTH " + mech
	if ir != nil {
		cmd += " " + base64.StdEncoding.EncodeToString(ir)
		if len(ir) == 0 {
			cmd += "="
		}
	}
	c.Send(cmd + "\r\n")
	prefix := "334 "
	if pop {
		prefix = "+ "
	}
	for {
		l := c.Line()
		ch, ok := strings.CutPrefix(l, prefix)
		if !ok {
			return l
		}
		dec, err := base64.StdEncoding.DecodeString(ch)
		if err != nil {
			c.t.Fatal(err)
		}
		resp, err := cl.Next(dec)
		if err != nil {
			c.t.Fatal(err)
		}
		c.Send(base64.StdEncoding.EncodeToString(resp) + "\r\n")
	}
}

type kind struct {
	svc, hello string
	tls, auth  bool
	utf8       bool
}

// deliverWith sends one message in the given kind of session and returns
// the keyword of its Received header.
func deliverWith(t *testing.T, s *Server, ss kind) string {
	t.Helper()
	c := dial(t, s, ss.svc)
	c.Expect("220 *")
	if ss.tls && ss.svc != "smtps" {
		c.ehlo(ss.hello + " client.test")
		c.Run("C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n!tls")
	}
	c.ehlo(ss.hello + " client.test")
	if ss.auth {
		var cl sasl.Client = sasl.NewPlain("", "alice", "secret")
		if !ss.tls && ss.svc != "smtps" {
			cl = sasl.NewCramMD5("alice", "secret")
		}
		if r := c.authSASL(cl, false); r != "235 2.7.0 Authentication successful" {
			t.Fatalf("AUTH: %s", r)
		}
	}
	param, rcpt := "", "kw@example.com"
	if ss.utf8 {
		param, rcpt = " SMTPUTF8", "kw@bücher.example"
	}
	c.Run(`
		C: MAIL FROM:<a@example.org>` + param + `
		C: RCPT TO:<` + rcpt + `>
		C: DATA
		S: 250 2.1.0 Sender OK
		S: 250 2.1.5 Recipient OK
		S: 354 *
		C: Subject: x
		C:
		C: body
		C: .
		S: 250 2.0.0 *
		C: QUIT
		S: 221 *
	`)
	msgs := s.Messages("kw")
	if len(msgs) == 0 {
		t.Fatal("nothing stored")
	}
	v := received(t, msgs[len(msgs)-1])
	if !strings.Contains(v, " for <"+rcpt+">; ") {
		t.Errorf("Received without for clause: %s", v)
	}
	return with(v)
}

func TestKeywords(t *testing.T) {
	s := start(t, nil)
	tests := []struct {
		kind
		want string
	}{
		{kind{svc: "smtp", hello: "HELO"}, "SMTP"},
		{kind{svc: "smtp", hello: "EHLO"}, "ESMTP"},
		{kind{svc: "smtp", hello: "EHLO", tls: true}, "ESMTPS"},
		{kind{svc: "smtp", hello: "EHLO", auth: true}, "ESMTPA"},
		{kind{svc: "smtp", hello: "EHLO", tls: true, auth: true}, "ESMTPSA"},
		{kind{svc: "submission", hello: "EHLO", tls: true, auth: true}, "ESMTPSA"},
		{kind{svc: "smtps", hello: "EHLO", tls: true, auth: true}, "ESMTPSA"},
		{kind{svc: "smtp", hello: "EHLO", utf8: true}, "UTF8SMTP"},
		{kind{svc: "smtp", hello: "EHLO", tls: true, utf8: true}, "UTF8SMTPS"},
		{kind{svc: "smtp", hello: "EHLO", auth: true, utf8: true}, "UTF8SMTPA"},
		{kind{svc: "smtp", hello: "EHLO", tls: true, auth: true, utf8: true}, "UTF8SMTPSA"},
		{kind{svc: "lmtp", hello: "LHLO"}, "LMTP"},
		{kind{svc: "lmtp", hello: "LHLO", auth: true}, "LMTPA"},
		{kind{svc: "lmtp", hello: "LHLO", tls: true}, "LMTPS"},
		{kind{svc: "lmtp", hello: "LHLO", tls: true, auth: true}, "LMTPSA"},
		{kind{svc: "lmtp", hello: "LHLO", tls: true, auth: true, utf8: true}, "UTF8LMTPSA"},
	}
	for _, tt := range tests {
		t.Run(tt.want+"/"+tt.svc, func(t *testing.T) {
			if got := deliverWith(t, s, tt.kind); got != tt.want {
				t.Errorf("keyword %q, want %q", got, tt.want)
			}
		})
	}
}
