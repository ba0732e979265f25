package smtp

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailwire/core/errs"
)

// testCert makes a self-signed certificate for 127.0.0.1 and returns the
// server configuration and the path of its PEM file.
func testCert(t *testing.T) (*tls.Config, string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mailwire test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return &tls.Config{Certificates: []tls.Certificate{cert}}, path
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
	o := testOptions(s.port())
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
			o := testOptions(s.port())
			o.Security = TLS
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
			s.check(t)
		})
	}
}
