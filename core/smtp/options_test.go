package smtp

import (
	"testing"
	"time"

	"mailwire/core/errs"
	"mailwire/core/session"
	"mailwire/core/wire"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		url  string
		kind errs.Kind
		want Options
	}{
		{url: "smtp://us%40er:p%3Ass@mail.example:2525?security=starttls-optional&auth=PLAIN&timeout=1.5",
			want: Options{ClientOptions: session.ClientOptions{Host: "mail.example", Port: 2525, Username: "us@er",
				Password: "p:ss", Security: wire.StartTLSOptional, SecuritySet: true, Auth: "plain",
				Timeout: 1500 * time.Millisecond}}},
		{url: "smtps://mail.example", want: Options{ClientOptions: session.ClientOptions{Host: "mail.example",
			Port: 465, Security: wire.TLS, SecuritySet: true}}},
		{url: "lmtp://127.0.0.1?security=none", want: Options{ClientOptions: session.ClientOptions{Host: "127.0.0.1",
			Port: 24, Security: wire.None, SecuritySet: true}, LMTP: true}},
		{url: "smtp://h?dsn_notify=success,delay&dsn_ret=hdrs&envid=x1&tls_verify=0&pipelining=never",
			want: Options{ClientOptions: session.ClientOptions{Host: "h"},
				DSNNotify: "SUCCESS,DELAY", DSNRet: "HDRS", EnvID: "x1", Pipelining: "never"}},
		{url: "http://h", kind: errs.Parse},
		{url: "smtp://", kind: errs.Parse},
		{url: "smtp://h?bogus=1", kind: errs.Option},
		{url: "smtp://h?port=70000", kind: errs.Option},
		{url: "smtp://h?dsn_notify=NEVER,SUCCESS", kind: errs.Option},
		{url: "smtp://h?helo=a%0D%0AQUIT", kind: errs.Arg},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			o, err := ParseURL(tt.url)
			if errs.KindOf(err) != tt.kind {
				t.Fatalf("error %v, want kind %d", err, tt.kind)
			}
			if err != nil {
				return
			}
			o.TLS.NoVerify = false // checked below
			if o.Host != tt.want.Host || o.Port != tt.want.Port || o.Username != tt.want.Username ||
				o.Password != tt.want.Password || o.Security != tt.want.Security || o.SecuritySet != tt.want.SecuritySet ||
				o.Auth != tt.want.Auth || o.Timeout != tt.want.Timeout || o.LMTP != tt.want.LMTP ||
				o.DSNNotify != tt.want.DSNNotify || o.DSNRet != tt.want.DSNRet || o.EnvID != tt.want.EnvID ||
				o.Pipelining != tt.want.Pipelining {
				t.Errorf("got %+v\nwant %+v", o, tt.want)
			}
		})
	}
}

func TestSet(t *testing.T) {
	tests := []struct {
		name, value string
		kind        errs.Kind
		check       func(o *Options) bool
	}{
		{"HOST", "h", 0, func(o *Options) bool { return o.Host == "h" }},
		{"security", "TLS", 0, func(o *Options) bool { return o.Security == wire.TLS && o.SecuritySet }},
		{"security", "maybe", errs.Option, nil},
		{"tls_verify", "0", 0, func(o *Options) bool { return o.TLS.NoVerify }},
		{"tls_verify", "2", errs.Option, nil},
		{"allow_plaintext_auth", "1", 0, func(o *Options) bool { return o.AllowPlaintextAuth }},
		{"timeout", "-1", errs.Option, nil},
		{"data_timeout", "600", 0, func(o *Options) bool { return o.DataTimeout == 10*time.Minute }},
		{"protocol", "lmtp", 0, func(o *Options) bool { return o.LMTP }},
		{"auth", "gssapi", errs.Option, nil},
		{"envid", "é", errs.Option, nil},
		{"chunking", "never", 0, func(o *Options) bool { return o.Chunking == "never" }},
		{"password", "a\x00b", errs.Arg, nil},
		{"ca_file", "/x", 0, func(o *Options) bool { return o.TLS.CAFile == "/x" }},
		{"pin", "ab", 0, func(o *Options) bool { return o.TLS.Pin == "ab" }},
		{"nope", "1", errs.Option, nil},
		{"port", "0", errs.Option, nil},
		{"port", "2525", 0, func(o *Options) bool { return o.Port == 2525 }},
		{"protocol", "x", errs.Option, nil},
		{"dsn_ret", "hdrs", 0, func(o *Options) bool { return o.DSNRet == "HDRS" }},
		{"dsn_notify", "failure, delay", 0, func(o *Options) bool { return o.DSNNotify == "FAILURE,DELAY" }},
		{"helo", "a b", errs.Arg, nil},
	}
	for _, tt := range tests {
		var o Options
		err := o.Set(tt.name, tt.value)
		if errs.KindOf(err) != tt.kind || (err == nil && !tt.check(&o)) {
			t.Errorf("Set(%q, %q): %v, options %+v", tt.name, tt.value, err, o)
		}
	}
}

// TestSetRefusedKeeps checks that a refused value leaves the option as it
// was: a bad tls_verify does not turn verification off.
func TestSetRefusedKeeps(t *testing.T) {
	o := Options{ClientOptions: session.ClientOptions{Port: 25}, Helo: "a.example"}
	for _, nv := range [][2]string{{"tls_verify", "2"}, {"port", "0"}, {"helo", "a b"}, {"security", "x"}, {"auth", "x"}} {
		if err := o.Set(nv[0], nv[1]); err == nil {
			t.Errorf("Set(%q, %q) accepted", nv[0], nv[1])
		}
	}
	if o.TLS.NoVerify || o.Port != 25 || o.Helo != "a.example" || o.SecuritySet || o.Auth != "" {
		t.Errorf("refused values changed the options: %+v", o)
	}
}

func TestPoolOptions(t *testing.T) {
	p := NewPoolOptions()
	if p.MaxConnections != DefaultMaxConnections || p.IdleTimeout != DefaultPoolIdle {
		t.Fatalf("defaults %+v", p)
	}
	tests := []struct {
		name, value string
		kind        errs.Kind
	}{
		{"max_connections", "8", 0}, {"MAX_CONNECTIONS", "0", errs.Option}, {"max_connections", "1001", errs.Option},
		{"idle_timeout", "1.5", 0}, {"idle_timeout", "-1", errs.Option}, {"host", "mx.example", 0},
		{"port", "0", errs.Option}, {"max_connections", "1\r\n", errs.Arg}, {"nope", "1", errs.Option},
	}
	for _, tt := range tests {
		if err := p.Set(tt.name, tt.value); errs.KindOf(err) != tt.kind {
			t.Errorf("Set(%q, %q) = %v, want kind %d", tt.name, tt.value, err, tt.kind)
		}
	}
	if p.MaxConnections != 8 || p.IdleTimeout != 1500*time.Millisecond || p.Host != "mx.example" {
		t.Errorf("options %+v", p)
	}
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		o    Options
		port int
		sec  wire.Security
	}{
		{Options{}, 587, wire.StartTLS},
		{Options{ClientOptions: session.ClientOptions{Port: 465}}, 465, wire.TLS},
		{Options{ClientOptions: session.ClientOptions{Port: 25}}, 25, wire.StartTLS},
		{Options{ClientOptions: session.ClientOptions{Security: wire.TLS, SecuritySet: true}}, 465, wire.TLS},
		{Options{LMTP: true}, 24, wire.StartTLS},
	}
	for _, tt := range tests {
		if s, p := tt.o.Resolve(tt.o.ports()); p != tt.port || s != tt.sec {
			t.Errorf("%+v: port %d security %d, want %d %d", tt.o, p, s, tt.port, tt.sec)
		}
	}
}

func TestReplyParse(t *testing.T) {
	tests := []struct {
		in       []string
		enh      bool
		code     int
		enhanced string
		text     string
		kind     errs.Kind
	}{
		{in: []string{"250-first", "250 2.1.0 second"}, enh: true, code: 250, enhanced: "2.1.0", text: "first second"},
		{in: []string{"550 5.1.1 no"}, enh: true, code: 550, enhanced: "5.1.1", text: "no"},
		{in: []string{"550 4.1.1 wrong class"}, enh: true, code: 550, text: "4.1.1 wrong class"},
		{in: []string{"550 5.1.1 no"}, code: 550, text: "5.1.1 no"},
		{in: []string{"250"}, code: 250},
		{in: []string{"250-a", "251 b"}, kind: errs.Protocol},
		{in: []string{"25"}, kind: errs.Protocol},
		{in: []string{"650 x"}, kind: errs.Protocol},
		{in: []string{"250x"}, kind: errs.Protocol},
	}
	for _, tt := range tests {
		i := 0
		next := func() ([]byte, error) {
			if i == len(tt.in) {
				return nil, errs.New(errs.Closed, "end")
			}
			i++
			return []byte(tt.in[i-1]), nil
		}
		r, err := readReply(next, tt.enh)
		if errs.KindOf(err) != tt.kind {
			t.Errorf("%q: %v, want kind %d", tt.in, err, tt.kind)
			continue
		}
		if err == nil && (r.Code != tt.code || enhancedString(r.Enhanced) != tt.enhanced || r.Text() != tt.text) {
			t.Errorf("%q: got %d %q %q", tt.in, r.Code, enhancedString(r.Enhanced), r.Text())
		}
	}
}

func TestErrorKinds(t *testing.T) {
	tests := []struct {
		e    Error
		kind errs.Kind
	}{
		{Error{Code: 421}, errs.Closed},
		{Error{Code: 450}, errs.Temporary},
		{Error{Code: 550}, errs.Refused},
		{Error{Code: 552, Enhanced: [3]int{5, 3, 4}}, errs.TooBig},
		{Error{Code: 535, auth: true}, errs.Auth},
		{Error{Code: 454, auth: true}, errs.Temporary},
	}
	for _, tt := range tests {
		if k := errs.KindOf(&tt.e); k != tt.kind {
			t.Errorf("%v: kind %d, want %d", &tt.e, k, tt.kind)
		}
	}
}
