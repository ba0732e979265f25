package mime

import (
	"strings"
	"unicode/utf8"

	"mailwire/core/charset"
)

// This file is the one place that turns text in a declared charset into
// UTF-8.

// decodeText converts b from the charset named label to UTF-8. It never
// fails: text without a charset, in US-ASCII or in an unknown charset is
// kept when it is valid UTF-8 and read as windows-1252 otherwise; invalid
// sequences become U+FFFD.
func decodeText(label string, b []byte) string {
	switch strings.ToLower(strings.Trim(label, " \t\"'")) {
	case "", "us-ascii", "ascii", "unknown-8bit", "x-unknown":
		if utf8.Valid(b) {
			return string(b)
		}
		label = "windows-1252"
	}
	s, err := charset.Decode(label, b)
	if err != nil && !utf8.Valid(b) {
		s, _ = charset.Decode("windows-1252", b)
	}
	return s
}

// latin1 reads s as ISO-8859-1.
func latin1(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 2)
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}
