package smtp

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"mailwire/core/errs"
)

const plainHello = greet + "S: 250-mx\nS: 250-PIPELINING\nS: 250-DSN\nS: 250 SMTPUTF8\n"

func TestInjectionRefused(t *testing.T) {
	envs := []Envelope{
		{From: "a@x.example\r\nRSET", To: []string{"b@y.example"}},
		{From: "a@x.example", To: []string{"b@y.example\nDATA"}},
		{From: "a@x.example> SIZE=1", To: []string{"b@y.example"}},
		{From: "a@x.example", To: []string{"b@y.example> NOTIFY=NEVER"}},
		{From: "a@x.example", To: []string{"\"b\r\n\"@y.example"}},
		{From: "a@x.example", To: []string{"b@y.example\x00"}},
		{From: "a@x.example", To: []string{"b"}},
		{From: "a@x.example", To: nil},
		// Refused by the grammar the server applies too (core/syntax).
		{From: "a@evil.example@good.example", To: []string{"b@y.example"}},
		{From: "a@x.example", To: []string{"b@y_z.example"}},
		{From: "a@x.example", To: []string{"b@y.example."}},
		{From: "a@x.example", To: []string{"b..c@y.example"}},
		{From: "a@x.example", To: []string{"b@[1.2.3]"}},
	}
	for i, env := range envs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			c, s, err := dialScript(t, plainHello, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Send(env, strings.NewReader("x")); errs.KindOf(err) != errs.Arg {
				t.Errorf("Send(%+v): %v, want errs.Arg", env, err)
			}
			closeAndCheck(t, c, s)
		})
	}
}

func TestInjectionInOptions(t *testing.T) {
	mods := []func(*Options){
		func(o *Options) { o.Helo = "client.example\r\nMAIL FROM:<x@y>" },
		func(o *Options) { o.EnvID = "id\r\nRSET" },
		func(o *Options) { o.DSNNotify = "SUCCESS\r\nRSET" },
		func(o *Options) { o.DSNRet = "FULL\nX" },
		func(o *Options) { o.Username, o.Password = "u\r\n", "p" },
	}
	for i, mod := range mods {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			o := testOptions(1) // never dialled: refused before connecting
			mod(&o)
			_, err := Dial(context.Background(), o)
			if k := errs.KindOf(err); k != errs.Arg && k != errs.Option {
				t.Errorf("Dial: %v, want errs.Arg or errs.Option", err)
			}
		})
	}
	var o Options
	if err := o.Set("helo", "a\r\nb"); errs.KindOf(err) != errs.Arg {
		t.Errorf("Set helo: %v", err)
	}
}

func TestTimeout(t *testing.T) {
	script := greet + "S: 250 mx\nC: MAIL FROM:<a@x.example>"
	c, s, err := dialScript(t, script, func(o *Options) { o.Timeout = 50 * time.Millisecond })
	if err != nil {
		t.Fatal(err)
	}
	// The server stalls: it never answers MAIL.
	_, err = c.Send(Envelope{From: "a@x.example", To: []string{"b@y.example"}}, strings.NewReader("x"))
	if errs.KindOf(err) != errs.Timeout {
		t.Fatalf("got %v, want errs.Timeout", err)
	}
	if err := c.Noop(); errs.KindOf(err) != errs.State {
		t.Errorf("after timeout: %v, want errs.State", err)
	}
	s.Check(t)
}

func TestCancel(t *testing.T) {
	c, s, err := dialScript(t, greet+"S: 250 mx\nC: NOOP\n!hold", nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- c.Noop() }()
	select { // the server has read NOOP and stalls
	case <-s.Held():
	case <-time.After(10 * time.Second):
		t.Fatal("NOOP never arrived")
	}
	c.Cancel()
	if err := <-done; errs.KindOf(err) != errs.Cancelled {
		t.Errorf("got %v, want errs.Cancelled", err)
	}
	if err := c.Noop(); errs.KindOf(err) != errs.State {
		t.Errorf("after Cancel: %v, want errs.State", err)
	}
	s.Check(t)
}

func TestDialCancelledContext(t *testing.T) {
	s := newServer(t, "", nil, false) // accepts and never greets
	ctx, cancel := context.WithCancel(context.Background())
	o := testOptions(s.Port())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	if _, err := Dial(ctx, o); errs.KindOf(err) != errs.Cancelled {
		t.Errorf("got %v, want errs.Cancelled", err)
	}
	s.Check(t)
}

func TestBDATChunks(t *testing.T) {
	body := strings.Repeat("a", chunkSize-2) + "\n" + strings.Repeat("b", 10) // 1 + chunkSize+10 bytes after CRLF
	script := greet + `
		S: 250-mx
		S: 250 CHUNKING
		C: MAIL FROM:<a@x.example>
		S: 250 ok
		C: RCPT TO:<b@y.example>
		S: 250 ok
		C: BDAT ` + fmt.Sprint(chunkSize) + `
		C= "` + strings.Repeat("a", chunkSize-2) + `\r\n"
		S: 250 chunk
		C: BDAT 12 LAST
		C= "bbbbbbbbbb\r\n"
		S: 250 queued
		C: RSET
		S: 250 ok`
	var calls, last int64
	c, s, err := dialScript(t, script, func(o *Options) {
		o.Progress = func(done, total int64) { calls++; last = done }
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(Envelope{From: "a@x.example", To: []string{"b@y.example"}}, strings.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != int64(len(body)) {
		t.Errorf("progress: %d calls, last %d, want %d", calls, last, len(body))
	}
	if err := c.Reset(); err != nil {
		t.Fatal(err)
	}
	closeAndCheck(t, c, s)
}

func TestSendAfterDrop(t *testing.T) {
	c, s, err := dialScript(t, greet+"S: 250 mx\nC: NOOP\n!close", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(); errs.KindOf(err) != errs.Closed {
		t.Errorf("NOOP: %v, want errs.Closed", err)
	}
	if _, err := c.Send(poolEnv, strings.NewReader("x")); errs.KindOf(err) != errs.State {
		t.Errorf("Send: %v, want errs.State", err)
	}
	closeAndCheck(t, c, s)
}

func TestSecondMessageResets(t *testing.T) {
	c, s, err := dialScript(t, greet+`
		S: 250 mx
		C: MAIL FROM:<a@x.example>
		S: 451 busy
		C: RSET
		S: 250 ok
		C: MAIL FROM:<a@x.example>
		S: 250 ok
		C: RCPT TO:<b@y.example>
		S: 250 ok
		C: DATA
		S: 354 go
		C: x
		C: .
		S: 250 ok
		C: MAIL FROM:<a@x.example>
		S: 250 ok
		C: RCPT TO:<b@y.example>
		S: 250 ok
		C: DATA
		S: 354 go
		C: x
		C: .
		S: 250 ok`, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []errs.Kind{errs.Temporary, 0, 0} {
		if _, err := c.Send(poolEnv, strings.NewReader("x")); errs.KindOf(err) != want {
			t.Errorf("send %d: %v, want kind %d", i, err, want)
		}
	}
	closeAndCheck(t, c, s)
}
