package smtp

import (
	"sync"
	"time"

	"mailwire/core/wire"
)

// A stream reads its replies on the calling goroutine when it waits for
// them anyway (a single message, DATA, lock step), and when its window is
// small: then it writes until the window is full and reads what has come,
// and the replies it has not read yet fit in the socket buffers. A stream
// of pipelined BDAT transactions whose window grows beyond that (a long
// round trip) must not stop reading while it writes, or the server, its
// replies unread, could stop reading too and neither side would move (RFC
// 2920 section 3.1 leaves avoiding that to the client): a reader goroutine
// then reads the replies as they come and hands them over in order. The
// connection's writing side stays the caller's, and its reading side the
// reader's, until the stream ends.

// result is one reply read, or why none could be.
type result struct {
	r   *reply
	err error
}

// span is n replies expected, each within timeout d (0: the command
// timeout).
type span struct {
	n int
	d time.Duration
}

// addSpan appends n replies of timeout d to spans.
func addSpan(spans []span, n int, d time.Duration) []span {
	if k := len(spans); k > 0 && spans[k-1].d == d {
		spans[k-1].n += n
		return spans
	}
	return append(spans, span{n, d})
}

// reader reads the replies of a stream on its own goroutine.
type reader struct {
	c       *Client
	mu      sync.Mutex
	want    []span // replies the writer waits for and the reader has not read, from wh
	wh      int
	got     []result // replies read and not taken
	spare   []result
	closed  bool          // the writer expects nothing more
	idle    bool          // the reader waits for want to grow
	waiting bool          // the writer waits for got to grow
	wake    chan struct{} // to the reader: want grew, or closed
	ready   chan struct{} // to the writer: got grew
	done    chan struct{} // closed when the reader has returned
}

// startReader hands the reading side of the connection to a reader
// goroutine, telling it of the replies expected so far. While it reads,
// the protocol log goes through a relay, so that it (and the caller's log
// callback) still gets every line on the calling goroutine.
func (s *stream) startReader() {
	c := s.c
	if c.conn.Log != nil {
		s.log = &relay{to: c.conn.Log}
		c.conn.Log = wire.NewFuncLog(s.log.add)
	}
	rd := &reader{c: c, wake: make(chan struct{}, 1), ready: make(chan struct{}, 1), done: make(chan struct{})}
	for _, e := range s.q[s.qh:] {
		s.pub = addSpan(s.pub, e.left, s.timeout(e.kind))
	}
	s.rd = rd
	go rd.run()
}

// stopReader waits for the reader to return, once nothing more is
// expected or the connection is closed, and takes the reading side back.
func (s *stream) stopReader() {
	if s.rd == nil {
		return
	}
	s.rd.close()
	<-s.rd.done
	s.rd = nil
	if s.log != nil {
		s.c.conn.Log = s.log.to
		s.log.flush()
		s.log = nil
	}
}

// publish tells the reader of the replies expected since the last time.
func (s *stream) publish() {
	if s.rd != nil && len(s.pub) > 0 {
		s.rd.expect(s.pub)
		s.pub = s.pub[:0]
	}
}

// run reads every reply expected. After a read error it closes the
// connection, which also stops a writer blocked on a full socket.
func (rd *reader) run() {
	defer close(rd.done)
	for {
		d, ok := rd.next()
		if !ok {
			return
		}
		r, err := rd.c.receive(d)
		rd.put(result{r, err})
		if err != nil {
			rd.c.conn.Close()
			return
		}
	}
}

// next returns the timeout of the next reply to read, waiting until one
// is expected; false when the writer expects nothing more.
func (rd *reader) next() (time.Duration, bool) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	for rd.wh == len(rd.want) {
		if rd.closed {
			return 0, false
		}
		rd.idle = true
		rd.mu.Unlock()
		<-rd.wake
		rd.mu.Lock()
	}
	w := &rd.want[rd.wh]
	d := w.d
	if w.n--; w.n == 0 {
		switch rd.wh++; {
		case rd.wh == len(rd.want):
			rd.want, rd.wh = rd.want[:0], 0 // read them all: start over
		case rd.wh > 256 && rd.wh > len(rd.want)/2:
			rd.want, rd.wh = rd.want[:copy(rd.want, rd.want[rd.wh:])], 0
		}
	}
	return d, true
}

// put hands one result to the writer.
func (rd *reader) put(x result) {
	rd.mu.Lock()
	rd.got = append(rd.got, x)
	w := rd.waiting
	rd.waiting = false
	rd.mu.Unlock()
	if w {
		rd.ready <- struct{}{}
	}
}

// take returns the results read since the last call, in order; with block
// set it waits for at least one. The slice is valid until the next call.
func (rd *reader) take(block bool) []result {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	for block && len(rd.got) == 0 {
		rd.waiting = true
		rd.mu.Unlock()
		<-rd.ready
		rd.mu.Lock()
	}
	got := rd.got
	clear(rd.spare)
	rd.got, rd.spare = rd.spare[:0], got
	return got
}

// expect tells the reader of more replies to read.
func (rd *reader) expect(spans []span) {
	rd.mu.Lock()
	for _, s := range spans {
		rd.want = addSpan(rd.want, s.n, s.d)
	}
	rd.wakeLocked()
}

// close tells the reader that nothing more will be expected.
func (rd *reader) close() {
	rd.mu.Lock()
	rd.closed = true
	rd.wakeLocked()
}

// wakeLocked wakes an idle reader and unlocks rd.mu.
func (rd *reader) wakeLocked() {
	w := rd.idle
	rd.idle = false
	rd.mu.Unlock()
	if w {
		rd.wake <- struct{}{}
	}
}

// relay holds the log lines of a stream while a reader goroutine reads its
// replies; flush passes them to the log on the calling goroutine, in the
// order they were read and written.
type relay struct {
	to    *wire.Log
	mu    sync.Mutex
	lines []string
	spare []string
}

func (l *relay) add(line string) {
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
}

// flush passes the lines held so far to the log.
func (l *relay) flush() {
	if l == nil {
		return
	}
	l.mu.Lock()
	lines := l.lines
	clear(l.spare)
	l.lines, l.spare = l.spare[:0], lines
	l.mu.Unlock()
	for _, line := range lines {
		l.to.Line("", []byte(line))
	}
}

// Window bounds: a stream keeps at least minFlying transactions and
// minBytes of BDAT data in flight when it can, and never more than
// maxFlying and maxBytes, so that memory stays bounded and a lost
// connection leaves few messages whose fate is unknown.
const (
	minFlying = 64
	maxFlying = 4096
	minBytes  = 1 << 20
	maxBytes  = 16 << 20
)

// maxUnread is the most replies a stream that reads its own replies lets
// wait unread while it writes: a few tens of kilobytes.
const maxUnread = 1024

// syncFlying is the largest window whose replies the writing goroutine
// reads itself: the few kilobytes of replies to that many transactions fit
// in any socket buffer. (A variable, so that tests can run every stream
// with a reader.)
var syncFlying = 256

// pacer sizes what a stream keeps in flight by the bandwidth-delay product
// of the connection: the shortest round trip seen times the highest rate
// at which messages (and bytes) were answered. Rate samples lag the window
// they measure, so the window grows as TCP's slow start does (RFC 5681
// section 3.1): every message answered adds one to a growing window
// (grow, growBytes), which doubles it each round trip, and the window
// is that, but never more than eight times the bandwidth-delay product
// measured (a window the rate does not follow stops growing) nor less
// than twice it. It lives as long as the connection.
type pacer struct {
	minRTT    time.Duration
	mark      time.Time // start of the current rate sample
	msgs      int       // answered since mark
	bytes     int64
	rate      float64 // messages per second, the highest sample
	brate     float64 // bytes per second, the highest sample
	grow      int     // the slow-start window, in messages
	growBytes int64   // and in bytes
}

// delivered records a message answered rtt after its data was written.
func (p *pacer) delivered(rtt time.Duration, size int64) {
	if rtt > 0 && (p.minRTT == 0 || rtt < p.minRTT) {
		p.minRTT = rtt
	}
	p.grow = min(max(p.grow, minFlying)+1, maxFlying)
	p.growBytes = min(max(p.growBytes, minBytes)+size, maxBytes)
	now := time.Now()
	if p.mark.IsZero() {
		p.mark = now
		return
	}
	p.msgs++
	p.bytes += size
	el := now.Sub(p.mark)
	if el < max(p.minRTT, time.Millisecond) {
		return
	}
	p.rate = max(p.rate, float64(p.msgs)/el.Seconds())
	p.brate = max(p.brate, float64(p.bytes)/el.Seconds())
	p.mark, p.msgs, p.bytes = now, 0, 0
}

// window returns how many transactions, and how many bytes of their data,
// may be in flight.
func (p *pacer) window() (int, int64) {
	rtt := p.minRTT.Seconds()
	bdp, bbdp := p.rate*rtt, p.brate*rtt
	msgs := max(min(float64(p.grow), 8*bdp), 2*bdp)
	bytes := max(min(float64(p.growBytes), 8*bbdp), 2*bbdp)
	return min(max(int(msgs), minFlying), maxFlying), min(max(int64(bytes), minBytes), maxBytes)
}
