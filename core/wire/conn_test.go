package wire

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"mailwire/core/errs"
)

// pipe returns a Conn of role on one end of a synchronous pipe, and the
// other end.
func pipe(t *testing.T, role Role, log *Log) (*Conn, net.Conn) {
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	return NewConn(a, role, 5*time.Second, log), b
}

func TestDeadlineRule(t *testing.T) {
	var d deadline
	if _, set := d.renew(0); set {
		t.Error("no timeout on a fresh connection sets a deadline")
	}
	first, set := d.renew(time.Minute)
	if !set {
		t.Fatal("the first wait sets no deadline")
	}
	if _, set := d.renew(time.Minute); set {
		t.Error("the deadline moved while more than 7/8 of the timeout was left")
	}
	d.until = time.Now().Add(time.Minute / 2)
	if next, set := d.renew(time.Minute); !set || !next.After(first) {
		t.Error("the deadline did not move with half the timeout left")
	}
	if _, set := d.renew(time.Hour); !set {
		t.Error("a different timeout kept the old deadline")
	}
	if until, set := d.renew(0); !set || !until.IsZero() {
		t.Error("no timeout kept the old deadline")
	}
	d.span = -1
	if _, set := d.renew(0); !set {
		t.Error("an unknown deadline was not cleared")
	}
}

func TestLogLabelsByRole(t *testing.T) {
	for _, tt := range []struct {
		role Role
		want string
	}{{Client, "C: EHLO x|S: 250 ok|C: AUTH PLAIN <secret>"}, {Server, "S: EHLO x|C: 250 ok|S: AUTH PLAIN <secret>"}} {
		var lines []string
		c, peer := pipe(t, tt.role, NewFuncLog(func(l string) { lines = append(lines, l) }))
		go func() {
			buf := make([]byte, 100)
			peer.Read(buf)
			io.WriteString(peer, "250 ok\r\n")
			io.Copy(io.Discard, peer)
		}()
		c.WriteLine("EHLO x")
		c.Flush()
		c.ReadLine()
		c.WriteSecretLine("AUTH PLAIN AGEAYg==", "AUTH PLAIN <secret>")
		if got := strings.Join(lines, "|"); got != tt.want {
			t.Errorf("role %d logged %q, want %q", tt.role, got, tt.want)
		}
	}
}

func TestReadLineTooLong(t *testing.T) {
	long := strings.Repeat("A", 3*bufSize) + "\r\n"
	tests := []struct {
		name  string
		role  Role
		input string
		next  string // what the next ReadLine gives; "" when the connection is given up
	}{
		{"server skips a line longer than the buffer", Server, long + "NOOP\r\n", "NOOP"},
		{"server drops a line longer than MaxLine", Server, strings.Repeat("B", 200) + "\r\nQUIT\r\n", "QUIT"},
		{"client gives up", Client, long, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, peer := pipe(t, tt.role, nil)
			c.MaxLine = 100
			go func() { io.WriteString(peer, tt.input) }()
			_, err := c.ReadLine()
			if !errors.Is(err, ErrLineTooLong) || errs.KindOf(err) != errs.Protocol {
				t.Fatalf("got %v, want ErrLineTooLong of kind errs.Protocol", err)
			}
			if tt.next == "" {
				return
			}
			if got, err := c.ReadLine(); got != tt.next || err != nil {
				t.Errorf("next line %q, %v; want %q", got, err, tt.next)
			}
		})
	}
}

// TestDotReaderKeepsKind checks that a failure in the middle of
// dot-terminated data keeps its kind.
func TestDotReaderKeepsKind(t *testing.T) {
	tests := []struct {
		name string
		then func(c *Conn, peer net.Conn) // after the peer sent part of the data
		want errs.Kind
	}{
		{"timeout", func(*Conn, net.Conn) {}, errs.Timeout},
		{"end of stream", func(_ *Conn, peer net.Conn) { peer.Close() }, errs.Closed},
		{"cancel", func(c *Conn, _ net.Conn) { c.Cancel() }, errs.Cancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, peer := pipe(t, Client, nil)
			c.SetReadTimeout(20 * time.Millisecond)
			if tt.want != errs.Timeout {
				c.SetReadTimeout(-1)
			}
			go func() {
				io.WriteString(peer, "line one\r\npart")
				tt.then(c, peer)
			}()
			_, err := io.ReadAll(c.DotReader())
			if errs.KindOf(err) != tt.want {
				t.Errorf("got %v (kind %d), want kind %d", err, errs.KindOf(err), tt.want)
			}
		})
	}
}

func TestDotReaderStrictForServer(t *testing.T) {
	c, peer := pipe(t, Server, nil)
	go io.WriteString(peer, "a\nb\r\n.\r\nNOOP\r\n")
	if _, err := io.ReadAll(c.DotReader()); err != ErrBareLineEnd {
		t.Fatalf("got %v, want ErrBareLineEnd", err)
	}
	if l, err := c.ReadLine(); l != "NOOP" || err != nil {
		t.Errorf("after the data: %q, %v", l, err)
	}
}

func TestQuiet(t *testing.T) {
	tests := []struct {
		name string
		peer func(net.Conn)
		want bool
	}{
		{"idle", func(net.Conn) {}, true},
		{"sent a reply", func(p net.Conn) { io.WriteString(p, "421 bye\r\n") }, false},
		{"closed", func(p net.Conn) { p.Close() }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, peer := pipe(t, Client, nil)
			go tt.peer(peer)
			if tt.want {
				// The peer does nothing: Quiet must time out.
				if !c.Quiet(10 * time.Millisecond) {
					t.Error("an idle connection is not quiet")
				}
				return
			}
			for i := 0; c.Quiet(10 * time.Millisecond); i++ {
				if i == 500 { // the peer's goroutine may not have run yet
					t.Fatal("the peer's reply or close went unnoticed")
				}
			}
		})
	}
}

func TestRawAndBodyIO(t *testing.T) {
	c, peer := pipe(t, Server, nil)
	var got bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.WriteString(peer, "0123456789abcdefNEXT\r\n")
		io.Copy(&got, peer)
		close(done)
	}()
	p := make([]byte, 10)
	if err := c.ReadFull(p); err != nil || string(p) != "0123456789" {
		t.Fatalf("ReadFull: %q, %v", p, err)
	}
	if err := c.Discard(6); err != nil {
		t.Fatal(err)
	}
	if l, err := c.ReadLine(); l != "NEXT" || err != nil {
		t.Fatalf("after Discard: %q, %v", l, err)
	}
	c.Write([]byte("raw"))
	// io.Copy to c goes through ReadFrom: more than the write buffer
	// holds, after what it holds, in order.
	big := bytes.Repeat([]byte("0123456789abcdef"), bufSize/16*2+5)
	if n, err := io.Copy(c, io.NewSectionReader(bytes.NewReader(big), 0, int64(len(big)))); n != int64(len(big)) || err != nil {
		t.Fatalf("io.Copy: %d, %v", n, err)
	}
	dw := c.DotWriter()
	dw.Write([]byte(".x"))
	dw.Close()
	c.Flush()
	c.Close()
	<-done
	if want := "raw" + string(big) + "..x\r\n.\r\n"; got.String() != want {
		t.Errorf("wrote %d octets, want %d", got.Len(), len(want))
	}
}
