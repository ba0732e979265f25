package mime

import (
	"strings"
	"unicode/utf8"
)

// This file is the one place that turns text in a declared charset into
// UTF-8. It knows the charsets that need no tables; the others are decoded
// on a best-effort basis.

// decodeText converts b from the charset named label to UTF-8. It never
// fails: bytes that cannot be converted become U+FFFD or are read as
// Latin-1.
func decodeText(label string, b []byte) string {
	switch normLabel(label) {
	case "utf-8", "utf8", "us-ascii", "ascii", "":
		return strings.ToValidUTF8(string(b), "\uFFFD")
	case "iso-8859-1", "latin1", "iso8859-1", "l1":
		return latin1(string(b))
	case "windows-1252", "cp1252":
		return windows1252(b)
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return windows1252(b)
}

func normLabel(label string) string {
	return strings.ToLower(strings.Trim(label, " \t\"'"))
}

// cp1252High maps bytes 0x80-0x9F of windows-1252 to Unicode.
var cp1252High = [32]rune{
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
}

func windows1252(b []byte) string {
	var s strings.Builder
	s.Grow(len(b) + len(b)/4)
	for _, c := range b {
		switch {
		case c < 0x80:
			s.WriteByte(c)
		case c < 0xA0:
			s.WriteRune(cp1252High[c-0x80])
		default:
			s.WriteRune(rune(c))
		}
	}
	return s.String()
}
