package mime

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"sync"

	"mailwire/core/errs"
)

// Bounds that keep a hostile message from taking the process down.
const (
	maxDepth       = 32       // multipart nesting
	maxHeaderBytes = 1 << 20  // one header block
	maxFields      = 10000    // fields in one header block
	maxParts       = 10000    // parts in one message
	maxAllHeaders  = 16 << 20 // all header blocks of a message together
	readBuffer     = 64 << 10
)

// readerPool holds the read buffers of Parse; nothing parsed refers to
// them once Parse returns.
var readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, readBuffer) }}

// part is one entity of a parsed message (RFC 2045 section 2.4).
type part struct {
	header header
	mtype  string            // lower-case type/subtype
	params map[string]string // Content-Type parameters, decoded
	kids   []*part
	inAlt  bool       // a child of multipart/alternative
	cte    string     // lower-case Content-Transfer-Encoding
	src    source     // decoded content of a leaf
	stats  *textStats // computed when rendering needs it
}

// parser reads one message from a buffered reader.
type parser struct {
	br      *bufio.Reader
	src     []byte        // the whole message when it is in memory (ParseBytes), else nil
	srcR    *bytes.Reader // what br reads src through
	m       *Message
	mem     int64 // bytes of content held in memory
	parts   int
	hbytes  int      // header bytes read so far, all blocks
	back    []pushed // lines given back, the next one last
	scratch *scratch
}

// Parse reads a message (RFC 5322, RFC 2045-2049), streaming: parts larger
// than 1 MiB decoded go to temporary files that Close removes. It is lenient
// with broken mail (missing or wrong boundaries, bare LF, bad charsets,
// malformed Content-Type, bad base64) and strict on resources: header blocks
// are bounded at 1 MiB and 10,000 fields and nesting at 32 levels.
//
// A *bufio.Reader of at least 64 KB is read as it is; any other reader is
// read through a pooled buffer, so that no parse allocates one of its own.
func Parse(r io.Reader) (*Message, error) {
	if br, ok := r.(*bufio.Reader); ok && br.Size() >= readBuffer {
		return parse(br)
	}
	br := readerPool.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() {
		br.Reset(nil)
		readerPool.Put(br)
	}()
	return parse(br)
}

// ParseBytes is Parse of a message held in memory. The message may keep
// parts of b as its content, without a copy: b must not change afterwards.
func ParseBytes(b []byte) (*Message, error) {
	br := readerPool.Get().(*bufio.Reader)
	rd := bytes.NewReader(b)
	br.Reset(rd)
	defer func() {
		br.Reset(nil)
		readerPool.Put(br)
	}()
	return parseWith(&parser{br: br, src: b[:len(b):len(b)], srcR: rd})
}

// parse reads one message from br; see Parse.
func parse(br *bufio.Reader) (*Message, error) {
	return parseWith(&parser{br: br})
}

// parseWith reads one message with p, whose reader is set.
func parseWith(p *parser) (*Message, error) {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	p.m, p.scratch = &Message{}, sc
	root, _, _, err := p.entity(0, nil, "text/plain", false)
	if err != nil {
		p.m.Close()
		return nil, err
	}
	var top, body header
	for _, f := range root.header {
		n := strings.ToLower(f.name)
		switch {
		case n == "mime-version":
		case strings.HasPrefix(n, "content-"):
			body = append(body, f)
		default:
			top = append(top, f)
		}
	}
	root.header = body
	p.m.hdr, p.m.root = top, root
	p.m.parsed = analyse(root)
	return p.m, nil
}

// readLine returns the next line without its line break (LF or CRLF) and
// whether a line break ended it. A line longer than the buffer comes in
// pieces; err is io.EOF at the end of input.
func (p *parser) readLine() ([]byte, bool, error) {
	if n := len(p.back); n > 0 {
		b := p.back[n-1]
		p.back = p.back[:n-1]
		return b.line, b.eol, nil
	}
	line, err := p.br.ReadSlice('\n')
	switch {
	case err == nil:
		line = line[:len(line)-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		return line, true, nil
	case err == bufio.ErrBufferFull:
		return line, false, nil
	case err == io.EOF:
		return line, false, io.EOF
	}
	return line, false, ioErr(err)
}

// pushed is a line given back to the parser, without its line break.
type pushed struct {
	line []byte
	eol  bool // a line break ended it
}

// unread gives a copy of line back; lines given back come out last first.
func (p *parser) unread(line []byte, eol bool) {
	p.back = append(p.back, pushed{append([]byte(nil), line...), eol})
}

// headers reads a header block up to its empty line (RFC 5322 section 2.2)
// and unfolds it. A line that neither starts nor continues a field is
// dealt with by stray.
func (p *parser) headers() (header, bool, error) {
	var h header
	var cur []byte
	total := 0
	for n := 1; ; n++ {
		line, err := p.fullLine(&total)
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		eof := err == io.EOF
		if isContinuation(line) && cur != nil {
			cur = append(cur, line...)
			if !eof {
				continue
			}
			line = nil
		}
		h = appendField(h, cur)
		cur = nil
		if len(h) > maxFields {
			return nil, false, errs.New(errs.Parse, "mime: too many header fields")
		}
		if len(line) == 0 {
			return h, eof, nil
		}
		if !isFieldLine(line) {
			what, err := p.stray(line, eof, n == 1, &total)
			switch {
			case err != nil:
				return nil, false, err
			case what == strayBody:
				return h, false, nil
			case what == straySkip:
				continue
			}
			line = bytes.TrimLeft(line, " \t")
		}
		cur = append(cur, line...)
		if eof {
			return appendField(h, cur), true, nil
		}
	}
}

func isContinuation(line []byte) bool {
	return len(line) > 0 && (line[0] == ' ' || line[0] == '\t')
}

// What stray makes of a line in a header block that neither starts nor
// continues a field.
const (
	straySkip  = iota // junk among the fields: dropped
	strayField        // an indented first line that holds a field
	strayBody         // the header ended before it: it starts the body
)

// stray decides what a line that neither starts nor continues a field is,
// from where it stands and from the line after it, which it gives back:
//
//   - A first line that is not indented starts the body (the message has
//     no header), except an mbox "From " line, which is dropped.
//   - A first line that is indented continues nothing (RFC 5322 section
//     2.2.3); when a field follows it, it is a field itself if it holds
//     one ("  Subject: x"), else dropped (Python's email drops it too);
//     when no field follows, the message has no header.
//   - Any other line is junk that is dropped when a field or the empty
//     line follows it (a header folded without white space), and the
//     start of the body otherwise (a header not ended by an empty line,
//     as Python's email reads it).
func (p *parser) stray(line []byte, eof, first bool, total *int) (int, error) {
	indented := isContinuation(line)
	if first && !indented {
		if bytes.HasPrefix(line, []byte("From ")) {
			return straySkip, nil
		}
		p.unread(line, !eof)
		return strayBody, nil
	}
	if eof {
		p.unread(line, false)
		return strayBody, nil
	}
	next, err := p.fullLine(total)
	if err != nil && err != io.EOF {
		return 0, err
	}
	end := err == io.EOF && len(next) == 0
	if !end {
		p.unread(next, err == nil)
		*total -= len(next) + 2 // counted again when read again
		p.hbytes -= len(next) + 2
	}
	switch {
	case !end && isFieldLine(next) && first && isFieldLine(bytes.TrimLeft(line, " \t")):
		return strayField, nil
	case !end && (isFieldLine(next) || (len(next) == 0 && !first)):
		return straySkip, nil
	}
	p.unread(line, true)
	return strayBody, nil
}

// fullLine reads a whole header line, joining pieces, within the header
// block bound.
func (p *parser) fullLine(total *int) ([]byte, error) {
	var acc []byte
	for {
		line, eol, err := p.readLine()
		*total += len(line) + 2
		p.hbytes += len(line) + 2
		if *total > maxHeaderBytes || p.hbytes > maxAllHeaders {
			return nil, errs.New(errs.Parse, "mime: header block too large")
		}
		if eol || err != nil {
			if acc == nil {
				return line, err
			}
			return append(acc, line...), err
		}
		acc = append(acc, line...)
	}
}

// isFieldLine reports whether line starts with a field name and a colon
// (RFC 5322 section 3.6.8; white space before the colon is obsolete syntax
// that is still accepted).
func isFieldLine(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return false
	}
	name := bytes.TrimRight(line[:i], " \t")
	return validFieldName(string(name))
}

func appendField(h header, line []byte) header {
	if line == nil {
		return h
	}
	i := bytes.IndexByte(line, ':')
	name := string(bytes.TrimRight(line[:i], " \t"))
	value := string(bytes.Trim(line[i+1:], " \t"))
	return append(h, field{name, value})
}

// entity parses one entity whose body ends at a delimiter of one of bounds
// (innermost last) or at the end of input. It returns the index of the
// boundary that ended it (-1 at the end of input) and whether that was a
// close delimiter (RFC 2046 section 5.1.1).
func (p *parser) entity(depth int, bounds []string, defType string, inAlt bool) (*part, int, bool, error) {
	p.parts++
	if p.parts > maxParts {
		return nil, -1, false, errs.New(errs.Parse, "mime: too many parts")
	}
	h, eof, err := p.headers()
	if err != nil {
		return nil, -1, false, err
	}
	pt := &part{header: h, inAlt: inAlt}
	pt.setType(defType)
	if eof {
		pt.src = memSource(nil)
		return pt, -1, false, nil
	}
	if strings.HasPrefix(pt.mtype, "multipart/") && depth < maxDepth {
		if b := pt.params["boundary"]; b != "" && len(b) <= 200 {
			return p.multipart(pt, depth, bounds)
		}
		pt.asText()
	}
	idx, closed, err := p.leaf(pt, bounds)
	return pt, idx, closed, err
}

// setType reads Content-Type and Content-Transfer-Encoding; a missing or
// malformed type is defType (RFC 2045 section 5.2).
func (pt *part) setType(defType string) {
	ct, _ := pt.header.get("Content-Type")
	mt, params := ParseParams(ct)
	if !validMediaType(mt) {
		mt = defType
	}
	pt.mtype, pt.params = mt, params
	cte, _ := pt.header.get("Content-Transfer-Encoding")
	pt.cte = strings.ToLower(strings.TrimSpace(cte))
}

// asText makes a multipart that cannot be read as one (no boundary
// parameter, too deep) a text/plain part, in its type and in its header, so
// that it is rendered as the text it now is. A Content-Type without its
// required parameter is invalid, and RFC 2045 section 5.2 reads an invalid
// one as text/plain.
func (pt *part) asText() {
	pt.mtype = "text/plain"
	pt.header.set("Content-Type", "text/plain")
}

// multipart parses the body parts of pt (RFC 2046 section 5.1). Lines
// before the first delimiter are the preamble, which a reader ignores
// (RFC 2046 section 5.1.1). When no delimiter of pt's boundary comes at
// all, even if the lines look like parts under another boundary, the whole
// content was preamble: pt becomes an empty text/plain part, so the
// message reads (and renders) with an empty text and no attachment, as
// Python's email and enmime read it. A body part with neither header
// fields nor content, as between two delimiters in a row, is not kept.
func (p *parser) multipart(pt *part, depth int, bounds []string) (*part, int, bool, error) {
	inner := append(bounds[:len(bounds):len(bounds)], pt.params["boundary"])
	own := len(inner) - 1
	idx, closed, err := p.skip(inner)
	defType := "text/plain"
	if pt.mtype == "multipart/digest" {
		defType = "message/rfc822"
	}
	for err == nil && idx == own && !closed {
		var kid *part
		kid, idx, closed, err = p.entity(depth+1, inner, defType, pt.mtype == "multipart/alternative")
		if kid != nil && !kid.blank() {
			pt.kids = append(pt.kids, kid)
		}
	}
	if err == nil && idx == own {
		idx, closed, err = p.skip(bounds)
	}
	if len(pt.kids) == 0 {
		pt.asText()
		pt.src = memSource(nil)
	}
	return pt, idx, closed, err
}

// blank reports whether a body part has no header field and no content.
func (pt *part) blank() bool {
	b, ok := pt.src.(memSource)
	return len(pt.header) == 0 && len(pt.kids) == 0 && ok && len(b) == 0
}

// skip reads lines up to a delimiter of bounds.
func (p *parser) skip(bounds []string) (int, bool, error) {
	start := true
	for {
		line, eol, err := p.readLine()
		if err != nil && err != io.EOF {
			return -1, false, err
		}
		if start && (eol || err == io.EOF) {
			if idx, closed, ok := matchDelimiter(line, bounds); ok {
				return idx, closed, nil
			}
		}
		if err == io.EOF {
			return -1, false, nil
		}
		start = eol
	}
}

// matchDelimiter reports whether line is "--" boundary, optionally "--",
// then only white space, for one of bounds, innermost first
// (RFC 2046 section 5.1.1).
func matchDelimiter(line []byte, bounds []string) (int, bool, bool) {
	if len(line) < 3 || line[0] != '-' || line[1] != '-' {
		return 0, false, false
	}
	for i := len(bounds) - 1; i >= 0; i-- {
		rest, ok := bytes.CutPrefix(line[2:], []byte(bounds[i]))
		if !ok {
			continue
		}
		closed := false
		if r, ok := bytes.CutPrefix(rest, []byte("--")); ok {
			rest, closed = r, true
		}
		if len(bytes.Trim(rest, " \t")) == 0 {
			return i, closed, true
		}
	}
	return 0, false, false
}
