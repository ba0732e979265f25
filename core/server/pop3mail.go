package server

import (
	"bytes"
	"strconv"
)

// number parses a message number and returns its index, replying -ERR
// when it is malformed, out of range or deleted.
func (ps *popSession) number(arg []byte) (int, bool) {
	n, err := strconv.Atoi(string(bytes.TrimSpace(arg)))
	switch {
	case err != nil || len(arg) == 0:
		ps.fail("Bad message number")
	case n < 1 || n > len(ps.msgs):
		ps.err("No such message")
	case ps.deleted[n-1]:
		ps.err("Message " + strconv.Itoa(n) + " is deleted")
	default:
		return n - 1, true
	}
	return 0, false
}

// stat answers STAT (RFC 1939 section 5): messages not marked as deleted
// and their size.
func (ps *popSession) stat([]byte) {
	n, size := 0, int64(0)
	for i, e := range ps.msgs {
		if !ps.deleted[i] {
			n++
			size += e.size
		}
	}
	ps.ok(strconv.Itoa(n) + " " + itoa(size))
}

// list answers LIST (RFC 1939 section 5) or, with uidl, UIDL (RFC 1939
// section 7), for one message or as a multi-line listing.
func (ps *popSession) list(arg []byte, uidl bool) {
	value := func(i int) string {
		if uidl {
			return ps.msgs[i].id
		}
		return itoa(ps.msgs[i].size)
	}
	if len(bytes.TrimSpace(arg)) > 0 {
		if i, ok := ps.number(arg); ok {
			ps.ok(strconv.Itoa(i+1) + " " + value(i))
		}
		return
	}
	ps.ok("Listing follows")
	for i := range ps.msgs {
		if !ps.deleted[i] {
			ps.reply(strconv.Itoa(i+1) + " " + value(i))
		}
	}
	ps.reply(".")
}

// retr answers RETR (RFC 1939 section 5) with the dot-stuffed message.
func (ps *popSession) retr(arg []byte) {
	msg, ok := ps.message(arg)
	if !ok {
		return
	}
	ps.ok(itoa(int64(len(msg))) + " octets")
	ps.send(msg)
}

// message reads the message numbered arg, replying -ERR when it cannot.
func (ps *popSession) message(arg []byte) ([]byte, bool) {
	i, ok := ps.number(arg)
	if !ok {
		return nil, false
	}
	msg, err := ps.s.store.read(ps.mailbox, ps.msgs[i])
	if err != nil {
		ps.err("[SYS/TEMP] Cannot read the message")
		return nil, false
	}
	return msg, true
}

// send buffers msg as a dot-stuffed multi-line response (RFC 1939 section
// 3).
func (ps *popSession) send(msg []byte) {
	dw := ps.c.DotWriter()
	dw.Write(msg)
	dw.Close()
}

// top answers TOP msg n (RFC 1939 section 7): the header, the blank line
// and the first n lines of the body.
func (ps *popSession) top(arg []byte) {
	num, lines, found := bytes.Cut(bytes.TrimSpace(arg), []byte{' '})
	n, err := strconv.Atoi(string(bytes.TrimSpace(lines)))
	if !found || err != nil || n < 0 {
		ps.fail("Syntax: TOP msg n")
		return
	}
	msg, ok := ps.message(num)
	if !ok {
		return
	}
	ps.ok("Top of message follows")
	ps.send(topLines(msg, n))
}

// topLines returns the header of msg, the blank line after it, and n lines
// of the body.
func topLines(msg []byte, n int) []byte {
	end := bytes.Index(msg, []byte("\r\n\r\n"))
	if end < 0 {
		return msg
	}
	end += 4
	for ; n > 0 && end < len(msg); n-- {
		nl := bytes.IndexByte(msg[end:], '\n')
		if nl < 0 {
			return msg
		}
		end += nl + 1
	}
	return msg[:end]
}

// rset answers RSET (RFC 1939 section 5): no message is marked as deleted
// any more.
func (ps *popSession) rset([]byte) {
	clear(ps.deleted)
	ps.ok("")
}

// dele answers DELE (RFC 1939 section 5): the message is only marked; it is
// removed at QUIT.
func (ps *popSession) dele(arg []byte) {
	if i, ok := ps.number(arg); ok {
		ps.deleted[i] = true
		ps.ok("Message " + strconv.Itoa(i+1) + " deleted")
	}
}
