package mime

import (
	"bytes"
	"strings"
)

// Bounds of a rendering kept in memory: only a message whose parts are all
// in memory and together hold at most maxCachedSource bytes is kept, and
// only when the rendering is at most maxCachedRender bytes.
const (
	maxCachedSource = 256 << 10
	maxCachedRender = 512 << 10
)

// renderState is what rendering decided for the message as it is now: the
// tree with its boundaries and transfer encodings, and for small messages
// held in memory the rendering itself (RFC 2045 section 6, RFC 2046
// section 5.1.1). Any change to the message drops it.
type renderState struct {
	tree  *node
	files bool  // some content is in a file, which may change
	size  int64 // the rendered size, -1 when not known
	raw   []byte
	tried bool // raw was attempted
	crlf  int8 // raw's line ends: 0 not checked yet, 1 all CRLF, -1 not
}

// envelope is what the SMTP envelope needs from the header
// (RFC 5321 section 3.3, RFC 6531).
type envelope struct {
	from  string
	rcpts []string
	utf8  bool
}

// bodySource is a composed text body as rendering reads it, made once
// until the body changes.
type bodySource struct {
	src   memSource
	stats *textStats
}

// bodySource returns TextBody or HtmlBody for rendering.
func (m *Message) bodySource(html bool) *bodySource {
	i, s := 0, m.text
	if html {
		i, s = 1, m.html
	}
	if m.bodies[i] == nil {
		b := memSource(s)
		m.bodies[i] = &bodySource{src: b, stats: scanText(b)}
	}
	return m.bodies[i]
}

// changed drops what was decided for the message as it was.
func (m *Message) changed() {
	m.cache, m.env, m.hops = nil, nil, nil
}

// renderCache returns the render state, building the tree once.
func (m *Message) renderCache() *renderState {
	if m.cache == nil {
		t := m.tree()
		m.cache = &renderState{tree: t, files: t.hasFiles(), size: -1}
	}
	return m.cache
}

// small returns the whole rendering of a small message held in memory,
// rendering it on the first call; nil for any other message.
func (c *renderState) small(m *Message) []byte {
	if c.tried {
		return c.raw
	}
	c.tried = true
	src := c.tree.sourceBytes()
	if c.files || src > maxCachedSource {
		return nil
	}
	var b bytes.Buffer
	b.Grow(int(src+src/8) + 1024)
	cw := &countWriter{w: &b}
	m.render(cw, false)
	if cw.err != nil || b.Len() > maxCachedRender {
		return nil
	}
	c.raw = b.Bytes()
	c.size = int64(len(c.raw))
	return c.raw
}

// WireBytes returns the whole rendering of a small message held in memory
// when every line of it ends in CRLF, the last one included: the bytes
// WriteTo writes, ready to go on the wire as they are (RFC 5321 section
// 2.3.8). It returns nil for any other message. The slice belongs to the
// message and is valid until the message changes; it must not be modified.
func (m *Message) WireBytes() []byte {
	c := m.renderCache()
	raw := c.small(m)
	if raw == nil {
		return nil
	}
	if c.crlf == 0 {
		c.crlf = -1
		if crlfOnly(raw) {
			c.crlf = 1
		}
	}
	if c.crlf < 0 {
		return nil
	}
	return raw
}

// crlfOnly reports whether b is whole lines, each ending in CRLF, with no
// CR or LF elsewhere.
func crlfOnly(b []byte) bool {
	if len(b) < 2 || b[len(b)-2] != '\r' || b[len(b)-1] != '\n' {
		return false
	}
	lf := 0
	for i := 0; ; lf++ {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			break
		}
		i += j
		if i == 0 || b[i-1] != '\r' {
			return false
		}
		i++
	}
	// Every LF follows a CR: the counts agree when no CR stands alone.
	return bytes.Count(b, []byte{'\r'}) == lf
}

// hasFiles reports whether the content of a leaf is in a file.
func (n *node) hasFiles() bool {
	if _, ok := n.src.(fileSource); ok {
		return true
	}
	for _, k := range n.kids {
		if k.hasFiles() {
			return true
		}
	}
	return false
}

// sourceBytes sums the sizes of the leaves held in memory.
func (n *node) sourceBytes() int64 {
	var total int64
	if b, ok := n.src.(memSource); ok {
		total = int64(len(b))
	}
	for _, k := range n.kids {
		total += k.sourceBytes()
	}
	return total
}

// envelope returns the envelope, parsing the address fields once until
// the message changes.
func (m *Message) envelope() *envelope {
	if m.env != nil {
		return m.env
	}
	e := &envelope{}
	if s := m.addresses("Sender"); len(s) > 0 {
		e.from = s[0].Email
	} else if f := m.addresses("From"); len(f) > 0 {
		e.from = f[0].Email
	}
	seen := map[string]bool{}
	for _, f := range []string{"To", "Cc", "Bcc"} {
		for _, a := range m.addresses(f) {
			k := strings.ToLower(a.Email)
			if k != "" && !seen[k] {
				seen[k] = true
				e.rcpts = append(e.rcpts, a.Email)
			}
		}
	}
	for f := range addressFields {
		for _, a := range m.addresses(f) {
			e.utf8 = e.utf8 || a.NeedsSMTPUTF8()
		}
	}
	m.env = e
	return e
}
