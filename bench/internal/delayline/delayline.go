// Package delayline delays the bytes written to a connection by a fixed
// time without ever holding up the writer: a one-way delay line, like a
// network path of that latency and unlimited bandwidth.
//
// Bytes written at time t are delivered at t+d, in the order written.
// Write copies its argument, stamps it and returns at once, so a peer that
// answers pipelined commands keeps reading while its earlier replies are
// on their way, and replies produced together share one wait, as they
// would on a network.  Chunks that fall due together go out in one write.
package delayline

import (
	"io"
	"net"
	"sync"
	"time"
)

// chunk is one Write's bytes and the time they are due at the far end.
type chunk struct {
	due time.Time
	b   []byte
}

// Line is a delay line in front of a writer.  Its methods may be called
// from any goroutine; one goroutine per Line delivers.
type Line struct {
	w io.Writer
	d time.Duration

	mu     sync.Mutex
	q      []chunk
	closed bool
	err    error // the first failed delivery; later bytes are dropped
	wake   chan struct{}
	done   chan struct{}
}

// New returns a line that delivers to w what is written to it, d later.
func New(w io.Writer, d time.Duration) *Line {
	l := &Line{w: w, d: d, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go l.run()
	return l
}

// Write queues a copy of p for delivery d from now.  It never waits for
// the delivery; it returns the error of an earlier delivery that failed,
// or io.ErrClosedPipe after Close.
func (l *Line) Write(p []byte) (int, error) {
	due := time.Now().Add(l.d)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return 0, l.err
	}
	if l.closed {
		return 0, io.ErrClosedPipe
	}
	l.q = append(l.q, chunk{due: due, b: append([]byte(nil), p...)})
	l.signal()
	return len(p), nil
}

// Close stops the line taking bytes and waits until every byte queued
// has been delivered (or a delivery failed).  It returns that failure.
func (l *Line) Close() error {
	l.mu.Lock()
	l.closed = true
	l.signal()
	l.mu.Unlock()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// signal wakes the delivering goroutine; l.mu is held.
func (l *Line) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// run delivers the queued chunks, each at its due time, every chunk due
// by then in the same write.
func (l *Line) run() {
	defer close(l.done)
	var timer *time.Timer
	for {
		l.mu.Lock()
		for len(l.q) == 0 {
			if l.closed || l.err != nil {
				l.mu.Unlock()
				return
			}
			l.mu.Unlock()
			<-l.wake
			l.mu.Lock()
		}
		due := l.q[0].due
		l.mu.Unlock()
		if wait := time.Until(due); wait > 0 {
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			<-timer.C
		}
		if err := l.deliver(time.Now()); err != nil {
			l.mu.Lock()
			l.err, l.q = err, nil
			l.mu.Unlock()
			return
		}
	}
}

// deliver writes every chunk due by now, in one vectored write when w is
// a connection.
func (l *Line) deliver(now time.Time) error {
	l.mu.Lock()
	n := 0
	for n < len(l.q) && !l.q[n].due.After(now) {
		n++
	}
	bufs := make(net.Buffers, n)
	for i := range bufs {
		bufs[i] = l.q[i].b
		l.q[i].b = nil
	}
	l.q = l.q[n:]
	l.mu.Unlock()
	_, err := bufs.WriteTo(l.w)
	return err
}
