package mime

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"strings"
	"sync"
	"time"

	"mailwire/core/errs"
	"mailwire/core/syntax"
)

// Transfer encodings of rendered leaves (RFC 2045 section 6).
const (
	encIdentity = iota // written as it is; node.cte names it, if at all
	encQP
	encBase64
)

// node is one part of the rendered tree.
type node struct {
	header  header     // fields written first
	sub     string     // multipart subtype; "" for a leaf
	bound   string     // multipart boundary, chosen once
	ctExtra string     // extra multipart parameters, each "; k=v"
	kids    []*node    // multipart children
	enc     int        // leaf transfer encoding
	cte     string     // Content-Transfer-Encoding value written for the leaf
	src     source     // leaf content
	stats   *textStats // of a composed text body, scanned once
}

// WriteTo renders the message (RFC 5322, RFC 2045-2049) to w, streaming file
// content, with CRLF line endings. Bcc is never written. Date and
// Message-ID are generated on the first render when unset, then kept, and
// so are the boundaries and transfer encodings until the message changes.
// A *bufio.Writer is written to directly and not flushed.
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	c := m.renderCache()
	if raw := c.small(m); raw != nil {
		n, err := w.Write(raw)
		return int64(n), ioErr(err)
	}
	if bw, ok := w.(*bufio.Writer); ok {
		cw := &countWriter{w: bw}
		m.render(cw, false)
		return cw.n, ioErr(cw.err)
	}
	bw := writerPool.Get().(*bufio.Writer)
	bw.Reset(w)
	cw := &countWriter{w: bw}
	m.render(cw, false)
	if cw.err == nil {
		cw.err = bw.Flush()
	}
	bw.Reset(nil)
	writerPool.Put(bw)
	return cw.n, ioErr(cw.err)
}

// writerPool holds the buffers of renders to unbuffered writers.
var writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}

// Size returns the exact number of bytes WriteTo writes, reading no
// attachment file: their sizes come from the file system. It is meant for
// the SIZE parameter of MAIL FROM (RFC 1870). A message held in memory is
// measured once until it changes.
func (m *Message) Size() (int64, error) {
	c := m.renderCache()
	if raw := c.small(m); raw != nil {
		return int64(len(raw)), nil
	}
	if c.size >= 0 {
		return c.size, nil
	}
	cw := &countWriter{w: io.Discard}
	m.render(cw, true)
	if cw.err == nil && !c.files {
		c.size = cw.n
	}
	return cw.n, cw.err
}

func ioErr(err error) error {
	if err == nil {
		return nil
	}
	if k := errs.KindOf(err); k != errs.Internal {
		return errs.E(k, err)
	}
	return errs.E(errs.IO, err)
}

func (m *Message) render(cw *countWriter, count bool) {
	m.prepare()
	for _, f := range m.hdr {
		if !strings.EqualFold(f.name, "Bcc") {
			cw.field(f.name, f.value)
		}
	}
	cw.str("MIME-Version: 1.0\r\n")
	m.renderCache().tree.write(cw, count, true)
}

// prepare generates Date and Message-ID when unset (RFC 5322 sections 3.6.1
// and 3.6.4).
func (m *Message) prepare() {
	if _, ok := m.hdr.get("Date"); !ok {
		m.hdr.set("Date", time.Now().Format(time.RFC1123Z))
	}
	if _, ok := m.hdr.get("Message-ID"); !ok {
		m.hdr.set("Message-ID", "<"+randomHex(12)+"@"+m.idDomain()+">")
	}
}

// idDomain returns the domain of From for Message-IDs, if it is usable.
func (m *Message) idDomain() string {
	if f := m.addresses("From"); len(f) > 0 {
		i := strings.LastIndexByte(f[0].Email, '@')
		d := f[0].Email[i+1:]
		if d != "" && syntax.IsASCII(d) && syntax.IsDotAtom(d) {
			return d
		}
	}
	return "mailwire.invalid"
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newBoundary returns a fresh boundary. "=_" cannot occur in base64 or
// quoted-printable text, so the boundary never occurs in encoded content
// (RFC 2046 section 5.1.1).
func newBoundary() string { return "=_mw_" + randomHex(12) }

// tree builds the parts to render: the parsed body, or for a composed
// message mixed(related(alternative(text, html), inline...), attachments...)
// without the levels that are not needed (RFC 2046 section 5.1, RFC 2387).
func (m *Message) tree() *node {
	if m.root != nil {
		return m.root.node(true)
	}
	var body *node
	text := textNode("text/plain", m.bodySource(false))
	html := textNode("text/html", m.bodySource(true))
	switch {
	case m.hasText && m.hasHTML:
		body = &node{sub: "alternative", kids: []*node{text, html}}
	case m.hasHTML:
		body = html
	case m.hasText || (len(m.atts) == 0 && len(m.inline) == 0):
		body = text
	}
	if len(m.inline) > 0 {
		kids := []*node{}
		extra := ""
		if body != nil {
			kids = append(kids, body)
			extra = "; type=\"" + body.mediaType() + "\""
		}
		for _, a := range m.inline {
			kids = append(kids, attachmentNode(a))
		}
		body = &node{sub: "related", ctExtra: extra, kids: kids}
	}
	if len(m.atts) == 0 {
		return body
	}
	kids := []*node{}
	if body != nil {
		kids = append(kids, body)
	}
	for _, a := range m.atts {
		kids = append(kids, attachmentNode(a))
	}
	return &node{sub: "mixed", kids: kids}
}

func (n *node) mediaType() string {
	if n.sub != "" {
		return "multipart/" + n.sub
	}
	v, _ := n.header.get("Content-Type")
	t, _, _ := strings.Cut(v, ";")
	return strings.TrimSpace(t)
}

// textNode is a UTF-8 text leaf; the caller knows whether it is the root.
func textNode(ctype string, body *bodySource) *node {
	return &node{
		header: header{{"Content-Type", ctype + "; charset=utf-8"}},
		src:    body.src,
		stats:  body.stats,
		enc:    -1, // chosen when written: it depends on being the root
	}
}

// attachmentNode renders an attachment or inline part: base64, with the
// name in RFC 2231 form in Content-Disposition and in RFC 2047 form in the
// Content-Type name parameter for older clients.
func attachmentNode(a *Attachment) *node {
	ct := a.ctype
	disp := a.disp
	if a.name != "" {
		ct += "; " + formatLegacyName(a.name)
		disp += "; " + strings.Join(formatFilenameParam("filename", a.name), "; ")
	}
	h := header{{"Content-Type", ct}, {"Content-Disposition", disp}}
	if a.cid != "" {
		h = append(h, field{"Content-ID", "<" + a.cid + ">"})
	}
	n := &node{header: h, src: a.src, enc: encBase64, cte: "base64"}
	if strings.HasPrefix(a.ctype, "message/") {
		n.messageEncoding()
	}
	return n
}

// messageEncoding writes a message held in memory as 7bit or 8bit when its
// lines allow, since RFC 2046 section 5.2.1 forbids base64 for
// message/rfc822. A message in a file stays base64: deciding would mean
// reading it.
func (n *node) messageEncoding() {
	b, ok := n.src.(memSource)
	if !ok {
		return
	}
	st := scanText(b)
	if st.bare || st.maxLine > 998 || (len(b) > 0 && !st.endsCRLF) || st.nul > 0 {
		return
	}
	n.enc, n.cte = encIdentity, "7bit"
	if st.nonASCII > 0 {
		n.cte = "8bit"
	}
}

// write renders the node; count means only the length matters, so file
// sources are measured, not read, where the encoding allows.
func (n *node) write(cw *countWriter, count, top bool) {
	for _, f := range n.header {
		cw.field(f.name, f.value)
	}
	if n.sub != "" {
		n.writeMultipart(cw, count)
		return
	}
	if n.enc < 0 {
		n.chooseTextEncoding(top)
	}
	if n.cte != "" {
		cw.field("Content-Transfer-Encoding", n.cte)
	}
	cw.str("\r\n")
	if cw.err != nil {
		return
	}
	n.writeBody(cw, count)
}

func (n *node) writeMultipart(cw *countWriter, count bool) {
	if n.bound == "" {
		n.bound = newBoundary()
	}
	b := n.bound
	cw.field("Content-Type", "multipart/"+n.sub+"; boundary=\""+b+"\""+n.ctExtra)
	cw.str("\r\n")
	for _, k := range n.kids {
		cw.str("\r\n--" + b + "\r\n")
		k.write(cw, count, false)
	}
	cw.str("\r\n--" + b + "--\r\n")
}

// chooseTextEncoding picks the transfer encoding of a composed text body:
// 7bit for short-lined ASCII, quoted-printable for mostly-ASCII text, base64
// otherwise (RFC 2045 section 6).
func (n *node) chooseTextEncoding(top bool) {
	b := []byte(n.src.(memSource))
	st := n.stats
	if st == nil {
		st = scanText(b)
	}
	switch {
	case st.plain7bit() && (!top || st.endsCRLF || len(b) == 0):
		n.enc, n.cte = encIdentity, "7bit"
	case st.nonASCII*3 <= int64(len(b)):
		n.enc, n.cte = encQP, "quoted-printable"
	default:
		n.enc, n.cte = encBase64, "base64"
	}
}

func (n *node) writeBody(cw *countWriter, count bool) {
	if count && n.enc != encQP {
		size, err := n.src.size()
		if err != nil {
			cw.err = err
			return
		}
		if n.enc == encBase64 {
			size = base64Len(size)
		}
		cw.n += size
		return
	}
	if b, ok := n.src.(memSource); ok {
		switch n.enc {
		case encBase64:
			writeBase64Bytes(cw, b)
		case encQP:
			writeQPBytes(cw, b)
		default:
			cw.write(b)
		}
		return
	}
	r, err := n.src.open()
	if err != nil {
		cw.err = err
		return
	}
	defer r.Close()
	switch n.enc {
	case encBase64:
		writeBase64(cw, r)
	case encQP:
		writeQP(cw, r)
	default:
		if cw.err == nil {
			var k int64
			k, cw.err = io.Copy(cw.w, r)
			cw.n += k
		}
	}
}

// b64Row is the input of one 76-character base64 line (RFC 2045 section
// 6.8).
const b64Row = 57

// base64Len is the rendered length of n bytes in base64 lines ending in
// CRLF.
func base64Len(n int64) int64 {
	if n == 0 {
		return 0
	}
	return (n+2)/3*4 + (n+b64Row-1)/b64Row*2
}

// b64Rows is the number of base64 lines encoded at a time.
const b64Rows = 1024

// b64Buffers holds the buffers of the base64 encoder between renders.
var b64Buffers = sync.Pool{New: func() any {
	return &b64Buf{in: make([]byte, b64Row*b64Rows), out: make([]byte, 0, (b64Row/3*4+2)*b64Rows)}
}}

type b64Buf struct{ in, out []byte }

// writeBase64 encodes r in 76-character lines, each ending in CRLF,
// working in large blocks.
func writeBase64(cw *countWriter, r io.Reader) {
	buf := b64Buffers.Get().(*b64Buf)
	defer b64Buffers.Put(buf)
	for cw.err == nil {
		n, err := io.ReadFull(r, buf.in)
		buf.out = appendBase64Lines(buf.out[:0], buf.in[:n])
		cw.write(buf.out)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return
		}
		if err != nil {
			cw.err = errs.E(errs.File, err)
		}
	}
}

// writeBase64Bytes encodes b as writeBase64 does, with no reader in
// between.
func writeBase64Bytes(cw *countWriter, b []byte) {
	buf := b64Buffers.Get().(*b64Buf)
	defer b64Buffers.Put(buf)
	for len(b) > 0 && cw.err == nil {
		k := min(len(b), len(buf.in))
		buf.out = appendBase64Lines(buf.out[:0], b[:k])
		cw.write(buf.out)
		b = b[k:]
	}
}

// appendBase64Lines appends the base64 lines of in to out (RFC 2045
// section 6.8); only the last line may be short.
func appendBase64Lines(out, in []byte) []byte {
	for i := 0; i < len(in); i += b64Row {
		out = base64.StdEncoding.AppendEncode(out, in[i:min(i+b64Row, len(in))])
		out = append(out, '\r', '\n')
	}
	return out
}
