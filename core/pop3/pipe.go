package pop3

import (
	"fmt"
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

// RetrieveMany retrieves messages ns in order (RETR, RFC 1939 section 5)
// and calls fn with each one as it arrives; fn need not read to the end,
// and must not call methods of c that talk to the server (errs.State).
// When the server offers PIPELINING (RFC 2449 section 6.6) a window of RETR
// commands is sent at once and the replies are read in order; otherwise the
// commands go one by one. On the first failure (a -ERR or an error from fn)
// no further command is sent, the replies already due are read and dropped,
// and the error is returned.
func (c *Client) RetrieveMany(ns []int, fn func(n int, r io.Reader) error) error {
	return c.pipeline("RETR", ns, func(n int, keep bool) error {
		r := c.newBodyReader()
		var err error
		if keep {
			err = fn(n, r)
		}
		if _, derr := io.Copy(io.Discard, r); derr != nil {
			return derr
		}
		return err
	})
}

// DeleteMany marks messages ns as deleted (DELE, RFC 1939 section 5),
// pipelined when the server offers PIPELINING (RFC 2449 section 6.6).
func (c *Client) DeleteMany(ns []int) error {
	return c.pipeline("DELE", ns, func(n int, _ bool) error {
		c.markDeleted(n)
		return nil
	})
}

// pipeline sends "verb n" for every n with up to window() commands in
// flight, and calls body after each +OK to consume what follows it; keep is
// false once a command failed, when a reply is only read to be dropped.
func (c *Client) pipeline(verb string, ns []int, body func(n int, keep bool) error) error {
	for _, n := range ns {
		if err := c.checkMsg(n); err != nil {
			return err
		}
	}
	win, sent := c.window(), 0
	var first error
	for i, n := range ns {
		if err := c.fill(verb, ns, &sent, i+win, first == nil); err != nil {
			return err
		}
		if i >= sent {
			break
		}
		err := c.pipeReply(n, body, first == nil)
		if err != nil && c.broken != nil {
			return err
		}
		if err != nil && first == nil {
			first = fmt.Errorf("pop3: %s %d: %w", verb, n, err)
		}
	}
	return first
}

// fill sends commands ns[*sent:limit] in one write when more may be sent.
func (c *Client) fill(verb string, ns []int, sent *int, limit int, more bool) error {
	if !more || *sent >= limit || *sent >= len(ns) {
		return nil
	}
	if err := c.ready(); err != nil {
		return err
	}
	for ; *sent < limit && *sent < len(ns); *sent++ {
		c.conn.WriteLine(verb + " " + strconv.Itoa(ns[*sent]))
	}
	return c.fail(c.conn.Flush())
}

// pipeReply reads the status of one pipelined command and, after +OK, runs
// body.
func (c *Client) pipeReply(n int, body func(n int, keep bool) error, keep bool) error {
	if _, err := c.status(); err != nil {
		return err
	}
	c.inPipe = true
	defer func() { c.inPipe = false }()
	return body(n, keep)
}
