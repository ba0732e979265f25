package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"sync"
	"time"

	"mailwire/core/errs"
)

// selfSigned is a generated CA and a leaf certificate signed by it.
type selfSigned struct {
	cert  tls.Certificate
	caPEM []byte
}

// selfSignedCache keeps one generated pair per host name for the life of
// the process, so that a test suite starting many servers pays for key
// generation once.
var selfSignedCache struct {
	sync.Mutex
	m map[string]*selfSigned
}

// tlsConfig returns the server TLS configuration (TLS 1.2 at least) and the
// PEM text clients should trust: the generated CA, or the configured chain.
func tlsConfig(cfg Config) (*tls.Config, []byte, error) {
	var cert tls.Certificate
	var caPEM []byte
	if cfg.TLSCertFile != "" || cfg.TLSKeyFile != "" {
		var err error
		cert, err = tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
		if err != nil {
			return nil, nil, errs.E(errs.File, fmt.Errorf("server: tls certificate: %w", err))
		}
		caPEM, _ = os.ReadFile(cfg.TLSCertFile)
	} else {
		ss, err := getSelfSigned(cfg.Hostname)
		if err != nil {
			return nil, nil, err
		}
		cert, caPEM = ss.cert, ss.caPEM
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	return tc, caPEM, nil
}

func getSelfSigned(hostname string) (*selfSigned, error) {
	selfSignedCache.Lock()
	defer selfSignedCache.Unlock()
	if ss := selfSignedCache.m[hostname]; ss != nil {
		return ss, nil
	}
	ss, err := makeSelfSigned(hostname)
	if err != nil {
		return nil, errs.E(errs.Internal, fmt.Errorf("server: generating a certificate: %w", err))
	}
	if selfSignedCache.m == nil {
		selfSignedCache.m = map[string]*selfSigned{}
	}
	selfSignedCache.m[hostname] = ss
	return ss, nil
}

// makeSelfSigned generates an ECDSA P-256 CA and a leaf for localhost,
// 127.0.0.1, ::1 and hostname.
func makeSelfSigned(hostname string) (*selfSigned, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "Mailwire test CA", Organization: []string{"Mailwire"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(5 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leaf := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(2 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if hostname != "localhost" {
		leaf.DNSNames = append(leaf.DNSNames, hostname)
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	return &selfSigned{
		cert:  tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key},
		caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
	}, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n.Add(n, big.NewInt(1))
}
