package pop3

import (
	"strings"
	"testing"

	"mailwire/core/errs"
	"mailwire/core/internal/testwire"
	"mailwire/core/session"
	"mailwire/core/wire"
)

func TestSTLS(t *testing.T) {
	s := serve(t, `S: +OK ready
C: CAPA
S: +OK
S: STLS
S: SASL CRAM-MD5
S: .
C: STLS
S: +OK begin TLS
!tls
C: CAPA
S: +OK
S: USER
S: PIPELINING
S: .
C: USER tim
S: +OK
C: PASS tanstaaf
S: +OK
C: QUIT
S: +OK`)
	o := opts(s)
	o.SecuritySet, o.Security, o.AllowPlaintextAuth = true, wire.StartTLS, false
	o.TLS.CAFile = testwire.CAFile(t)
	c, err := dial(t, o)
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsTLS() {
		t.Error("no TLS")
	}
	// Capabilities learned before STLS are forgotten.
	if got := strings.Join(c.Capabilities(), ","); got != "USER,PIPELINING" {
		t.Errorf("capabilities %q", got)
	}
	quit(t, c, s)
}

func TestImplicitTLS(t *testing.T) {
	s := serve(t, `!tls
S: +OK ready
C: CAPA
S: +OK
S: SASL PLAIN
S: .
C: AUTH PLAIN AHRpbQB0YW5zdGFhZg==
S: +OK
C: QUIT
S: +OK`)
	o := opts(s)
	o.SecuritySet, o.Security, o.AllowPlaintextAuth = true, wire.TLS, false
	o.TLS.CAFile = testwire.CAFile(t)
	c, err := dial(t, o)
	if err != nil {
		t.Fatal(err)
	}
	quit(t, c, s)
}

func TestImplicitTLSUnknownCA(t *testing.T) {
	s := testwire.Serve(t, testwire.Options{Implicit: true}, "")
	o := opts(s)
	o.SecuritySet, o.Security = true, wire.TLS
	_, err := dial(t, o)
	wantKind(t, err, errs.TLS)
	s.Check(t)
}

// TestSTLSFailsClosed: with TLS required, no credential is written when
// STLS is absent, refused or attacked.
func TestSTLSFailsClosed(t *testing.T) {
	tests := []struct {
		name   string
		sec    wire.Security
		script string
		kind   errs.Kind
	}{
		{"STLS not offered", wire.StartTLS, `S: +OK ready <1.2@x>
C: CAPA
S: +OK
S: USER
S: SASL PLAIN CRAM-MD5
S: .`, errs.Security},
		{"STLS refused without CAPA", wire.StartTLS, `S: +OK ready
C: CAPA
S: -ERR what
C: STLS
S: -ERR no TLS today`, errs.Security},
		{"STLS refused", wire.StartTLS, `S: +OK ready
C: CAPA
S: +OK
S: STLS
S: .
C: STLS
S: -ERR [SYS/TEMP] no`, errs.Security},
		{"bytes after the STLS reply", wire.StartTLS, `S: +OK ready
C: CAPA
S: +OK
S: STLS
S: .
C: STLS
S: +OK begin TLS
S: +OK injected
S: USER
S: .`, errs.Protocol},
		{"optional: bytes after the STLS reply", wire.StartTLSOptional, `S: +OK ready
C: CAPA
S: +OK
S: STLS
S: .
C: STLS
S: +OK begin TLS
S: +OK injected`, errs.Protocol},
		{"token without TLS", wire.None, `S: +OK ready
C: CAPA
S: +OK
S: SASL OAUTHBEARER XOAUTH2 PLAIN
S: .`, errs.Security},
		{"optional: refused, then no plaintext password", wire.StartTLSOptional, `S: +OK ready
C: CAPA
S: +OK
S: STLS
S: USER
S: .
C: STLS
S: -ERR no`, errs.Security},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := serve(t, tc.script)
			o := opts(s)
			o.Security, o.AllowPlaintextAuth = tc.sec, false
			if strings.HasPrefix(tc.name, "token") {
				o.Password, o.Token = "", "ya29.token"
			}
			o.TLS.CAFile = testwire.CAFile(t)
			_, err := dial(t, o)
			wantKind(t, err, tc.kind)
			s.Check(t)
		})
	}
}

// TestHostile covers replies that are malformed, oversized or endless.
func TestHostile(t *testing.T) {
	defer func(l int) { maxListing = l }(maxListing)
	maxListing = 5
	long := strings.Repeat("x", 9000)
	tests := []struct {
		name   string
		script string
		run    func(c *Client) error
		kind   errs.Kind
	}{
		{"endless greeting line", "S: +OK " + long, nil, errs.Protocol},
		{"malformed greeting", "S: OK ready", nil, errs.Protocol},
		{"status without space", "S: +OKready", nil, errs.Protocol},
		{"endless CAPA", "S: +OK\nC: CAPA\nS: +OK\n" + strings.Repeat("S: X-CAP\n", 1001), nil, errs.Protocol},
		{"CAPA closed before its end", "S: +OK\nC: CAPA\nS: +OK\nS: USER\n!close", nil, errs.Closed},
		{"endless LIST", loggedIn + "\nC: STAT\nS: +OK 3 3\nC: LIST\nS: +OK\n" + strings.Repeat("S: 1 1\n", 6),
			func(c *Client) error { _, err := c.Size(1); return err }, errs.Protocol},
		{"negative size", loggedIn + "\nC: STAT\nS: +OK 1 3\nC: LIST\nS: +OK\nS: 1 -3\nS: .",
			func(c *Client) error { _, err := c.Size(1); return err }, errs.Protocol},
		{"LIST beyond STAT", loggedIn + "\nC: STAT\nS: +OK 1 3\nC: LIST\nS: +OK\nS: 2 3\nS: .",
			func(c *Client) error { _, err := c.Size(1); return err }, errs.Protocol},
		{"non-numeric STAT", loggedIn + "\nC: STAT\nS: +OK many 3",
			func(c *Client) error { _, err := c.Count(); return err }, errs.Protocol},
		{"too many messages", loggedIn + "\nC: STAT\nS: +OK 6 3",
			func(c *Client) error { _, err := c.Count(); return err }, errs.Protocol},
		{"bad UIDL line", loggedIn + "\nC: STAT\nS: +OK 1 3\nC: UIDL\nS: +OK\nS: 1\nS: .",
			func(c *Client) error { _, err := c.UID(1); return err }, errs.Protocol},
		{"UIDL unsupported", loggedIn + "\nC: STAT\nS: +OK 1 3\nC: UIDL\nS: -ERR unknown command",
			func(c *Client) error { _, err := c.UID(1); return err }, errs.Unsupported},
		{"RETR without terminator", loggedIn + "\nC: STAT\nS: +OK 1 3\nC: RETR 1\nS: +OK\nS: abc\n!close",
			func(c *Client) error { _, err := c.Retrieve(1, new(strings.Builder)); return err }, errs.Closed},
		{"RETR endless line", loggedIn + "\nC: STAT\nS: +OK 1 3\nC: RETR 1\nS: +OK\nS: " + strings.Repeat(long, 20) + "\nS: .\nC: QUIT\nS: +OK",
			func(c *Client) error {
				n, err := c.Retrieve(1, new(strings.Builder))
				if err == nil && n == 180002 {
					err = c.Quit()
				}
				return err
			}, 0},
		{"size that lies", loggedIn + "\nC: STAT\nS: +OK 1 3\nC: LIST\nS: +OK\nS: 1 3\nS: .\nC: RETR 1\nS: +OK\nS: much longer than 3\nS: .",
			func(c *Client) error {
				c.opts.Progress = func(done, total int64) {}
				var b strings.Builder
				_, err := c.Retrieve(1, &b)
				if err == nil && b.String() != "much longer than 3\r\n" {
					err = errs.New(errs.Internal, b.String())
				}
				return err
			}, 0},
		{"TOP not in CAPA", loggedIn + "\nC: STAT\nS: +OK 1 3\nC: TOP 1 0\nS: -ERR unknown command",
			func(c *Client) error {
				c.caps = []string{"USER"}
				_, err := c.Top(1, 0, new(strings.Builder))
				return err
			}, errs.Unsupported},
		{"malformed reply then nothing more", loggedIn + "\nC: NOOP\nS: OK",
			func(c *Client) error {
				if err := c.Noop(); errs.KindOf(err) != errs.Protocol {
					return err
				}
				return c.Noop()
			}, errs.State},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := serve(t, tc.script)
			c, err := dial(t, opts(s))
			if tc.run == nil {
				wantKind(t, err, tc.kind)
				s.Check(t)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			err = tc.run(c)
			c.Close()
			wantKind(t, err, tc.kind)
			s.Check(t)
		})
	}
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		o        Options
		sec      wire.Security
		port     int
		security string
	}{
		{Options{}, wire.TLS, 995, ""},
		{Options{session.ClientOptions{Port: 995}}, wire.TLS, 995, ""},
		{Options{session.ClientOptions{Port: 110}}, wire.StartTLS, 110, ""},
		{Options{session.ClientOptions{Port: 2110}}, wire.StartTLS, 2110, ""},
		{Options{}, wire.None, 110, "none"},
		{Options{}, wire.StartTLSOptional, 110, "STARTTLS-optional"},
		{Options{session.ClientOptions{Port: 1995}}, wire.TLS, 1995, "tls"},
	}
	for _, tc := range tests {
		if tc.security != "" {
			if err := tc.o.Set("security", tc.security); err != nil {
				t.Fatal(err)
			}
		}
		if sec, port := tc.o.Resolve(ports); sec != tc.sec || port != tc.port {
			t.Errorf("%+v: %d %d, want %d %d", tc.o, sec, port, tc.sec, tc.port)
		}
	}
}

func TestSet(t *testing.T) {
	tests := []struct {
		name, value string
		kind        errs.Kind
		check       func(o *Options) bool
	}{
		{"Host", "pop.example.com", 0, func(o *Options) bool { return o.Host == "pop.example.com" }},
		{"port", "995", 0, func(o *Options) bool { return o.Port == 995 }},
		{"port", "99999", errs.Option, nil},
		{"port", "0", errs.Option, nil},
		{"auth", "gssapi", errs.Option, nil},
		{"auth", "SCRAM-SHA-256", 0, func(o *Options) bool { return o.Auth == "scram-sha-256" }},
		{"timeout", "250ms", 0, func(o *Options) bool { return o.Timeout == 250e6 }},
		{"host", "a b", errs.Option, nil},
		{"port", "x", errs.Option, nil},
		{"security", "tls", 0, func(o *Options) bool { return o.SecuritySet && o.Security == wire.TLS }},
		{"security", "maybe", errs.Option, nil},
		{"username", "tim", 0, func(o *Options) bool { return o.Username == "tim" }},
		{"password", "a\r\nDELE 1", errs.Arg, nil},
		{"password", "p w", 0, func(o *Options) bool { return o.Password == "p w" }},
		{"token", "t", 0, func(o *Options) bool { return o.Token == "t" }},
		{"auth", "apop", 0, func(o *Options) bool { return o.Auth == "apop" }},
		{"timeout", "2.5", 0, func(o *Options) bool { return o.Timeout == 2500e6 }},
		{"timeout", "-1", errs.Option, nil},
		{"ca_file", "/x.pem", 0, func(o *Options) bool { return o.TLS.CAFile == "/x.pem" }},
		{"tls_verify", "0", 0, func(o *Options) bool { return o.TLS.NoVerify }},
		{"tls_verify", "perhaps", errs.Option, nil},
		{"pin", "ab:cd", 0, func(o *Options) bool { return o.TLS.Pin == "ab:cd" }},
		{"allow_plaintext_auth", "yes", 0, func(o *Options) bool { return o.AllowPlaintextAuth }},
		{"colour", "red", errs.Option, nil},
		{"host", "a\x00b", errs.Arg, nil},
	}
	for _, tc := range tests {
		var o Options
		err := o.Set(tc.name, tc.value)
		if errs.KindOf(err) != tc.kind {
			t.Errorf("Set(%q, %q): %v, want kind %d", tc.name, tc.value, err, tc.kind)
		}
		if tc.check != nil && !tc.check(&o) {
			t.Errorf("Set(%q, %q): %+v", tc.name, tc.value, o)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	tests := []struct {
		text string
		auth bool
		code string
		kind errs.Kind
	}{
		{"no such message", false, "", errs.Refused},
		{"invalid password", true, "", errs.Auth},
		{"[AUTH] bad credentials", false, "AUTH", errs.Auth},
		{"[in-use] locked", true, "IN-USE", errs.Temporary},
		{"[LOGIN-DELAY] wait", true, "LOGIN-DELAY", errs.Temporary},
		{"[SYS/TEMP] disk", false, "SYS/TEMP", errs.Temporary},
		{"[SYS/PERM] gone", true, "SYS/PERM", errs.Refused},
		{"[not a code", false, "", errs.Refused},
		{"[] empty", true, "", errs.Auth},
	}
	for _, tc := range tests {
		e := newError(tc.text)
		e.auth = tc.auth
		if e.Code != tc.code || errs.KindOf(e) != tc.kind {
			t.Errorf("%q: code %q kind %d, want %q %d", tc.text, e.Code, errs.KindOf(e), tc.code, tc.kind)
		}
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		line, text string
		kind       errs.Kind
	}{
		{"+OK", "", 0},
		{"+OK 2 320", "2 320", 0},
		{"-ERR", "", errs.Refused},
		{"-ERR no", "", errs.Refused},
		{"+OKAY", "", errs.Protocol},
		{"+ok", "", errs.Protocol},
		{"", "", errs.Protocol},
		{"* OK", "", errs.Protocol},
	}
	for _, tc := range tests {
		text, err := parseStatus(tc.line)
		if text != tc.text || errs.KindOf(err) != tc.kind {
			t.Errorf("%q: %q %v", tc.line, text, err)
		}
	}
}

func TestTimestamp(t *testing.T) {
	tests := map[string]string{
		"POP3 server ready <1896.697170952@dbc.mtview.ca.us>": "<1896.697170952@dbc.mtview.ca.us>",
		"ready":           "",
		"ready <>":        "",
		"ready <a b>":     "",
		"ready <a<b>":     "",
		"ready <unclosed": "",
		"<x@y> and <z@w>": "<x@y>",
		"ready <" + strings.Repeat("a", 600) + ">": "",
	}
	for in, want := range tests {
		if got := timestamp(in); got != want {
			t.Errorf("timestamp(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNotLoggedIn(t *testing.T) {
	c := &Client{}
	if _, err := c.Count(); errs.KindOf(err) != errs.State {
		t.Errorf("Count: %v", err)
	}
	if err := c.Reset(); errs.KindOf(err) != errs.State {
		t.Errorf("Reset: %v", err)
	}
}

// TestSetRefusedKeepsVerify checks that a refused tls_verify value leaves
// certificate verification on.
func TestSetRefusedKeepsVerify(t *testing.T) {
	var o Options
	if err := o.Set("tls_verify", "perhaps"); errs.KindOf(err) != errs.Option || o.TLS.NoVerify {
		t.Fatalf("Set(tls_verify, perhaps) = %v, NoVerify %v", err, o.TLS.NoVerify)
	}
}
