package testwire

import (
	"crypto/tls"
	"net"
	"strings"
	"sync"
	"testing"
)

// Options configure Serve.
type Options struct {
	TLS      *tls.Config         // the server's side of !tls and Implicit; ServerTLS() when nil
	Implicit bool                // TLS from the first byte (RFC 8314 section 3)
	Steps    map[string]StepFunc // the test's own steps, by name
}

// Server is a scripted server on a loopback port: one script per
// connection, in the order the connections arrive.
type Server struct {
	ln      net.Listener
	conns   []*conn
	held    chan struct{}
	holding sync.Once
	checked sync.Once
}

// conn is one scripted connection; once done is closed, got and err say
// how it went, and nc is nil when the client never came.
type conn struct {
	steps []step
	want  string // every byte the script expects from the client
	mu    sync.Mutex
	nc    net.Conn
	got   string
	err   error
	done  chan struct{}
}

// Serve starts a scripted server for scripts; it stops with the test.
func Serve(t testing.TB, o Options, scripts ...string) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if o.TLS == nil {
		o.TLS = ServerTLS()
	}
	if o.Implicit {
		ln = tls.NewListener(ln, o.TLS)
	}
	s := &Server{ln: ln, held: make(chan struct{})}
	for _, sc := range scripts {
		steps, err := parse(sc)
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		for _, st := range steps {
			if st.side == 'C' {
				want.WriteString(st.data)
			}
		}
		s.conns = append(s.conns, &conn{steps: steps, want: want.String(), done: make(chan struct{})})
	}
	go s.accept(o)
	t.Cleanup(func() { s.cleanup(t) })
	return s
}

func (s *Server) accept(o Options) {
	for _, c := range s.conns {
		nc, err := s.ln.Accept()
		if err != nil {
			close(c.done)
			continue
		}
		c.mu.Lock()
		c.nc = nc
		c.mu.Unlock()
		p := newPeer(nc, 'S', o.TLS)
		p.steps, p.hold = o.Steps, func() { s.holding.Do(func() { close(s.held) }) }
		go c.serve(p)
	}
}

// serve plays the script, then reads what else the client says until it
// closes: anything is a difference. At the first difference it hangs up,
// so that the client under test does not wait for a reply.
func (c *conn) serve(p *Peer) {
	defer close(c.done)
	defer p.nc.Close()
	err := p.play(c.steps)
	if err == nil {
		if rest := p.drain(); rest != "" {
			err = errMore(rest)
		}
	}
	if err == errClosed {
		err = nil
	}
	c.got, c.err = p.got.String(), err
}

type errMore string

func (e errMore) Error() string { return "the client said more than the script: " + show(string(e)) }

// Port returns the server's port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Held is closed when a script reaches !hold.
func (s *Server) Held() <-chan struct{} { return s.held }

// Check stops accepting, waits until every connection has ended, and
// reports where each client differed from its script. A script whose
// connection never came must expect nothing from the client.
func (s *Server) Check(t testing.TB) {
	t.Helper()
	s.checked.Do(func() { s.check(t, false) })
}

// cleanup ends a test that did not call Check: the connections still
// served are closed, and the differences found so far are reported.
func (s *Server) cleanup(t testing.TB) { s.checked.Do(func() { s.check(t, true) }) }

func (s *Server) check(t testing.TB, hangUp bool) {
	t.Helper()
	s.ln.Close()
	for i, c := range s.conns {
		c.mu.Lock()
		if hangUp && c.nc != nil {
			c.nc.Close()
		}
		c.mu.Unlock()
		<-c.done
		if c.nc == nil && c.want != "" {
			t.Errorf("connection %d never came; its script expects:\n%s", i+1, show(c.want))
		}
		if c.err != nil {
			t.Errorf("connection %d: %v\nthe client said:\n%s\nthe script expects:\n%s", i+1, c.err, show(c.got), show(c.want))
		}
	}
}

// show makes bytes readable in a message: one line per line, CR and LF
// shown.
func show(s string) string { return strings.ReplaceAll(s, "\r\n", "\\r\\n\n") }
