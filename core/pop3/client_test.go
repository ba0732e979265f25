package pop3

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"mailwire/core/errs"
	"mailwire/core/session"
	"mailwire/core/wire"
)

const capaPlain = `S: +OK POP3 ready
C: CAPA
S: +OK list follows
S: TOP
S: UIDL
S: USER
S: .`

// TestLogin covers the ways of logging in; each script ends with QUIT.
func TestLogin(t *testing.T) {
	tests := []struct {
		name   string
		auth   string
		script string
		tweak  func(*Options)
	}{
		{"user", "user", capaPlain + `
C: USER tim
S: +OK
C: PASS tanstaaf
S: +OK maildrop locked`, nil},
		{"auto without SASL or timestamp is USER/PASS", "auto", capaPlain + `
C: USER tim
S: +OK
C: PASS tanstaaf
S: +OK`, nil},
		{"APOP, RFC 1939 section 7 example", "auto", `
S: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>
C: CAPA
S: -ERR unknown command
C: APOP mrose c4c9334bac560ecc979e58001b3e22fb
S: +OK mrose's maildrop has 2 messages (320 octets)`, func(o *Options) { o.Username = "mrose" }},
		{"SASL PLAIN with initial response", "auto", `
S: +OK ready
C: CAPA
S: +OK
S: SASL PLAIN
S: .
C: AUTH PLAIN AHRpbQB0YW5zdGFhZg==
S: +OK`, nil},
		{"SASL PLAIN named, without CAPA", "plain", `
S: +OK ready
C: CAPA
S: -ERR
C: AUTH PLAIN AHRpbQB0YW5zdGFhZg==
S: +OK`, nil},
		{"CRAM-MD5 is chosen without TLS and without allow_plaintext_auth", "auto", `
S: +OK ready <1.2@x>
C: CAPA
S: +OK
S: SASL PLAIN CRAM-MD5
S: USER
S: .
C: AUTH CRAM-MD5
S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+
C: dGltIDcwNTMyMjA1MWE3ZTE0ZWZjNjcwMWVhZmZlOTJjOTli
S: +OK`, func(o *Options) { o.AllowPlaintextAuth = false }},
		{"SCRAM-SHA-256 preferred", "auto", `
S: +OK ready
C: CAPA
S: +OK
S: SASL PLAIN SCRAM-SHA-256
S: .
!sasl SCRAM-SHA-256`, nil},
		{"XOAUTH2 token too long for the AUTH line", "xoauth2", `
S: +OK ready
C: CAPA
S: +OK
S: SASL XOAUTH2
S: .
C: AUTH XOAUTH2
S: +
C: dXNlcj10aW0BYXV0aD1CZWFyZXIgeXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5AQE=
S: +OK`, func(o *Options) { o.Password, o.Token = "", strings.Repeat("y", 300) }},
		{"LOGIN with challenges", "login", `
S: +OK ready
C: CAPA
S: +OK
S: SASL LOGIN
S: .
C: AUTH LOGIN
S: + VXNlcm5hbWU6
C: dGlt
S: + UGFzc3dvcmQ6
C: dGFuc3RhYWY=
S: +OK`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := serve(t, tc.script+"\nC: QUIT\nS: +OK bye")
			o := opts(s)
			o.Auth = tc.auth
			if tc.tweak != nil {
				tc.tweak(&o)
			}
			c, err := dial(t, o)
			if err != nil {
				t.Fatal(err)
			}
			quit(t, c, s)
		})
	}
}

// TestLoginRefused covers failures during authorization: the kind of the
// error and that no credential is written where it must not be.
func TestLoginRefused(t *testing.T) {
	tests := []struct {
		name   string
		auth   string
		allow  bool
		script string
		kind   errs.Kind
	}{
		{"bad password", "user", true, capaPlain + `
C: USER tim
S: +OK
C: PASS tanstaaf
S: -ERR invalid login`, errs.Auth},
		{"in use", "user", true, capaPlain + `
C: USER tim
S: +OK
C: PASS tanstaaf
S: -ERR [IN-USE] maildrop locked`, errs.Temporary},
		{"sys/perm", "user", true, capaPlain + `
C: USER tim
S: +OK
C: PASS tanstaaf
S: -ERR [SYS/PERM] gone`, errs.Refused},
		{"greeting -ERR", "user", true, `
S: -ERR go away`, errs.Refused},
		{"USER without TLS", "user", false, capaPlain, errs.Security},
		{"auto offers only PLAIN without TLS", "auto", false, `
S: +OK ready <1.2@x>
C: CAPA
S: +OK
S: SASL PLAIN
S: USER
S: .`, errs.Security},
		{"APOP without TLS", "apop", false, `
S: +OK ready <1.2@x>
C: CAPA
S: -ERR`, errs.Security},
		{"APOP without timestamp", "apop", true, capaPlain, errs.Unsupported},
		{"SASL mechanism not offered", "scram-sha-256", true, `
S: +OK ready
C: CAPA
S: +OK
S: SASL PLAIN
S: .`, errs.Unsupported},
		{"SASL refused", "plain", true, `
S: +OK ready
C: CAPA
S: -ERR
C: AUTH PLAIN AHRpbQB0YW5zdGFhZg==
S: -ERR [AUTH] no`, errs.Auth},
		{"SCRAM wrong password", "scram-sha-256", true, `
S: +OK ready
C: CAPA
S: -ERR`, errs.Auth},
		{"a third LOGIN challenge is cancelled with *", "login", true, `
S: +OK ready
C: CAPA
S: -ERR
C: AUTH LOGIN
S: + VXNlcm5hbWU6
C: dGlt
S: + UGFzc3dvcmQ6
C: dGFuc3RhYWY=
S: + UGFzc3dvcmQ6
C: *
S: -ERR cancelled`, errs.Protocol},
		{"bad challenge is cancelled with *", "login", true, `
S: +OK ready
C: CAPA
S: -ERR
C: AUTH LOGIN
S: + !!!
C: *
S: -ERR cancelled`, errs.Protocol},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			script := tc.script
			if strings.HasPrefix(tc.name, "SCRAM") {
				script += "\n!sasl SCRAM-SHA-256"
			}
			s := serve(t, script)
			o := opts(s)
			o.Auth, o.AllowPlaintextAuth = tc.auth, tc.allow
			if strings.HasPrefix(tc.name, "SCRAM") {
				o.Password = "wrong"
			}
			c, err := dial(t, o)
			if c != nil {
				c.Close()
			}
			wantKind(t, err, tc.kind)
			s.Check(t)
		})
	}
}

// TestTransaction runs every transaction command against one script.
func TestTransaction(t *testing.T) {
	s := serve(t, capaPlain+`
C: USER tim
S: +OK
C: PASS tanstaaf
S: +OK
C: STAT
S: +OK 3 620
C: LIST
S: +OK 3 messages
S: 1 120
S: 2 200 extra
S: 3 300
S: .
C: UIDL
S: +OK
S: 1 whqtswO00WBw418f9t5JxYwZ
S: 2 QhdPYR:00WBw1Ph7x7
S: 3 abc
S: .
C: TOP 1 0
S: +OK
S: Subject: hi
S:
S: .
C: RETR 2
S: +OK 200 octets
S: Subject: dots
S:
S: ..leading dot
S: ...two
S: bare
S: .
C: DELE 1
S: +OK deleted
C: RSET
S: +OK
C: NOOP
S: +OK
C: DELE 3
S: +OK
C: QUIT
S: +OK bye`)
	c := login(t, s)
	if n, err := c.Count(); n != 3 || err != nil {
		t.Fatalf("Count = %d, %v", n, err)
	}
	for n, want := range []int64{0, 120, 200, 300} {
		if n == 0 {
			continue
		}
		if got, err := c.Size(n); got != want || err != nil {
			t.Errorf("Size(%d) = %d, %v", n, got, err)
		}
	}
	if u, err := c.UID(2); u != "QhdPYR:00WBw1Ph7x7" || err != nil {
		t.Errorf("UID(2) = %q, %v", u, err)
	}
	for _, n := range []int{0, 4, -1} {
		if _, err := c.Size(n); errs.KindOf(err) != errs.NotFound {
			t.Errorf("Size(%d): %v, want NotFound", n, err)
		}
	}
	var buf bytes.Buffer
	if _, err := c.Top(1, 0, &buf); err != nil || buf.String() != "Subject: hi\r\n\r\n" {
		t.Errorf("Top = %q, %v", buf.String(), err)
	}
	buf.Reset()
	var calls int
	var lastDone, lastTotal int64
	c.opts.Progress = func(done, total int64) { calls, lastDone, lastTotal = calls+1, done, total }
	n, err := c.Retrieve(2, &buf)
	want := "Subject: dots\r\n\r\n.leading dot\r\n..two\r\nbare\r\n"
	if err != nil || buf.String() != want || n != int64(len(want)) {
		t.Errorf("Retrieve = %d %q, %v", n, buf.String(), err)
	}
	if calls == 0 || lastDone != n || lastTotal != 200 {
		t.Errorf("Progress: %d calls, last (%d, %d)", calls, lastDone, lastTotal)
	}
	c.opts.Progress = nil
	if err := c.Delete(1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Retrieve(1, io.Discard); errs.KindOf(err) != errs.NotFound {
		t.Errorf("Retrieve of a deleted message: %v", err)
	}
	if err := c.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(3); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(); errs.KindOf(err) != errs.State {
		t.Errorf("Noop after Quit: %v", err)
	}
	s.Check(t)
}

const loggedIn = capaPlain + `
C: USER tim
S: +OK
C: PASS tanstaaf
S: +OK`

const pipelined = `S: +OK ready
C: CAPA
S: +OK
S: PIPELINING
S: USER
S: .
C: USER tim
S: +OK
C: PASS tanstaaf
S: +OK
C: STAT
S: +OK 3 30`

func TestNoCommandInsideFetch(t *testing.T) {
	s := serve(t, pipelined+`
C: RETR 1
S: +OK
S: one
S: .
C: NOOP
S: +OK
C: QUIT
S: +OK`)
	c := login(t, s)
	res, err := c.Fetch([]int{1}, false, func(n int, r io.Reader) error { return c.Noop() })
	if err != nil {
		t.Fatal(err)
	}
	wantKind(t, res[0], errs.State)
	if err := c.Noop(); err != nil {
		t.Fatal(err)
	}
	quit(t, c, s)
}

// FetchMessages parses each message; one that fails is nil and not
// deleted, and the call reports its error.
func TestFetchMessages(t *testing.T) {
	s := serve(t, pipelined+`
C: RETR 2
C: RETR 3
S: +OK
S: Subject: two
S:
S: body
S: .
C: DELE 2
S: -ERR gone
S: +OK
C: QUIT
S: +OK`)
	c := login(t, s)
	msgs, res, err := c.FetchMessages(2, 2, true)
	wantKind(t, err, errs.Refused)
	if len(msgs) != 2 || msgs[1] != nil || res[0] != nil {
		t.Fatalf("messages %v, results %v", msgs, res)
	}
	if v, _ := msgs[0].Get("Subject"); v != "two" {
		t.Errorf("Subject = %q", v)
	}
	msgs[0].Close()
	quit(t, c, s)
}

func TestLogRedactsSecrets(t *testing.T) {
	s := serve(t, loggedIn+`
C: QUIT
S: +OK`)
	var log bytes.Buffer
	o := opts(s)
	o.Log = wire.NewLog(&log)
	c, err := dial(t, o)
	if err != nil {
		t.Fatal(err)
	}
	c.Quit()
	s.Check(t)
	if strings.Contains(log.String(), "tanstaaf") || !strings.Contains(log.String(), "C: PASS <secret>") {
		t.Errorf("log:\n%s", log.String())
	}
}

func TestAPOPDigest(t *testing.T) {
	// RFC 1939 section 7.
	if got := apopDigest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"); got != "c4c9334bac560ecc979e58001b3e22fb" {
		t.Errorf("digest %s", got)
	}
}

func TestArgumentsChecked(t *testing.T) {
	for _, o := range []Options{
		{session.ClientOptions{Host: "127.0.0.1", Port: 1, Username: "tim\r\nDELE 1", Password: "x"}},
		{session.ClientOptions{Host: "127.0.0.1", Port: 1, Username: "tim", Password: "x\ny"}},
		{session.ClientOptions{Host: "127.0.0.1\x00", Port: 1, Username: "tim", Password: "x"}},
		{session.ClientOptions{Host: "127.0.0.1", Port: 1, Username: "", Password: "x"}},
	} {
		_, err := Dial(context.Background(), o)
		wantKind(t, err, errs.Arg)
	}
	if _, err := cmdLine("USER", []string{"a\rb"}); errs.KindOf(err) != errs.Arg {
		t.Errorf("cmdLine: %v", err)
	}
}

func TestCancel(t *testing.T) {
	s := serve(t, loggedIn+`
C: NOOP
!hold`)
	c := login(t, s)
	go func() { <-s.Held(); c.Cancel() }()
	wantKind(t, c.Noop(), errs.Cancelled)
	s.Check(t)
}

func TestDialCancelled(t *testing.T) {
	s := serve(t, `!hold`)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-s.Held(); cancel() }()
	_, err := Dial(ctx, opts(s))
	wantKind(t, err, errs.Cancelled)
	s.Check(t)
}

func TestTimeout(t *testing.T) {
	s := serve(t, loggedIn+`
C: NOOP`)
	o := opts(s)
	c, err := dial(t, o)
	if err != nil {
		t.Fatal(err)
	}
	c.conn.Timeout = 50e6 // 50 ms; the server never answers
	wantKind(t, c.Noop(), errs.Timeout)
	if err := c.Noop(); errs.KindOf(err) != errs.State {
		t.Errorf("Noop after a timeout: %v", err)
	}
	s.Check(t)
}

func TestQuitError(t *testing.T) {
	s := serve(t, loggedIn+`
C: QUIT
S: -ERR [SYS/TEMP] some deleted messages not removed`)
	c := login(t, s)
	err := c.Quit()
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != "SYS/TEMP" || errs.KindOf(err) != errs.Temporary {
		t.Errorf("Quit: %v", err)
	}
	s.Check(t)
}
