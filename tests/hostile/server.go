// Package hostile is a scripted mail server that misbehaves on purpose, and
// the table of cases that Mailwire's SMTP (RFC 5321) and POP3 (RFC 1939)
// clients must survive: injection after STARTTLS (RFC 3207 section 4.2) and
// STLS (RFC 2595 section 4), stripped or refused TLS under every security
// mode, malformed replies, endless replies and lines, lying sizes, dropped
// and stalled connections, and bad certificates. The Go tests run the cases
// through core/smtp and core/pop3; cmd/hostile-server serves them to the C
// driver, which runs them through the C API.
package hostile

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Limits that keep a misbehaving client from exhausting the test server.
const (
	maxRecord   = 16 << 20         // bytes recorded per case
	maxLine     = 1 << 20          // bytes of one client line
	drainWait   = 10 * time.Second // how long the server waits for the client to hang up
	writeWait   = 10 * time.Second // bound of one write
	floodChunk  = 64 << 10         // size of one flood write
	acceptLimit = 4                // connections served per case
)

// Step is one move of the scripted server.
type Step func(s *session) error

// session is one connection being served.
type session struct {
	conn  net.Conn
	r     *bufio.Reader
	rec   *Record
	certs *Certs
}

// Record is everything the clients of one case sent (after TLS
// decryption), across all their connections.
type Record struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	conns int
}

// Bytes returns a copy of what was received.
func (r *Record) Bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.buf.Bytes()...)
}

// Conns returns the number of connections the clients opened.
func (r *Record) Conns() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conns
}

func (r *Record) add(p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if room := maxRecord - r.buf.Len(); room > 0 {
		if len(p) > room {
			p = p[:room]
		}
		r.buf.Write(p)
	}
}

// Say writes text as is (raw strings carry their own CRLFs).
func Say(text string) Step {
	return func(s *session) error {
		s.conn.SetWriteDeadline(time.Now().Add(writeWait))
		_, err := io.WriteString(s.conn, text)
		return err
	}
}

// Read reads n command lines from the client.
func Read(n int) Step {
	return func(s *session) error {
		for i := 0; i < n; i++ {
			if _, err := s.readLine(); err != nil {
				return err
			}
		}
		return nil
	}
}

// Data reads message data up to and including the line ".".
func Data() Step {
	return func(s *session) error {
		for {
			l, err := s.readLine()
			if err != nil {
				return err
			}
			if string(l) == ".\r\n" || string(l) == ".\n" {
				return nil
			}
		}
	}
}

// StartTLS runs the server side of a TLS handshake with the certificate of
// kind k; the client's bytes are recorded decrypted from then on.
func StartTLS(k CertKind) Step {
	return func(s *session) error {
		if s.r.Buffered() > 0 {
			return errors.New("client sent data before the TLS handshake")
		}
		tc := tls.Server(s.conn, s.certs.Config(k))
		tc.SetDeadline(time.Now().Add(drainWait))
		if err := tc.Handshake(); err != nil {
			return err
		}
		tc.SetDeadline(time.Time{})
		s.conn, s.r = tc, bufio.NewReader(tc)
		return nil
	}
}

// Stall answers nothing more: the server only listens until the client
// gives up and hangs up.
func Stall() Step { return func(s *session) error { return s.drain() } }

// Drop closes the server's side of the connection (a FIN, or a TLS
// close_notify) and listens until the client hangs up.
func Drop() Step {
	return func(s *session) error {
		switch c := s.conn.(type) {
		case *tls.Conn:
			c.CloseWrite()
		case *net.TCPConn:
			c.CloseWrite()
		}
		return s.drain()
	}
}

// Flood writes pattern again and again, up to total bytes or until the
// client stops reading; the client's bytes are read meanwhile.
func Flood(pattern string, total int) Step {
	return func(s *session) error {
		chunk := bytes.Repeat([]byte(pattern), floodChunk/len(pattern)+1)[:floodChunk]
		done := make(chan struct{})
		go func() { s.drain(); close(done) }()
		for n := 0; n < total; n += len(chunk) {
			s.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if _, err := s.conn.Write(chunk); err != nil {
				break
			}
		}
		<-done
		return nil
	}
}

// readLine reads one line, LF included, recording it.
func (s *session) readLine() ([]byte, error) {
	s.conn.SetReadDeadline(time.Now().Add(drainWait))
	var line []byte
	for {
		part, err := s.r.ReadSlice('\n')
		s.rec.add(part)
		line = append(line, part...)
		if err == nil {
			return line, nil
		}
		if err != bufio.ErrBufferFull {
			return line, err
		}
		if len(line) > maxLine {
			return line, errors.New("client line too long")
		}
	}
}

// drain records what the client sends until it hangs up.
func (s *session) drain() error {
	s.conn.SetReadDeadline(time.Now().Add(drainWait))
	buf := make([]byte, 32<<10)
	for {
		n, err := s.r.Read(buf)
		s.rec.add(buf[:n])
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// serve runs script on one connection, then records what the client still
// sends until it hangs up.
func serve(nc net.Conn, script []Step, rec *Record, certs *Certs) {
	s := &session{conn: nc, r: bufio.NewReader(nc), rec: rec, certs: certs}
	defer func() { s.conn.Close() }()
	for _, step := range script {
		if err := step(s); err != nil {
			return
		}
	}
	s.drain()
}

// Listener serves one case's script on a loopback port.
type Listener struct {
	ln   net.Listener
	rec  Record
	wg   sync.WaitGroup
	done chan struct{}
}

// Listen starts serving script on 127.0.0.1 at a free port. The first
// step of an implicit-TLS case is a StartTLS step.
func Listen(script []Step, certs *Certs) (*Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	l := &Listener{ln: ln, done: make(chan struct{})}
	go l.accept(script, certs)
	return l, nil
}

func (l *Listener) accept(script []Step, certs *Certs) {
	defer close(l.done)
	for i := 0; i < acceptLimit; i++ {
		nc, err := l.ln.Accept()
		if err != nil {
			return
		}
		l.rec.mu.Lock()
		l.rec.conns++
		l.rec.mu.Unlock()
		l.wg.Add(1)
		go func() { defer l.wg.Done(); serve(nc, script, &l.rec, certs) }()
	}
}

// Port returns the port the listener accepts on.
func (l *Listener) Port() int { return l.ln.Addr().(*net.TCPAddr).Port }

// Finish stops accepting, waits until every session has ended (the client
// hung up, or drainWait passed) and returns what was received.
func (l *Listener) Finish() *Record {
	l.ln.Close()
	<-l.done
	l.wg.Wait()
	return &l.rec
}
