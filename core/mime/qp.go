package mime

import (
	"bufio"
	"bytes"
	"io"
	"sync"

	"mailwire/core/errs"
)

// textStats describes content for the choice of a transfer encoding.
type textStats struct {
	nonASCII, ctrl int64
	nul            int64 // NUL bytes (among ctrl), which no 7bit or 8bit body may hold (RFC 2045 section 2.7)
	maxLine, cur   int64
	bare           bool // a CR or LF that is not part of CRLF
	from           bool // a line starts with "From "
	trailingWS     bool // a line ends with white space
	endsCRLF       bool
	prev, last     byte
	head           []byte // the start of the current line, up to 5 bytes
}

func scanText(b []byte) *textStats {
	s := &textStats{}
	s.update(b)
	s.done()
	return s
}

func (s *textStats) endLine() {
	if s.cur > 0 && (s.last == ' ' || s.last == '\t') {
		s.trailingWS = true
	}
	s.maxLine = max(s.maxLine, s.cur)
	s.cur = 0
	s.head = s.head[:0]
}

// done accounts for a last line without a line break.
func (s *textStats) done() {
	if s.prev == '\r' {
		s.bare = true
	}
	if s.cur > 0 {
		s.endLine()
	}
}

// plain7bit reports whether the text can go as 7bit without any risk:
// short lines of printable ASCII (RFC 2045 section 2.7).
func (s *textStats) plain7bit() bool {
	return s.nonASCII == 0 && s.ctrl == 0 && !s.bare && s.maxLine <= 76 && !s.from && !s.trailingWS
}

// qpEncoder writes quoted-printable (RFC 2045 section 6.7) in lines of at
// most 76 characters. It also encodes a "." or the "F" of "From " at the
// start of a line, which some transports alter.
type qpEncoder struct {
	cw  *countWriter
	buf []byte
	col int
}

// writeQP encodes r. CRLF is a line break; any other CR or LF is encoded.
// The output always ends with CRLF, adding a soft line break if needed.
func writeQP(cw *countWriter, r io.Reader) {
	br := bufio.NewReaderSize(r, 32<<10)
	e := newQPEncoder(cw)
	defer e.release()
	open := false
	for cw.err == nil {
		line, err := br.ReadSlice('\n')
		hard := bytes.HasSuffix(line, []byte("\r\n"))
		if hard {
			line = line[:len(line)-2]
		}
		if len(line) > 0 || hard {
			e.chunk(line, hard)
			open = !hard
		}
		if err == io.EOF {
			break
		}
		if err != nil && err != bufio.ErrBufferFull {
			cw.err = errs.E(errs.File, err)
			return
		}
	}
	e.end(open)
}

// writeQPBytes encodes b as writeQP does, with no reader in between.
func writeQPBytes(cw *countWriter, b []byte) {
	e := newQPEncoder(cw)
	defer e.release()
	for cw.err == nil {
		i := bytes.Index(b, []byte("\r\n"))
		if i < 0 {
			break
		}
		e.chunk(b[:i], true)
		b = b[i+2:]
	}
	if len(b) > 0 {
		e.chunk(b, false)
	}
	e.end(len(b) > 0)
}

// qpBuffers holds encoders and their output buffers between renders.
var qpBuffers = sync.Pool{New: func() any { return &qpEncoder{buf: make([]byte, 0, 8<<10)} }}

func newQPEncoder(cw *countWriter) *qpEncoder {
	e := qpBuffers.Get().(*qpEncoder)
	e.cw, e.buf, e.col = cw, e.buf[:0], 0
	return e
}

func (e *qpEncoder) release() {
	e.cw = nil
	qpBuffers.Put(e)
}

// end adds the soft line break that an open last line needs, and writes
// what is left.
func (e *qpEncoder) end(open bool) {
	if open {
		e.buf = append(e.buf, "=\r\n"...)
	}
	e.flush()
}

// qpLiteral marks the bytes that go as themselves in the middle of a line.
var qpLiteral = func() (t [256]bool) {
	for c := 32; c < 127; c++ {
		t[c] = c != '='
	}
	t['\t'] = true
	return t
}()

// chunk encodes a piece of a line; hard means a line break follows.
func (e *qpEncoder) chunk(line []byte, hard bool) {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if qpLiteral[c] && e.col > 0 && e.col < 75 && i < len(line)-1 {
			e.buf = append(e.buf, c)
			e.col++
			continue
		}
		e.slow(line, i, hard)
		if len(e.buf) > 7<<10 {
			e.flush()
		}
	}
	if hard {
		e.buf = append(e.buf, '\r', '\n')
		e.col = 0
	}
}

// slow encodes line[i], breaking the line first if it does not fit.
func (e *qpEncoder) slow(line []byte, i int, hard bool) {
	c := line[i]
	last := i == len(line)-1
	limit := 75
	if last && hard {
		limit = 76
	}
	n := e.width(line[i:], last)
	if e.col+n > limit {
		e.buf = append(e.buf, "=\r\n"...)
		e.col = 0
		n = e.width(line[i:], last)
	}
	if n == 1 {
		e.buf = append(e.buf, c)
	} else {
		e.buf = append(e.buf, '=', upperHex[c>>4], upperHex[c&15])
	}
	e.col += n
}

// width returns 1 when the first byte of rest goes as itself, 3 when it is
// encoded. White space is encoded at the end of a chunk: it may end a line.
func (e *qpEncoder) width(rest []byte, last bool) int {
	c := rest[0]
	switch {
	case c == ' ' || c == '\t':
		if last {
			return 3
		}
		return 1
	case c < 33 || c > 126 || c == '=':
		return 3
	case e.col == 0 && (c == '.' || (c == 'F' && bytes.HasPrefix(rest, []byte("From ")))):
		return 3
	}
	return 1
}

func (e *qpEncoder) flush() {
	e.cw.write(e.buf)
	e.buf = e.buf[:0]
}

// appendUnhex appends s to dst with each esc followed by two hexadecimal
// digits (either case) replaced by the byte they name; an esc without them
// stays as it is. It is the decoder of the three hex escapes of MIME:
// quoted-printable ("=", RFC 2045 section 6.7, read leniently as section
// 6.7 note 1 suggests), the Q encoding of encoded words ("=", RFC 2047
// section 4.2) and the extended parameter values of RFC 2231 ("%",
// section 4).
func appendUnhex[T string | []byte](dst []byte, s T, esc byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == esc && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			dst = append(dst, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
