//go:build linux

package wire

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"mailwire/core/errs"
)

// blockPair dials a loopback listener with BlockingIO on and returns the
// client connection and the accepted server side.
func blockPair(t *testing.T, cfg *tls.Config) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	acc := make(chan net.Conn, 1)
	go func() {
		s, err := ln.Accept()
		if err != nil {
			acc <- nil
			return
		}
		if cfg != nil {
			ts := tls.Server(s, serverTLS(t))
			ts.Handshake()
			s = ts
		}
		acc <- s
	}()
	old := BlockingIO
	BlockingIO = true
	defer func() { BlockingIO = old }()
	port := ln.Addr().(*net.TCPAddr).Port
	c, err := Dial(context.Background(), "127.0.0.1", port, cfg, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s := <-acc
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}

func serverTLS(t *testing.T) *tls.Config {
	ca, err := NewCA("block test CA")
	if err != nil {
		t.Error(err)
		return nil
	}
	cert, err := ca.Issue(Leaf{Names: []string{"localhost"}})
	if err != nil {
		t.Error(err)
		return nil
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}}
}

func TestBlockingDialGivesBlockConn(t *testing.T) {
	c, _ := blockPair(t, nil)
	if _, ok := c.(*blockConn); !ok {
		t.Fatalf("Dial with BlockingIO gave %T", c)
	}
	if c.RemoteAddr().String() == "" || c.LocalAddr().String() == "" {
		t.Fatal("addresses missing")
	}
}

func TestBlockingExchange(t *testing.T) {
	tests := []struct {
		name string
		tls  bool
	}{{"plain", false}, {"tls", true}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg *tls.Config
			if tt.tls {
				cfg = &tls.Config{InsecureSkipVerify: true}
			}
			nc, s := blockPair(t, cfg)
			go func() {
				r := bufio.NewReader(s)
				for {
					l, err := r.ReadString('\n')
					if err != nil {
						return
					}
					s.Write([]byte("250 " + l))
				}
			}()
			c := NewConn(nc, Client, 5*time.Second, nil)
			for _, cmd := range []string{"EHLO a", "MAIL FROM:<a@b>", strings.Repeat("x", 3000)} {
				if err := c.WriteLine(cmd); err != nil {
					t.Fatal(err)
				}
				if err := c.Flush(); err != nil {
					t.Fatal(err)
				}
				got, err := c.ReadLine()
				if err != nil || got != "250 "+cmd {
					t.Fatalf("got %q, %v", got, err)
				}
			}
		})
	}
}

func TestBlockingErrors(t *testing.T) {
	tests := []struct {
		name string
		act  func(c *Conn, s net.Conn) error
		want errs.Kind
	}{
		{"read deadline", func(c *Conn, s net.Conn) error {
			c.SetReadTimeout(50 * time.Millisecond)
			_, err := c.ReadLine()
			return err
		}, errs.Timeout},
		{"peer closes", func(c *Conn, s net.Conn) error {
			s.Write([]byte("220 partial"))
			s.Close()
			_, err := c.ReadLine()
			return err
		}, errs.Closed},
		{"cancel wakes a blocked read", func(c *Conn, s net.Conn) error {
			go func() { time.Sleep(50 * time.Millisecond); c.Cancel() }()
			c.SetReadTimeout(-1)
			_, err := c.ReadLine()
			return err
		}, errs.Cancelled},
		{"write deadline with a peer that does not read", func(c *Conn, s net.Conn) error {
			c.Timeout = 100 * time.Millisecond
			line := strings.Repeat("y", 1000)
			for i := 0; i < 1<<16; i++ {
				if err := c.WriteLine(line); err != nil {
					return err
				}
			}
			return c.Flush()
		}, errs.Timeout},
		{"write to a reset peer", func(c *Conn, s net.Conn) error {
			s.(*net.TCPConn).SetLinger(0)
			s.Close()
			var err error
			for i := 0; i < 100 && err == nil; i++ {
				c.WriteLine("NOOP")
				err = c.Flush()
				time.Sleep(time.Millisecond)
			}
			return err
		}, errs.IO},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nc, s := blockPair(t, nil)
			c := NewConn(nc, Client, 5*time.Second, nil)
			err := tt.act(c, s)
			if k := errs.KindOf(err); k != tt.want {
				t.Fatalf("kind %v, want %v (%v)", k, tt.want, err)
			}
		})
	}
}

func TestBlockingClose(t *testing.T) {
	c, _ := blockPair(t, nil)
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 10))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("blocked read ended with %v", err)
	}
	if _, err := c.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
	if err := c.Close(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("second close: %v", err)
	}
	if _, err := c.Read(nil); !errors.Is(err, net.ErrClosed) && err != io.EOF {
		t.Fatalf("read after close: %v", err)
	}
}

func TestSockTimeoutFits(t *testing.T) {
	tests := []struct {
		set, want time.Duration
		fits      bool
	}{
		{0, 0, true},
		{0, time.Second, false},
		{time.Second, 0, false},
		{time.Second, time.Second - time.Millisecond, true},
		{time.Second, 900 * time.Millisecond, false},
		{time.Second, 3 * time.Second, false},
		{time.Second, 1500 * time.Millisecond, true},
	}
	for _, tt := range tests {
		s := sockTimeout{set: tt.set}
		if got := s.fits(tt.want); got != tt.fits {
			t.Errorf("set %v want %v: fits %v", tt.set, tt.want, got)
		}
	}
}

// A read polls before it sleeps: a reply that comes during the poll is
// read by it, a connection whose replies come slowly stops polling (but
// tries again every 32nd read), and a close during the poll ends the read.
func TestBlockingSpin(t *testing.T) {
	if SpinFor <= 0 {
		t.Skip("MW_SPIN turns polling off")
	}
	c, s := blockPair(t, nil)
	bc := c.(*blockConn)
	buf := make([]byte, 16)

	s.Write([]byte("a"))
	time.Sleep(10 * time.Millisecond)
	if n, err := bc.spinRecv(buf); err != nil || string(buf[:n]) != "a" {
		t.Fatalf("poll with data waiting: %d %v", n, err)
	}
	start := time.Now()
	if _, err := bc.spinRecv(buf); err != syscall.EAGAIN {
		t.Fatalf("poll with nothing coming: %v, want EAGAIN", err)
	}
	if d := time.Since(start); d < SpinFor {
		t.Fatalf("polled %v, want %v", d, SpinFor)
	}

	// Slow replies: no polling, but the 32nd read polls again.
	bc.lastWait = 5 * time.Millisecond
	s.Write([]byte("b"))
	time.Sleep(10 * time.Millisecond)
	polled := 0
	for i := 0; i < 32; i++ {
		if n, err := bc.spinRecv(buf); err == nil {
			if string(buf[:n]) != "b" {
				t.Fatalf("read %q", buf[:n])
			}
			polled++
			bc.lastWait = 5 * time.Millisecond
		}
	}
	if polled != 1 {
		t.Fatalf("a slow connection polled %d times in 32 reads, want 1", polled)
	}

	// The reply comes while Read polls, and Read returns it.
	bc.lastWait = 0
	go func() { time.Sleep(SpinFor / 4); s.Write([]byte("c")) }()
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "c" {
		t.Fatalf("Read: %q %v", buf[:n], err)
	}

	// Close while Read waits (polling, then sleeping): Read ends with ErrClosed.
	go func() { time.Sleep(SpinFor / 2); c.Close() }()
	if _, err := c.Read(buf); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Read after Close: %v", err)
	}
}
