package smtp

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"mailwire/core/errs"
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

// txn is one mail transaction of a stream: what plan decided, and the
// replies read so far.
type txn struct {
	env      Envelope
	body     io.WriterTo
	item     int      // index of its Item
	lines    []string // MAIL, RCPT...
	bdat     bool     // the message goes with BDAT (RFC 3030); decided once, by plan
	pipe     bool     // commands are pipelined (RFC 2920); else each waits for its reply
	mail     *reply
	rcpt     []*reply // RCPT replies, in order
	final    []*reply // replies to the message, per accepted recipient
	accepted int
	data     *reply // the reply to DATA
	refused  *reply // the first refused BDAT chunk
	finals   int    // replies to the message data read
	ok       int    // of which positive
	first    *Error // the first negative one
	size     int64  // bytes of message data written
	sentAt   time.Time
	dataSent bool      // message data was written: the message may have been delivered
	replied  bool      // a reply of the transaction was read
	flying   bool      // counted in the stream's window
	done     bool      // the outcome is known
	one      [2]*reply // backs rcpt and final for one recipient
	oneLines [2]string // backs lines for one recipient
}

// mailRefused reports whether MAIL was refused.
func (t *txn) mailRefused() bool { return t.mail != nil && t.mail.Code/100 != 2 }

// hopeless reports whether the replies read so far already exclude
// delivery: MAIL refused, or every recipient refused.
func (t *txn) hopeless() bool {
	return t.mailRefused() || len(t.rcpt) == len(t.lines)-1 && t.accepted == 0
}

// refusal is the error of a transaction that delivered nothing before its
// data: the MAIL refusal, or every recipient's.
func (t *txn) refusal() error {
	if t.mailRefused() {
		return t.mail.err()
	}
	return t.allRefused()
}

// addRcpt records one RCPT reply.
func (t *txn) addRcpt(r *reply) {
	if t.rcpt == nil && len(t.env.To) == 1 {
		t.rcpt = t.one[:0:1]
	}
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
	t.newFinal()
	for i, rr := range t.rcpt {
		if rr.Code/100 == 2 {
			t.final[i] = r
		}
	}
}

// newFinal makes final, one entry per RCPT reply.
func (t *txn) newFinal() {
	if len(t.rcpt) == 1 {
		t.one[1] = nil
		t.final = t.one[1:2:2]
		return
	}
	t.final = make([]*reply, len(t.rcpt))
}

// setNthAccepted gives reply r to the n-th accepted recipient (LMTP).
func (t *txn) setNthAccepted(n int, r *reply) {
	if t.final == nil {
		t.newFinal()
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
func (t *txn) results() []Result {
	res := make([]Result, len(t.env.To))
	for i, a := range t.env.To {
		switch {
		case i < len(t.rcpt):
			res[i] = t.last(i).result(a)
		case t.mailRefused():
			res[i] = t.mail.result(a)
		default:
			res[i] = Result{Address: a}
		}
	}
	return res
}
