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
	out   []byte // lines of the script not sent yet
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
		if err := p.do(st); err == errClosed {
			return err
		} else if err != nil {
			return fmt.Errorf("script line %d: %w", st.line, err)
		}
	}
	p.Send("")
	return nil
}

func (p *Peer) do(st step) error {
	if st.side == p.me {
		p.out = append(p.out, st.data...)
		return nil
	}
	// A write error is the other side gone, which shows if more was expected.
	p.Send("")
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

// expect reads what step st of the other side says and compares it.
func (p *Peer) expect(st step) error {
	got, err := p.read(st)
	if err != nil {
		return fmt.Errorf("want %q, got %q and %v", st.data, got, err)
	}
	if !st.matches(got) {
		return fmt.Errorf("got %q, want %q", got, st.data)
	}
	return nil
}

// read reads what st expects: a line, or as many bytes as its raw data.
func (p *Peer) read(st step) (string, error) {
	if !st.raw {
		return p.ReadLine()
	}
	p.nc.SetReadDeadline(time.Now().Add(guard))
	buf := make([]byte, len(st.data))
	n, err := io.ReadFull(p.r, buf)
	p.got.Write(buf[:n])
	return string(buf[:n]), err
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

// Send writes what the script has buffered, then s.
func (p *Peer) Send(s string) error {
	p.out = append(p.out, s...)
	if len(p.out) == 0 {
		return nil
	}
	p.nc.SetWriteDeadline(time.Now().Add(guard))
	_, err := p.nc.Write(p.out)
	p.out = p.out[:0]
	return err
}
