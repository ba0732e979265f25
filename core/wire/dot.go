package wire

import (
	"bufio"
	"bytes"
	"io"

	"mailwire/core/errs"
)

// DotWriter writes a message body in the DATA form of RFC 5321 section
// 4.5.2 (or a POP3 multi-line response, RFC 1939 section 3): every bare CR
// and bare LF becomes CRLF, a "." that starts a line is doubled, and Close
// ends the data with CRLF "." CRLF, adding the CRLF that a body without a
// final line end lacks. With Stuff false it only normalises line ends, as
// BDAT needs (RFC 3030: byte counts exact, nothing stuffed).
type DotWriter struct {
	w     *bufio.Writer
	Stuff bool
	bol   bool  // at the start of a line
	cr    bool  // the last byte written was a CR turned into CRLF
	N     int64 // bytes written to w
}

// NewDotWriter returns a stuffing writer on w.
func NewDotWriter(w *bufio.Writer) *DotWriter { return &DotWriter{w: w, Stuff: true, bol: true} }

// NewCRLFWriter returns a writer that only normalises line ends.
func NewCRLFWriter(w *bufio.Writer) *DotWriter { return &DotWriter{w: w, bol: true} }

var (
	crlf   = []byte("\r\n")
	dot    = []byte(".")
	dotEnd = []byte(".\r\n")
)

// Write implements io.Writer. The fast path copies whole CRLF-terminated
// lines; only line starts and line ends are looked at.
func (d *DotWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if d.cr {
			d.cr = false
			if p[0] == '\n' {
				p = p[1:]
				continue
			}
		}
		if d.bol && d.Stuff && p[0] == '.' {
			d.put(dot)
		}
		d.bol = false
		nl := bytes.IndexByte(p, '\n')
		seg := p
		if nl >= 0 {
			seg = p[:nl]
		}
		if cr := bytes.IndexByte(seg, '\r'); cr >= 0 {
			// A CR: CRLF when LF follows, else a bare CR made a line end.
			d.put(p[:cr])
			d.put(crlf)
			d.bol = true
			if cr+1 < len(p) {
				if p[cr+1] == '\n' {
					p = p[cr+2:]
				} else {
					p = p[cr+1:]
				}
			} else {
				d.cr = true
				p = nil
			}
			continue
		}
		if nl < 0 {
			d.put(p)
			break
		}
		d.put(seg)
		d.put(crlf)
		d.bol = true
		p = p[nl+1:]
	}
	return n, d.err()
}

func (d *DotWriter) put(b []byte) {
	if len(b) > 0 {
		m, _ := d.w.Write(b)
		d.N += int64(m)
	}
}

func (d *DotWriter) err() error {
	// bufio.Writer keeps its first error and returns it from every Write.
	_, err := d.w.Write(nil)
	return err
}

// EndLine writes CRLF unless the data already ends at a line start, so that
// what follows starts on a line of its own.
func (d *DotWriter) EndLine() error {
	if !d.bol {
		d.put(crlf)
		d.bol = true
	}
	return d.err()
}

// Close ends the data: the missing CRLF, then "." CRLF when stuffing.
func (d *DotWriter) Close() error {
	d.EndLine()
	if d.Stuff {
		d.put(dotEnd)
	}
	return d.err()
}

// DotReader reads dot-terminated data (RFC 5321 section 4.5.2, RFC 1939
// section 3) and returns it unstuffed, with CRLF line ends.
//
// Strict (a server reading DATA): only CRLF "." CRLF ends the data, and a
// bare CR or LF anywhere makes the data invalid; the reader still consumes
// up to the real end and then returns ErrBareLineEnd, so that no smuggled
// command is read as one (CVE-2023-51764).
//
// Lenient (a client reading a POP3 response): LF alone ends a line, and a
// line "." ends the data.
type DotReader struct {
	r       *bufio.Reader
	Strict  bool
	bol     bool
	lastCR  bool
	done    bool
	bad     bool
	pending []byte
	scratch []byte
	N       int64 // bytes returned
}

// ErrBareLineEnd is returned by a strict DotReader after the end of data
// when the data held a bare CR or LF.
var ErrBareLineEnd = errs.New(errs.Protocol, "bare CR or LF in the message data (only CRLF line ends are allowed)")

// NewDotReader returns a reader of dot-terminated data on r.
func NewDotReader(r *bufio.Reader, strict bool) *DotReader {
	return &DotReader{r: r, Strict: strict, bol: true}
}

// Read implements io.Reader; it returns io.EOF after the terminator.
func (d *DotReader) Read(p []byte) (int, error) {
	for len(d.pending) == 0 {
		if d.done {
			if d.bad {
				return 0, ErrBareLineEnd
			}
			return 0, io.EOF
		}
		if err := d.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	d.N += int64(n)
	return n, nil
}

func (d *DotReader) fill() error {
	if d.bol && !d.lastCR {
		if n := d.span(); n > 0 {
			d.pending, _ = d.r.Peek(n)
			d.r.Discard(n)
			return nil
		}
	}
	return d.fillLine()
}

// span returns the length of the longest run of whole lines at the start of
// the buffered data that need no change: each ends in CRLF, none starts
// with "." and, when strict, none holds a bare CR. Such lines are returned
// as they are, many at once; anything else goes through fillLine.
func (d *DotReader) span() int {
	buf, _ := d.r.Peek(d.r.Buffered())
	n := 0
	for n < len(buf) && buf[n] != '.' {
		i := bytes.IndexByte(buf[n:], '\n')
		if i < 1 || buf[n+i-1] != '\r' {
			break
		}
		if d.Strict && bytes.IndexByte(buf[n:n+i-1], '\r') >= 0 {
			break
		}
		n += i + 1
	}
	return n
}

// fillLine reads one line, or the part of a long line that fills the
// buffer, and sets pending to what it gives.
func (d *DotReader) fillLine() error {
	line, err := d.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// Part of a long line: no terminator can be in it.
		if d.Strict && (d.lastCR || bytes.IndexByte(line[:len(line)-1], '\r') >= 0) {
			d.bad = true
		}
		d.pending = d.unstuff(line)
		d.bol = false
		d.lastCR = line[len(line)-1] == '\r'
		return nil
	}
	if err != nil {
		// An end of stream before the terminator is a closed connection;
		// any other failure keeps its kind (a timeout, a cancellation).
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return errs.E(errs.KindOf(err), err)
	}
	if len(line) == 1 && d.lastCR {
		// The LF of a CRLF split by a long line.
		d.lastCR = false
		d.bol = true
		d.pending = line
		return nil
	}
	prevCR := d.lastCR
	d.lastCR = false
	body := line[:len(line)-1]
	isCRLF := len(body) > 0 && body[len(body)-1] == '\r'
	if isCRLF {
		body = body[:len(body)-1]
	}
	atStart := d.bol
	if d.Strict {
		if !isCRLF || prevCR || bytes.IndexByte(body, '\r') >= 0 {
			d.bad = true
		}
		d.bol = isCRLF
	} else {
		d.bol = true
	}
	if atStart && len(body) == 1 && body[0] == '.' && (isCRLF || !d.Strict) {
		d.done = true
		return nil
	}
	off := 0
	if atStart && len(body) > 0 && body[0] == '.' {
		off = 1
	}
	if isCRLF {
		d.pending = line[off:]
		return nil
	}
	d.scratch = append(append(d.scratch[:0], body[off:]...), '\r', '\n')
	d.pending = d.scratch
	return nil
}

func (d *DotReader) unstuff(b []byte) []byte {
	if d.bol && len(b) > 0 && b[0] == '.' {
		return b[1:]
	}
	return b
}
