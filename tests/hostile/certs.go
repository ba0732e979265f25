package hostile

import (
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
	"time"
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
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Hostile Test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	c := &Certs{CAPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})}
	local := []net.IP{net.IPv4(127, 0, 0, 1)}
	specs := [numCerts]struct {
		names    []string
		ips      []net.IP
		from, to time.Time
		self     bool
	}{
		Good:       {[]string{"localhost"}, local, now.Add(-time.Hour), now.Add(24 * time.Hour), false},
		WrongHost:  {[]string{"wrong.example"}, nil, now.Add(-time.Hour), now.Add(24 * time.Hour), false},
		Expired:    {[]string{"localhost"}, local, now.Add(-2 * 365 * 24 * time.Hour), now.Add(-365 * 24 * time.Hour), false},
		SelfSigned: {[]string{"localhost"}, local, now.Add(-time.Hour), now.Add(24 * time.Hour), true},
	}
	for k, sp := range specs {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(int64(k) + 2), Subject: pkix.Name{CommonName: "hostile"},
			NotBefore: sp.from, NotAfter: sp.to, DNSNames: sp.names, IPAddresses: sp.ips,
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		parent, signer := ca, any(caKey)
		if sp.self {
			parent, signer = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
		if err != nil {
			return nil, err
		}
		c.certs[k] = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	}
	return c, nil
}

// Config is a server configuration presenting the certificate of kind k.
func (c *Certs) Config(k CertKind) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c.certs[k]}, MinVersion: tls.VersionTLS12}
}

// WriteCA writes the CA certificate to path, for the clients' ca_file.
func (c *Certs) WriteCA(path string) error { return os.WriteFile(path, c.CAPEM, 0o644) }
