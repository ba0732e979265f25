package smtp

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mailwire/core/errs"
	"mailwire/core/session"
)

const poolHello = `
	S: 220 mx
	C: EHLO client.example
	S: 250-mx
	S: 250 PIPELINING
`

const poolTxn = `
	C: MAIL FROM:<a@x.example>
	C: RCPT TO:<b@y.example>
	C: DATA
	S: 250 ok
	S: 250 ok
	S: 354 go
	C: hi
	C: .
	S: 250 queued
`

var poolEnv = Envelope{From: "a@x.example", To: []string{"b@y.example"}}

func poolSend(p *Pool) error {
	_, err := p.Send(context.Background(), poolEnv, strings.NewReader("hi"))
	return err
}

func TestPoolReuse(t *testing.T) {
	s := newServers(t, nil, false, poolHello+poolTxn+`
		C: MAIL FROM:<a@x.example>
		C: RCPT TO:<b@y.example>
		C: DATA
		S: 250 ok
		S: 550 no
		S: 554 no valid recipients
		C: RSET
		C: MAIL FROM:<a@x.example>
		C: RCPT TO:<b@y.example>
		C: DATA
		S: 250 reset
		S: 250 ok
		S: 250 ok
		S: 354 go
		C: hi
		C: .
		S: 250 queued
		C: QUIT
		S: 221 bye`)
	p := NewPool(testOptions(s.Port()), 1, 0)
	for i, want := range []errs.Kind{0, errs.Refused, 0} {
		if err := poolSend(p); errs.KindOf(err) != want {
			t.Fatalf("send %d: %v, want kind %d", i, err, want)
		}
	}
	p.Close()
	s.Check(t)
}

func TestPoolRetryBeforeData(t *testing.T) {
	s := newServers(t, nil, false, poolHello+`
		C: MAIL FROM:<a@x.example>
		C: RCPT TO:<b@y.example>
		C: DATA
		S: 421 closing`, poolHello+poolTxn+`
		C: QUIT
		S: 221 bye`)
	p := NewPool(testOptions(s.Port()), 2, 0)
	if err := poolSend(p); err != nil {
		t.Fatal(err)
	}
	p.Close()
	s.Check(t)
}

func TestPoolNoRetryAfterData(t *testing.T) {
	s := newServers(t, nil, false, poolHello+`
		C: MAIL FROM:<a@x.example>
		C: RCPT TO:<b@y.example>
		C: DATA
		S: 250 ok
		S: 250 ok
		S: 354 go
		C: hi
		C: .
		!close`, "")
	p := NewPool(testOptions(s.Port()), 2, 0)
	if err := poolSend(p); errs.KindOf(err) != errs.Closed {
		t.Fatalf("got %v, want a closed connection", err)
	}
	if p.Idle() != 0 {
		t.Error("broken connection kept")
	}
	p.Close()
	s.Check(t)
}

func TestPoolIdleClose(t *testing.T) {
	s := newServers(t, nil, false, poolHello+poolTxn+`
		C: QUIT
		S: 221 bye`)
	p := NewPool(testOptions(s.Port()), 1, 20*time.Millisecond)
	if err := poolSend(p); err != nil {
		t.Fatal(err)
	}
	for i := 0; p.Idle() > 0; i++ {
		if i > 500 {
			t.Fatal("idle connection never closed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.Check(t)
	p.Close()
}

// autoServer is a minimal pipelining SMTP server that accepts every
// message, for the concurrency tests. Its options make the first
// connection hold the reply to its first message until gate closes, and
// drop that connection, unanswered, once it has taken dropAfter messages.
type autoServer struct {
	ln        net.Listener
	messages  atomic.Int64
	conns     atomic.Int64
	pipelined atomic.Int64 // messages whose data came with the next message's commands
	autoOptions
	atGate chan struct{} // closed when the first message's reply waits
	mu     sync.Mutex
	bodies map[string]int // how often each message body arrived
}

type autoOptions struct {
	chunking  bool          // offer CHUNKING (BDAT)
	gate      chan struct{} // when set, the first message's reply waits for it to close
	dropAfter int64         // when > 0, the first connection ends after that many messages
}

func newAutoServer(t testing.TB) *autoServer { return startAutoServer(t, autoOptions{}) }

func startAutoServer(t testing.TB, o autoOptions) *autoServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &autoServer{ln: ln, autoOptions: o, atGate: make(chan struct{}), bodies: map[string]int{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go a.serve(nc, a.conns.Add(1) == 1)
		}
	}()
	return a
}

func (a *autoServer) serve(nc net.Conn, first bool) {
	defer nc.Close()
	r, w := bufio.NewReader(nc), bufio.NewWriter(nc)
	w.WriteString("220 auto\r\n")
	w.Flush()
	var body []byte
	got := int64(0)
	inData := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		end := false
		switch {
		case inData && line == ".\r\n":
			inData, end = false, true
		case inData:
			body = append(body, line...)
			continue
		case strings.HasPrefix(line, "EHLO"):
			w.WriteString("250-auto\r\n250-PIPELINING\r\n")
			if a.chunking {
				w.WriteString("250-CHUNKING\r\n")
			}
			w.WriteString("250 8BITMIME\r\n")
		case strings.HasPrefix(line, "DATA"):
			inData, body = true, body[:0]
			w.WriteString("354 go\r\n")
		case strings.HasPrefix(line, "BDAT "):
			var n int
			fmt.Sscanf(line, "BDAT %d", &n)
			body = make([]byte, n)
			if _, err := io.ReadFull(r, body); err != nil {
				return
			}
			end = true
		case strings.HasPrefix(line, "QUIT"):
			w.WriteString("221 bye\r\n")
			w.Flush()
			return
		default:
			w.WriteString("250 ok\r\n")
		}
		if end {
			got++
			a.mu.Lock()
			a.bodies[string(body)]++
			a.mu.Unlock()
			if first && got == 1 && a.gate != nil {
				w.Flush()
				close(a.atGate)
				<-a.gate
			}
			if first && got == a.dropAfter {
				return
			}
			if r.Buffered() > 0 {
				a.pipelined.Add(1)
			}
			a.messages.Add(1)
			w.WriteString("250 queued\r\n")
		}
		if r.Buffered() == 0 {
			w.Flush()
		}
	}
}

func TestPoolConcurrent(t *testing.T) {
	a := newAutoServer(t)
	p := NewPool(testOptions(a.ln.Addr().(*net.TCPAddr).Port), 3, 0)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for g := 0; g < 10; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if poolSend(p) != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	p.Close()
	if failed.Load() != 0 || a.messages.Load() != 100 {
		t.Errorf("%d failures, %d messages delivered, want 0 and 100", failed.Load(), a.messages.Load())
	}
	if n := a.conns.Load(); n < 1 || n > 3 {
		t.Errorf("%d connections, want 1 to 3", n)
	}
}

func TestPoolClosed(t *testing.T) {
	p := NewPool(Options{ClientOptions: session.ClientOptions{Host: "127.0.0.1", Port: 1}}, 1, 0)
	p.Close()
	if err := poolSend(p); errs.KindOf(err) != errs.State {
		t.Errorf("got %v, want errs.State", err)
	}
}

// TestPoolCancelIdle checks that cancelling the context of an earlier send
// closes the connection it left idle, and that the next send, under
// another context, gets a new connection instead of the cancelled one.
func TestPoolCancelIdle(t *testing.T) {
	a := newAutoServer(t)
	p := NewPool(testOptions(a.ln.Addr().(*net.TCPAddr).Port), 1, 0)
	defer p.Close()
	env := Envelope{From: "a@x.example", To: []string{"b@y.example"}}
	ctx, cancel := context.WithCancel(context.Background())
	for i := 0; i < 2; i++ {
		if _, err := p.Send(ctx, env, strings.NewReader("x")); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if _, err := p.Send(ctx, env, strings.NewReader("x")); errs.KindOf(err) != errs.Cancelled {
		t.Errorf("send with the cancelled context: %v, want errs.Cancelled", err)
	}
	if _, err := p.Send(context.Background(), env, strings.NewReader("x")); err != nil {
		t.Fatalf("send after the cancel: %v", err)
	}
	if n := a.conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
	if n := a.messages.Load(); n != 3 {
		t.Errorf("%d messages delivered, want 3", n)
	}
}

// TestPoolBatchesWaitingSends checks that sends waiting for the pool's one
// connection go out together, pipelined, when it comes free, and that each
// gets its own result.
func TestPoolBatchesWaitingSends(t *testing.T) {
	gate := make(chan struct{})
	a := startAutoServer(t, autoOptions{gate: gate})
	p := NewPool(testOptions(a.ln.Addr().(*net.TCPAddr).Port), 1, 0)
	defer p.Close()
	const waiting = 5
	errc := make(chan error, waiting+1)
	go func() { errc <- poolSend(p) }()
	<-a.atGate
	for i := 0; i < waiting; i++ {
		go func() { errc <- poolSend(p) }()
	}
	waitQueued(t, p, waiting)
	close(gate)
	for i := 0; i < waiting+1; i++ {
		if err := <-errc; err != nil {
			t.Fatalf("send: %v", err)
		}
	}
	if m, c := a.messages.Load(), a.conns.Load(); m != waiting+1 || c != 1 {
		t.Fatalf("%d messages on %d connections, want %d on 1", m, c, waiting+1)
	}
	// The waiting sends went as one batch: each message's data but the
	// last came with the next message's commands.
	if n := a.pipelined.Load(); n != waiting-1 {
		t.Fatalf("%d messages pipelined with the next, want %d", n, waiting-1)
	}
}

// TestPoolBatchNeverResends checks that messages of a batch that went out
// whole are never sent again when the connection is lost before their
// replies: the server takes a BDAT batch of waiting sends and closes
// without answering, and no message reaches it twice.
func TestPoolBatchNeverResends(t *testing.T) {
	const waiting = 5
	gate := make(chan struct{})
	a := startAutoServer(t, autoOptions{chunking: true, gate: gate, dropAfter: 1 + waiting})
	p := NewPool(testOptions(a.ln.Addr().(*net.TCPAddr).Port), 1, 0)
	defer p.Close()
	send := func(i int) error {
		_, err := p.Send(context.Background(), poolEnv, strings.NewReader(fmt.Sprintf("message %d\r\n", i)))
		return err
	}
	errc := make(chan error, waiting+1)
	go func() { errc <- send(0) }()
	<-a.atGate
	for i := 1; i <= waiting; i++ {
		go func() { errc <- send(i) }()
	}
	waitQueued(t, p, waiting)
	close(gate)
	failed := 0
	for i := 0; i <= waiting; i++ {
		if err := <-errc; err != nil {
			failed++
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.bodies) != waiting+1 {
		t.Errorf("%d distinct messages reached the server, want %d", len(a.bodies), waiting+1)
	}
	for b, n := range a.bodies {
		if n != 1 {
			t.Errorf("%q reached the server %d times", b, n)
		}
	}
	if failed != waiting {
		t.Errorf("%d sends failed, want the %d of the lost batch", failed, waiting)
	}
}

// waitQueued waits until n sends wait in the pool's queue.
func waitQueued(t *testing.T, p *Pool, n int) {
	t.Helper()
	for i := 0; ; i++ {
		p.mu.Lock()
		q := len(p.queue)
		p.mu.Unlock()
		if q == n {
			return
		}
		if i > 5000 {
			t.Fatalf("%d sends queued, want %d", q, n)
		}
		time.Sleep(time.Millisecond)
	}
}
