package pop3

import (
	"io"
	"strconv"
)

// pipeWindow is how many commands are in flight at once when the server
// offers PIPELINING (RFC 2449 section 6.6). The commands are short, so the
// window never fills the socket buffers that both sides rely on.
const pipeWindow = 64

// window returns the number of commands that may be in flight.
func (c *Client) window() int {
	if c.hasCap("PIPELINING") {
		return pipeWindow
	}
	return 1
}

// pending is a command sent and waiting for its reply.
type pending struct {
	dele bool // DELE, else RETR
	i    int  // index into the message numbers
}

// fetch is the state of one Fetch: what is in flight and what each
// message came to.
type fetch struct {
	c       *Client
	ns      []int
	del     bool
	fn      func(n int, r io.Reader) error
	results []error
	queue   []pending // sent, replies due in this order
	deles   []int     // DELE commands due, indexes into ns
	next    int       // the next RETR to send, an index into ns
	win     int       // commands in flight at most (window)
}

// Fetch is the client's one batch path: every retrieval of several
// messages, with or without deletion, goes through it.
//
// Fetch retrieves messages ns in order (RETR, RFC 1939 section 5) and calls
// fn with each one as it arrives, on the calling goroutine; fn need not read
// to the end, and must not call methods of c that talk to the server
// (errs.State). With del set, each message that was retrieved and accepted
// by fn (fn returned nil) is then marked as deleted (DELE); a message whose
// RETR failed or that fn refused is never deleted.
//
// When the server offers PIPELINING (RFC 2449 section 6.6), up to a window
// of commands is in flight: the RETR commands go ahead, and the DELE of a
// message is sent with the next RETR once fn accepted the message, so that
// the server never waits for a round trip. Without PIPELINING the commands
// go one by one.
//
// Fetch returns one result per message, in the order of ns: nil, the -ERR
// of its RETR or DELE (an *Error), fn's error, errs.NotFound for a number
// that is not in the maildrop or already deleted, or the session error for
// a message whose commands were not all answered. err is non-nil only when
// the session failed: not connected, or the connection was lost mid-batch.
//
//	C: RETR 1
//	C: RETR 2
//	S: +OK 120 octets
//	S: ...
//	S: .
//	C: DELE 1
//	S: +OK 80 octets
//	...
func (c *Client) Fetch(ns []int, del bool, fn func(n int, r io.Reader) error) (results []error, err error) {
	f := &fetch{c: c, ns: ns, del: del, fn: fn, results: make([]error, len(ns)), win: c.window()}
	if err := c.inTransaction(); err != nil {
		return f.abort(err)
	}
	if _, err := c.Count(); err != nil {
		return f.abort(err)
	}
	for f.next < len(ns) || len(f.queue) > 0 || len(f.deles) > 0 {
		if err := f.fill(); err != nil {
			return f.abort(err)
		}
		if len(f.queue) == 0 {
			continue
		}
		if err := f.reply(); err != nil {
			return f.abort(err)
		}
	}
	return f.results, nil
}

// abort gives err to every message whose commands are still unanswered.
func (f *fetch) abort(err error) ([]error, error) {
	for _, p := range f.queue {
		f.setErr(p.i, err)
	}
	for _, i := range f.deles {
		f.setErr(i, err)
	}
	for ; f.next < len(f.ns); f.next++ {
		f.setErr(f.next, err)
	}
	return f.results, err
}

func (f *fetch) setErr(i int, err error) {
	if f.results[i] == nil {
		f.results[i] = err
	}
}

// fill sends the DELE commands due, then RETR commands, while the window
// has room, in one write. It waits until half the window is free, so that
// a batch costs a few writes rather than one per message.
func (f *fetch) fill() error {
	win, sent := f.win, false
	if len(f.queue) > win/2 {
		return nil
	}
	for len(f.queue) < win && (len(f.deles) > 0 || f.next < len(f.ns)) {
		if len(f.deles) > 0 {
			i := f.deles[0]
			f.deles = f.deles[1:]
			f.send(true, i)
			sent = true
			continue
		}
		i := f.next
		f.next++
		if err := f.c.checkMsg(f.ns[i]); err != nil {
			if f.c.broken != nil {
				return err
			}
			f.results[i] = err
			continue
		}
		f.send(false, i)
		sent = true
	}
	if !sent {
		return nil
	}
	return f.c.fail(f.c.conn.Flush())
}

// send writes one command into the buffer and queues its reply.
func (f *fetch) send(dele bool, i int) {
	verb := "RETR "
	if dele {
		verb = "DELE "
	}
	f.c.conn.WriteLine(verb + strconv.Itoa(f.ns[i]))
	f.queue = append(f.queue, pending{dele: dele, i: i})
}

// reply reads the reply to the oldest command in flight. It returns an
// error only when the session failed.
func (f *fetch) reply() error {
	p := f.queue[0]
	f.queue = f.queue[1:]
	n := f.ns[p.i]
	_, err := f.c.status()
	switch {
	case f.c.broken != nil:
		f.setErr(p.i, err)
		return err
	case err != nil:
		f.results[p.i] = err
	case p.dele:
		f.c.markDeleted(n)
	default:
		return f.body(p.i)
	}
	return nil
}

// body hands the message after a +OK to RETR to fn. It returns an error
// only when the session failed.
func (f *fetch) body(i int) error {
	n := f.ns[i]
	err := f.c.readBody(-1, func(r io.Reader) error { return f.fn(n, r) })
	if f.c.broken != nil {
		f.setErr(i, err)
		return err
	}
	f.results[i] = err
	if err == nil && f.del {
		f.deles = append(f.deles, i)
	}
	return nil
}
