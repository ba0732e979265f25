package wire

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"mailwire/core/errs"
)

// TLSOptions are the caller's TLS choices.
type TLSOptions struct {
	ServerName string // host name to verify; the connect host by default
	CAFile     string // PEM bundle to trust instead of the system roots
	NoVerify   bool   // skip verification; only ever set by an explicit option
	Pin        string // SHA-256 of the server certificate (DER), hex with or without colons
}

// Set sets one of the TLS options every client handle takes, by its C API
// name: ca_file (a path), tls_verify (a boolean) or pin. ok is false for
// any other name; a bad value leaves the options as they were.
func (o *TLSOptions) Set(name, value string) (ok bool, err error) {
	switch name {
	case "ca_file":
		o.CAFile = value
	case "pin":
		o.Pin = value
	case "tls_verify":
		verify, err := ParseBool(name, value)
		if err == nil {
			o.NoVerify = !verify
		}
		return true, err
	default:
		return false, nil
	}
	return true, nil
}

// TLSConfigFor is TLSConfig for a connection to host: the server name is
// host unless o names one.
func TLSConfigFor(o TLSOptions, host string) (*tls.Config, error) {
	if o.ServerName == "" {
		o.ServerName = host
	}
	return TLSConfig(o)
}

// TLSConfig builds a client configuration: TLS 1.2 at least, certificates
// and host names verified by default (SECURITY.md section 5). A pin is
// checked in addition to verification, or instead of it when NoVerify is set.
func TLSConfig(o TLSOptions) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: o.ServerName, MinVersion: tls.VersionTLS12}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, errs.E(errs.File, fmt.Errorf("ca_file: %w", err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errs.New(errs.Option, "ca_file: no PEM certificate found in "+o.CAFile)
		}
		cfg.RootCAs = pool
	}
	var pin []byte
	if o.Pin != "" {
		p, err := hex.DecodeString(strings.ReplaceAll(strings.TrimPrefix(strings.ToLower(o.Pin), "sha256:"), ":", ""))
		if err != nil || len(p) != sha256.Size {
			return nil, errs.New(errs.Option, "pin: want the SHA-256 of the certificate as 64 hex digits")
		}
		pin = p
	}
	if o.NoVerify || pin != nil {
		// Verification is done here so that its error says why.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			return verify(cs, cfg.RootCAs, o.ServerName, o.NoVerify, pin)
		}
	}
	return cfg, nil
}

func verify(cs tls.ConnectionState, roots *x509.CertPool, name string, noVerify bool, pin []byte) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the server sent no certificate")
	}
	leaf := cs.PeerCertificates[0]
	if pin != nil {
		sum := sha256.Sum256(leaf.Raw)
		if !bytes.Equal(sum[:], pin) {
			return fmt.Errorf("certificate pin mismatch: the server's certificate has SHA-256 %x", sum)
		}
	}
	if noVerify {
		return nil
	}
	opts := x509.VerifyOptions{Roots: roots, DNSName: name, Intermediates: x509.NewCertPool()}
	for _, c := range cs.PeerCertificates[1:] {
		opts.Intermediates.AddCert(c)
	}
	_, err := leaf.Verify(opts)
	return err
}

// ExplainTLS turns a handshake error into a message that says why
// verification failed and what the caller can do.
func ExplainTLS(err error) string {
	var (
		host x509.HostnameError
		ua   x509.UnknownAuthorityError
		inv  x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &host):
		return "certificate verify failed: it is not valid for the host name: " + host.Error()
	case errors.As(err, &ua):
		return "certificate verify failed: signed by an unknown authority (give its CA with ca_file, or pin it)"
	case errors.As(err, &inv):
		return "certificate verify failed: " + inv.Error()
	}
	return err.Error()
}
