package testwire

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// guard bounds how long a scripted side waits for the other; it is a
// safety net against a stuck test, never an assertion.
const guard = 20 * time.Second

// errClosed ends a script at a !close step.
var errClosed = errors.New("closed by the script")

// A StepFunc is a step of a test's own, "!name arg" in a script.
type StepFunc func(p *Peer, arg string) error

// A Peer is the scripted side of one connection.
type Peer struct {
	nc    net.Conn
	r     *bufio.Reader
	me    byte   // the side the script plays: 'S' or 'C'
	out   []byte // lines written by the script and not sent yet
	got   strings.Builder
	tls   *tls.Config
	steps map[string]StepFunc
	hold  func()
}

func newPeer(nc net.Conn, me byte, cfg *tls.Config) *Peer {
	return &Peer{nc: nc, r: bufio.NewReader(nc), me: me, tls: cfg, hold: func() {}}
}

// play runs steps; it returns the first difference between the script and
// the other side, or errClosed.
func (p *Peer) play(steps []step) error {
	for _, st := range steps {
		if err := p.do(st); err != nil {
			if err == errClosed {
				return err
			}
			return fmt.Errorf("script line %d: %w", st.line, err)
		}
	}
	p.flush()
	return nil
}

func (p *Peer) do(st step) error {
	if st.side == p.me {
		p.out = append(p.out, st.data...)
		return nil
	}
	p.flush()
	switch {
	case st.side != '!':
		return p.expect(st)
	case st.data == "tls":
		return p.handshake()
	case st.data == "close":
		p.nc.Close()
		return errClosed
	case st.data == "hold":
		p.hold()
		return nil
	case p.steps[st.data] != nil:
		return p.steps[st.data](p, st.arg)
	}
	return fmt.Errorf("unknown step !%s", st.data)
}

// flush writes what the script buffered. A write error is not reported:
// the other side has gone, which the next expected line shows, and it
// matters only if something more was expected.
func (p *Peer) flush() {
	if len(p.out) > 0 {
		p.nc.SetWriteDeadline(time.Now().Add(guard))
		p.nc.Write(p.out)
		p.out = p.out[:0]
	}
}

// expect reads what step st of the other side says and compares it.
func (p *Peer) expect(st step) error {
	p.nc.SetReadDeadline(time.Now().Add(guard))
	var got string
	var err error
	if st.raw {
		buf := make([]byte, len(st.data))
		n, rerr := io.ReadFull(p.r, buf)
		got, err = string(buf[:n]), rerr
	} else {
		got, err = p.r.ReadString('\n')
	}
	p.got.WriteString(got)
	switch {
	case err != nil:
		return fmt.Errorf("want %q, got %q and %v", st.data, got, err)
	case !st.matches(got):
		return fmt.Errorf("got %q, want %q", got, st.data)
	}
	return nil
}

// handshake runs the script's side of the TLS handshake.
func (p *Peer) handshake() error {
	tc := tls.Client(p.nc, p.tls)
	if p.me == 'S' {
		tc = tls.Server(p.nc, p.tls)
	}
	tc.SetDeadline(time.Now().Add(guard))
	if err := tc.Handshake(); err != nil {
		return fmt.Errorf("TLS handshake: %w", err)
	}
	p.nc, p.r = tc, bufio.NewReader(tc)
	return nil
}

// drain reads what the other side still says until it closes, and
// returns it.
func (p *Peer) drain() string {
	p.nc.SetReadDeadline(time.Now().Add(guard))
	rest, _ := io.ReadAll(p.r)
	p.got.Write(rest)
	return string(rest)
}

// ReadLine reads one line of the other side, CRLF included, for a step
// that checks it itself.
func (p *Peer) ReadLine() (string, error) {
	p.nc.SetReadDeadline(time.Now().Add(guard))
	line, err := p.r.ReadString('\n')
	p.got.WriteString(line)
	return line, err
}

// Send writes s at once.
func (p *Peer) Send(s string) error {
	p.flush()
	p.nc.SetWriteDeadline(time.Now().Add(guard))
	_, err := io.WriteString(p.nc, s)
	return err
}
