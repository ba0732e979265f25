package imap

import (
	"time"

	"mailwire/core/errs"
)

const (
	// idleSlice is how often a waiting Idle looks at StopIdle.
	idleSlice = 200 * time.Millisecond
	// idleRestart is how long one IDLE command lasts at most: servers may
	// drop a client idle for 30 minutes (RFC 2177 section 3).
	idleRestart = 29 * time.Minute
)

// Idle waits up to timeout for the server to report a change of the
// selected mailbox (IDLE, RFC 2177): a new message (EXISTS), an expunged
// one (EXPUNGE) or changed flags (FETCH). It returns true when one came,
// false when the time ran out. StopIdle, from another goroutine, ends the
// wait early with an error of kind errs.Cancelled; the connection stays
// usable. A server without IDLE is errs.Unsupported.
func (c *Client) Idle(timeout time.Duration) (bool, error) {
	if err := c.inMailbox(); err != nil {
		return false, err
	}
	if !c.Has("IDLE") {
		return false, errs.New(errs.Unsupported, "imap: the server does not offer IDLE")
	}
	if timeout <= 0 {
		return false, errs.New(errs.Arg, "imap: the IDLE timeout must be positive")
	}
	c.changed = false
	end := time.Now().Add(timeout)
	for {
		changed, err := c.idleOnce(min(time.Until(end), idleRestart))
		if err != nil || changed || c.stopIdle.Load() || !time.Now().Before(end) {
			if err == nil && c.stopIdle.Load() && !changed {
				err = errs.New(errs.Cancelled, "imap: IDLE cancelled")
			}
			c.stopIdle.Store(false)
			return changed, err
		}
	}
}

// StopIdle ends a running Idle from another goroutine; a later Idle is
// not affected.
func (c *Client) StopIdle() { c.stopIdle.Store(true) }

// idleOnce runs one IDLE command for at most d: IDLE, the server's "+",
// the wait, DONE, the tagged response.
func (c *Client) idleOnce(d time.Duration) (bool, error) {
	if err := c.ready(); err != nil {
		return false, err
	}
	tag := c.nextTag()
	c.conn.WriteLine(tag + " IDLE")
	if err := c.fail(c.conn.Flush()); err != nil {
		return false, err
	}
	count := 0
	r, err := c.await(tag, &count, nil)
	if err != nil {
		return false, err
	}
	if r.tag == tag { // refused, or ended at once
		_, err := c.result(&command{name: "IDLE"}, r, nil)
		return c.changed, err
	}
	end := time.Now().Add(d)
	for !c.changed && !c.stopIdle.Load() {
		left := time.Until(end)
		if left <= 0 {
			break
		}
		if c.conn.Quiet(min(left, idleSlice)) {
			continue
		}
		r, err := c.read()
		if err != nil {
			return false, err
		}
		switch {
		case r.tag == tag: // the server ended the IDLE itself
			_, err := c.result(&command{name: "IDLE"}, r, nil)
			return c.changed, err
		case r.tag != "*":
			return false, c.fail(protoErr("unexpected response " + errs.Quote(r.tag) + " during IDLE"))
		}
		if err := c.untagged(r, &count, nil); err != nil {
			return false, err
		}
	}
	c.conn.WriteLine("DONE")
	if err := c.fail(c.conn.Flush()); err != nil {
		return false, err
	}
	r, err = c.untilTagged(tag, &count, nil)
	if err == nil {
		_, err = c.result(&command{name: "IDLE"}, r, nil)
	}
	return c.changed, err
}
