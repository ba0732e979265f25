package mime

import (
	"io"
	"maps"
	"slices"
	"strings"

	"mailwire/core/syntax"
)

// maxTextBody bounds a text body read into memory for Get.
const maxTextBody = 16 << 20

// parsedView is what a parsed message shows: its chosen bodies and its
// attachments.
type parsedView struct {
	text, html *part
	atts       []*Attachment
}

// analyse chooses TextBody and HtmlBody (see chooseBody); every other leaf
// is an attachment, and a leaf chosen as a body is not also one.
func analyse(root *part) *parsedView {
	var leaves []*part
	collectLeaves(root, &leaves)
	v := &parsedView{}
	v.text = chooseBody(leaves, "text/plain")
	v.html = chooseBody(leaves, "text/html")
	for _, l := range leaves {
		if l != v.text && l != v.html {
			v.atts = append(v.atts, l.attachment())
		}
	}
	return v
}

func collectLeaves(p *part, out *[]*part) {
	if len(p.kids) == 0 {
		*out = append(*out, p)
		return
	}
	for _, k := range p.kids {
		collectLeaves(k, out)
	}
}

// chooseBody returns the first leaf of type mtype that may be a body,
// preferring one inside multipart/alternative (RFC 2046 section 5.1.4).
func chooseBody(leaves []*part, mtype string) *part {
	var first *part
	for i, l := range leaves {
		if l.mtype != mtype || !l.mayBeBody(i == 0) {
			continue
		}
		if l.inAlt {
			return l
		}
		if first == nil {
			first = l
		}
	}
	return first
}

// mayBeBody reports whether a text leaf may be the message's text or HTML
// body. A part marked "attachment" (RFC 2183 section 2.2) never is. A part
// with a file name (Content-Type name or Content-Disposition filename) but
// no "attachment" is one only where a reader shows it as the message: as
// the first leaf (a single-part message, or the first part of a
// multipart/mixed, as Python's email reads it) or as an alternative.
// Elsewhere a named part is a file the sender attached, so of two inline
// text/plain parts with file names the first is the body and the second an
// attachment (enmime joins the two, which puts a file into the text and
// loses its name).
func (p *part) mayBeBody(first bool) bool {
	disp, params := p.disposition()
	if disp == "attachment" {
		return false
	}
	named := params["filename"] != "" || p.params["name"] != ""
	return !named || first || p.inAlt
}

func (p *part) disposition() (string, map[string]string) {
	v, ok := p.header.get("Content-Disposition")
	if !ok {
		return "", map[string]string{}
	}
	return ParseParams(v)
}

// attachment describes a parsed leaf.
func (p *part) attachment() *Attachment {
	disp, dparams := p.disposition()
	name := dparams["filename"]
	if name == "" {
		name = p.params["name"]
	}
	cid, _ := p.header.get("Content-ID")
	cid = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(cid), "<"), ">")
	if disp != "inline" && disp != "attachment" {
		disp = "attachment"
		if cid != "" {
			disp = "inline"
		}
	}
	return &Attachment{name: name, ctype: p.mtype, cid: cid, disp: disp, src: p.src, part: p}
}

// Attachments returns the attachments: for a composed message those added,
// inline parts first; for a parsed one every part that is not the chosen
// TextBody or HtmlBody.
func (m *Message) Attachments() []*Attachment {
	if m.root != nil {
		return append([]*Attachment(nil), m.parsed.atts...)
	}
	out := append([]*Attachment(nil), m.inline...)
	return append(out, m.atts...)
}

// body returns TextBody or HtmlBody.
func (m *Message) body(html bool) (string, bool) {
	if m.root == nil {
		if html {
			return m.html, m.hasHTML
		}
		return m.text, m.hasText
	}
	p := m.parsed.text
	if html {
		p = m.parsed.html
	}
	if p == nil {
		return "", false
	}
	return p.decodedText(), true
}

// decodedText reads a text leaf, up to a bound, and converts it to UTF-8.
func (p *part) decodedText() string {
	if b, ok := p.src.(memSource); ok {
		return decodeText(p.params["charset"], b[:min(len(b), maxTextBody)])
	}
	r, err := p.src.open()
	if err != nil {
		return ""
	}
	defer r.Close()
	b, _ := io.ReadAll(io.LimitReader(r, maxTextBody))
	return decodeText(p.params["charset"], b)
}

// compose turns a parsed message into a composed one, keeping its header,
// bodies and attachments, so that it can be changed and rendered anew.
func (m *Message) compose() {
	if m.root == nil {
		return
	}
	m.text, m.hasText = m.body(false)
	m.html, m.hasHTML = m.body(true)
	m.text, m.html = normalizeCRLF(m.text), normalizeCRLF(m.html)
	for _, a := range m.parsed.atts {
		if a.disp == "inline" && a.cid != "" {
			m.inline = append(m.inline, a)
		} else {
			m.atts = append(m.atts, a)
		}
	}
	m.root, m.parsed = nil, nil
	m.bodies = [2]*bodySource{}
	m.changed()
}

// node returns the parsed part for rendering: headers as they were, a new
// boundary for multiparts, the content re-encoded as it came where possible.
func (p *part) node(top bool) *node {
	n := &node{}
	multi := len(p.kids) > 0
	for _, f := range p.header {
		if strings.EqualFold(f.name, "Content-Transfer-Encoding") ||
			(multi && strings.EqualFold(f.name, "Content-Type")) {
			continue
		}
		n.header = append(n.header, f)
	}
	if multi {
		n.sub = strings.TrimPrefix(p.mtype, "multipart/")
		n.ctExtra = p.extraParams()
		for _, k := range p.kids {
			n.kids = append(n.kids, k.node(false))
		}
		return n
	}
	n.src = p.src
	p.chooseEncoding(n, top)
	return n
}

// extraParams formats the multipart parameters other than the boundary.
func (p *part) extraParams() string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(p.params)) {
		v := p.params[k]
		if k == "boundary" || !isToken(k) || !syntax.IsPrintableASCII(v) {
			continue
		}
		b.WriteString("; " + k + "=" + quote(v))
	}
	return b.String()
}

// chooseEncoding keeps the transfer encoding of a parsed leaf where it is
// safe (lines within 998 bytes, no bare CR, RFC 5322 section 2.1.1; no NUL,
// RFC 2045 section 2.7) and falls back to quoted-printable otherwise.
func (p *part) chooseEncoding(n *node, top bool) {
	switch p.cte {
	case "base64":
		n.enc, n.cte = encBase64, "base64"
		return
	case "quoted-printable":
		n.enc, n.cte = encQP, "quoted-printable"
		return
	case "", "7bit", "8bit", "binary":
	default:
		n.enc, n.cte = encIdentity, p.cte
		return
	}
	st := p.textStats()
	size, _ := p.src.size()
	if st == nil || st.maxLine > 998 || st.bare || st.nul > 0 || (top && size > 0 && !st.endsCRLF) {
		n.enc, n.cte = encQP, "quoted-printable"
		return
	}
	n.enc, n.cte = encIdentity, p.cte
	if st.nonASCII > 0 {
		n.cte = "8bit"
	} else if p.cte == "binary" || p.cte == "8bit" {
		n.cte = "7bit"
	}
}

// Needs8BitMIME reports whether the rendered message holds 8-bit content,
// which needs the 8BITMIME extension (RFC 6152); only a parsed message with
// 8bit parts can.
func (m *Message) Needs8BitMIME() bool {
	if m.root == nil {
		return false
	}
	return has8bit(m.renderCache().tree)
}

func has8bit(n *node) bool {
	if n.cte == "8bit" {
		return true
	}
	for _, k := range n.kids {
		if has8bit(k) {
			return true
		}
	}
	return false
}

// textStats scans the content of a leaf once, when rendering first needs
// it; nil when a spooled part cannot be read.
func (p *part) textStats() *textStats {
	if p.stats != nil {
		return p.stats
	}
	if b, ok := p.src.(memSource); ok {
		p.stats = scanText(b)
		return p.stats
	}
	r, err := p.src.open()
	if err != nil {
		return nil
	}
	defer r.Close()
	st := &textStats{}
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		st.update(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil
		}
	}
	st.done()
	p.stats = st
	return st
}
