package wire

import (
	"crypto/x509"
	"net"
	"testing"
	"time"
)

func TestCAIssue(t *testing.T) {
	ca, err := NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca.PEM) {
		t.Fatal("the CA's PEM does not parse")
	}
	local := []net.IP{net.IPv4(127, 0, 0, 1)}
	tests := []struct {
		name string
		leaf Leaf
		host string
		ok   bool
	}{
		{"signed, by IP", Leaf{Names: []string{"localhost"}, IPs: local}, "127.0.0.1", true},
		{"signed, by name", Leaf{Names: []string{"localhost"}}, "localhost", true},
		{"wrong host", Leaf{Names: []string{"wrong.example"}}, "localhost", false},
		{"expired", Leaf{Names: []string{"localhost"}, NotBefore: time.Now().Add(-48 * time.Hour),
			NotAfter: time.Now().Add(-24 * time.Hour)}, "localhost", false},
		{"self-signed", Leaf{Names: []string{"localhost"}, SelfSigned: true}, "localhost", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert, err := ca.Issue(tt.leaf)
			if err != nil {
				t.Fatal(err)
			}
			leaf, err := x509.ParseCertificate(cert.Certificate[0])
			if err != nil {
				t.Fatal(err)
			}
			_, err = leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: tt.host})
			if (err == nil) != tt.ok {
				t.Errorf("verify: %v, want ok %v", err, tt.ok)
			}
		})
	}
}
