package smtp

import (
	"io"
	"strings"
	"testing"

	"mailwire/core/errs"
)

// batch builds items from "body>rcpt,rcpt" strings, all from a@x.example.
func batch(specs ...string) []Item {
	var items []Item
	for _, s := range specs {
		body, to, _ := strings.Cut(s, ">")
		items = append(items, Item{Env: Envelope{From: "a@x.example", To: strings.Split(to, ",")},
			Body: strings.NewReader(body)})
	}
	return items
}

const pipeGreet = greet + "S: 250-mx\nS: 250-ENHANCEDSTATUSCODES\nS: 250 PIPELINING\n"

const bdatGreet = greet + "S: 250-mx\nS: 250-PIPELINING\nS: 250 CHUNKING\n"

func TestSendMany(t *testing.T) { forEachReading(t, testSendMany) }

func testSendMany(t *testing.T) {
	tests := []struct {
		name    string
		items   []Item
		script  string
		kind    errs.Kind   // of the batch
		kinds   []errs.Kind // of each message
		sent    string      // "1" when the message's data was written, else "0"
		results string      // per message "code enhanced" per recipient joined by ",", messages by "|"
	}{
		{name: "data stream, one round trip per message", items: batch("m1>b@y.example", "m2>c@y.example", "m3>d@y.example"),
			script: pipeGreet + `
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: DATA
			S: 250 2.1.0 ok
			S: 250 2.1.5 ok
			S: 354 go
			C: m1
			C: .
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<c@y.example>
			C: DATA
			S: 250 2.0.0 queued 1
			S: 250 2.1.0 ok
			S: 250 2.1.5 ok
			S: 354 go
			C: m2
			C: .
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<d@y.example>
			C: DATA
			S: 250 2.0.0 queued 2
			S: 250 2.1.0 ok
			S: 250 2.1.5 ok
			S: 354 go
			C: m3
			C: .
			S: 250 2.0.0 queued 3`,
			kinds: []errs.Kind{0, 0, 0}, sent: "111", results: "250 2.0.0|250 2.0.0|250 2.0.0"},
		{name: "data stream, refusals in the middle", items: batch("m1>b@y.example,c@y.example", "m2>d@y.example",
			"m3>e@y.example", "m4>f@y.example"),
			script: pipeGreet + `
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: RCPT TO:<c@y.example>
			C: DATA
			S: 250 2.1.0 ok
			S: 550 5.1.1 no such user
			S: 250 2.1.5 ok
			S: 354 go
			C: m1
			C: .
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<d@y.example>
			C: DATA
			S: 250 2.0.0 queued 1
			S: 250 2.1.0 ok
			S: 550 5.1.1 no such user
			S: 554 5.5.1 no valid recipients
			C: RSET
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<e@y.example>
			C: DATA
			S: 250 2.0.0 reset
			S: 250 2.1.0 ok
			S: 250 2.1.5 ok
			S: 451 4.3.0 try later
			C: RSET
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<f@y.example>
			C: DATA
			S: 250 2.0.0 reset
			S: 250 2.1.0 ok
			S: 250 2.1.5 ok
			S: 354 go
			C: m4
			C: .
			S: 554 5.7.1 spam`,
			kind: errs.Partial, kinds: []errs.Kind{errs.Partial, errs.Refused, errs.Temporary, errs.Refused}, sent: "1001",
			results: "550 5.1.1,250 2.0.0|550 5.1.1|451 4.3.0|554 5.7.1"},
		{name: "data stream, 421 after a message's data", items: batch("m1>b@y.example", "m2>c@y.example", "m3>d@y.example"),
			script: pipeGreet + `
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: DATA
			S: 250 2.1.0 ok
			S: 250 2.1.5 ok
			S: 354 go
			C: m1
			C: .
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<c@y.example>
			C: DATA
			S: 421 4.3.2 shutting down
			!close`,
			kind: errs.Closed, kinds: []errs.Kind{errs.Closed, errs.Closed, errs.Closed}, sent: "100",
			results: "421 4.3.2||"},
		{name: "data stream, connection lost before a final reply", items: batch("m1>b@y.example", "m2>c@y.example"),
			script: pipeGreet + `
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: DATA
			S: 250 2.1.0 ok
			S: 250 2.1.5 ok
			S: 354 go
			C: m1
			C: .
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<c@y.example>
			C: DATA
			S: 250 2.0.0 queued 1
			S: 250 2.1.0 ok
			S: 250 2.1.5 ok
			S: 354 go
			C: m2
			C: .
			!close`,
			kind: errs.Closed, kinds: []errs.Kind{0, errs.Closed}, sent: "11", results: "250 2.0.0|250 2.1.5"},
		{name: "bad item skipped, lock step without PIPELINING", items: batch("m1>b@y.example", "m2>bad address", "m3>d@y.example"),
			script: greet + `
			S: 250 mx
			C: MAIL FROM:<a@x.example>
			S: 250 ok
			C: RCPT TO:<b@y.example>
			S: 250 ok
			C: DATA
			S: 354 go
			C: m1
			C: .
			S: 250 queued 1
			C: MAIL FROM:<a@x.example>
			S: 250 ok
			C: RCPT TO:<d@y.example>
			S: 250 ok
			C: DATA
			S: 354 go
			C: m3
			C: .
			S: 250 queued 2`,
			kind: errs.Partial, kinds: []errs.Kind{0, errs.Arg, 0}, sent: "101", results: "250 ||250 "},
		{name: "bdat stream, MAIL refused in the middle", items: batch("m1>b@y.example", "m2>c@y.example", "m3\n>d@y.example"),
			script: bdatGreet + `
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: BDAT 4 LAST
			C: m1
			C: RSET
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<c@y.example>
			C: BDAT 4 LAST
			C: m2
			C: RSET
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<d@y.example>
			C: BDAT 4 LAST
			C: m3
			S: 250 ok
			S: 250 ok
			S: 250 queued 1
			S: 250 reset
			S: 451 sender later
			S: 503 need MAIL
			S: 503 need MAIL
			S: 250 reset
			S: 250 ok
			S: 550 no
			S: 554 no valid recipients`,
			kind: errs.Partial, kinds: []errs.Kind{0, errs.Temporary, errs.Refused}, sent: "111",
			results: "250 |503 |550 "},
		{name: "bdat stream, connection lost with messages written but unanswered", items: batch("m1>b@y.example", "m2>c@y.example", "m3>d@y.example"),
			script: bdatGreet + `
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: BDAT 4 LAST
			C: m1
			C: RSET
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<c@y.example>
			C: BDAT 4 LAST
			C: m2
			C: RSET
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<d@y.example>
			C: BDAT 4 LAST
			C: m3
			S: 250 ok
			S: 250 ok
			S: 250 queued 1
			S: 250 reset
			!close`,
			// m2 and m3 went out whole: they may have been delivered, and
			// must never be sent again.
			kind: errs.Closed, kinds: []errs.Kind{0, errs.Closed, errs.Closed}, sent: "111",
			results: "250 |0 |"},
		{name: "bdat stream, next batch after a clean end needs no RSET", items: batch("m1>b@y.example"),
			script: bdatGreet + `
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			C: BDAT 4 LAST
			C: m1
			S: 250 ok
			S: 250 ok
			S: 250 queued 1`,
			kinds: []errs.Kind{0}, sent: "1", results: "250 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s, err := dialScript(t, tt.script, nil)
			if err != nil {
				t.Fatal(err)
			}
			out, err := c.SendMany(tt.items)
			if errs.KindOf(err) != tt.kind {
				t.Errorf("batch error %v (kind %d), want kind %d", err, errs.KindOf(err), tt.kind)
			}
			var sent, res []string
			for i, o := range out {
				if k := errs.KindOf(o.Err); k != tt.kinds[i] {
					t.Errorf("message %d: error %v (kind %d), want kind %d", i+1, o.Err, k, tt.kinds[i])
				}
				sent = append(sent, map[bool]string{true: "1", false: "0"}[o.Sent])
				var r []string
				for _, x := range o.Results {
					r = append(r, fmtResult(x))
				}
				res = append(res, strings.Join(r, ","))
			}
			if g := strings.Join(sent, ""); g != tt.sent {
				t.Errorf("sent %q, want %q", g, tt.sent)
			}
			if g := strings.Join(res, "|"); g != tt.results {
				t.Errorf("results %q, want %q", g, tt.results)
			}
			closeAndCheck(t, c, s)
		})
	}
}

// TestSendManyTwoBatches checks that a batch after a refused one starts
// with RSET, and that a closed client refuses a batch before writing.
func TestSendManyTwoBatches(t *testing.T) {
	c, s, err := dialScript(t, pipeGreet+`
		C: MAIL FROM:<a@x.example>
		C: RCPT TO:<b@y.example>
		C: DATA
		S: 550 5.7.1 no
		S: 503 5.5.1 need MAIL
		S: 503 5.5.1 need MAIL
		C: RSET
		C: MAIL FROM:<a@x.example>
		C: RCPT TO:<c@y.example>
		C: DATA
		S: 250 2.0.0 reset
		S: 250 2.1.0 ok
		S: 250 2.1.5 ok
		S: 354 go
		C: m2
		C: .
		S: 250 2.0.0 queued`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendMany(batch("m1>b@y.example")); errs.KindOf(err) != errs.Partial {
		t.Errorf("first batch: %v, want errs.Partial", err)
	}
	if _, err := c.SendMany(batch("m2>c@y.example")); err != nil {
		t.Errorf("second batch: %v", err)
	}
	c.Close()
	out, err := c.SendMany(batch("m3>d@y.example"))
	if errs.KindOf(err) != errs.State || errs.KindOf(out[0].Err) != errs.State {
		t.Errorf("after Close: %v / %v, want errs.State", err, out[0].Err)
	}
	s.Check(t)
}

// wireText is a body in wire form, as *mime.Message is for a small
// message held in memory.
type wireText string

func (w wireText) WriteTo(out io.Writer) (int64, error) {
	n, err := io.WriteString(out, string(w))
	return int64(n), err
}

func (w wireText) WireBytes() []byte { return []byte(w) }

// TestSendWireBody checks that a body in wire form goes out as it is with
// BDAT and with DATA, but dot-stuffed when a line starts with a dot, and
// that messages to the same and to other addresses (planned from the
// memo of the envelope before) get the right commands, an invalid address
// refused after a valid one.
func TestSendWireBody(t *testing.T) {
	for _, chunking := range []bool{true, false} {
		greeting, body1, body2 := pipeGreet, "C: m1\n\t\t\tC: .", "C: ..m2\n\t\t\tC: ..\n\t\t\tC: ."
		if chunking {
			greeting, body1, body2 = bdatGreet, "C: BDAT 4 LAST\n\t\t\tC: m1", "C: BDAT 8 LAST\n\t\t\tC: .m2\n\t\t\tC: ."
		}
		data := func(body string) string {
			if chunking {
				return body + "\n\t\t\tS: 250 ok\n\t\t\tS: 250 ok\n\t\t\tS: 250 queued"
			}
			return "C: DATA\n\t\t\tS: 250 ok\n\t\t\tS: 250 ok\n\t\t\tS: 354 go\n\t\t\t" + body + "\n\t\t\tS: 250 queued"
		}
		c, s, err := dialScript(t, greeting+`
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<b@y.example>
			`+data(body1)+`
			C: MAIL FROM:<a@x.example>
			C: RCPT TO:<c@y.example>
			`+data(body2), nil)
		if err != nil {
			t.Fatal(err)
		}
		env := Envelope{From: "a@x.example", To: []string{"b@y.example"}}
		if _, err := c.Send(env, wireText("m1\r\n")); err != nil {
			t.Fatalf("chunking %v: %v", chunking, err)
		}
		bad := Envelope{From: "a@x.example", To: []string{"c@y.example", "b@y example"}}
		if _, err := c.Send(bad, wireText("m1\r\n")); errs.KindOf(err) != errs.Arg {
			t.Errorf("chunking %v: invalid recipient: %v, want errs.Arg", chunking, err)
		}
		env.To = []string{"c@y.example"}
		if _, err := c.Send(env, wireText(".m2\r\n.\r\n")); err != nil {
			t.Fatalf("chunking %v: %v", chunking, err)
		}
		closeAndCheck(t, c, s)
	}
}
