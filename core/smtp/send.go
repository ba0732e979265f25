package smtp

import (
	"fmt"
	"io"
	"strconv"

	"mailwire/core/errs"
	"mailwire/core/syntax"
)

// Envelope is the SMTP envelope of one message (RFC 5321 section 2.3.1).
type Envelope struct {
	From     string   // reverse-path addr-spec; "" for the null path
	To       []string // forward-path addr-specs
	Size     int64    // message size in bytes when known (RFC 1870), else 0
	UTF8     bool     // the message needs SMTPUTF8 (RFC 6531); implied by non-ASCII addresses
	EightBit bool     // the body holds 8-bit text (RFC 6152)
	Binary   bool     // the body is binary (RFC 3030 BINARYMIME): sent unchanged with BDAT
}

// Result is the server's answer for one recipient: the RCPT reply when it
// was refused, else the reply to the message (for LMTP, the recipient's own
// reply, RFC 2033 section 4.2).
type Result struct {
	Address  string
	Code     int
	Enhanced string // such as "2.1.5", or ""
	Text     string
}

// txn is one mail transaction being sent.
type txn struct {
	env      Envelope
	lines    []string // MAIL, RCPT...
	rset     bool     // RSET goes before the lines, in the same group
	bdat     bool
	pipe     bool
	rcpt     []*reply // RCPT replies, in order
	final    []*reply // replies to the message, per accepted recipient
	mail     *reply
	accepted int
	dataSent bool
}

// Send sends one message (RFC 5321 section 3.3): MAIL, RCPT for each
// recipient, then DATA or BDAT (RFC 3030), pipelined when the server
// offers PIPELINING (RFC 2920). It returns one Result per recipient. The
// error is nil when every recipient accepted the message, of kind
// errs.Partial when some refused it, and describes the refusal when none
// got it. Invalid input is refused with errs.Arg, and a missing extension
// with errs.Unsupported, before anything is written.
func (c *Client) Send(env Envelope, body io.WriterTo) ([]Result, error) {
	res, _, err := c.send(env, body)
	return res, err
}

// send is Send; it also reports whether message data was written, after
// which a retry could deliver the message twice.
func (c *Client) send(env Envelope, body io.WriterTo) ([]Result, bool, error) {
	if err := c.usable(); err != nil {
		return nil, false, err
	}
	if body == nil {
		return nil, false, errs.New(errs.Arg, "smtp: no message body")
	}
	t, err := c.plan(env)
	if err != nil {
		return nil, false, err
	}
	return c.sendPlanned(t, body)
}

// sendPlanned runs the planned transaction t on a usable connection.
func (c *Client) sendPlanned(t *txn, body io.WriterTo) ([]Result, bool, error) {
	if c.dirty && !t.pipe {
		if err := c.Reset(); err != nil {
			return nil, false, err
		}
	}
	t.rset = c.dirty
	c.dirty = true
	err := c.commands(t, body)
	if err == nil {
		err = c.data(t, body)
	}
	if err != nil && c.broken == nil && errs.KindOf(err) == errs.Cancelled {
		c.broken = err
	}
	return t.results(t.env.To), t.dataSent, err
}

// commands sends RSET (when needed), MAIL and RCPT; pipelined, the group
// also carries DATA or the whole BDAT body.
func (c *Client) commands(t *txn, body io.WriterTo) error {
	if !t.pipe {
		return c.lockstep(t)
	}
	c.writeGroup(t)
	if t.bdat {
		return c.bdatPipelined(t, body)
	}
	c.conn.WriteLine("DATA")
	if err := c.conn.Flush(); err != nil {
		return c.fail(err)
	}
	return c.readEnvelope(t)
}

// lockstep sends MAIL and each RCPT, waiting for every reply.
func (c *Client) lockstep(t *txn) error {
	r, err := c.cmd(t.lines[0])
	if err != nil {
		return err
	}
	if err := c.expect("MAIL", r, 2, 4, 5); err != nil {
		return err
	}
	t.mail = r
	if r.Code/100 != 2 {
		return r.err()
	}
	for _, l := range t.lines[1:] {
		if r, err = c.cmd(l); err != nil {
			return err
		}
		if err := c.expect("RCPT", r, 2, 4, 5); err != nil {
			return err
		}
		t.addRcpt(r)
	}
	return t.allRefused()
}

// readEnvelope reads the replies to a pipelined group in order (RFC 2920
// section 3.1): RSET, MAIL, RCPTs, then DATA; a DATA 354 that came despite
// no accepted recipient is answered with an empty message and a RSET.
func (c *Client) readEnvelope(t *txn) error {
	if err := c.readGroup(t); err != nil {
		return err
	}
	d, err := c.read(0)
	if err != nil {
		return err
	}
	if err := c.expect("DATA", d, 3, 4, 5); err != nil {
		return err
	}
	failed := t.mail.Code/100 != 2 || t.accepted == 0
	if failed && d.Code == 354 {
		if err := c.endEmptyData(); err != nil {
			return err
		}
	}
	if t.mail.Code/100 != 2 {
		return t.mail.err()
	}
	if err := t.allRefused(); err != nil {
		return err
	}
	if d.Code != 354 {
		t.setAccepted(d)
		return d.err()
	}
	return nil
}

// writeGroup buffers RSET when t.rset is set, then MAIL and the RCPTs.
func (c *Client) writeGroup(t *txn) {
	if t.rset {
		c.conn.WriteLine("RSET")
	}
	for _, l := range t.lines {
		c.conn.WriteLine(l)
	}
}

// readGroup reads the RSET, MAIL and RCPT replies of a pipelined group.
func (c *Client) readGroup(t *txn) error {
	n := len(t.lines)
	if t.rset {
		n++
	}
	for i := 0; i < n; i++ {
		r, err := c.read(0)
		if err != nil {
			return err
		}
		if err := c.expect("MAIL or RCPT", r, 2, 4, 5); err != nil {
			return err
		}
		switch {
		case i == 0 && t.rset:
			// A refused RSET shows in the MAIL reply that follows.
		case t.mail == nil:
			t.mail = r
		default:
			t.addRcpt(r)
		}
	}
	return nil
}

// endEmptyData ends a DATA the server should not have accepted: "." alone
// (nothing is delivered, since no recipient was accepted), then RSET.
func (c *Client) endEmptyData() error {
	if _, err := c.cmd("."); err != nil {
		return err
	}
	r, err := c.cmd("RSET")
	if err == nil && r.Code/100 == 2 {
		c.dirty = false
	}
	return err
}

// data sends the message after a DATA 354 (RFC 5321 section 4.1.1.4), or
// the BDAT chunks when not pipelined, and reads the final replies.
func (c *Client) data(t *txn, body io.WriterTo) error {
	if t.bdat {
		if t.pipe {
			return nil // bdatPipelined read every reply
		}
		return c.bdatLockstep(t, body)
	}
	if !t.pipe {
		r, err := c.cmd("DATA")
		if err != nil {
			return err
		}
		if err := c.expect("DATA", r, 3, 4, 5); err != nil {
			return err
		}
		if r.Code != 354 {
			t.setAccepted(r)
			return r.err()
		}
	}
	t.dataSent = true
	if err := c.writeDot(t, body); err != nil {
		return err
	}
	return c.finish(t)
}

// finish reads the final reply, or one per accepted recipient for LMTP
// (RFC 2033 section 4.2), and turns them into the outcome.
func (c *Client) finish(t *txn) error {
	n := 1
	if c.o.LMTP && t.accepted > 0 {
		n = t.accepted
	}
	var first *Error
	ok := 0
	for i := 0; i < n; i++ {
		r, err := c.read(c.o.dataTimeout())
		if err != nil {
			return err
		}
		if err := c.expect("the message data", r, 2, 4, 5); err != nil {
			return err
		}
		if c.o.LMTP {
			t.setNthAccepted(i, r)
		} else {
			t.setAccepted(r)
		}
		if r.Code/100 == 2 {
			ok++
		} else if first == nil {
			first = r.err()
		}
	}
	c.dirty = false
	if ok == 0 {
		return first
	}
	return t.partial()
}

// writeDot streams the body in the DATA form: line ends normalised to CRLF,
// leading dots doubled, CRLF "." CRLF at the end (RFC 5321 section 4.5.2).
func (c *Client) writeDot(t *txn, body io.WriterTo) error {
	if err := c.writeDotBuffered(t, body); err != nil {
		return err
	}
	if err := c.conn.Flush(); err != nil {
		return c.fail(err)
	}
	return nil
}

// writeDotBuffered is writeDot without the final flush: the end of the
// data may wait in the buffer for the commands that follow it.
func (c *Client) writeDotBuffered(t *txn, body io.WriterTo) error {
	dw := c.conn.DotWriter()
	if _, err := body.WriteTo(c.progress(dw, t.env.Size)); err != nil {
		return c.abort(err)
	}
	if err := dw.Close(); err != nil {
		return c.abort(err)
	}
	return nil
}

// abort ends the connection after a failure in the middle of the data: the
// message cannot be ended safely, or a partial message would be delivered.
func (c *Client) abort(err error) error {
	err = c.wrap(err)
	if c.broken == nil {
		c.broken = err
		c.conn.Close()
	}
	return err
}

// progressWriter reports the body bytes written.
type progressWriter struct {
	w           io.Writer
	fn          func(done, total int64)
	done, total int64
}

// progressStep is the most data between two progress calls, so a large
// write (a message rendered in one piece) still reports as it goes.
const progressStep = 64 << 10

func (p *progressWriter) Write(b []byte) (int, error) {
	written := 0
	for len(b) > 0 {
		chunk := b
		if len(chunk) > progressStep {
			chunk = chunk[:progressStep]
		}
		n, err := p.w.Write(chunk)
		written += n
		p.done += int64(n)
		p.fn(p.done, p.total)
		if err != nil {
			return written, err
		}
		b = b[n:]
	}
	return written, nil
}

// progress wraps w with the progress callback, if there is one.
func (c *Client) progress(w io.Writer, total int64) io.Writer {
	if c.o.Progress == nil {
		return w
	}
	return &progressWriter{w: w, fn: c.o.Progress, total: total}
}

// addRcpt records one RCPT reply.
func (t *txn) addRcpt(r *reply) {
	t.rcpt = append(t.rcpt, r)
	if r.Code/100 == 2 {
		t.accepted++
	}
}

// allRefused returns the error when no recipient was accepted.
func (t *txn) allRefused() error {
	if t.accepted > 0 {
		return nil
	}
	for _, r := range t.rcpt {
		return fmt.Errorf("smtp: all %d recipients refused, the first with: %w", len(t.rcpt), r.err())
	}
	return errs.New(errs.Protocol, "smtp: no RCPT reply")
}

// setAccepted gives reply r to every accepted recipient.
func (t *txn) setAccepted(r *reply) {
	t.final = make([]*reply, len(t.rcpt))
	for i, rr := range t.rcpt {
		if rr.Code/100 == 2 {
			t.final[i] = r
		}
	}
}

// setNthAccepted gives reply r to the n-th accepted recipient (LMTP).
func (t *txn) setNthAccepted(n int, r *reply) {
	if t.final == nil {
		t.final = make([]*reply, len(t.rcpt))
	}
	for i, rr := range t.rcpt {
		if rr.Code/100 != 2 {
			continue
		}
		if n == 0 {
			t.final[i] = r
			return
		}
		n--
	}
}

// last returns the last reply for recipient i.
func (t *txn) last(i int) *reply {
	if i < len(t.final) && t.final[i] != nil {
		return t.final[i]
	}
	return t.rcpt[i]
}

// partial returns errs.Partial when some recipients were refused.
func (t *txn) partial() error {
	bad := 0
	for i := range t.rcpt {
		if t.last(i).Code/100 != 2 {
			bad++
		}
	}
	if bad == 0 {
		return nil
	}
	return errs.New(errs.Partial, "smtp: "+strconv.Itoa(bad)+" of "+strconv.Itoa(len(t.rcpt))+
		" recipients refused the message; the others accepted it")
}

// results builds one Result per recipient: the MAIL reply when MAIL was
// refused, else each recipient's last reply.
func (t *txn) results(to []string) []Result {
	res := make([]Result, len(to))
	for i, a := range to {
		switch {
		case i < len(t.rcpt):
			res[i] = t.last(i).result(a)
		case t.mail != nil && t.mail.Code/100 != 2:
			res[i] = t.mail.result(a)
		default:
			res[i] = Result{Address: a}
		}
	}
	return res
}

// xtextAddr is the ORCPT value of an ASCII address (RFC 3461 section 4.2).
func xtextAddr(a string) string { return "rfc822;" + syntax.Xtext(a) }

// expect checks that reply r to a command is of one of the classes the
// command allows (RFC 5321 section 4.3.2: MAIL and RCPT never get 3yz,
// DATA never gets 2yz). Any other reply means client and server no longer
// agree on the state of the session, and sending on could smuggle data into
// a command: the connection is given up with errs.Protocol.
func (c *Client) expect(what string, r *reply, classes ...int) error {
	for _, k := range classes {
		if r.Code/100 == k {
			return nil
		}
	}
	return c.fail(errs.New(errs.Protocol, fmt.Sprintf("smtp: unexpected reply %d to %s: %s", r.Code, what, r.Text())))
}
