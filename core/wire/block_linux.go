//go:build linux

package wire

import (
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"mailwire/core/errs"
)

// BlockingIO makes Dial hand out connections that read and write with
// blocking system calls on the calling thread instead of Go's network
// poller. A call that comes from a C thread then sleeps in read(2) and the
// kernel wakes that very thread, instead of the poller waking it through
// another one: on small SMTP messages sent from one C thread, this halves
// the CPU time per message. It is on by default on Linux; the environment
// variable MW_BLOCKING_IO=0, read when the library loads, turns it off.
var BlockingIO = os.Getenv("MW_BLOCKING_IO") != "0"

// deadlineSlack is how far past its deadline one blocking call may wait
// before the socket's timeout is set again.
const deadlineSlack = 20 * time.Millisecond

// blockConn is a connected TCP socket in blocking mode. Deadlines become
// SO_RCVTIMEO and SO_SNDTIMEO; Close shuts the socket down at once, which
// wakes a call blocked in it, and releases the descriptor when the last
// call has returned, so a descriptor number is never reused under a call.
type blockConn struct {
	fd           int
	laddr, raddr net.Addr
	mu           sync.Mutex // guards refs and closed
	refs         int
	closed       bool
	rd, wr       sockTimeout
	lastWait     time.Duration
	reads        uint32
}

// sockTimeout is a deadline and the socket timeout last set for it.
type sockTimeout struct {
	mu       sync.Mutex
	opt      int // SO_RCVTIMEO or SO_SNDTIMEO
	deadline time.Time
	set      time.Duration // current socket timeout; 0 means none
}

// toBlocking turns a connected *net.TCPConn into a blockConn; any other
// connection, or one whose descriptor cannot be taken, is returned as is.
// It fails, having closed nc, only when the socket cannot be made blocking.
func toBlocking(nc net.Conn) (net.Conn, error) {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nc, nil
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nc, nil
	}
	fd := -1
	cerr := raw.Control(func(s uintptr) {
		r, _, e := syscall.Syscall(syscall.SYS_FCNTL, s, syscall.F_DUPFD_CLOEXEC, 0)
		if e == 0 {
			fd = int(r)
		}
	})
	if cerr != nil || fd < 0 {
		return nc, nil
	}
	// O_NONBLOCK belongs to the open file, shared by both descriptors: set
	// it only once the poller has let go of the original.
	bc := &blockConn{fd: fd, laddr: tc.LocalAddr(), raddr: tc.RemoteAddr()}
	bc.rd.opt, bc.wr.opt = syscall.SO_RCVTIMEO, syscall.SO_SNDTIMEO
	tc.Close()
	if err := syscall.SetNonblock(fd, false); err != nil {
		// The original is closed now: the blocking one is all there is,
		// and without blocking mode it cannot work.
		syscall.Close(fd)
		return nil, errs.E(errs.Connect, os.NewSyscallError("fcntl", err))
	}
	return bc, nil
}

// acquire counts a call in; it fails once the connection is closed.
func (c *blockConn) acquire() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.refs++
	return true
}

// release counts a call out, and closes the descriptor after Close.
func (c *blockConn) release() {
	c.mu.Lock()
	c.refs--
	last := c.closed && c.refs == 0
	c.mu.Unlock()
	if last {
		syscall.Close(c.fd)
	}
}

func (c *blockConn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Read reads with read(2), blocking the calling thread until data, end of
// stream, the read deadline or Close.
func (c *blockConn) Read(p []byte) (int, error) {
	if !c.acquire() {
		return 0, c.opErr("read", net.ErrClosed)
	}
	defer c.release()
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if err := c.rd.arm(c.fd); err != nil {
			return 0, c.opErr("read", err)
		}
		n, err := c.spinRecv(p)
		if err == syscall.EAGAIN {
			t := time.Now()
			n, err = syscall.Read(c.fd, p)
			c.lastWait = time.Since(t)
		}
		switch {
		case c.isClosed():
			return 0, c.opErr("read", net.ErrClosed)
		case err == nil && n > 0:
			return n, nil
		case err == nil:
			return 0, io.EOF
		case err == syscall.EINTR || err == syscall.EAGAIN:
			continue // arm reports a deadline that has passed
		}
		return 0, c.opErr("read", os.NewSyscallError("read", err))
	}
}

// Write writes all of p with send(2), blocking the calling thread; a peer
// that has gone away gives EPIPE, never SIGPIPE.
func (c *blockConn) Write(p []byte) (int, error) {
	if !c.acquire() {
		return 0, c.opErr("write", net.ErrClosed)
	}
	defer c.release()
	done := 0
	for done < len(p) {
		if err := c.wr.arm(c.fd); err != nil {
			return done, c.opErr("write", err)
		}
		n, err := send(c.fd, p[done:])
		if n > 0 {
			done += n
		}
		switch {
		case c.isClosed():
			return done, c.opErr("write", net.ErrClosed)
		case err == nil || err == syscall.EINTR || err == syscall.EAGAIN:
			continue
		}
		return done, c.opErr("write", os.NewSyscallError("write", err))
	}
	return done, nil
}

// SpinFor is how long a read polls the socket, yielding the processor
// between polls, before it sleeps in read(2). A reply from a server on the
// same machine or LAN comes within it, and the thread that waits for it is
// then still running: on a virtual machine, waking a sleeping thread (and
// its idle processor) costs tens of microseconds per reply, several times
// a loopback round trip. A connection whose last reply took longer than a
// millisecond stops polling, and tries again every 32nd read; at most half
// the processors poll at once, so a pool of threads does not spin them all.
// MW_SPIN (a Go duration, "0" turns it off), read when the library loads,
// overrides the default of 100µs.
var SpinFor = func() time.Duration {
	d, err := time.ParseDuration(os.Getenv("MW_SPIN"))
	if err != nil || d < 0 {
		return 100 * time.Microsecond
	}
	return d
}()

var (
	spinners    atomic.Int32
	maxSpinners = int32(max(1, runtime.NumCPU()/2))
)

// spinRecv polls the socket without blocking for up to SpinFor, and gives
// EAGAIN when nothing came (or when it did not poll): the caller then
// blocks.
func (c *blockConn) spinRecv(p []byte) (int, error) {
	c.reads++
	if SpinFor <= 0 || (c.lastWait > time.Millisecond && c.reads%32 != 0) {
		return 0, syscall.EAGAIN
	}
	if spinners.Add(1) > maxSpinners {
		spinners.Add(-1)
		return 0, syscall.EAGAIN
	}
	defer spinners.Add(-1)
	start := time.Now()
	for {
		r, _, e := syscall.RawSyscall6(syscall.SYS_RECVFROM, uintptr(c.fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)), syscall.MSG_DONTWAIT, 0, 0)
		if e == 0 {
			c.lastWait = time.Since(start)
			return int(r), nil
		}
		if e != syscall.EAGAIN {
			return 0, e
		}
		if d := time.Since(start); d > SpinFor {
			return 0, syscall.EAGAIN
		}
		syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0)
	}
}

func send(fd int, p []byte) (int, error) {
	r, _, e := syscall.Syscall6(syscall.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(&p[0])),
		uintptr(len(p)), syscall.MSG_NOSIGNAL, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// Close shuts the socket down, which wakes any call blocked in it; the
// descriptor is closed when the last such call has returned.
func (c *blockConn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return c.opErr("close", net.ErrClosed)
	}
	c.closed = true
	c.refs++
	c.mu.Unlock()
	syscall.Shutdown(c.fd, syscall.SHUT_RDWR)
	c.release()
	return nil
}

func (c *blockConn) LocalAddr() net.Addr  { return c.laddr }
func (c *blockConn) RemoteAddr() net.Addr { return c.raddr }

// SetDeadline sets both deadlines.
func (c *blockConn) SetDeadline(t time.Time) error {
	c.rd.setDeadline(t)
	c.wr.setDeadline(t)
	return nil
}

// SetReadDeadline sets the read deadline; it applies from the next Read on,
// not to a Read already blocked.
func (c *blockConn) SetReadDeadline(t time.Time) error { c.rd.setDeadline(t); return nil }

// SetWriteDeadline sets the write deadline; it applies from the next Write
// on, not to a Write already blocked.
func (c *blockConn) SetWriteDeadline(t time.Time) error { c.wr.setDeadline(t); return nil }

func (c *blockConn) opErr(op string, err error) error {
	return &net.OpError{Op: op, Net: "tcp", Source: c.laddr, Addr: c.raddr, Err: err}
}

func (s *sockTimeout) setDeadline(t time.Time) {
	s.mu.Lock()
	s.deadline = t
	s.mu.Unlock()
}

// arm makes the socket timeout end no later than the deadline plus
// deadlineSlack, and no much earlier than the deadline, touching the socket
// only when the timeout set before does not fit. With a step timeout that
// stays the same, that is once per connection. It returns
// os.ErrDeadlineExceeded when the deadline has passed.
func (s *sockTimeout) arm(fd int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := time.Duration(0)
	if !s.deadline.IsZero() {
		want = time.Until(s.deadline)
		if want <= 0 {
			return os.ErrDeadlineExceeded
		}
		if want < time.Microsecond {
			want = time.Microsecond
		}
	}
	if !s.fits(want) {
		tv := syscall.NsecToTimeval(want.Nanoseconds())
		if want > 0 && tv.Sec == 0 && tv.Usec == 0 {
			tv.Usec = 1
		}
		if err := syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, s.opt, &tv); err != nil {
			return os.NewSyscallError("setsockopt", err)
		}
		s.set = want
	}
	return nil
}

// fits reports whether the timeout already set serves a wait of want (0:
// none): not past it by more than the slack, and not so short that the call
// would wake up often for nothing.
func (s *sockTimeout) fits(want time.Duration) bool {
	if want == 0 || s.set == 0 {
		return want == s.set
	}
	return s.set <= want+deadlineSlack && s.set >= want/2
}
