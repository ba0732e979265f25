package delayline

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"testing"
	"time"
)

// stamped records each write with the time it arrived.
type stamped struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	at   []time.Time
	size []int
}

func (s *stamped) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at = append(s.at, time.Now())
	s.size = append(s.size, len(p))
	return s.buf.Write(p)
}

// TestOrderAndNeverEarly checks that bytes arrive whole, in order, and
// never before their delay has passed.
func TestOrderAndNeverEarly(t *testing.T) {
	const d = 20 * time.Millisecond
	var out stamped
	l := New(&out, d)
	var want bytes.Buffer
	var written []time.Time
	for i := 0; i < 50; i++ {
		p := bytes.Repeat([]byte{byte('a' + i%26)}, i+1)
		written = append(written, time.Now())
		if _, err := l.Write(p); err != nil {
			t.Fatal(err)
		}
		want.Write(p)
		if i%10 == 9 {
			time.Sleep(d / 4)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.buf.Bytes(), want.Bytes()) {
		t.Fatalf("delivered %q, want %q", out.buf.Bytes(), want.Bytes())
	}
	// Delivery k carries the bytes of the writes that follow the ones
	// before it; the first of them was written at least d earlier.
	next := 0
	for k, at := range out.at {
		if at.Sub(written[next]) < d {
			t.Errorf("delivery %d came %v after its first write, before the %v delay", k, at.Sub(written[next]), d)
		}
		for n := 0; n < out.size[k]; next++ {
			n += next + 1
		}
	}
}

// TestWriteNeverWaits checks that writes return while the far end is not
// reading at all, and that everything arrives once it reads.
func TestWriteNeverWaits(t *testing.T) {
	r, w := io.Pipe()
	l := New(w, time.Millisecond)
	var want bytes.Buffer
	for i := 0; i < 1000; i++ {
		p := []byte("250 2.0.0 OK\r\n")
		if _, err := l.Write(p); err != nil {
			t.Fatal(err)
		}
		want.Write(p)
	}
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		got <- b
	}()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if b := <-got; !bytes.Equal(b, want.Bytes()) {
		t.Fatalf("read %d bytes, want %d", len(b), want.Len())
	}
}

// TestFailedDelivery checks that a failed delivery is reported by the
// next Write and by Close, and that Write after Close fails.
func TestFailedDelivery(t *testing.T) {
	r, w := io.Pipe()
	r.Close()
	l := New(w, 0)
	l.Write([]byte("x"))
	if err := l.Close(); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("Close: %v, want the pipe's error", err)
	}
	if _, err := l.Write([]byte("y")); err == nil {
		t.Fatal("Write after a failed delivery succeeded")
	}
	l2 := New(io.Discard, 0)
	l2.Close()
	if _, err := l2.Write([]byte("z")); err == nil {
		t.Fatal("Write after Close succeeded")
	}
}
