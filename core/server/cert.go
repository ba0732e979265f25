package server

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"sync"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

// generated keeps one generated certificate and its CA per host name for
// the life of the process, so that a test suite starting many servers pays
// for key generation once.
var generated struct {
	sync.Mutex
	m  map[string]tls.Certificate
	ca map[string][]byte
}

// tlsConfig returns the server TLS configuration (TLS 1.2 at least) and the
// PEM text clients should trust: the generated CA, or the configured chain.
func tlsConfig(cfg Config) (*tls.Config, []byte, error) {
	var cert tls.Certificate
	var caPEM []byte
	var err error
	if cfg.TLSCertFile != "" || cfg.TLSKeyFile != "" {
		cert, err = tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
		if err != nil {
			return nil, nil, errs.E(errs.File, fmt.Errorf("server: tls certificate: %w", err))
		}
		caPEM, _ = os.ReadFile(cfg.TLSCertFile)
	} else if cert, caPEM, err = selfSigned(cfg.Hostname); err != nil {
		return nil, nil, errs.E(errs.Internal, fmt.Errorf("server: generating a certificate: %w", err))
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	return tc, caPEM, nil
}

// selfSigned returns a certificate for localhost, 127.0.0.1, ::1 and
// hostname, and the PEM text of the CA that signed it.
func selfSigned(hostname string) (tls.Certificate, []byte, error) {
	generated.Lock()
	defer generated.Unlock()
	if cert, ok := generated.m[hostname]; ok {
		return cert, generated.ca[hostname], nil
	}
	ca, err := wire.NewCA("Mailwire test CA")
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf := wire.Leaf{Names: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}}
	if hostname != "localhost" {
		leaf.Names = append(leaf.Names, hostname)
	}
	cert, err := ca.Issue(leaf)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	if generated.m == nil {
		generated.m, generated.ca = map[string]tls.Certificate{}, map[string][]byte{}
	}
	generated.m[hostname], generated.ca[hostname] = cert, ca.PEM
	return cert, ca.PEM, nil
}
