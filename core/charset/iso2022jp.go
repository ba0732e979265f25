package charset

// Character sets of the iso2022JP decoder: those of RFC 1468, JIS X 0212 as
// RFC 2237 adds it, and JIS X 0201 Katakana as Windows code page 50221 does.
const (
	jpASCII    = iota // ESC ( B
	jpRoman           // ESC ( J: JIS X 0201 Roman, 0x5C is YEN SIGN, 0x7E OVERLINE
	jpKatakana        // ESC ( I: JIS X 0201 half-width katakana
	jp0208            // ESC $ @ or ESC $ B: JIS X 0208 in two bytes
	jp0212            // ESC $ ( D: JIS X 0212 in two bytes
)

// jpEscapes lists the designations the iso2022JP decoder understands.
var jpEscapes = [...]struct {
	seq string
	set uint8
}{
	{"\x1b(B", jpASCII},
	{"\x1b(J", jpRoman},
	{"\x1b(I", jpKatakana},
	{"\x1b$@", jp0208},
	{"\x1b$B", jp0208},
	{"\x1b$(D", jp0212},
}

// iso2022JP decodes ISO-2022-JP (RFC 1468). CR and LF pass through and
// return to ASCII, so that a line that forgets ESC ( B does not garble the
// next; SO, SI, 8-bit bytes and unknown escapes become U+FFFD.
type iso2022JP struct{ set uint8 }

func (d *iso2022JP) next(p []byte, atEOF bool) (rune, int) {
	b := p[0]
	switch {
	case b == 0x1B:
		return d.escape(p, atEOF)
	case b == '\r' || b == '\n':
		d.set = jpASCII
		return rune(b), 1
	case b >= 0x80 || b == 0x0E || b == 0x0F:
		return bad, 1
	}
	switch d.set {
	case jpRoman:
		return jisRoman(b), 1
	case jpKatakana:
		if b >= 0x21 && b <= 0x5F {
			return 0xFF61 + rune(b-0x21), 1
		}
		return bad, 1
	case jp0208, jp0212:
		return d.double(p, atEOF)
	}
	return rune(b), 1
}

// jisRoman maps a byte of JIS X 0201 Roman, which differs from ASCII in two
// places.
func jisRoman(b byte) rune {
	switch b {
	case 0x5C:
		return '\u00a5'
	case 0x7E:
		return '\u203e'
	}
	return rune(b)
}

// double decodes a two-byte JIS X 0208 or JIS X 0212 character, each byte
// 0x21-0x7E.
func (d *iso2022JP) double(p []byte, atEOF bool) (rune, int) {
	if p[0] < 0x21 || p[0] > 0x7E {
		return bad, 1
	}
	if len(p) < 2 {
		return need(atEOF)
	}
	if p[1] < 0x21 || p[1] > 0x7E {
		return bad, 1
	}
	tab := jis0208Data
	if d.set == jp0212 {
		tab = jis0212Data
	}
	if r := at(tab, int(p[0]-0x21)*94+int(p[1]-0x21)); r != 0 {
		return r, 2
	}
	return bad, 2
}

// escape switches the character set on a designation at the start of p. An
// unknown escape sequence replaces the ESC by U+FFFD.
func (d *iso2022JP) escape(p []byte, atEOF bool) (rune, int) {
	partial := false
	for _, e := range jpEscapes {
		if len(p) >= len(e.seq) && string(p[:len(e.seq)]) == e.seq {
			d.set = e.set
			return noRune, len(e.seq)
		}
		if len(p) < len(e.seq) && string(p) == e.seq[:len(p)] {
			partial = true
		}
	}
	if partial && !atEOF {
		return 0, 0
	}
	return bad, 1
}
