package smtp

import (
	"fmt"
	"strings"
	"testing"

	"mailwire/core/errs"
)

const greet = "S: 220 mx\nC: EHLO client.example\n"

func TestSend(t *testing.T) {
	two := Envelope{From: "a@x.example", To: []string{"b@y.example", "c@y.example"}}
	tests := []struct {
		name    string
		script  string
		mod     func(*Options)
		env     Envelope
		body    string
		kind    errs.Kind
		results string // "code enhanced" per recipient, joined by "|"
		errText string // a part of the error's text
	}{
		{name: "lockstep", env: two, body: "Subject: hi\n\n.dot\nend", script: greet + `
			S: 250 mx
			C: MAIL FROM:<a@x.example>
			S: 250 ok
			C: RCPT TO:<b@y.example>
			S: 250 ok
			C: RCPT TO:<c@y.example>
			S: 250 ok
			C: DATA
			S: 354 go
			C: Subject: hi
			C:
			C: ..dot
			C: end
			C: .
			S: 250 queued`, results: "250 |250 "},
		{name: "pipelined, partial", env: two, body: "x\r\n", script: greet + `
			S: 250-mx
			S: 250-ENHANCEDSTATUSCODES
			S: 250 PIPELINING
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: RCPT TO:<c@y.example>
			C: DATA
			S: 250 2.1.0 ok
			S: 550 5.1.1 no such user
			S: 250 2.1.5 ok
			S: 354 go
			C: x
			C: .
			S: 250 2.0.0 queued`, kind: errs.Partial, results: "550 5.1.1|250 2.0.0"},
		{name: "pipelined, all refused, 354 anyway", env: two, body: "x", script: greet + `
			S: 250-mx
			S: 250 PIPELINING
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: RCPT TO:<c@y.example>
			C: DATA
			S: 250 ok
			S: 550 no
			S: 450 later
			S: 354 go
			C: .
			S: 554 no valid recipients
			C: RSET
			S: 250 ok`, kind: errs.Refused, results: "550 |450 "},
		{name: "pipelined, DATA refused", env: two, body: "x", script: greet + `
			S: 250-mx
			S: 250 PIPELINING
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: RCPT TO:<c@y.example>
			C: DATA
			S: 250 ok
			S: 250 ok
			S: 250 ok
			S: 451 try later`, kind: errs.Temporary, results: "451 |451 "},
		{name: "pipelined, MAIL refused", env: two, body: "x", script: greet + `
			S: 250-mx
			S: 250 PIPELINING
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: RCPT TO:<c@y.example>
			C: DATA
			S: 553 bad sender
			S: 503 need MAIL
			S: 503 need MAIL
			S: 503 need MAIL`, kind: errs.Refused, results: "503 |503 "},
		{name: "message refused at final reply", env: two, body: "x", script: greet + `
			S: 250-mx
			S: 250-ENHANCEDSTATUSCODES
			S: 250 PIPELINING
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: RCPT TO:<c@y.example>
			C: DATA
			S: 250 ok
			S: 250 ok
			S: 250 ok
			S: 354 go
			C: x
			C: .
			S: 554 5.7.1 spam`, kind: errs.Refused, results: "554 5.7.1|554 5.7.1"},
		{name: "lmtp, one refused", mod: func(o *Options) { o.LMTP = true },
			env:  Envelope{From: "a@x.example", To: []string{"b@y.example", "c@y.example", "d@y.example"}},
			body: "x", script: `
			S: 220 lmtp
			C: LHLO client.example
			S: 250-lmtp
			S: 250-ENHANCEDSTATUSCODES
			S: 250 PIPELINING
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: RCPT TO:<c@y.example>
			C: RCPT TO:<d@y.example>
			C: DATA
			S: 250 ok
			S: 250 ok
			S: 550 5.1.1 unknown
			S: 250 ok
			S: 354 go
			C: x
			C: .
			S: 250 2.0.0 <b> saved
			S: 452 4.2.2 <d> mailbox full`, kind: errs.Partial, results: "250 2.0.0|550 5.1.1|452 4.2.2"},
		{name: "bdat pipelined", env: two, body: "a\n.b\n", script: greet + `
			S: 250-mx
			S: 250-PIPELINING
			S: 250 CHUNKING
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: RCPT TO:<c@y.example>
			C: BDAT 7 LAST
			C= "a\r\n.b\r\n"
			S: 250 ok
			S: 250 ok
			S: 250 ok
			S: 250 queued`, results: "250 |250 "},
		{name: "bdat lockstep, binary", env: Envelope{From: "", To: []string{"b@y.example"}, Binary: true},
			body: "\x00\n\r", script: greet + `
			S: 250-mx
			S: 250-BINARYMIME
			S: 250 CHUNKING
			C: MAIL FROM:<> BODY=BINARYMIME
			S: 250 ok
			C: RCPT TO:<b@y.example>
			S: 250 ok
			C: BDAT 3 LAST
			C= "\x00\n\r"
			S: 250 queued`, results: "250 "},
		{name: "size too big", env: Envelope{From: "a@x.example", To: []string{"b@y.example"}, Size: 2000},
			body: "x", script: greet + `
			S: 250-mx
			S: 250 SIZE 1000`, kind: errs.TooBig},
		{name: "size declared", env: Envelope{From: "a@x.example", To: []string{"b@y.example"}, Size: 3, EightBit: true},
			body: "\xe9", script: greet + `
			S: 250-mx
			S: 250-8BITMIME
			S: 250 SIZE 1000
			C: MAIL FROM:<a@x.example> SIZE=3 BODY=8BITMIME
			S: 250 ok
			C: RCPT TO:<b@y.example>
			S: 250 ok
			C: DATA
			S: 354 go
			C= "\xe9\r\n.\r\n"
			S: 250 ok`, results: "250 "},
		{name: "8bit without 8BITMIME", env: Envelope{From: "a@x.example", To: []string{"b@y.example"}, EightBit: true},
			body: "x", script: greet + "S: 250 mx", kind: errs.Unsupported},
		{name: "utf8 without SMTPUTF8", env: Envelope{From: "a@x.example", To: []string{"jörg@y.example"}},
			body: "x", script: greet + "S: 250-mx\nS: 250 8BITMIME", kind: errs.Unsupported},
		{name: "dsn xtext", mod: func(o *Options) { o.DSNNotify, o.DSNRet, o.EnvID = "SUCCESS,FAILURE", "HDRS", "id+1=2 x" },
			env: Envelope{From: "a@x.example", To: []string{"b+tag@y.example"}}, body: "x", script: greet + `
			S: 250-mx
			S: 250 DSN
			C: MAIL FROM:<a@x.example> RET=HDRS ENVID=id+2B1+3D2+20x
			S: 250 ok
			C: RCPT TO:<b+tag@y.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b+2Btag@y.example
			S: 250 ok
			C: DATA
			S: 354 go
			C: x
			C: .
			S: 250 ok`, results: "250 "},
		{name: "dsn with a non-ASCII recipient: ORCPT utf-8 (RFC 6533)", mod: func(o *Options) { o.DSNNotify = "FAILURE" },
			env: Envelope{From: "a@x.example", To: []string{"jörg+a=b@y.example"}}, body: "x", script: greet + `
			S: 250-mx
			S: 250-DSN
			S: 250 SMTPUTF8
			C: MAIL FROM:<a@x.example> SMTPUTF8
			S: 250 ok
			C: RCPT TO:<jörg+a=b@y.example> NOTIFY=FAILURE ORCPT=utf-8;jörg\x{2B}a\x{3D}b@y.example
			S: 250 ok
			C: DATA
			S: 354 go
			C: x
			C: .
			S: 250 ok`, results: "250 "},
		{name: "dsn not offered", mod: func(o *Options) { o.DSNNotify = "NEVER" },
			env: Envelope{From: "a@x.example", To: []string{"b@y.example"}}, body: "x", script: greet + `
			S: 250 mx
			C: MAIL FROM:<a@x.example>
			S: 250 ok
			C: RCPT TO:<b@y.example>
			S: 250 ok
			C: DATA
			S: 354 go
			C: x
			C: .
			S: 250 ok`, results: "250 "},
		{name: "server closes mid-transaction", env: two, body: "x", script: greet + `
			S: 250-mx
			S: 250 PIPELINING
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: RCPT TO:<c@y.example>
			C: DATA
			S: 250 ok
			!close`, kind: errs.Closed},
		{name: "421 mid-transaction", env: two, body: "x", script: greet + `
			S: 250 mx
			C: MAIL FROM:<a@x.example>
			S: 421 shutting down`, kind: errs.Closed, errText: "421 shutting down"},
		// The replies still expected of the group are not read from the
		// closed connection: the error is the server's 421 (RFC 2920
		// section 3.1, RFC 5321 section 3.8).
		{name: "421 to a pipelined MAIL", env: two, body: "x", script: greet + `
			S: 250-mx
			S: 250 PIPELINING
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: RCPT TO:<c@y.example>
			C: DATA
			S: 421 4.3.2 shutting down
			!close`, kind: errs.Closed, errText: "421 4.3.2 shutting down"},
		{name: "421 to a pipelined RCPT", env: two, body: "x", script: greet + `
			S: 250-mx
			S: 250 PIPELINING
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: RCPT TO:<c@y.example>
			C: DATA
			S: 250 ok
			S: 421 too busy
			!close`, kind: errs.Closed, errText: "421 too busy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s, err := dialScript(t, tt.script, tt.mod)
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Send(tt.env, strings.NewReader(tt.body))
			if errs.KindOf(err) != tt.kind {
				t.Errorf("Send error %v (kind %d), want kind %d", err, errs.KindOf(err), tt.kind)
			}
			if err != nil && !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("Send error %q, want it to say %q", err, tt.errText)
			}
			if tt.results != "" {
				var got []string
				for _, r := range res {
					got = append(got, fmtResult(r))
				}
				if g := strings.Join(got, "|"); g != tt.results {
					t.Errorf("results %q, want %q", g, tt.results)
				}
			}
			closeAndCheck(t, c, s)
		})
	}
}

func fmtResult(r Result) string { return fmt.Sprintf("%d %s", r.Code, r.Enhanced) }
