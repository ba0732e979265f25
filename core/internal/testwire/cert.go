package testwire

import (
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"mailwire/core/wire"
)

// cert is the tests' certificate, made once per test binary.
var cert struct {
	once   sync.Once
	server *tls.Config
	caPEM  []byte
}

func makeCert() {
	ca, err := wire.NewCA("Mailwire tests CA")
	if err != nil {
		panic(err)
	}
	leaf, err := ca.Issue(wire.Leaf{Names: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		panic(err)
	}
	cert.server = &tls.Config{Certificates: []tls.Certificate{leaf}}
	cert.caPEM = ca.PEM
}

// ServerTLS returns a server configuration that presents the tests'
// certificate: for 127.0.0.1 and localhost, signed by the CA of CAFile.
func ServerTLS() *tls.Config {
	cert.once.Do(makeCert)
	return cert.server.Clone()
}

// CAFile writes the CA of the tests' certificate into t's temporary
// directory and returns its path, for a client's ca_file.
func CAFile(t testing.TB) string {
	t.Helper()
	cert.once.Do(makeCert)
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, cert.caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
