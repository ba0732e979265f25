package mime

import (
	"io"
	"strings"

	"mailwire/core/syntax"
)

// field is one header field; value is the raw field body as on the wire,
// unfolded (RFC 5322 section 2.2.3) but not decoded.
type field struct{ name, value string }

// header is an ordered list of fields.
type header []field

// get returns the first value of the field name (case-insensitive).
func (h header) get(name string) (string, bool) {
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			return f.value, true
		}
	}
	return "", false
}

// all returns every value of the field name, in order.
func (h header) all(name string) []string {
	var out []string
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			out = append(out, f.value)
		}
	}
	return out
}

// set replaces the first occurrence of name in place, drops the others, and
// appends the field when it is missing.
func (h *header) set(name, value string) {
	out := (*h)[:0]
	done := false
	for _, f := range *h {
		if strings.EqualFold(f.name, name) {
			if done {
				continue
			}
			f.value, done = value, true
		}
		out = append(out, f)
	}
	if !done {
		out = append(out, field{name, value})
	}
	*h = out
}

// del removes every occurrence of name.
func (h *header) del(name string) {
	out := (*h)[:0]
	for _, f := range *h {
		if !strings.EqualFold(f.name, name) {
			out = append(out, f)
		}
	}
	*h = out
}

// validFieldName reports whether name is a field-name: printable ASCII
// without ':' (RFC 5322 section 3.6.8).
func validFieldName(name string) bool {
	if name == "" || len(name) > 76 {
		return false
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 33 || name[i] > 126 || name[i] == ':' {
			return false
		}
	}
	return true
}

// maxPlainWord is the longest word written unencoded in an unstructured
// field; longer ones are encoded so that folding can split them.
const maxPlainWord = 70

// encodeUnstructured encodes an unstructured field body (RFC 5322 section
// 3.2.5): words that are not printable ASCII, look like encoded words or are
// too long to fold are written as RFC 2047 encoded words (RFC 2047 section
// 5, rule 1). Runs of such words, with the white space between them, form
// one encoded run so that no space is lost in decoding.
func encodeUnstructured(s string) string {
	toks := splitWS(s)
	var b strings.Builder
	for i := 0; i < len(toks); {
		t := toks[i]
		if isWS(t) || !needsEncoding(t) {
			b.WriteString(t)
			i++
			continue
		}
		j := i + 1
		for j+1 < len(toks) && needsEncoding(toks[j+1]) {
			j += 2
		}
		run := strings.Join(toks[i:j], "")
		b.WriteString(strings.Join(encodeWords(run, chooseWordEncoding(run)), " "))
		i = j
	}
	return b.String()
}

// splitWS splits s into alternating runs of white space and of other text.
func splitWS(s string) []string {
	var toks []string
	for s != "" {
		ws := s[0] == ' ' || s[0] == '\t'
		i := 1
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') == ws {
			i++
		}
		toks = append(toks, s[:i])
		s = s[i:]
	}
	return toks
}

func isWS(t string) bool { return t != "" && (t[0] == ' ' || t[0] == '\t') }

func needsEncoding(word string) bool {
	return !syntax.IsPrintableASCII(word) || len(word) > maxPlainWord || strings.Contains(word, "=?")
}

// maxLine is the recommended line length (RFC 5322 section 2.1.1).
const maxLine = 78

// fold folds a field "Name: value" by inserting CRLF before white space
// (RFC 5322 section 2.2.3) so that lines stay within 78 characters where
// possible. Every continuation line starts with white space and holds more
// than white space, and unfolding restores the field exactly.
func fold(line string, nameLen int) string {
	if len(line) <= maxLine {
		return line
	}
	last := strings.LastIndexFunc(line, func(r rune) bool { return r != ' ' && r != '\t' })
	var b strings.Builder
	b.Grow(len(line) + len(line)/32)
	base, min := 0, nameLen
	for len(line)-base > maxLine {
		cut := foldPoint(line, base, min, last)
		if cut < 0 {
			break
		}
		b.WriteString(line[base:cut])
		b.WriteString("\r\n")
		base, min = cut, cut+1
	}
	b.WriteString(line[base:])
	return b.String()
}

// foldPoint finds where to fold the line starting at base: the last fold
// point within 78 characters, else the first one after.
func foldPoint(line string, base, min, last int) int {
	ok := func(i int) bool {
		return (line[i] == ' ' || line[i] == '\t') && line[i-1] != ' ' && line[i-1] != '\t' && i < last
	}
	for i := base + maxLine; i > min && i > base; i-- {
		if ok(i) {
			return i
		}
	}
	for i := base + maxLine + 1; i < len(line); i++ {
		if i > min && ok(i) {
			return i
		}
	}
	return -1
}

// countWriter counts the bytes written and keeps the first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) str(s string) {
	if c.err != nil {
		return
	}
	n, err := io.WriteString(c.w, s)
	c.n += int64(n)
	c.err = err
}

func (c *countWriter) write(p []byte) {
	if c.err != nil {
		return
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
}

// field writes one folded header field.
func (c *countWriter) field(name, value string) {
	c.str(fold(name+": "+sanitizeValue(value), len(name)))
	c.str("\r\n")
}

// sanitizeValue replaces any CR, LF or NUL left in a value by a space, so
// that no value can start a header line of its own.
func sanitizeValue(v string) string {
	if !strings.ContainsAny(v, "\r\n\x00") {
		return v
	}
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == 0 {
			return ' '
		}
		return r
	}, v)
}
