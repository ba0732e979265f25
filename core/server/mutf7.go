package server

import (
	"encoding/base64"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// mutf7 is the base64 alphabet of modified UTF-7, with ',' for '/' and no
// padding (RFC 3501 section 5.1.3).
var mutf7 = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,").WithPadding(base64.NoPadding)

// encodeMUTF7 returns the modified UTF-7 form of a UTF-8 folder name (RFC
// 3501 section 5.1.3): printable ASCII as itself, "&" as "&-", anything
// else as "&" + modified base64 of UTF-16 + "-".
func encodeMUTF7(s string) string {
	var b strings.Builder
	var run []rune
	flush := func() {
		if len(run) == 0 {
			return
		}
		u := utf16.Encode(run)
		raw := make([]byte, 0, 2*len(u))
		for _, c := range u {
			raw = append(raw, byte(c>>8), byte(c))
		}
		b.WriteByte('&')
		b.WriteString(mutf7.EncodeToString(raw))
		b.WriteByte('-')
		run = run[:0]
	}
	for _, r := range s {
		if r >= 0x20 && r <= 0x7e {
			flush()
			if r == '&' {
				b.WriteString("&-")
			} else {
				b.WriteRune(r)
			}
			continue
		}
		run = append(run, r)
	}
	flush()
	return b.String()
}

// decodeMUTF7 returns the UTF-8 form of a modified UTF-7 folder name, and
// false when it is not in the canonical form RFC 3501 section 5.1.3
// requires (printable ASCII encoded, unterminated or empty shifts,
// surrogates out of place, bad padding bits).
func decodeMUTF7(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return "", false
		}
		if c != '&' {
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(s[i+1:], '-')
		if end < 0 {
			return "", false
		}
		enc := s[i+1 : i+1+end]
		i += end + 1
		if enc == "" {
			b.WriteByte('&')
			continue
		}
		raw, err := mutf7.Strict().DecodeString(enc)
		if err != nil || len(raw)%2 != 0 {
			return "", false
		}
		u := make([]uint16, len(raw)/2)
		for j := range u {
			u[j] = uint16(raw[2*j])<<8 | uint16(raw[2*j+1])
		}
		for j := 0; j < len(u); j++ {
			r := rune(u[j])
			switch {
			case utf16.IsSurrogate(r):
				if j+1 >= len(u) {
					return "", false
				}
				r = utf16.DecodeRune(r, rune(u[j+1]))
				if r == utf8.RuneError {
					return "", false
				}
				j++
			case r >= 0x20 && r <= 0x7e:
				return "", false
			}
			b.WriteRune(r)
		}
		// Two shifted runs back to back are not canonical.
		if i+1 < len(s) && s[i+1] == '&' && i+2 < len(s) && s[i+2] != '-' {
			return "", false
		}
	}
	return b.String(), true
}
