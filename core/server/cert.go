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

// makeSelfSigned makes a CA and a leaf for localhost, 127.0.0.1, ::1 and
// hostname.
func makeSelfSigned(hostname string) (*selfSigned, error) {
	ca, err := wire.NewCA("Mailwire test CA")
	if err != nil {
		return nil, err
	}
	leaf := wire.Leaf{Names: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}}
	if hostname != "localhost" {
		leaf.Names = append(leaf.Names, hostname)
	}
	cert, err := ca.Issue(leaf)
	if err != nil {
		return nil, err
	}
	return &selfSigned{cert: cert, caPEM: ca.PEM}, nil
}
