package mime

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"mailwire/core/syntax"
)

// Bounds on parameters, against hostile headers.
const (
	maxParams       = 256
	maxParamSection = 999
)

// ParseParams parses a header with parameters such as Content-Type or
// Content-Disposition (RFC 2045 section 5.1, RFC 2183 section 2). It returns
// the lower-cased value and the parameters by lower-cased name, decoded to
// UTF-8: RFC 2231 extended values, charsets and continuations are joined,
// and RFC 2047 encoded words inside plain values are decoded as Gmail and
// Outlook write them. A name or filename given as encoded words without
// the quotes (name==?utf-8?B?...?=, which RFC 2045 section 5.1 does not
// allow as a token) is decoded too, as enmime and most mail clients read
// it: the sender meant a file name, not "=?utf-8?B?...?="; other unquoted
// values (boundary, charset) stay as written. It never fails: malformed
// parts are skipped.
func ParseParams(s string) (string, map[string]string) {
	value, rest, _ := strings.Cut(s, ";")
	params := map[string]string{}
	pieces := map[string]map[int]paramPiece{}
	n := 0
	for rest != "" && n < maxParams {
		var name, val string
		var ok bool
		name, val, rest, ok = nextParam(rest)
		if !ok {
			continue
		}
		n++
		addParam(params, pieces, name, val)
	}
	joinPieces(params, pieces)
	return strings.ToLower(strings.TrimSpace(value)), params
}

// paramPiece is one section of an RFC 2231 parameter value.
type paramPiece struct {
	val string
	ext bool
}

// nextParam reads one "name=value" from s (which follows a ';').
func nextParam(s string) (name, val, rest string, ok bool) {
	s = strings.TrimLeft(s, " \t;")
	eq := strings.IndexAny(s, "=;")
	if eq < 0 || s[eq] == ';' {
		if eq < 0 {
			return "", "", "", false
		}
		return "", "", s[eq+1:], false
	}
	name = strings.ToLower(strings.TrimSpace(s[:eq]))
	s = strings.TrimLeft(s[eq+1:], " \t")
	if strings.HasPrefix(s, "\"") {
		val, rest = cutQuoted(s[1:])
		val = decodeQuotedParam(val)
	} else {
		end := strings.IndexByte(s, ';')
		if end < 0 {
			end = len(s)
		}
		val, rest = strings.TrimSpace(s[:end]), s[end:]
		if name == "name" || name == "filename" {
			val = decodeQuotedParam(val)
		}
	}
	return name, val, rest, name != ""
}

// cutQuoted reads a quoted-string body up to its closing quote; an
// unterminated string runs to the end.
func cutQuoted(s string) (string, string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			return b.String(), s[i+1:]
		case '\\':
			if i+1 < len(s) {
				i++
			}
		}
		b.WriteByte(s[i])
	}
	return b.String(), ""
}

func decodeQuotedParam(v string) string {
	if strings.Contains(v, "=?") {
		return DecodeHeader(v)
	}
	return v
}

// addParam files one parameter: RFC 2231 sections ("name*0", "name*1*")
// and extended values ("name*") go to pieces, plain ones to params.
func addParam(params map[string]string, pieces map[string]map[int]paramPiece, name, val string) {
	star := strings.IndexByte(name, '*')
	if star < 0 {
		if _, dup := params[name]; !dup {
			params[name] = val
		}
		return
	}
	base, sect := name[:star], name[star+1:]
	ext := strings.HasSuffix(sect, "*") || sect == ""
	sect = strings.TrimSuffix(sect, "*")
	idx := 0
	if sect != "" {
		var err error
		idx, err = strconv.Atoi(sect)
		if err != nil || idx < 0 || idx > maxParamSection {
			return
		}
	}
	m := pieces[base]
	if m == nil {
		m = map[int]paramPiece{}
		pieces[base] = m
	}
	if _, dup := m[idx]; !dup {
		m[idx] = paramPiece{val: val, ext: ext}
	}
}

// joinPieces assembles RFC 2231 values (RFC 2231 sections 3 and 4); they
// take precedence over plain values of the same name.
func joinPieces(params map[string]string, pieces map[string]map[int]paramPiece) {
	for _, base := range slices.Sorted(maps.Keys(pieces)) {
		if v, ok := decode2231(pieces[base]); ok {
			params[base] = v
		}
	}
}

// decode2231 joins the sections in order from 0, stopping at a gap, and
// decodes the charset given in the first section.
func decode2231(m map[int]paramPiece) (string, bool) {
	first, ok := m[0]
	if !ok {
		return "", false
	}
	charset := "utf-8"
	var raw []byte
	for i := 0; i <= maxParamSection; i++ {
		p, ok := m[i]
		if !ok {
			break
		}
		v := p.val
		if i == 0 && first.ext {
			if cs, rest, ok := strings.Cut(v, "'"); ok {
				if cs != "" {
					charset = cs
				}
				if _, after, ok := strings.Cut(rest, "'"); ok {
					v = after
				} else {
					v = rest
				}
			}
		}
		if p.ext {
			raw = appendUnhex(raw, v, '%')
		} else {
			raw = append(raw, v...)
		}
	}
	return decodeText(charset, raw), true
}

// isAttrChar reports whether c may appear unencoded in an RFC 2231
// extended value (RFC 2231 section 7, attribute-char).
func isAttrChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// maxParamChunk bounds the length of one parameter section so that
// folded lines stay under 78 characters.
const maxParamChunk = 56

// formatFilenameParam formats a file name parameter: a quoted-string for
// short printable ASCII, else RFC 2231 extended UTF-8 values split in
// continuations (RFC 2231 sections 3 and 4).
func formatFilenameParam(name, value string) []string {
	if syntax.IsPrintableASCII(value) && len(value) <= maxParamChunk && !strings.Contains(value, "=?") {
		return []string{name + "=" + quote(value)}
	}
	var enc strings.Builder
	for i := 0; i < len(value); i++ {
		c := value[i]
		if isAttrChar(c) {
			enc.WriteByte(c)
		} else {
			enc.WriteByte('%')
			enc.WriteByte(upperHex[c>>4])
			enc.WriteByte(upperHex[c&15])
		}
	}
	chunks := splitPercent(enc.String(), maxParamChunk)
	if len(chunks) == 1 {
		return []string{name + "*=utf-8''" + chunks[0]}
	}
	out := make([]string, len(chunks))
	for i, c := range chunks {
		prefix := ""
		if i == 0 {
			prefix = "utf-8''"
		}
		out[i] = name + "*" + strconv.Itoa(i) + "*=" + prefix + c
	}
	return out
}

// splitPercent splits a percent-encoded string into chunks of at most n
// bytes without splitting a %XX triplet.
func splitPercent(s string, n int) []string {
	var out []string
	for len(s) > n {
		cut := n
		if i := strings.LastIndexByte(s[cut-2:cut], '%'); i >= 0 {
			cut = cut - 2 + i
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}

// formatLegacyName formats the Content-Type "name" parameter for clients
// that do not read RFC 2231: a quoted-string holding RFC 2047 encoded words
// when the name is not plain ASCII.
func formatLegacyName(value string) string {
	if syntax.IsPrintableASCII(value) && len(value) <= maxParamChunk && !strings.Contains(value, "=?") {
		return "name=" + quote(value)
	}
	return "name=\"" + strings.Join(encodeWords(value, 'B'), " ") + "\""
}
