package hostile

import (
	"crypto/tls"
	"net"
	"os"
	"time"

	"mailwire/core/wire"
)

// CertKind names the certificate a StartTLS step presents.
type CertKind int

// The certificates of the cases. Only Good verifies for 127.0.0.1 against
// the CA the clients are given.
const (
	Good       CertKind = iota // signed by the CA, for 127.0.0.1 and localhost, valid now
	WrongHost                  // signed by the CA, for wrong.example only
	Expired                    // signed by the CA, for 127.0.0.1, expired a year ago
	SelfSigned                 // for 127.0.0.1, signed by itself
	numCerts
)

// Certs are the test CA and the certificates, made at run time.
type Certs struct {
	CAPEM []byte
	certs [numCerts]tls.Certificate
}

// NewCerts makes a fresh CA and one certificate of every kind.
func NewCerts() (*Certs, error) {
	ca, err := wire.NewCA("Hostile Test CA")
	if err != nil {
		return nil, err
	}
	now := time.Now()
	local, year := []net.IP{net.IPv4(127, 0, 0, 1)}, 365*24*time.Hour
	leaves := [numCerts]wire.Leaf{
		Good:       {Names: []string{"localhost"}, IPs: local},
		WrongHost:  {Names: []string{"wrong.example"}},
		Expired:    {Names: []string{"localhost"}, IPs: local, NotBefore: now.Add(-2 * year), NotAfter: now.Add(-year)},
		SelfSigned: {Names: []string{"localhost"}, IPs: local, SelfSigned: true},
	}
	c := &Certs{CAPEM: ca.PEM}
	for k, l := range leaves {
		if c.certs[k], err = ca.Issue(l); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Config is a server configuration presenting the certificate of kind k.
func (c *Certs) Config(k CertKind) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c.certs[k]}, MinVersion: tls.VersionTLS12}
}

// WriteCA writes the CA certificate to path, for the clients' ca_file.
func (c *Certs) WriteCA(path string) error { return os.WriteFile(path, c.CAPEM, 0o644) }
