package server

import (
	"bytes"
	"io"
	"slices"
	"strconv"
	"time"

	"mailwire/core/trace"
	"mailwire/core/wire"
)

const chunk = 32 << 10

// dataReady checks that a transaction can take data; it replies and
// returns false when it cannot.
func (ss *smtpSession) dataReady() bool {
	switch {
	case ss.tx == nil:
		ss.fail("503 5.5.1 Need MAIL and RCPT first")
	case len(ss.tx.rcpts) == 0:
		// RFC 2920 section 3.1: every pipelined RCPT failed.
		ss.reply("554 5.5.1 No valid recipients")
	default:
		return true
	}
	return false
}

// data answers DATA (RFC 5321 section 4.1.1.4). The data is read strictly:
// only CRLF "." CRLF ends it, and a bare CR or LF anywhere refuses the
// message after its real end, so that no smuggled command runs
// (CVE-2023-51764).
func (ss *smtpSession) data(arg []byte) {
	switch {
	case len(arg) > 0:
		ss.fail("501 5.5.4 DATA takes no argument")
		return
	case !ss.dataReady():
		return
	case ss.tx.body == "BINARYMIME" || ss.tx.chunks:
		ss.fail("503 5.5.1 BINARYMIME and BDAT transactions need BDAT, not DATA")
		return
	}
	ss.reply("354 End data with <CR><LF>.<CR><LF>")
	if ss.c.Buffered() == 0 && ss.c.Flush() != nil {
		ss.quit = true
		return
	}
	body, tooBig, err := ss.readDot()
	switch {
	case err == wire.ErrBareLineEnd:
		ss.finish("554 5.6.0 Bare CR or LF in message data, only CRLF line ends are allowed; message refused")
	case err != nil:
		ss.quit = true
	case tooBig:
		ss.finish("552 5.3.4 Message size exceeds fixed limit")
	default:
		ss.deliver(body)
	}
}

// readDot reads dot-terminated data into the session buffer. Past
// MaxMessageSize it keeps reading to the end but drops the data.
func (ss *smtpSession) readDot() ([]byte, bool, error) {
	dr := ss.c.DotReader()
	b, max, tooBig := ss.buf[:0], ss.s.cfg.MaxMessageSize, false
	for {
		b = slices.Grow(b, chunk)
		n, err := dr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > max {
			tooBig, b = true, b[:0]
		}
		if err == io.EOF {
			ss.keep(b)
			return b, tooBig, nil
		}
		if err != nil {
			ss.keep(b)
			return nil, tooBig, err
		}
	}
}

// keep holds on to a buffer for the next message unless it grew large.
func (ss *smtpSession) keep(b []byte) {
	if cap(b) <= keepBuffer {
		ss.buf = b[:0]
	} else {
		ss.buf = nil
	}
}

// bdat answers BDAT (RFC 3030 section 2). The chunk is always read to its
// exact length, whatever the reply, so that its bytes are never taken for
// commands.
func (ss *smtpSession) bdat(arg []byte) {
	size, last, ok := parseBDAT(arg)
	if !ok {
		ss.reply("501 5.5.4 Syntax: BDAT size [LAST]; closing connection")
		ss.quit = true
		return
	}
	tx := ss.tx
	if tx == nil || len(tx.rcpts) == 0 {
		if ss.discard(size) {
			ss.dataReady()
		}
		return
	}
	if !tx.chunks {
		tx.chunks, ss.buf = true, ss.buf[:0]
	}
	if !ss.readChunk(size) {
		return
	}
	if tx.tooBig {
		ss.finish("552 5.3.4 Message size exceeds fixed limit")
		return
	}
	if !last {
		ss.reply("250 2.0.0 " + itoa(size) + " octets received")
		return
	}
	ss.deliver(ss.buf)
}

// parseBDAT parses "size [LAST]".
func parseBDAT(arg []byte) (size int64, last, ok bool) {
	f := bytes.Fields(arg)
	if len(f) == 0 || len(f) > 2 || len(f[0]) > 18 {
		return 0, false, false
	}
	for _, c := range f[0] {
		if c < '0' || c > '9' {
			return 0, false, false
		}
	}
	size, _ = strconv.ParseInt(string(f[0]), 10, 64)
	if len(f) == 2 {
		if !bytes.EqualFold(f[1], []byte("LAST")) {
			return 0, false, false
		}
		last = true
	}
	return size, last, true
}

// readChunk appends size bytes to the session buffer, or drops them when the
// message would exceed MaxMessageSize. It returns false when the
// connection failed.
func (ss *smtpSession) readChunk(size int64) bool {
	tx := ss.tx
	if tx.tooBig || int64(len(ss.buf))+size > ss.s.cfg.MaxMessageSize {
		tx.tooBig = true
		ss.buf = ss.buf[:0]
		return ss.discard(size)
	}
	b := slices.Grow(ss.buf, int(size))
	if ss.c.ReadFull(b[len(b):len(b)+int(size)]) != nil {
		ss.quit = true
		return false
	}
	ss.buf = b[:len(b)+int(size)]
	return true
}

// discard reads and drops size bytes.
func (ss *smtpSession) discard(size int64) bool {
	if ss.c.Discard(size) != nil {
		ss.quit = true
		return false
	}
	return true
}

// finish ends the transaction with one reply, or one per recipient in LMTP
// (RFC 2033 section 4.2).
func (ss *smtpSession) finish(r reply) {
	n := 1
	if ss.lmtp && ss.tx != nil {
		n = len(ss.tx.rcpts)
	}
	for i := 0; i < n; i++ {
		ss.reply(r)
	}
	ss.tx = nil
	ss.keep(ss.buf)
}

// deliver stores one copy of body per recipient, each behind its own
// Received header (RFC 5321 section 4.4), and replies: once in SMTP, once
// per recipient in LMTP (RFC 2033 section 4.2).
func (ss *smtpSession) deliver(body []byte) {
	tx := ss.tx
	id := ss.s.ids.next()
	rec := trace.Received{
		From:        ss.helo,
		FromComment: "(" + ss.ip + ")",
		By:          ss.s.cfg.Hostname,
		With:        ss.keyword(tx.utf8),
		ID:          id,
		Date:        time.Now(),
	}
	failed := 0
	for _, r := range tx.rcpts {
		rec.For = r.addr
		err := ss.s.store.deliver(r.mailbox, withHeader(rec.Folded(), body))
		if err == nil {
			ss.s.changed(r.mailbox)
		}
		switch {
		case err != nil:
			failed++
			ss.lmtpReply("451 4.3.0 Cannot store the message for <" + r.addr + ">")
		default:
			ss.lmtpReply("250 2.0.0 <" + r.addr + "> delivered, id " + id)
		}
	}
	if !ss.lmtp {
		if failed > 0 {
			ss.reply("451 4.3.0 Cannot store the message")
		} else {
			ss.reply("250 2.0.0 OK queued as " + id)
		}
	}
	ss.tx = nil
	ss.keep(ss.buf)
}

func (ss *smtpSession) lmtpReply(r reply) {
	if ss.lmtp {
		ss.reply(r)
	}
}

// withHeader returns "Received: value" CRLF followed by body, in a new
// slice.
func withHeader(value string, body []byte) []byte {
	const name = "Received: "
	msg := make([]byte, 0, len(name)+len(value)+2+len(body))
	msg = append(msg, name...)
	msg = append(msg, value...)
	msg = append(msg, '\r', '\n')
	return append(msg, body...)
}
