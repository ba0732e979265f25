package smtp

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"

	"mailwire/core/errs"
	"mailwire/core/internal/testwire"
	"mailwire/core/wire"
)

// testCert returns the configuration of a server with the tests'
// certificate and the path of its CA.
func testCert(t *testing.T) (*tls.Config, string) {
	return testwire.ServerTLS(), testwire.CAFile(t)
}

func TestStartTLSForgetsCapabilities(t *testing.T) {
	cfg, ca := testCert(t)
	s := newServer(t, `
		S: 220 mx
		C: EHLO client.example
		S: 250-mx
		S: 250-SIZE 10
		S: 250-AUTH LOGIN
		S: 250 STARTTLS
		C: STARTTLS
		S: 220 go ahead
		!tls
		C: EHLO client.example
		S: 250-mx
		S: 250-PIPELINING
		S: 250 AUTH PLAIN
		C: AUTH PLAIN AHUAcA==
		S: 235 ok`, cfg, false)
	o := testOptions(s.Port())
	o.SecuritySet = false // default: STARTTLS required
	o.TLS.CAFile = ca
	o.Username, o.Password = "u", "p"
	c, err := Dial(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Capabilities(), "|"); got != "PIPELINING|AUTH PLAIN" || !c.TLS() || !c.Authenticated() {
		t.Errorf("after TLS: caps %q, TLS %v, auth %v", got, c.TLS(), c.Authenticated())
	}
	if _, ok := c.Extension("size"); ok {
		t.Error("SIZE from before TLS was kept")
	}
	closeAndCheck(t, c, s)
}

func TestImplicitTLS(t *testing.T) {
	cfg, ca := testCert(t)
	tests := []struct {
		name string
		mod  func(*Options)
		kind errs.Kind
		sc   string
	}{
		{"verified", func(o *Options) { o.TLS.CAFile = ca }, 0,
			"S: 220 mx\nC: EHLO client.example\nS: 250 mx\nC: QUIT\nS: 221 bye"},
		{"unknown authority", nil, errs.TLS, ""},
		{"pin mismatch", func(o *Options) { o.TLS.NoVerify, o.TLS.Pin = true, strings.Repeat("00", 32) }, errs.TLS, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.sc, cfg, true)
			o := testOptions(s.Port())
			o.Security = wire.TLS
			if tt.mod != nil {
				tt.mod(&o)
			}
			c, err := Dial(context.Background(), o)
			if errs.KindOf(err) != tt.kind {
				t.Fatalf("Dial: %v, want kind %d", err, tt.kind)
			}
			if c != nil {
				if !c.TLS() {
					t.Error("not TLS")
				}
				if err := c.Quit(); err != nil {
					t.Error(err)
				}
			}
			s.Check(t)
		})
	}
}
