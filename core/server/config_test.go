package server

import (
	"testing"
	"time"

	"mailwire/core/errs"
)

func TestConfigSet(t *testing.T) {
	tests := []struct {
		name, value string
		check       func(Config) bool
	}{
		{"Address", "::1", func(c Config) bool { return c.Addr == "::1" }},
		{"listen", "0.0.0.0", func(c Config) bool { return c.Addr == "0.0.0.0" }},
		{"smtp_port", "2525", func(c Config) bool { return c.Ports["smtp"] == 2525 }},
		{"POP3S_PORT", "off", func(c Config) bool { return c.Ports["pop3s"] == -1 }},
		{"lmtp_port", "-1", func(c Config) bool { return c.Ports["lmtp"] == -1 }},
		{"submission_port", "0", func(c Config) bool { return c.Ports["submission"] == 0 }},
		{"hostname", "mx.test", func(c Config) bool { return c.Hostname == "mx.test" }},
		{"users", "alice:secret", func(c Config) bool { return c.Users["alice"] == "secret" }},
		{"users", "bob:a:b, carol:c d:e", func(c Config) bool {
			return c.Users["bob"] == "a:b" && c.Users["carol"] == "c" && c.Users["d"] == "e"
		}},
		{"tls", "cert.pem, key.pem", func(c Config) bool { return c.TLSCertFile == "cert.pem" && c.TLSKeyFile == "key.pem" }},
		{"tls", "self-signed", func(c Config) bool { return c.TLSCertFile == "" && c.TLSKeyFile == "" }},
		{"tls_cert", "c.pem", func(c Config) bool { return c.TLSCertFile == "c.pem" }},
		{"tls_key", "k.pem", func(c Config) bool { return c.TLSKeyFile == "k.pem" }},
		{"ca_out", "/tmp/ca.pem", func(c Config) bool { return c.CAOut == "/tmp/ca.pem" }},
		{"store", "/tmp/mail", func(c Config) bool { return c.Store == "/tmp/mail" }},
		{"max_message_size", "1000", func(c Config) bool { return c.MaxMessageSize == 1000 }},
		{"max_message_size", "10M", func(c Config) bool { return c.MaxMessageSize == 10<<20 }},
		{"require_tls_for_auth", "0", func(c Config) bool { return !c.RequireTLSForAuth }},
		{"require_tls_for_auth", "yes", func(c Config) bool { return c.RequireTLSForAuth }},
		{"max_sessions", "5", func(c Config) bool { return c.MaxSessions == 5 }},
		{"idle_timeout", "30", func(c Config) bool { return c.IdleTimeout == 30*time.Second }},
		{"idle_timeout", "250ms", func(c Config) bool { return c.IdleTimeout == 250*time.Millisecond }},
		{"idle_timeout", "1.5", func(c Config) bool { return c.IdleTimeout == 1500*time.Millisecond }},
		{"idle_timeout", "0", func(c Config) bool { return c.withDefaults().IdleTimeout == DefaultIdleTimeout }},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		if err := c.Set(tt.name, tt.value); err != nil || !tt.check(c) {
			t.Errorf("Set(%q, %q): %v, %+v", tt.name, tt.value, err, c)
		}
	}
	bad := [][2]string{
		{"nope", "1"}, {"nntp_port", "1"}, {"smtp_port", "65536"}, {"smtp_port", "x"},
		{"hostname", ""}, {"hostname", "a b"}, {"users", "alice"}, {"users", ""}, {"users", ":pw"},
		{"tls", "only-one"}, {"max_message_size", "0"}, {"max_message_size", "-5"}, {"max_message_size", "9999999999G"},
		{"require_tls_for_auth", "maybe"}, {"max_sessions", "0"}, {"idle_timeout", "-1"}, {"idle_timeout", "soon"},
		{"smtp_port", "-2"}, {"hostname", "a<b"}, {"address", ""},
	}
	for _, b := range bad {
		c := DefaultConfig()
		if err := c.Set(b[0], b[1]); errs.KindOf(err) != errs.Option {
			t.Errorf("Set(%q, %q) = %v, want an Option error", b[0], b[1], err)
		}
	}
}

func TestDefaults(t *testing.T) {
	c := Config{}.withDefaults()
	if c.Addr != "127.0.0.1" || c.Hostname != "mailwire.test" || c.MaxMessageSize != 50<<20 ||
		c.MaxSessions != 100 || c.IdleTimeout != 5*time.Minute {
		t.Errorf("%+v", c)
	}
	if !DefaultConfig().RequireTLSForAuth {
		t.Error("DefaultConfig allows passwords without TLS")
	}
}

// A Maildir folder name reads back as its mailbox, the empty one ("" in
// RCPT TO:<""@host>) and one named "%" included.
func TestMaildirNames(t *testing.T) {
	for _, box := range []string{"", "%", "alice", "Alice", ".x", "a/b", "%25", "ü"} {
		if got := unescape(dirName(box)); got != box {
			t.Errorf("mailbox %q stored as %q, read back as %q", box, dirName(box), got)
		}
	}
}
