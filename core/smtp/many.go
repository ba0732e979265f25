package smtp

import (
	"io"
	"strconv"

	"mailwire/core/errs"
)

// window bounds the messages of a BDAT stream whose replies are not read
// yet, so that neither side's buffers grow without limit (RFC 2920 section
// 3.1 asks the client not to fill the server's output).
const window = 32

// Item is one message of a batch: its envelope and its content.
type Item struct {
	Env  Envelope
	Body io.WriterTo
}

// Outcome is what became of one message of a batch.
type Outcome struct {
	Results []Result // one per recipient, as Send returns them; nil when nothing was sent
	Err     error    // as Send returns it; the connection's error for a message never sent
	Sent    bool     // message data was written: the message may have been delivered
}

// SendMany sends the messages one after the other on the connection, each
// as Send would (RFC 5321 section 3.3). With PIPELINING and DATA, the data
// of one message and the commands of the next go out together (RFC 2920
// section 3.1 lets message content start a group), so a stream costs about
// one round trip per message. With PIPELINING and CHUNKING (RFC 3030),
// whole transactions stream with up to 32 messages awaiting replies; every
// message after the first whose predecessor is still unanswered starts
// with RSET, so that a transaction left open by a refusal cannot take in
// the next one. Without PIPELINING the messages go in lock step.
//
// It returns one Outcome per item. The error is nil when every recipient
// of every message accepted it, the connection's error when the connection
// failed (every message not sent carries it too; a message whose data was
// written but whose reply never came is reported failed and never
// resent), and of kind errs.Partial otherwise.
func (c *Client) SendMany(items []Item) ([]Outcome, error) {
	out := make([]Outcome, len(items))
	ts := make([]*txn, len(items))
	idx := make([]int, 0, len(items))
	if err := c.usable(); err != nil {
		for i := range out {
			out[i].Err = err
		}
		return out, err
	}
	for i, it := range items {
		if it.Body == nil {
			out[i].Err = errs.New(errs.Arg, "smtp: no message body")
			continue
		}
		t, err := c.plan(it.Env)
		if err != nil {
			out[i].Err = err
			continue
		}
		ts[i] = t
		idx = append(idx, i)
	}
	if len(idx) > 0 {
		t := ts[idx[0]]
		switch {
		case t.pipe && t.bdat:
			c.streamBDAT(items, ts, idx, out)
		case t.pipe:
			c.streamData(items, ts, idx, out)
		default:
			for n, i := range idx {
				if c.broken != nil {
					c.failRest(out, ts, idx, n)
					break
				}
				out[i].Results, out[i].Sent, out[i].Err = c.sendPlanned(ts[i], items[i].Body)
			}
		}
	}
	return out, c.batchErr(out)
}

// batchErr sums up a batch: nil, the connection's error, or errs.Partial.
func (c *Client) batchErr(out []Outcome) error {
	bad := 0
	for _, o := range out {
		if o.Err != nil {
			bad++
		}
	}
	switch {
	case bad == 0:
		return nil
	case c.broken != nil:
		return c.broken
	}
	return errs.New(errs.Partial, "smtp: "+strconv.Itoa(bad)+" of "+strconv.Itoa(len(out))+
		" messages were not accepted by every recipient")
}

// settle records the outcome of message i from its transaction.
func (c *Client) settle(out []Outcome, i int, items []Item, t *txn, err error) {
	if err != nil && c.broken == nil && errs.KindOf(err) == errs.Cancelled {
		c.broken = err
	}
	out[i] = Outcome{Results: t.results(items[i].Env.To), Err: err, Sent: t.dataSent}
}

// failRest gives the connection's error to the messages idx[from:], and
// marks those whose data was written (a BDAT stream writes messages ahead
// of their replies) as sent: they may have been delivered, and must never
// be sent again.
func (c *Client) failRest(out []Outcome, ts []*txn, idx []int, from int) {
	err := c.broken
	if err == nil {
		err = errs.New(errs.State, "smtp: not connected")
	}
	for _, i := range idx[from:] {
		out[i].Err = err
		out[i].Sent = ts[i] != nil && ts[i].dataSent
	}
}

// streamData sends the messages with DATA, each message's data and "."
// in one group with the next message's RSET, MAIL, RCPT and DATA (RFC 2920
// section 3.1), then reads the final reply and the next envelope's replies
// in order.
func (c *Client) streamData(items []Item, ts []*txn, idx []int, out []Outcome) {
	c.openGroup(ts[idx[0]])
	if err := c.conn.Flush(); err != nil {
		c.settle(out, idx[0], items, ts[idx[0]], c.fail(err))
		c.failRest(out, ts, idx, 1)
		return
	}
	for n, i := range idx {
		t := ts[i]
		err := c.readEnvelope(t)
		if err == nil {
			err = c.dataThenNext(t, items[i].Body, ts, idx, n)
		} else if c.broken == nil && n+1 < len(idx) {
			if ferr := c.sendNext(ts[idx[n+1]]); ferr != nil {
				c.settle(out, i, items, t, err)
				c.failRest(out, ts, idx, n+1)
				return
			}
		}
		c.settle(out, i, items, t, err)
		if c.broken != nil {
			c.failRest(out, ts, idx, n+1)
			return
		}
	}
}

// openGroup buffers the RSET (when the session may hold an unfinished
// transaction), MAIL, RCPT and DATA commands of t.
func (c *Client) openGroup(t *txn) {
	t.rset = c.dirty
	c.dirty = true
	c.writeGroup(t)
	if t.bdat {
		return
	}
	c.conn.WriteLine("DATA")
}

// sendNext writes and flushes the next message's commands alone, after a
// message that sent no data.
func (c *Client) sendNext(t *txn) error {
	c.openGroup(t)
	if err := c.conn.Flush(); err != nil {
		return c.fail(err)
	}
	return nil
}

// dataThenNext writes message n's data, "." and the next message's
// commands in one flush, then reads message n's final reply(ies).
func (c *Client) dataThenNext(t *txn, body io.WriterTo, ts []*txn, idx []int, n int) error {
	t.dataSent = true
	if err := c.writeDotBuffered(t, body); err != nil {
		return err
	}
	next := n+1 < len(idx)
	if next {
		// The "." ends message n's transaction whatever its reply says.
		c.dirty = false
		c.openGroup(ts[idx[n+1]])
	}
	if err := c.conn.Flush(); err != nil {
		return c.fail(err)
	}
	err := c.finish(t)
	if next {
		c.dirty = true
	}
	return err
}

// streamBDAT sends whole transactions with BDAT LAST (RFC 3030 section 2
// with RFC 2920), keeping at most window messages unanswered, and reads
// each message's replies in order.
func (c *Client) streamBDAT(items []Item, ts []*txn, idx []int, out []Outcome) {
	sent := make([]int, len(items)) // BDAT commands per message
	next := 0
	for done := 0; done < len(idx); {
		for ; next < len(idx) && next-done < window; next++ {
			i := idx[next]
			c.openGroup(ts[i])
			k, err := c.writeChunks(ts[i], items[i].Body, false)
			if err != nil {
				err = c.abort(err)
				c.failRest(out, ts, idx, done)
				c.settle(out, i, items, ts[i], err)
				return
			}
			sent[i] = k.sent
		}
		if err := c.conn.Flush(); err != nil {
			c.fail(err)
			c.failRest(out, ts, idx, done)
			return
		}
		// Read until half the window is free (or everything, at the end),
		// and on while replies are buffered, so that writes go out in
		// groups of many messages rather than one by one.
		for done < next && (next == len(idx) || next-done > window/2 || c.conn.Buffered() > 0) {
			i := idx[done]
			err := c.readBDAT(ts[i], sent[i])
			c.settle(out, i, items, ts[i], err)
			done++
			if c.broken != nil {
				c.failRest(out, ts, idx, done)
				return
			}
			if done == next {
				// Nothing is in flight: the session is as the last reply left it.
				c.dirty = err != nil
			}
		}
	}
}

// readBDAT reads the replies to one streamed BDAT transaction: RSET, MAIL,
// RCPTs, the chunks and BDAT LAST (one reply per accepted recipient for
// LMTP, RFC 2033 section 4.2).
func (c *Client) readBDAT(t *txn, chunks int) error {
	if err := c.readGroup(t); err != nil {
		return err
	}
	var refused *reply
	for j := 0; j < chunks-1; j++ {
		r, err := c.read(c.o.dataTimeout())
		if err != nil {
			return err
		}
		if r.Code/100 != 2 && refused == nil {
			refused = r
		}
	}
	switch {
	case t.mail.Code/100 != 2 || t.accepted == 0 || refused != nil:
		if _, err := c.read(c.o.dataTimeout()); err != nil {
			return err
		}
		if t.mail.Code/100 != 2 {
			return t.mail.err()
		}
		if t.accepted == 0 {
			return t.allRefused()
		}
		t.setAccepted(refused)
		return refused.err()
	}
	return c.finish(t)
}
