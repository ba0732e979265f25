package smtp

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"mailwire/core/errs"
)

// Item is one message of a batch: its envelope and its content.
type Item struct {
	Env  Envelope
	Body io.WriterTo
	err  error // why the message cannot be sent (MessageItem), before anything is written
}

// Outcome is what became of one message of a batch.
type Outcome struct {
	Results []Result // one per recipient, as Send returns them; nil when no reply came
	Err     error    // as Send returns it; the connection's error for a message never answered
	Sent    bool     // message data was written: the message may have been delivered
}

// Send sends one message (RFC 5321 section 3.3): MAIL, RCPT for each
// recipient, then DATA or BDAT (RFC 3030), pipelined when the server
// offers PIPELINING (RFC 2920). It returns one Result per recipient. The
// error is nil when every recipient accepted the message, of kind
// errs.Partial when some refused it, and describes the refusal when none
// got it. Invalid input is refused with errs.Arg, and a missing extension
// with errs.Unsupported, before anything is written. It is SendMany of one
// message.
func (c *Client) Send(env Envelope, body io.WriterTo) ([]Result, error) {
	o := c.send(Item{Env: env, Body: body})
	return o.Results, o.Err
}

// send is Send with the whole Outcome, which tells whether the message
// data was written.
func (c *Client) send(it Item) Outcome {
	var out [1]Outcome
	c.run([]Item{it}, out[:])
	return out[0]
}

// SendMany sends the messages one after the other on the connection, each
// as Send would (RFC 5321 section 3.3). With PIPELINING and DATA, the data
// of one message and the commands of the next go out together (RFC 2920
// section 3.1), so a stream costs one round trip per message. With
// PIPELINING and CHUNKING (RFC 3030), whole transactions stream while the
// replies are read as they come, with as much in flight as the round trip
// and the rate call for (see pacer); a message written while the one
// before is unanswered starts with RSET, so that a transaction left open
// by a refusal cannot take in the next one. Without PIPELINING each
// command waits for the reply to the one before.
//
// It returns one Outcome per item. The error is nil when every recipient
// of every message accepted it, the connection's error when the connection
// failed (every message not answered carries it too; a message whose data
// was written but whose reply never came is reported failed, with Sent
// set, and must never be sent again), and of kind errs.Partial otherwise.
func (c *Client) SendMany(items []Item) ([]Outcome, error) {
	out := make([]Outcome, len(items))
	if err := c.run(items, out); err != nil {
		return out, err
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
		" messages were not accepted by every recipient (see each message)")
}

// cmdKind is the command a reply answers.
type cmdKind uint8

const (
	cmdRset  cmdKind = iota // RSET in a pipelined group: a refusal shows in the MAIL reply
	cmdReset                // RSET in lock step: a refusal fails the message
	cmdMail
	cmdRcpt
	cmdData
	cmdChunk // BDAT without LAST
	cmdFinal // the reply to the message data (one per accepted recipient for LMTP)
	cmdClose // "." or RSET after a 354 that came although nothing can be delivered
)

// expect is a reply the stream waits for.
type expect struct {
	t    *txn // nil for cmdClose
	kind cmdKind
	left int // replies still to come for this entry
}

// stream is one SendMany call under way: the transactions written, the
// replies they wait for in order, and what is in flight.
type stream struct {
	c      *Client
	out    []Outcome
	q      []expect // replies expected, oldest first from qh
	qh     int
	cur    *txn    // the transaction being written
	last   *txn    // the transaction written last
	flying int     // transactions written and not answered
	bytes  int64   // their BDAT data
	stop   error   // why writing stopped
	rd     *reader // reads the replies while the stream writes; nil: read when needed
	pub    []span  // replies expected that rd has not been told of
	log    *relay
	qbuf   [6]expect
}

// run sends items, each transaction planned just before it is written,
// and leaves one Outcome per item in out. It returns errs.State, and
// writes nothing, when the connection is gone.
func (c *Client) run(items []Item, out []Outcome) error {
	if err := c.usable(); err != nil {
		for i, it := range items {
			out[i].Err = firstErr(it.err, err)
		}
		return err
	}
	s := &stream{c: c, out: out}
	s.q = s.qbuf[:0]
	n := 0
	for ; n < len(items) && s.stop == nil; n++ {
		t, err := c.plan(items[n])
		if err != nil {
			out[n].Err = err
			continue
		}
		t.item = n
		s.send(t)
	}
	s.finish()
	for ; n < len(items); n++ {
		_, err := c.plan(items[n])
		out[n].Err = firstErr(err, c.broken)
	}
	return nil
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// send writes transaction t: RSET when a transaction may still be open,
// MAIL, the RCPTs and the message, with DATA or BDAT.
func (s *stream) send(t *txn) {
	s.room(t)
	s.cur, s.last = t, t
	t.flying = true
	s.flying++
	if !t.pipe {
		s.await() // the RSET decision needs the last transaction's end
	}
	if s.c.dirty && !s.command(t, cmdRset, "RSET") {
		return
	}
	if !s.command(t, cmdMail, t.lines[0]) {
		return
	}
	for _, l := range t.lines[1:] {
		if !s.command(t, cmdRcpt, l) {
			return
		}
	}
	if t.bdat {
		s.chunks(t)
	} else {
		s.data(t)
	}
	s.poll()
}

// command writes one command of t and registers its reply. Pipelined, it
// goes out with the rest of the group (RFC 2920 section 3.1); in lock step
// it waits for every reply before, and is not written once they decide
// t's outcome. It reports whether t goes on.
func (s *stream) command(t *txn, kind cmdKind, line string) bool {
	if !t.pipe {
		s.await()
		if kind == cmdRset {
			kind = cmdReset
		}
	}
	if s.stop != nil || t.done {
		return false
	}
	if err := s.c.conn.WriteLine(line); err != nil {
		s.halt(err)
		return false
	}
	s.expect(t, kind)
	switch kind {
	case cmdRset:
		s.c.track(resetSent)
	case cmdMail:
		s.c.track(mailSent)
	}
	return true
}

// data sends the message after DATA's 354 (RFC 5321 section 4.1.1.4): it
// waits for the reply, so with PIPELINING the data of this message goes out
// with the next message's commands.
func (s *stream) data(t *txn) {
	if !s.command(t, cmdData, "DATA") {
		return
	}
	s.await()
	if s.stop != nil || t.data == nil || t.data.Code != 354 {
		return
	}
	if t.done {
		// A 354 although MAIL or every RCPT was refused: end the data at
		// once (nothing is delivered, for no recipient was accepted), then
		// RSET.
		s.line(".")
		s.c.track(dataEnded)
		s.line("RSET")
		return
	}
	t.dataSent = true
	if err := s.c.writeDot(t); err != nil {
		s.abort(t, err)
		return
	}
	s.c.track(dataEnded)
	s.expect(t, cmdFinal)
	t.sentAt = time.Now()
}

// line writes a command whose reply only closes a transaction.
func (s *stream) line(l string) {
	if err := s.c.conn.WriteLine(l); err != nil {
		s.halt(err)
		return
	}
	s.expect(nil, cmdClose)
}

// chunks sends the message as BDAT chunks (RFC 3030 section 2), the last
// one marked LAST.
func (s *stream) chunks(t *txn) {
	t.dataSent = true
	err := s.c.writeChunks(t, func(chunk []byte, last bool) error { return s.chunk(t, chunk, last) })
	switch {
	case err == errChunkRefused:
	case err != nil:
		s.abort(t, err)
	default:
		t.sentAt = time.Now()
	}
}

// chunk writes one BDAT command and its data. In lock step each chunk
// waits for the reply to the one before, and a refusal stops the message.
func (s *stream) chunk(t *txn, b []byte, last bool) error {
	if !t.pipe {
		s.await()
	}
	if s.stop != nil {
		return s.stop
	}
	if t.done {
		return errChunkRefused
	}
	line := "BDAT " + strconv.Itoa(len(b))
	kind := cmdChunk
	if last {
		line += " LAST"
		kind = cmdFinal
	}
	s.c.conn.WriteLine(line)
	if _, err := s.c.conn.Write(b); err != nil {
		s.halt(err)
		return s.stop
	}
	t.size += int64(len(b))
	s.bytes += int64(len(b))
	s.expect(t, kind)
	return nil
}

// abort ends t after a failure in the middle of its data (its own body
// failed, or the connection): the message cannot be ended safely, or a
// partial message would be delivered, so the connection is given up.
func (s *stream) abort(t *txn, err error) {
	err = s.c.wrap(err)
	s.settle(t, err)
	s.halt(err)
}

// halt stops the writing after err. A timeout or a cancellation ends the
// connection at once; after anything else the replies already on their
// way are still read (finish), so that every message the server answered
// gets its answer, and then the connection is given up.
func (s *stream) halt(err error) {
	if s.stop != nil {
		return
	}
	s.stop = s.c.wrap(err)
	if k := errs.KindOf(s.stop); k == errs.Timeout || k == errs.Cancelled {
		s.lose(s.stop)
	}
}

// lose ends the connection after err, the first error of the stream.
func (s *stream) lose(err error) {
	s.c.lose(err)
	if s.stop == nil {
		s.stop = s.c.broken
	}
}

// expect registers the reply to what was just written for t.
func (s *stream) expect(t *txn, kind cmdKind) {
	if s.qh > 64 && s.qh > len(s.q)/2 {
		n := copy(s.q, s.q[s.qh:])
		clear(s.q[n:])
		s.q, s.qh = s.q[:n], 0
	}
	s.q = append(s.q, expect{t: t, kind: kind, left: 1})
	if s.rd != nil {
		s.pub = addSpan(s.pub, 1, s.timeout(kind))
	} else if len(s.q)-s.qh > maxUnread {
		s.wait() // a message of many recipients or chunks
	}
}

// timeout is the read timeout of a reply to kind (0: the command timeout).
func (s *stream) timeout(kind cmdKind) time.Duration {
	if kind == cmdChunk || kind == cmdFinal {
		return s.c.o.dataTimeout()
	}
	return 0
}

// room makes room in the window (pacer) for transaction t. Once the
// window is full it waits until half of it is free, so that writes go out
// in groups; with a window of twice the bandwidth-delay product the pipe
// stays full meanwhile. A pipelined BDAT stream whose window grows beyond
// syncFlying starts a reader.
func (s *stream) room(t *txn) {
	msgs, bytes := s.c.pace.window()
	if t.pipe && t.bdat && s.flying > 0 && s.rd == nil && msgs > syncFlying {
		s.startReader()
	}
	if s.flying < msgs && s.bytes < bytes {
		return
	}
	for s.qh < len(s.q) && (s.flying > msgs/2 || s.bytes > bytes/2) && s.stop == nil {
		s.wait()
	}
}

// poll takes the replies that came while the stream wrote, without waiting.
func (s *stream) poll() {
	if s.rd == nil {
		return
	}
	s.publish()
	s.deliver(s.rd.take(false))
}

// await reads until every reply expected has come, or the connection is
// gone.
func (s *stream) await() {
	for s.qh < len(s.q) && s.c.broken == nil {
		s.wait()
	}
}

// wait reads at least one reply, sending what is buffered first unless a
// reply is already in (a reply that has started to come answers a command
// sent before). After writing stopped it still sends what is buffered:
// whole commands whose replies finish waits for, or part of a message that
// nothing will ever end.
func (s *stream) wait() {
	if s.rd != nil || s.c.conn.Buffered() == 0 {
		if err := s.c.conn.Flush(); err != nil {
			s.halt(err)
		}
	}
	if s.c.broken != nil || s.qh == len(s.q) {
		return
	}
	if s.rd != nil {
		s.publish()
		s.deliver(s.rd.take(true))
		return
	}
	r, err := s.c.receive(s.timeout(s.q[s.qh].kind))
	s.deliver1(r, err)
}

// deliver hands the replies a reader read to take, in order.
func (s *stream) deliver(rs []result) {
	for _, x := range rs {
		s.deliver1(x.r, x.err)
	}
	s.log.flush()
}

// deliver1 hands one reply to take, or ends the connection on err.
func (s *stream) deliver1(r *reply, err error) {
	if s.c.broken != nil {
		return
	}
	if err == nil && s.qh == len(s.q) {
		err = errs.New(errs.Internal, "smtp: a reply nobody waited for")
	}
	if err == nil {
		e := &s.q[s.qh]
		err = s.take(e, r)
		if e.left--; e.left == 0 {
			*e = expect{}
			s.qh++
		}
	}
	if err != nil {
		s.lose(err)
	}
}

// take applies reply r to what it answers. It returns an error when the
// reply ends the connection: a class the command does not allow (RFC 5321
// section 4.3.2: then client and server no longer agree on the state of the
// session, and sending on could smuggle data into a command), or 421
// (section 3.8).
func (s *stream) take(e *expect, r *reply) error {
	c, t := s.c, e.t
	c.lastCode, c.lastText = r.Code, r.Text()
	if t != nil && e.kind != cmdReset {
		t.replied = true
	}
	var err error
	switch e.kind {
	case cmdRset, cmdClose:
		err = expectClass("RSET or the end of the data", r, 2, 4, 5)
	case cmdReset:
		if err = expectClass("RSET", r, 2, 4, 5); err == nil {
			s.reset(t, r)
		}
	case cmdMail:
		if err = expectClass("MAIL", r, 2, 4, 5); err == nil {
			s.mail(t, r)
		}
	case cmdRcpt:
		if err = expectClass("RCPT", r, 2, 4, 5); err == nil {
			s.rcpt(t, r)
		}
	case cmdData:
		if err = expectClass("DATA", r, 3, 4, 5); err == nil {
			s.dataReply(t, r)
		}
	case cmdChunk:
		if err = expectClass("BDAT", r, 2, 4, 5); err == nil {
			s.chunkReply(t, r)
		}
	case cmdFinal:
		if err = expectClass("the message data", r, 2, 4, 5); err == nil {
			s.final(e, t, r)
		}
	}
	if err == nil && r.Code == 421 {
		err = r.err()
	}
	return err
}

// expectClass checks that reply r to a command is of a class the command
// allows: MAIL and RCPT never get 3yz, DATA never gets 2yz.
func expectClass(what string, r *reply, classes ...int) error {
	for _, k := range classes {
		if r.Code/100 == k {
			return nil
		}
	}
	return errs.New(errs.Protocol, fmt.Sprintf("smtp: unexpected reply %d to %s: %s", r.Code, what, r.Text()))
}

// reset applies the reply to a lock-step RSET.
func (s *stream) reset(t *txn, r *reply) {
	if r.Code/100 == 2 {
		s.c.track(resetDone)
		return
	}
	s.settle(t, r.err())
}

// mail applies the reply to MAIL; in lock step a refusal ends t.
func (s *stream) mail(t *txn, r *reply) {
	t.mail = r
	if !t.pipe && t.mailRefused() {
		s.settle(t, r.err())
	}
}

// rcpt applies a reply to RCPT; in lock step the last refusal of all
// ends t.
func (s *stream) rcpt(t *txn, r *reply) {
	t.addRcpt(r)
	if !t.pipe && t.hopeless() {
		s.settle(t, t.refusal())
	}
}

// dataReply applies the reply to DATA. A 354 when nothing can be delivered
// ends t with the refusal, and data sends an empty message.
func (s *stream) dataReply(t *txn, r *reply) {
	t.data = r
	switch {
	case t.hopeless():
		s.settle(t, t.refusal())
	case r.Code != 354:
		t.setAccepted(r)
		s.settle(t, r.err())
	}
}

// chunkReply applies the reply to a BDAT chunk before the last. Pipelined,
// the first refusal becomes the outcome when BDAT LAST is answered; in
// lock step it ends t at once.
func (s *stream) chunkReply(t *txn, r *reply) {
	if r.Code/100 == 2 || t.refused != nil || t.done {
		return
	}
	t.refused = r
	if !t.pipe {
		t.setAccepted(r)
		s.settle(t, r.err())
	}
}

// final applies a reply to the message data: one, or one per accepted
// recipient for LMTP (RFC 2033 section 4.2). A BDAT transaction that could
// deliver nothing gets one reply, and its outcome is the first refusal.
func (s *stream) final(e *expect, t *txn, r *reply) {
	if t.done {
		return
	}
	if t.finals == 0 {
		if t.bdat && (t.hopeless() || t.refused != nil) {
			if t.hopeless() {
				s.settle(t, t.refusal())
			} else {
				t.setAccepted(t.refused)
				s.settle(t, t.refused.err())
			}
			return
		}
		if s.c.o.LMTP && t.accepted > 1 {
			e.left += t.accepted - 1
			if s.rd != nil {
				s.pub = addSpan(s.pub, t.accepted-1, s.c.o.dataTimeout())
			}
		}
	}
	if s.c.o.LMTP {
		t.setNthAccepted(t.finals, r)
	} else {
		t.setAccepted(r)
	}
	t.finals++
	if r.Code/100 == 2 {
		t.ok++
	} else if t.first == nil {
		t.first = r.err()
	}
	if e.left > 1 {
		return
	}
	s.c.pace.delivered(time.Since(t.sentAt), t.size)
	if t.ok == 0 {
		s.settle(t, t.first)
	} else {
		s.settle(t, t.partial())
	}
	if t.bdat && t == s.last && t.ok > 0 {
		s.c.track(lastAccepted)
	}
}

// settle records the outcome of t.
func (s *stream) settle(t *txn, err error) {
	if t.done {
		return
	}
	t.done = true
	o := &s.out[t.item]
	o.Err, o.Sent = err, t.dataSent
	if t.replied {
		o.Results = t.results()
	}
	if t.flying {
		t.flying = false
		s.flying--
		s.bytes -= t.size
	}
}

// finish reads the replies still expected, stops the reader, gives up the
// connection when writing stopped, and gives the connection's error to
// every transaction left unanswered.
func (s *stream) finish() {
	s.await()
	if s.stop != nil {
		s.lose(s.stop)
	}
	s.stopReader()
	for i := s.qh; i < len(s.q); i++ {
		if t := s.q[i].t; t != nil && !t.done {
			s.settle(t, s.unanswered())
		}
	}
	if s.cur != nil && !s.cur.done {
		s.settle(s.cur, s.unanswered())
	}
}

// unanswered is the error of a transaction left without its outcome: the
// connection's.
func (s *stream) unanswered() error {
	if s.c.broken != nil {
		return s.c.broken
	}
	return errs.New(errs.Internal, "smtp: the message got no reply")
}
