package wire

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
	"time"
)

// A CA is a certificate authority made on the fly, with an ECDSA P-256
// key: it signs the embedded server's certificate when none is configured,
// and every certificate of the tests.
type CA struct {
	PEM  []byte // the CA certificate, for clients to trust (ca_file)
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// A Leaf describes a server certificate that CA.Issue makes.
type Leaf struct {
	Names      []string  // DNS names; the first is also the subject's common name
	IPs        []net.IP  // IP addresses
	NotBefore  time.Time // zero: an hour ago
	NotAfter   time.Time // zero: two years from now
	SelfSigned bool      // signed by its own key instead of the CA's
}

// NewCA makes a CA named name, valid from an hour ago for five years.
func NewCA(name string) (*CA, error) {
	now := time.Now()
	tpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: name, Organization: []string{"Mailwire"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(5 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, key, err := create(tpl, nil, nil)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), cert: cert, key: key}, nil
}

// Issue makes a server certificate for l. Its chain holds the CA's
// certificate after the leaf, unless the leaf signs itself.
func (ca *CA) Issue(l Leaf) (tls.Certificate, error) {
	tpl := &x509.Certificate{
		NotBefore:   l.NotBefore,
		NotAfter:    l.NotAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    l.Names,
		IPAddresses: l.IPs,
	}
	if len(l.Names) > 0 {
		tpl.Subject.CommonName = l.Names[0]
	}
	if tpl.NotBefore.IsZero() {
		tpl.NotBefore = time.Now().Add(-time.Hour)
	}
	if tpl.NotAfter.IsZero() {
		tpl.NotAfter = time.Now().Add(2 * 365 * 24 * time.Hour)
	}
	chain := [][]byte{nil, ca.cert.Raw}
	parent, signer := ca.cert, any(ca.key)
	if l.SelfSigned {
		chain, parent, signer = chain[:1], nil, nil
	}
	der, key, err := create(tpl, parent, signer)
	if err != nil {
		return tls.Certificate{}, err
	}
	chain[0] = der
	return tls.Certificate{Certificate: chain, PrivateKey: key}, nil
}

// create makes a key and a certificate for it from tpl, signed by parent
// with signer, or by itself when parent is nil.
func create(tpl, parent *x509.Certificate, signer any) ([]byte, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	tpl.SerialNumber = serial.Add(serial, big.NewInt(1))
	if parent == nil {
		parent, signer = tpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, parent, &key.PublicKey, signer)
	return der, key, err
}
