package syntax

import "strings"

const upperHex = "0123456789ABCDEF"

// Xtext encodes s as xtext (RFC 3461 section 4), the form of the ENVID,
// ORCPT and AUTH= parameters: '+', '=', controls, space and bytes beyond
// ASCII become "+XX".
func Xtext(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '!' || c > '~' || c == '+' || c == '=' {
			b.WriteByte('+')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// IsXtext reports whether s is xtext (RFC 3461 section 4): printable ASCII
// without '=', and '+' only in "+XX" with upper-case hexadecimal digits.
func IsXtext(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			if i+2 >= len(s) || !isUpperHex(s[i+1]) || !isUpperHex(s[i+2]) {
				return false
			}
			i += 2
		case c < '!' || c > '~' || c == '=':
			return false
		}
	}
	return true
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

// IsNotify reports whether v is the value of the NOTIFY parameter (RFC 3461
// section 4.1), in any case: "NEVER", or a comma list of SUCCESS, FAILURE
// and DELAY, each at most once.
func IsNotify(v string) bool {
	v = strings.ToUpper(v)
	if v == "NEVER" {
		return true
	}
	seen := map[string]bool{}
	for _, w := range strings.Split(v, ",") {
		if w != "SUCCESS" && w != "FAILURE" && w != "DELAY" || seen[w] {
			return false
		}
		seen[w] = true
	}
	return true
}
