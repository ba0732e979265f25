package charset

import "unicode/utf8"

// noRune is returned by a decoder for bytes that only change its state, such
// as an ISO-2022-JP escape sequence or a byte order mark.
const noRune = -1

// bad is the replacement character for invalid or unmappable input.
const bad = utf8.RuneError

// A decoder converts one character at a time. Next decodes the character at
// the start of p, which is never empty, and returns it (or noRune) with the
// number of bytes consumed. It returns n == 0 only when atEOF is false and p
// holds the beginning of a sequence that more input may complete; at the end
// of input it always consumes at least one byte.
type decoder interface {
	next(p []byte, atEOF bool) (r rune, n int)
}

// newDecoder returns a fresh decoder for the charset c.
func newDecoder(c cs) decoder {
	info := charsets[c]
	switch info.kind {
	case kindSBCS:
		return sbcs{off: int(info.tab) * 256}
	case kindGB18030:
		return gb18030{}
	case kindBig5:
		return big5{}
	case kindSJIS:
		return sjis{}
	case kindEUCJP:
		return eucJP{}
	case kindISO2022JP:
		return &iso2022JP{}
	case kindEUCKR:
		return eucKR{}
	case kindUTF16:
		return &utf16{order: info.tab}
	}
	return utf8Dec{}
}

// decodeAll decodes all of b with d.
func decodeAll(d decoder, b []byte) string {
	out := make([]byte, 0, len(b)+len(b)/4+8)
	out, _ = decodeInto(out, d, b, true)
	return string(out)
}

// decodeInto appends to dst the characters of p that d can decode and
// returns the number of bytes of p consumed.
func decodeInto(dst []byte, d decoder, p []byte, atEOF bool) ([]byte, int) {
	if s, ok := d.(sbcs); ok {
		return s.decode(dst, p), len(p)
	}
	ascii := asciiCompatible(d)
	i := 0
	for i < len(p) {
		if ascii && p[i] < utf8.RuneSelf {
			dst = append(dst, p[i])
			i++
			continue
		}
		r, n := d.next(p[i:], atEOF)
		if n == 0 {
			break
		}
		if r >= 0 {
			dst = utf8.AppendRune(dst, r)
		}
		i += n
	}
	return dst, i
}

// asciiCompatible reports whether every byte below 0x80 decodes to itself
// whatever precedes it, which is false for the stateful ISO-2022-JP and for
// UTF-16.
func asciiCompatible(d decoder) bool {
	switch d.(type) {
	case *iso2022JP, *utf16:
		return false
	}
	return true
}

// need is the result of a decoder that has seen an incomplete sequence: wait
// for more input, or at the end of input replace the first byte.
func need(atEOF bool) (rune, int) {
	if atEOF {
		return bad, 1
	}
	return 0, 0
}

// fail is the result of an invalid or unmapped two-byte sequence: an ASCII
// trail byte is not consumed, so that it decodes by itself, as the WHATWG
// Encoding Standard requires.
func fail(trail byte) (rune, int) {
	if trail < 0x80 {
		return bad, 1
	}
	return bad, 2
}

// at returns entry i of a little-endian uint16 table.
func at(tab string, i int) rune {
	return rune(tab[2*i]) | rune(tab[2*i+1])<<8
}

// mapped returns entry i of a multi-byte table, whose 0 entries are unmapped.
func mapped(tab string, i int, trail byte) (rune, int) {
	if r := at(tab, i); r != 0 {
		return r, 2
	}
	return fail(trail)
}

// utf8Dec passes UTF-8 through and replaces each byte of an invalid sequence
// by U+FFFD.
type utf8Dec struct{}

func (utf8Dec) next(p []byte, atEOF bool) (rune, int) {
	if p[0] < utf8.RuneSelf {
		return rune(p[0]), 1
	}
	if !atEOF && !utf8.FullRune(p) {
		return 0, 0
	}
	return utf8.DecodeRune(p)
}

// sbcs decodes a single-byte charset: ASCII below 0x80 and a 128-entry table
// above, at byte offset off of sbcsData.
type sbcs struct{ off int }

func (s sbcs) next(p []byte, _ bool) (rune, int) {
	if p[0] < 0x80 {
		return rune(p[0]), 1
	}
	return at(sbcsData[s.off:], int(p[0]-0x80)), 1
}

// decode appends all of p to dst; it is the fast path of decodeInto. Runs of
// ASCII are copied at once, and table entries, all in the BMP, are encoded
// inline.
func (s sbcs) decode(dst, p []byte) []byte {
	tab := sbcsData[s.off : s.off+256]
	for i := 0; i < len(p); i++ {
		j := i
		for j < len(p) && p[j] < 0x80 {
			j++
		}
		dst = append(dst, p[i:j]...)
		if j == len(p) {
			break
		}
		i = j
		r := at(tab, int(p[i]-0x80))
		switch {
		case r < 0x80:
			dst = append(dst, byte(r))
		case r < 0x800:
			dst = append(dst, 0xC0|byte(r>>6), 0x80|byte(r)&0x3F)
		default:
			dst = append(dst, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
		}
	}
	return dst
}

// Byte orders of the utf16 decoder.
const (
	orderBOM = iota // "UTF-16": the byte order mark decides, else big-endian (RFC 2781 section 4.3)
	orderBE         // "UTF-16BE" (RFC 2781 section 4.1)
	orderLE         // "UTF-16LE" (RFC 2781 section 4.2)
)

// utf16 decodes UTF-16 (RFC 2781). A leading byte order mark that agrees
// with the label is consumed, as the WHATWG Encoding Standard section 6 does;
// unpaired surrogates and a final odd byte become U+FFFD.
type utf16 struct {
	order   uint8
	started bool
}

func (d *utf16) next(p []byte, atEOF bool) (rune, int) {
	if len(p) < 2 {
		return need(atEOF)
	}
	if !d.started {
		d.started = true
		if n := d.bom(p); n > 0 {
			return noRune, n
		}
	}
	u := d.unit(p)
	switch {
	case u < 0xD800 || u > 0xDFFF:
		return rune(u), 2
	case u >= 0xDC00:
		return bad, 2
	case len(p) < 4:
		if atEOF {
			return bad, 2
		}
		return 0, 0
	}
	lo := d.unit(p[2:])
	if lo < 0xDC00 || lo > 0xDFFF {
		return bad, 2
	}
	return 0x10000 + (rune(u)-0xD800)<<10 + rune(lo) - 0xDC00, 4
}

// bom fixes the byte order from a byte order mark at the start of p and
// returns its length, or 0 when p does not start with one.
func (d *utf16) bom(p []byte) int {
	switch {
	case p[0] == 0xFE && p[1] == 0xFF && d.order != orderLE:
		d.order = orderBE
		return 2
	case p[0] == 0xFF && p[1] == 0xFE && d.order != orderBE:
		d.order = orderLE
		return 2
	}
	if d.order == orderBOM {
		d.order = orderBE
	}
	return 0
}

// unit returns the 16-bit code unit at the start of p.
func (d *utf16) unit(p []byte) uint16 {
	if d.order == orderLE {
		return uint16(p[0]) | uint16(p[1])<<8
	}
	return uint16(p[0])<<8 | uint16(p[1])
}
