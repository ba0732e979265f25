package charset

import "sort"

// gb18030 decodes GB18030 (GB 18030-2005), which is also how GBK and GB2312
// are decoded, as the WHATWG Encoding Standard section 10.2 does: one byte
// for ASCII (and 0x80 for the euro sign, as Windows code page 936 has), two
// bytes from the table and four bytes algorithmically.
type gb18030 struct{}

func (gb18030) next(p []byte, atEOF bool) (rune, int) {
	b0 := p[0]
	switch {
	case b0 < 0x80:
		return rune(b0), 1
	case b0 == 0x80:
		return '\u20ac', 1
	case b0 == 0xFF:
		return bad, 1
	case len(p) < 2:
		return need(atEOF)
	}
	b1 := p[1]
	if b1 >= 0x30 && b1 <= 0x39 {
		return gb18030Four(p, atEOF)
	}
	if b1 < 0x40 || b1 == 0x7F || b1 == 0xFF {
		return fail(b1)
	}
	return mapped(gb18030Data, int(b0-0x81)*191+int(b1-0x40), b1)
}

// gb18030Four decodes a four-byte GB18030 sequence (GB 18030-2005; WHATWG
// Encoding Standard section 10.2.1): lead 0x81-0xFE, digit, 0x81-0xFE,
// digit. A malformed sequence consumes only its first byte.
func gb18030Four(p []byte, atEOF bool) (rune, int) {
	if len(p) < 4 {
		return need(atEOF)
	}
	if p[2] < 0x81 || p[2] > 0xFE || p[3] < 0x30 || p[3] > 0x39 {
		return bad, 1
	}
	ptr := ((int(p[0]-0x81)*10+int(p[1]-0x30))*126+int(p[2]-0x81))*10 + int(p[3]-0x30)
	return gb18030Pointer(ptr), 4
}

// gb18030Pointer maps the linear index of a four-byte sequence to its code
// point: below 39420 through the table of ranges, from 189000 (0x90308130)
// onwards to the supplementary planes, U+FFFD elsewhere.
func gb18030Pointer(ptr int) rune {
	switch {
	case ptr >= 189000 && ptr <= 189000+0xFFFFF:
		return rune(ptr - 189000 + 0x10000)
	case ptr > 39419:
		return bad
	}
	// Ranges are (pointer, code point) pairs sorted by pointer, the first 0.
	i := sort.Search(gb18030RangeCount, func(i int) bool {
		return int(at(gb18030rangesData, 2*i)) > ptr
	}) - 1
	return at(gb18030rangesData, 2*i+1) + rune(ptr) - at(gb18030rangesData, 2*i)
}

// big5 decodes Big5 as Windows code page 950 extends it (no HKSCS):
// lead 0x81-0xFE, trail 0x40-0x7E or 0xA1-0xFE.
type big5 struct{}

func (big5) next(p []byte, atEOF bool) (rune, int) {
	b0 := p[0]
	switch {
	case b0 < 0x80:
		return rune(b0), 1
	case b0 == 0x80 || b0 == 0xFF:
		return bad, 1
	case len(p) < 2:
		return need(atEOF)
	}
	b1 := p[1]
	var t int
	switch {
	case b1 >= 0x40 && b1 <= 0x7E:
		t = int(b1 - 0x40)
	case b1 >= 0xA1 && b1 <= 0xFE:
		t = int(b1-0xA1) + 63
	default:
		return fail(b1)
	}
	return mapped(big5Data, int(b0-0x81)*157+t, b1)
}

// sjis decodes Shift_JIS as Windows code page 932 (windows-31j) extends it,
// following the WHATWG Encoding Standard section 12.3: half-width katakana
// at 0xA1-0xDF, leads 0x81-0x9F and 0xE0-0xFC, and the user-defined rows
// 0xF0-0xF9 mapped to the Private Use Area.
type sjis struct{}

func (sjis) next(p []byte, atEOF bool) (rune, int) {
	b0 := p[0]
	switch {
	case b0 <= 0x80:
		return rune(b0), 1
	case b0 >= 0xA1 && b0 <= 0xDF:
		return 0xFF61 + rune(b0-0xA1), 1
	case b0 == 0xA0 || b0 > 0xFC:
		return bad, 1
	case len(p) < 2:
		return need(atEOF)
	}
	b1 := p[1]
	if b1 < 0x40 || b1 == 0x7F || b1 > 0xFC {
		return fail(b1)
	}
	lead := int(b0 - 0x81)
	if b0 >= 0xE0 {
		lead = int(b0 - 0xC1)
	}
	trail := int(b1 - 0x40)
	if b1 > 0x7F {
		trail--
	}
	ptr := lead*188 + trail
	if ptr >= 8836 && ptr <= 10715 {
		return 0xE000 + rune(ptr-8836), 2
	}
	return mapped(sjisData, ptr, b1)
}

// eucJP decodes EUC-JP: ASCII, JIS X 0208 in two bytes 0xA1-0xFE,
// half-width katakana after 0x8E (SS2) and JIS X 0212 after 0x8F (SS3).
type eucJP struct{}

func (eucJP) next(p []byte, atEOF bool) (rune, int) {
	b0 := p[0]
	switch {
	case b0 < 0x80:
		return rune(b0), 1
	case b0 == 0x8F:
		return eucJP0212(p, atEOF)
	case b0 != 0x8E && (b0 < 0xA1 || b0 == 0xFF):
		return bad, 1
	case len(p) < 2:
		return need(atEOF)
	}
	b1 := p[1]
	if b0 == 0x8E {
		if b1 >= 0xA1 && b1 <= 0xDF {
			return 0xFF61 + rune(b1-0xA1), 2
		}
		return fail(b1)
	}
	if b1 < 0xA1 || b1 == 0xFF {
		return fail(b1)
	}
	return mapped(jis0208Data, int(b0-0xA1)*94+int(b1-0xA1), b1)
}

// eucJP0212 decodes a JIS X 0212 character after the single shift 0x8F.
func eucJP0212(p []byte, atEOF bool) (rune, int) {
	if len(p) < 3 {
		return need(atEOF)
	}
	b1, b2 := p[1], p[2]
	if b1 < 0xA1 || b1 == 0xFF {
		return bad, 1
	}
	if b2 < 0xA1 || b2 == 0xFF {
		r, n := fail(b2)
		return r, n + 1
	}
	if r := at(jis0212Data, int(b1-0xA1)*94+int(b2-0xA1)); r != 0 {
		return r, 3
	}
	return bad, 3
}

// eucKR decodes EUC-KR as Windows code page 949 (Unified Hangul Code)
// extends it: lead 0x81-0xFE, trail 0x41-0xFE.
type eucKR struct{}

func (eucKR) next(p []byte, atEOF bool) (rune, int) {
	b0 := p[0]
	switch {
	case b0 < 0x80:
		return rune(b0), 1
	case b0 == 0x80 || b0 == 0xFF:
		return bad, 1
	case len(p) < 2:
		return need(atEOF)
	}
	b1 := p[1]
	if b1 < 0x41 || b1 == 0xFF {
		return fail(b1)
	}
	return mapped(euckrData, int(b0-0x81)*190+int(b1-0x41), b1)
}
