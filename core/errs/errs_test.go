package errs

import (
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	tests := map[string]string{
		"plain":                 `"plain"`,
		"a\r\nb\x00":            `"a??b?"`,
		"jörg\xff":              `"jörg?"`,
		"\u0085x":               `"?x"`,
		strings.Repeat("a", 81): `"` + strings.Repeat("a", 80) + `..."`,
	}
	for in, want := range tests {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Quote(strings.Repeat("a", 79) + "é"); got != `"`+strings.Repeat("a", 79)+`?..."` {
		t.Errorf("a rune cut at the bound: %q", got)
	}
}
