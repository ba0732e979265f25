package mime

import (
	"bufio"
	"bytes"
	"io"
	"os"

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
	dec := newDecoder(pt.cte, s)
	pending, start := false, true
	idx, closed := -1, false
	for {
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

func newDecoder(cte string, w io.Writer) bodyDecoder {
	switch cte {
	case "base64":
		return &b64Body{w: w, d: newB64Decoder()}
	case "quoted-printable":
		return &qpBody{w: w}
	}
	return &identityBody{w: w}
}

// identityBody passes 7bit, 8bit, binary and unknown encodings through.
type identityBody struct{ w io.Writer }

func (d *identityBody) line(b []byte, _ bool) { d.w.Write(b) }
func (d *identityBody) eol()                  { d.w.Write([]byte("\r\n")) }
func (d *identityBody) close()                {}

// b64Body decodes base64, ignoring line breaks and stray characters.
type b64Body struct {
	w io.Writer
	d *b64Decoder
}

func (d *b64Body) line(b []byte, _ bool) {
	d.d.feed(b)
	d.w.Write(d.d.take())
}
func (d *b64Body) eol()   {}
func (d *b64Body) close() { d.w.Write(d.d.finish()) }

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
	d.buf = appendQPLine(d.buf[:0], b)
	d.w.Write(d.buf)
}

func (d *qpBody) eol() {
	if !d.soft {
		d.w.Write([]byte("\r\n"))
	}
	d.soft = false
}
func (d *qpBody) close() {}

// sink collects decoded content in memory and moves it to a temporary file
// when it grows past its bound.
type sink struct {
	p     *parser
	buf   []byte
	limit int64
	f     *os.File
	bw    *bufio.Writer
	n     int64
	stats *textStats
	err   error
}

func (p *parser) newSink(pt *part) *sink {
	s := &sink{p: p, limit: min(memPart, memTotal-p.mem)}
	switch pt.cte {
	case "base64", "quoted-printable":
	default:
		s.stats = &textStats{}
	}
	return s
}

// Write keeps b, spilling to a file past the bound; it never fails, errors
// are kept for finish.
func (s *sink) Write(b []byte) (int, error) {
	if s.err != nil || len(b) == 0 {
		return len(b), nil
	}
	s.n += int64(len(b))
	if s.stats != nil {
		s.stats.update(b)
	}
	if s.f == nil && int64(len(s.buf)+len(b)) > s.limit {
		s.spill()
	}
	if s.f != nil {
		if _, err := s.bw.Write(b); err != nil {
			s.err = errs.E(errs.File, err)
		}
		return len(b), nil
	}
	if need := len(s.buf) + len(b); need > cap(s.buf) {
		grown := make([]byte, len(s.buf), min(max(2*cap(s.buf), need, 16<<10), int(s.limit)))
		copy(grown, s.buf)
		s.buf = grown
	}
	s.buf = append(s.buf, b...)
	return len(b), nil
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
	s.buf = nil
}

func (s *sink) abort() {
	if s.f != nil {
		s.f.Close()
	}
}

// finish stores the collected content as the source of pt.
func (p *parser) finish(pt *part, s *sink) error {
	if s.stats != nil {
		s.stats.done()
		pt.stats = s.stats
	}
	if s.f == nil {
		p.mem += int64(len(s.buf))
		pt.src = memSource(s.buf)
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
