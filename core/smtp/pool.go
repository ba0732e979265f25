package smtp

import (
	"context"
	"io"
	"sync"
	"time"

	"mailwire/core/errs"
)

// poolBatch is the most sends one connection takes at once.
const poolBatch = 32

// staleAfter is the idle time after which a pooled connection is checked
// for a server that closed it (usually after a 421) before it is reused.
const staleAfter = time.Second

// Pool sends messages over up to a fixed number of connections, shared by
// any number of goroutines.
type Pool struct {
	o     Options
	idle  time.Duration
	sem   chan struct{} // one token per connection in use or being made
	mu    sync.Mutex
	free  []pooled   // idle connections, most recently used last
	queue []*request // sends waiting for a connection, oldest first
	done  bool
	stop  chan struct{}
}

type pooled struct {
	c    *Client
	used time.Time
}

// NewPool returns a pool of at most maxConnections connections (at least
// one) made with o. Connections idle longer than idleTimeout are closed;
// 0 keeps them open.
func NewPool(o Options, maxConnections int, idleTimeout time.Duration) *Pool {
	if maxConnections < 1 {
		maxConnections = 1
	}
	p := &Pool{o: o, idle: idleTimeout, sem: make(chan struct{}, maxConnections), stop: make(chan struct{})}
	if idleTimeout > 0 {
		go p.sweep()
	}
	return p
}

// Send sends one message like Client.Send on a pooled connection. A
// connection is reset before reuse when its last transaction did not end
// cleanly, and dropped after a 421 or a network error. When the connection
// fails before any message data was written, the message is tried once
// more on a fresh connection; after that, never, so that no message is
// delivered twice. Cancelling ctx aborts the send.
//
// Sends that wait for a connection queue up, and the next send that gets
// one takes the queued sends of the same context (up to 31) along with
// its own, as one batch (Client.SendMany): with PIPELINING, messages from
// many goroutines then share round trips. Each still gets its own result.
func (p *Pool) Send(ctx context.Context, env Envelope, body io.WriterTo) ([]Result, error) {
	r := &request{it: Item{Env: env, Body: body}, done: ctx.Done(), finished: make(chan struct{})}
	for attempt := 0; ; attempt++ {
		if err := p.enqueue(r); err != nil {
			return nil, err
		}
		select {
		case p.sem <- struct{}{}:
			if p.unqueue(r) {
				p.work(ctx, r)
				<-p.sem
			} else {
				<-p.sem // taken into another send's batch meanwhile
				<-r.finished
			}
		case <-r.finished:
		case <-ctx.Done():
			if p.unqueue(r) {
				return nil, ctxErr(ctx)
			}
			<-r.finished
		}
		if !r.retry || attempt > 0 || ctx.Err() != nil {
			return r.out.Results, r.out.Err
		}
		p.o.Log.Note("connection lost before the message data: retrying on a new connection")
		r.finished, r.retry, r.out = make(chan struct{}), false, Outcome{}
	}
}

// request is one send waiting in, or taken from, the pool's queue.
type request struct {
	it       Item
	done     <-chan struct{} // the send's ctx.Done(): only sends of one context share a batch
	claimed  bool            // taken from the queue (guarded by Pool.mu)
	out      Outcome
	retry    bool          // the connection failed before the data was written
	finished chan struct{} // closed when out is set
}

// enqueue puts r at the end of the queue.
func (p *Pool) enqueue(r *request) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return errs.New(errs.State, "smtp: pool closed")
	}
	r.claimed = false
	p.queue = append(p.queue, r)
	return nil
}

// unqueue takes r out of the queue; it reports false when another send
// took it first.
func (p *Pool) unqueue(r *request) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.claimed {
		return false
	}
	r.claimed = true
	for i, q := range p.queue {
		if q == r {
			p.queue = append(p.queue[:i], p.queue[i+1:]...)
			break
		}
	}
	return true
}

// claim takes up to n queued sends of the context whose Done channel is
// done, oldest first.
func (p *Pool) claim(done <-chan struct{}, n int) []*request {
	p.mu.Lock()
	defer p.mu.Unlock()
	var got []*request
	keep := p.queue[:0]
	for _, q := range p.queue {
		if len(got) < n && q.done == done {
			q.claimed = true
			got = append(got, q)
		} else {
			keep = append(keep, q)
		}
	}
	clear(p.queue[len(keep):])
	p.queue = keep
	return got
}

// work sends r, with the queued sends of its context, on one connection,
// and finishes each of them.
func (p *Pool) work(ctx context.Context, r *request) {
	batch := []*request{r}
	finish := func(err error) {
		for _, q := range batch {
			if err != nil {
				q.out = Outcome{Err: err}
			}
			close(q.finished)
		}
	}
	c, err := p.get(ctx)
	for err == nil && !c.watch(ctx) {
		c.Close() // an earlier context's cancellation is on its way to it
		c, err = p.get(ctx)
	}
	if err != nil {
		finish(err)
		return
	}
	batch = append(batch, p.claim(r.done, poolBatch-1)...)
	items := make([]Item, len(batch))
	outs := make([]Outcome, len(batch))
	for i, q := range batch {
		items[i] = q.it
	}
	c.run(items, outs)
	for i, q := range batch {
		q.out = outs[i]
	}
	// Read before put: once back in the pool, the connection is another send's.
	lost := c.broken != nil
	p.put(c)
	for _, q := range batch {
		q.retry = q.out.Err != nil && !q.out.Sent && lost && errs.KindOf(q.out.Err) != errs.Cancelled
	}
	finish(nil)
}

// ctxErr maps a finished context to errs.Cancelled or errs.Timeout.
func ctxErr(ctx context.Context) error {
	if ctx.Err() == context.DeadlineExceeded {
		return errs.E(errs.Timeout, ctx.Err())
	}
	return errs.E(errs.Cancelled, ctx.Err())
}

// get returns a live idle connection, or dials a new one.
func (p *Pool) get(ctx context.Context) (*Client, error) {
	for {
		p.mu.Lock()
		if p.done {
			p.mu.Unlock()
			return nil, errs.New(errs.State, "smtp: pool closed")
		}
		n := len(p.free)
		if n == 0 {
			p.mu.Unlock()
			return Dial(ctx, p.o)
		}
		e := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		idle := time.Since(e.used)
		if e.c.condemned() || (p.idle > 0 && idle > p.idle) || (idle > staleAfter && !e.c.alive()) {
			e.c.unwatch()
			e.c.Close()
			continue
		}
		return e.c, nil
	}
}

// watch makes cancelling ctx cancel the connection. The registration is
// kept while the connection serves sends of contexts that share ctx's Done
// channel, so that a stream of sends does not register and remove a
// callback on one shared context each time; an idle connection cancelled
// that way is closed when the pool next takes it.
// It reports false when the context watched before was cancelled: its
// callback may still be about to cancel the connection, which must not be
// used any more.
func (c *Client) watch(ctx context.Context) bool {
	done := ctx.Done()
	if done == c.watched && c.watchStop != nil {
		return true
	}
	if !c.unwatch() {
		return false
	}
	if done != nil {
		c.watched, c.watchStop = done, context.AfterFunc(ctx, c.Cancel)
	}
	return true
}

// unwatch removes the registration watch made. It reports false when the
// watched context's callback has run or is running.
func (c *Client) unwatch() bool {
	ok := true
	if c.watchStop != nil {
		ok = c.watchStop()
	}
	c.watched, c.watchStop = nil, nil
	return ok
}

// condemned reports whether the connection was cancelled, or will be by
// the context it watches, which is done.
func (c *Client) condemned() bool {
	if c.conn.Cancelled() {
		return true
	}
	select {
	case <-c.watched: // a nil channel never fires
		return true
	default:
		return false
	}
}

// put returns a connection to the pool, or closes it when it is broken.
func (p *Pool) put(c *Client) {
	if c.broken != nil || c.condemned() {
		c.unwatch()
		c.Close()
		return
	}
	p.mu.Lock()
	if p.done {
		p.mu.Unlock()
		c.unwatch()
		c.Quit()
		return
	}
	p.free = append(p.free, pooled{c, time.Now()})
	p.mu.Unlock()
}

// sweep closes connections idle longer than the idle timeout.
func (p *Pool) sweep() {
	t := time.NewTicker(max(p.idle/2, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		var old []pooled
		p.mu.Lock()
		keep := p.free[:0]
		for _, e := range p.free {
			if time.Since(e.used) > p.idle {
				old = append(old, e)
			} else {
				keep = append(keep, e)
			}
		}
		p.free = keep
		p.mu.Unlock()
		quitAll(old)
	}
}

// Idle returns the number of idle connections.
func (p *Pool) Idle() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.free)
}

// Close sends QUIT on the idle connections and closes them; connections in
// use are closed when their send ends. Later sends fail with errs.State.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.done {
		p.mu.Unlock()
		return nil
	}
	p.done = true
	free := p.free
	p.free = nil
	p.mu.Unlock()
	close(p.stop)
	quitAll(free)
	return nil
}

// quitAll sends QUIT on the connections and closes them, all at once: each
// waits a round trip for its reply (RFC 5321 section 4.1.1.10), and a pool
// of eight 20 ms away would otherwise take 160 ms to close.
func quitAll(conns []pooled) {
	var wg sync.WaitGroup
	for _, e := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.c.unwatch()
			e.c.Quit()
		}()
	}
	wg.Wait()
}

// alive reports whether an idle connection still looks usable: nothing was
// received while it was idle (a server that times out sends 421 and
// closes), and no end of stream is pending.
func (c *Client) alive() bool {
	return c.broken == nil && c.conn.Quiet(time.Millisecond)
}
