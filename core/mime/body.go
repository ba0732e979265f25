package mime

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"
	"sync"

	"mailwire/core/errs"
)

// Memory bounds of a parsed message: a part is spooled to a temporary file
// once its decoded content passes memPart, or once the message holds
// memTotal in memory.
const (
	memPart  = 1 << 20
	memTotal = 8 << 20
)

// bodyDecoder undoes a transfer encoding line by line (RFC 2045 section 6).
type bodyDecoder interface {
	line(b []byte, complete bool) // complete: the line ends here
	eol()                         // a line break between two lines
	close()
}

// leaf reads and decodes the body of pt up to a delimiter of bounds. The
// line break before a delimiter belongs to the delimiter
// (RFC 2046 section 5.1.1).
func (p *parser) leaf(pt *part, bounds []string) (int, bool, error) {
	s := p.newSink(pt)
	dec := p.newDecoder(pt.cte, s)
	if pt.cte == "base64" && strings.HasPrefix(pt.mtype, "text/") {
		dec = &textB64Body{b64: dec, w: s}
	}
	pending, start := false, true
	idx, closed := -1, false
	bulk := len(bounds) == 0 && len(p.back) == 0
	if _, ok := dec.(*identityBody); !ok {
		bulk = false
	}
	for {
		if bulk {
			if pending { // no delimiter can claim the line break: it goes out now
				dec.eol()
				pending = false
			}
			bulk = p.bulkLines(s)
		}
		line, eol, err := p.readLine()
		if err != nil && err != io.EOF {
			s.abort()
			return -1, false, err
		}
		if start && (eol || err == io.EOF) && len(bounds) > 0 {
			if i, c, ok := matchDelimiter(line, bounds); ok {
				idx, closed = i, c
				break
			}
		}
		if len(line) > 0 || eol {
			if pending {
				dec.eol()
			}
			dec.line(line, eol || err == io.EOF)
			pending = eol
		}
		if err == io.EOF {
			if pending {
				dec.eol()
			}
			break
		}
		start = eol
	}
	dec.close()
	return idx, closed, p.finish(pt, s)
}

// bulkLines moves the whole lines in the read buffer that all end in CRLF
// to s at once: what an identity decoder would write line by line for a
// leaf that no delimiter can end (a single-part message), since each line
// and its CRLF come out as they went in. It reports false, and moves
// nothing, when the buffer has no whole line or one of them ends in a bare
// LF, which the line by line path then normalises; the leaf goes on line
// by line from there. It is called at the start of a line only.
func (p *parser) bulkLines(s *sink) bool {
	if p.br.Buffered() == 0 {
		p.br.Peek(1) // fill; an error shows on the next readLine
	}
	buf, _ := p.br.Peek(p.br.Buffered())
	cut := bytes.LastIndexByte(buf, '\n') + 1
	if cut == 0 {
		return true // no whole line here: the next one is read as usual
	}
	region := buf[:cut]
	if !crlfLines(region) {
		return false
	}
	if p.src != nil { // the same bytes are in src: the sink may keep them from there
		off := len(p.src) - p.srcR.Len() - p.br.Buffered()
		s.borrow(p.src, off, cut)
	} else {
		s.Write(region)
	}
	p.br.Discard(cut)
	return true
}

// crlfLines reports whether every LF in b follows a CR.
func crlfLines(b []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return true
		}
		if i+j == 0 || b[i+j-1] != '\r' {
			return false
		}
		i += j + 1
	}
}

func (p *parser) newDecoder(cte string, w io.Writer) bodyDecoder {
	switch cte {
	case "base64":
		if p.scratch.pend == nil {
			p.scratch.pend = make([]byte, 0, b64Block+256)
		}
		d := &b64Decoder{out: p.scratch.out[:0]}
		return &b64Body{w: w, d: d, pend: p.scratch.pend[:0], keep: p.scratch}
	case "quoted-printable":
		return &qpBody{w: w}
	}
	return &identityBody{w: w}
}

// maxUndecided bounds the white space a textB64Body holds before the first
// line with text.
const maxUndecided = 4 << 10

// textB64Body reads a text part labelled base64 that may not be base64:
// senders and gateways that relabel parts send plain text so. Its first
// line with text decides: when that line cannot be base64 (a character
// outside the alphabet of RFC 2045 section 6.8, or one after the "="
// padding), the part is read as it is, since decoding it would give
// garbage; otherwise it is decoded like any base64 part. A text whose
// first line is one word of base64 letters ("Hello") cannot be told from
// base64, and is decoded.
type textB64Body struct {
	b64, dec bodyDecoder // dec is nil until the first line with text
	w        io.Writer
	held     []byte // white space and line breaks before that line
}

func (d *textB64Body) line(b []byte, complete bool) {
	if d.dec == nil {
		if len(bytes.Trim(b, " \t")) == 0 && len(d.held) < maxUndecided {
			d.held = append(d.held, b...)
			return
		}
		d.dec = d.b64
		if !looksBase64(b) {
			d.dec = &identityBody{w: d.w}
			d.w.Write(d.held)
		}
		d.held = nil
	}
	d.dec.line(b, complete)
}

func (d *textB64Body) eol() {
	if d.dec == nil {
		d.held = append(d.held, "\r\n"...)
		return
	}
	d.dec.eol()
}

func (d *textB64Body) close() {
	if d.dec == nil {
		d.dec = d.b64
	}
	d.dec.close()
}

// looksBase64 reports whether a line can be base64 text: alphabet
// characters and then at most the "=" padding, with white space around.
func looksBase64(b []byte) bool {
	b = bytes.Trim(b, " \t")
	pad := false
	for _, c := range b {
		switch {
		case c == '=':
			pad = true
		case pad || b64Table[c] < 0:
			return false
		}
	}
	return true
}

// crlfBytes is the line break the decoders write: a constant, so that
// writing it through an interface allocates nothing.
var crlfBytes = []byte("\r\n")

// identityBody passes 7bit, 8bit, binary and unknown encodings through.
type identityBody struct{ w io.Writer }

func (d *identityBody) line(b []byte, _ bool) { d.w.Write(b) }
func (d *identityBody) eol()                  { d.w.Write(crlfBytes) }
func (d *identityBody) close()                {}

// b64Block is how much base64 text is gathered before it is decoded.
const b64Block = 32 << 10

// b64Body decodes base64, ignoring line breaks and stray characters. It
// gathers the text of many lines and decodes it in one go.
type b64Body struct {
	w    io.Writer
	d    *b64Decoder
	pend []byte // text not yet decoded, at most b64Block plus one line
	keep *scratch
}

func (d *b64Body) line(b []byte, _ bool) {
	d.pend = append(d.pend, b...)
	if len(d.pend) >= b64Block {
		d.decode(false)
	}
}

// decode decodes the gathered text; before the end it keeps back the
// characters that do not make a whole group of four.
func (d *b64Body) decode(final bool) {
	n := len(d.pend)
	if !final {
		n -= n % 4
	}
	text := d.pend[:n]
	if s, ok := d.w.(*sink); !ok || !s.appendDirect(n/4*3+3, func(b []byte) []byte { return d.d.feedTo(b, text) }) {
		d.d.feed(text)
		d.w.Write(d.d.take())
	}
	d.pend = d.pend[:copy(d.pend, d.pend[n:])]
}

func (d *b64Body) eol() {}
func (d *b64Body) close() {
	d.decode(true)
	d.w.Write(d.d.finish())
	d.keep.pend, d.keep.out = d.pend[:0], d.d.out[:0]
}

// qpBody decodes quoted-printable: trailing white space is dropped and a
// final "=" is a soft line break (RFC 2045 section 6.7, rules 3 and 5).
type qpBody struct {
	w    io.Writer
	soft bool
	buf  []byte
}

func (d *qpBody) line(b []byte, complete bool) {
	d.soft = false
	if complete {
		b = bytes.TrimRight(b, " \t")
		if n := len(b); n > 0 && b[n-1] == '=' {
			b, d.soft = b[:n-1], true
		}
	}
	d.buf = appendUnhex(d.buf[:0], b, '=')
	d.w.Write(d.buf)
}

func (d *qpBody) eol() {
	if !d.soft {
		d.w.Write(crlfBytes)
	}
	d.soft = false
}
func (d *qpBody) close() {}

// scratch holds the working buffers of a parse, kept for the next parse:
// decoded content is gathered in body and copied out at its exact size.
type scratch struct {
	body, pend, out []byte
}

// scratchPool holds scratch buffers; each is at most about memPart plus
// b64Block bytes of base64 text and its decoded form.
var scratchPool = sync.Pool{New: func() any { return &scratch{} }}

// sink collects decoded content in memory and moves it to a temporary file
// when it grows past its bound.
type sink struct {
	p      *parser
	buf    []byte
	ref    []byte // content kept as a slice of the parsed bytes (borrow); buf is empty then
	refOff int    // where ref starts in them
	limit  int64
	f      *os.File
	bw     *bufio.Writer
	n      int64
	err    error
}

func (p *parser) newSink(pt *part) *sink {
	return &sink{p: p, limit: min(memPart, memTotal-p.mem), buf: p.scratch.body[:0]}
}

// borrow keeps src[off:off+n] as the next content: as a slice of src while
// the content is nothing but contiguous bytes of src within the memory
// bound, else through Write.
func (s *sink) borrow(src []byte, off, n int) {
	switch {
	case s.err != nil || s.f != nil || int64(len(s.ref)+n) > s.limit:
	case s.n == 0:
		s.ref, s.refOff, s.n = src[off:off+n:off+n], off, int64(n)
		return
	case s.ref != nil && s.refOff+len(s.ref) == off:
		s.ref = src[s.refOff : off+n : off+n]
		s.n += int64(n)
		return
	}
	s.Write(src[off : off+n])
}

// unborrow moves borrowed content into buf, before other content joins it.
func (s *sink) unborrow() {
	if s.ref != nil {
		s.buf = append(s.buf, s.ref...)
		s.ref = nil
	}
}

// Write keeps b, spilling to a file past the bound; it never fails, errors
// are kept for finish.
func (s *sink) Write(b []byte) (int, error) {
	if s.err != nil || len(b) == 0 {
		return len(b), nil
	}
	s.unborrow()
	s.n += int64(len(b))
	if s.f == nil && int64(len(s.buf)+len(b)) > s.limit {
		s.spill()
	}
	if s.f != nil {
		if _, err := s.bw.Write(b); err != nil {
			s.err = errs.E(errs.File, err)
		}
		return len(b), nil
	}
	s.buf = append(s.buf, b...)
	return len(b), nil
}

// appendDirect lets fill append at most max bytes straight to the memory
// buffer, when they fit within its bound; it reports whether it did.
func (s *sink) appendDirect(max int, fill func([]byte) []byte) bool {
	s.unborrow()
	if s.err != nil || s.f != nil || int64(len(s.buf)+max) > s.limit {
		return false
	}
	n := len(s.buf)
	s.buf = fill(s.buf)
	s.n += int64(len(s.buf) - n)
	return true
}

func (s *sink) spill() {
	f, err := os.CreateTemp("", "mailwire-part-*")
	if err != nil {
		s.err = errs.E(errs.File, err)
		return
	}
	s.p.m.spools = append(s.p.m.spools, f.Name())
	s.f, s.bw = f, bufio.NewWriterSize(f, 64<<10)
	s.bw.Write(s.buf)
	if cap(s.buf) <= 2*memPart {
		s.p.scratch.body = s.buf[:0]
	}
	s.buf = nil
}

func (s *sink) abort() {
	if s.f != nil {
		s.f.Close()
	}
}

// finish stores the collected content as the source of pt.
func (p *parser) finish(pt *part, s *sink) error {
	if s.ref != nil {
		p.mem += int64(len(s.ref))
		pt.src = memSource(s.ref)
		return s.err
	}
	if s.f == nil {
		p.mem += int64(len(s.buf))
		pt.src = memSource(bytes.Clone(s.buf))
		if cap(s.buf) <= 2*memPart {
			p.scratch.body = s.buf[:0]
		}
		return s.err
	}
	err := s.bw.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if s.err != nil {
		return s.err
	}
	pt.src = fileSource(s.f.Name())
	return errs.E(errs.File, err)
}
