package pop3

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mailwire/core/errs"
	"mailwire/core/sasl"
)

// A transcript is a server script, one step a line:
//
//	S: text    the server sends text CRLF (consecutive S lines go in one write)
//	C: text    the client must send exactly text CRLF
//	TLS        the server runs a TLS handshake
//	SASL mech  the server runs the server side of mech for tim / tanstaaf
//	HOLD       the server signals the test and waits for the client to go
//	CLOSE      the server closes the connection
//
// After the last step the server reads what else the client sends until it
// closes, so that a test sees every byte the client wrote.

// guard bounds how long the scripted server waits for a stuck client; it
// is a safety net, never an assertion.
const guard = 20 * time.Second

type result struct {
	got, want string
	err       error
}

type scripted struct {
	port int
	hold chan struct{}
	done chan result
}

func (s *scripted) wait(t *testing.T) {
	t.Helper()
	r := <-s.done
	if r.err != nil {
		t.Errorf("server: %v", r.err)
	}
	if r.got != r.want {
		t.Errorf("client wrote:\n%q\nwant:\n%q", r.got, r.want)
	}
}

func serve(t *testing.T, script string) *scripted {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &scripted{port: ln.Addr().(*net.TCPAddr).Port, hold: make(chan struct{}), done: make(chan result, 1)}
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			s.done <- result{err: err}
			return
		}
		s.done <- run(nc, script, s.hold)
	}()
	return s
}

type session struct {
	nc        net.Conn
	r         *bufio.Reader
	out       strings.Builder
	got, want strings.Builder
}

func (ss *session) flush() error {
	if ss.out.Len() == 0 {
		return nil
	}
	_, err := io.WriteString(ss.nc, ss.out.String())
	ss.out.Reset()
	return err
}

func (ss *session) readLine() (string, error) {
	ss.nc.SetReadDeadline(time.Now().Add(guard))
	line, err := ss.r.ReadString('\n')
	ss.got.WriteString(line)
	return line, err
}

func run(nc net.Conn, script string, hold chan struct{}) result {
	ss := &session{nc: nc, r: bufio.NewReader(nc)}
	defer func() { ss.nc.Close() }()
	err := ss.steps(script, hold)
	if err == errClosed {
		return result{got: ss.got.String(), want: ss.want.String()}
	}
	if err != nil {
		// A script failure: hang up so that the client does not wait.
		return result{got: ss.got.String(), want: ss.want.String(), err: err}
	}
	err = ss.flush()
	// Read whatever else the client writes until it closes.
	ss.nc.SetReadDeadline(time.Now().Add(guard))
	rest, _ := io.ReadAll(ss.r)
	ss.got.Write(rest)
	return result{got: ss.got.String(), want: ss.want.String(), err: err}
}

var errClosed = errors.New("closed by script")

func (ss *session) steps(script string, hold chan struct{}) error {
	for _, step := range strings.Split(strings.TrimPrefix(script, "\n"), "\n") {
		if err := ss.step(step, hold); err != nil {
			return err
		}
	}
	return nil
}

func (ss *session) step(step string, hold chan struct{}) error {
	if text, ok := strings.CutPrefix(step, "S: "); ok {
		ss.out.WriteString(text + "\r\n")
		return nil
	}
	if step == "S:" {
		ss.out.WriteString("\r\n")
		return nil
	}
	if err := ss.flush(); err != nil {
		return err
	}
	switch {
	case strings.HasPrefix(step, "C: "):
		want := step[3:] + "\r\n"
		ss.want.WriteString(want)
		line, err := ss.readLine()
		if err == nil && line != want {
			err = fmt.Errorf("got %q, want %q", line, want)
		}
		return err
	case step == "TLS":
		tc := tls.Server(ss.nc, serverTLS())
		if err := tc.Handshake(); err != nil {
			return err
		}
		ss.nc, ss.r = tc, bufio.NewReader(tc)
	case strings.HasPrefix(step, "SASL "):
		return ss.sasl(step[5:])
	case step == "HOLD":
		close(hold)
	case step == "CLOSE":
		ss.nc.Close()
		return errClosed
	case step == "":
	default:
		return fmt.Errorf("bad script step %q", step)
	}
	return nil
}

// sasl runs the server side of mech (RFC 5034 section 4) with sasl's server.
// What the client sends is not predictable (nonces), so it is checked here
// and counted as expected.
func (ss *session) sasl(mech string) error {
	srv, err := sasl.NewServer(mech, "localhost", func(u string) (string, bool) { return "tanstaaf", u == "tim" })
	if err != nil {
		return err
	}
	line, err := ss.readLine()
	ss.want.WriteString(line)
	if err != nil {
		return err
	}
	f := strings.Fields(line)
	if len(f) < 2 || f[0] != "AUTH" || f[1] != mech {
		return fmt.Errorf("want AUTH %s, got %q", mech, line)
	}
	var resp []byte
	if len(f) == 3 {
		if resp, err = base64.StdEncoding.DecodeString(f[2]); err != nil {
			return err
		}
	}
	for {
		ch, done, err := srv.Next(resp)
		if done {
			if err != nil {
				_, werr := io.WriteString(ss.nc, "-ERR [AUTH] "+err.Error()+"\r\n")
				return werr
			}
			_, err = io.WriteString(ss.nc, "+OK welcome\r\n")
			return err
		}
		if err != nil {
			return err
		}
		if _, err := io.WriteString(ss.nc, "+ "+base64.StdEncoding.EncodeToString(ch)+"\r\n"); err != nil {
			return err
		}
		line, err := ss.readLine()
		ss.want.WriteString(line)
		if err != nil {
			return err
		}
		if resp, err = base64.StdEncoding.DecodeString(strings.TrimSpace(line)); err != nil {
			return err
		}
	}
}

var (
	certOnce sync.Once
	cert     tls.Certificate
	certPEM  []byte
)

// makeCert makes a self-signed certificate for 127.0.0.1.
func makeCert() {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "pop3 test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func serverTLS() *tls.Config {
	certOnce.Do(makeCert)
	return &tls.Config{Certificates: []tls.Certificate{cert}}
}

// caFile writes the test certificate where the client can trust it.
func caFile(t *testing.T) string {
	certOnce.Do(makeCert)
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// opts returns options for a scripted server: plaintext allowed, user tim.
func opts(s *scripted) Options {
	return Options{
		Host: "127.0.0.1", Port: s.port, Security: None, SecuritySet: true,
		Username: "tim", Password: "tanstaaf", AllowPlaintextAuth: true,
		Timeout: guard,
	}
}

func dial(t *testing.T, o Options) (*Client, error) {
	t.Helper()
	return Dial(context.Background(), o)
}

func wantKind(t *testing.T, err error, k errs.Kind) {
	t.Helper()
	if got := errs.KindOf(err); got != k {
		t.Fatalf("error %v: kind %d, want %d", err, got, k)
	}
}
