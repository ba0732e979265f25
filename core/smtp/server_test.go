package smtp

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// step is one step of a scripted server: 'C' bytes expected from the
// client, 'S' bytes to send, 'T' a TLS handshake, 'X' close.
type step struct {
	kind byte
	data string
}

// parseScript reads a transcript: "S: line" (sent with CRLF), "C: line"
// (expected with CRLF), "R: \"quoted\"" (raw client bytes, Go syntax),
// "!tls", "!close". Consecutive lines of one side form one step.
func parseScript(t testing.TB, s string) []step {
	var steps []step
	add := func(kind byte, data string) {
		if n := len(steps); n > 0 && steps[n-1].kind == kind && kind != 'T' && kind != 'X' {
			steps[n-1].data += data
			return
		}
		steps = append(steps, step{kind, data})
	}
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		l = strings.TrimLeft(l, "\t ")
		switch {
		case l == "!tls":
			add('T', "")
		case l == "!close":
			add('X', "")
		case strings.HasPrefix(l, "S:"):
			add('S', strings.TrimPrefix(strings.TrimPrefix(l, "S:"), " ")+"\r\n")
		case strings.HasPrefix(l, "C:"):
			add('C', strings.TrimPrefix(strings.TrimPrefix(l, "C:"), " ")+"\r\n")
		case strings.HasPrefix(l, "R: "):
			raw, err := strconv.Unquote(l[3:])
			if err != nil {
				t.Fatalf("bad raw line %q", l)
			}
			add('C', raw)
		case l == "":
		default:
			t.Fatalf("bad script line %q", l)
		}
	}
	return steps
}

// expected returns everything the client must write.
func expected(steps []step) string {
	var b strings.Builder
	for _, s := range steps {
		if s.kind == 'C' {
			b.WriteString(s.data)
		}
	}
	return b.String()
}

// server is a scripted server on a loopback port: one script per
// connection, in the order the connections arrive.
type server struct {
	ln    net.Listener
	convs []*conv
}

// conv is one scripted connection.
type conv struct {
	steps   []step
	want    string
	got     chan string
	reached chan struct{} // closed when the script has run to its end
}

// newServer starts a scripted server for one connection. cert, when not
// nil, serves the "!tls" steps, and implicit TLS from the start when
// implicit is set.
func newServer(t testing.TB, script string, cert *tls.Config, implicit bool) *server {
	return newServers(t, cert, implicit, script)
}

// newServers starts a scripted server for several connections.
func newServers(t testing.TB, cert *tls.Config, implicit bool, scripts ...string) *server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		ln = tls.NewListener(ln, cert)
	}
	s := &server{ln: ln}
	for _, sc := range scripts {
		cv := &conv{steps: parseScript(t, sc), got: make(chan string, 1), reached: make(chan struct{})}
		cv.want = expected(cv.steps)
		s.convs = append(s.convs, cv)
	}
	go func() {
		for _, cv := range s.convs {
			nc, err := ln.Accept()
			if err != nil {
				cv.got <- ""
				continue
			}
			go cv.run(nc, cert)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return s
}

func (s *server) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (cv *conv) run(nc net.Conn, cert *tls.Config) {
	var got []byte
	defer func() { cv.got <- string(got) }()
	for _, st := range cv.steps {
		nc.SetDeadline(time.Now().Add(10 * time.Second))
		switch st.kind {
		case 'S':
			io.WriteString(nc, st.data)
		case 'T':
			tc := tls.Server(nc, cert)
			if tc.Handshake() != nil {
				nc.Close()
				return
			}
			nc = tc
		case 'X':
			nc.Close()
			return
		case 'C':
			buf := make([]byte, len(st.data))
			n, _ := io.ReadFull(nc, buf)
			got = append(got, buf[:n]...)
			if string(buf[:n]) != st.data {
				cv.drain(nc, &got) // mismatch: stop following the script
				return
			}
		}
	}
	close(cv.reached)
	cv.drain(nc, &got)
}

// drain records whatever else the client writes until it closes.
func (cv *conv) drain(nc net.Conn, got *[]byte) {
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	rest, _ := io.ReadAll(nc)
	*got = append(*got, rest...)
	nc.Close()
}

// check stops accepting, waits for every connection to end and compares
// the client's bytes with the scripts; a script for a connection that
// never came must expect nothing.
func (s *server) check(t testing.TB) {
	t.Helper()
	s.ln.Close()
	for i, cv := range s.convs {
		if got := <-cv.got; got != cv.want {
			t.Errorf("connection %d: client wrote:\n%s\nwant:\n%s", i+1, show(got), show(cv.want))
		}
	}
}

func show(s string) string { return strings.ReplaceAll(s, "\r\n", "\\r\\n\n") }

// testOptions are plaintext options for a scripted server.
func testOptions(port int) Options {
	return Options{Host: "127.0.0.1", Port: port, Security: None, SecuritySet: true,
		Helo: "client.example", Timeout: 5 * time.Second}
}

// dialScript starts a scripted server and dials it with the options mod
// adjusts.
func dialScript(t testing.TB, script string, mod func(*Options)) (*Client, *server, error) {
	s := newServer(t, script, nil, false)
	o := testOptions(s.port())
	if mod != nil {
		mod(&o)
	}
	c, err := Dial(context.Background(), o)
	return c, s, err
}

// closeAndCheck closes the client, if any, and checks the transcript.
func closeAndCheck(t testing.TB, c *Client, s *server) {
	t.Helper()
	if c != nil {
		c.Close()
	}
	s.check(t)
}
