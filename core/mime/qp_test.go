package mime

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

func encodeQP(t *testing.T, in string) string {
	var b bytes.Buffer
	cw := &countWriter{w: &b}
	writeQP(cw, strings.NewReader(in))
	must(t, cw.err)
	// From memory a bare LF does not end a piece of the line, so the
	// output may differ where the reader breaks early; it must be as good.
	direct := encodeQPBytes(in)
	if got := decodeQPString(direct); got != in {
		t.Errorf("%q: from memory %q decodes to %q", in, direct, got)
	}
	for _, l := range strings.Split(direct, "\r\n") {
		if len(l) > 76 || strings.HasPrefix(l, ".") || strings.HasPrefix(l, "From ") ||
			strings.HasSuffix(l, " ") || strings.HasSuffix(l, "\t") {
			t.Errorf("%q: from memory, bad line %q", in, l)
		}
	}
	if !strings.Contains(in, "\n") && direct != b.String() {
		t.Errorf("%q: from memory %q, from a reader %q", in, direct, b.String())
	}
	return b.String()
}

func encodeQPBytes(in string) string {
	var b bytes.Buffer
	writeQPBytes(&countWriter{w: &b}, []byte(in))
	return b.String()
}

// decodeQPString decodes with the parser's line decoder.
func decodeQPString(s string) string {
	var out bytes.Buffer
	d := &qpBody{w: &out}
	lines := strings.Split(s, "\r\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		if i > 0 {
			d.eol()
		}
		d.line([]byte(l), true)
	}
	if strings.HasSuffix(s, "\r\n") && len(lines) > 0 {
		d.eol()
	}
	return out.String()
}

func TestQPExact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc\r\n", "abc\r\n"},
		{"abc", "abc=\r\n"},
		{"a=b\r\n", "a=3Db\r\n"},
		{"trailing \r\n", "trailing=20\r\n"},
		{"tab\t", "tab=09=\r\n"},
		{".\r\nFrom x\r\nFro\r\n", "=2E\r\n=46rom x\r\nFro\r\n"},
		{"bare\nLF", "bare=0ALF=\r\n"},
		{strings.Repeat("x", 76) + "\r\n", strings.Repeat("x", 76) + "\r\n"},
		{strings.Repeat("x", 77) + "\r\n", strings.Repeat("x", 75) + "=\r\nxx\r\n"},
		{strings.Repeat("x", 74) + "é\r\n", strings.Repeat("x", 74) + "=\r\n=C3=A9\r\n"},
	}
	for _, tt := range tests {
		if got := encodeQP(t, tt.in); got != tt.want {
			t.Errorf("QP(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := encodeQPBytes(tt.in); got != tt.want && tt.in != "bare\nLF" {
			t.Errorf("QP from memory (%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestQPRandomRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", " ", "\t", "=", ".", "From ", "\r\n", "é", "\x00", "\r", "\n", "ü", "_", "?"}
	for i := 0; i < 2000; i++ {
		var b strings.Builder
		for n := r.IntN(300); n > 0; n-- {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		in := b.String()
		enc := encodeQP(t, in)
		for _, l := range strings.Split(enc, "\r\n") {
			if len(l) > 76 {
				t.Fatalf("QP line of %d: %q", len(l), l)
			}
			if strings.HasSuffix(l, " ") || strings.HasSuffix(l, "\t") {
				t.Fatalf("QP line ends in white space: %q", l)
			}
			if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "From ") {
				t.Fatalf("QP line starts with %q", l)
			}
		}
		if strings.ContainsAny(strings.ReplaceAll(enc, "\r\n", ""), "\r\n") {
			t.Fatalf("bare line break in %q", enc)
		}
		if got := decodeQPString(enc); got != in {
			t.Fatalf("QP round trip of %q gave %q via %q", in, got, enc)
		}
	}
}

// TestUnhex covers the one decoder of MIME's three hex escapes.
func TestUnhex(t *testing.T) {
	tests := []struct {
		in   string
		esc  byte
		want string
	}{
		{"a=3Db=3d", '=', "a=b="},
		{"=4", '=', "=4"},
		{"=G1=", '=', "=G1="},
		{"100%25%2", '%', "100%%2"},
		{"%E2%82%AC", '%', "€"},
		{"=41", '%', "=41"},
	}
	for _, tt := range tests {
		if got := string(appendUnhex(nil, tt.in, tt.esc)); got != tt.want {
			t.Errorf("appendUnhex(%q, %q) = %q, want %q", tt.in, tt.esc, got, tt.want)
		}
		if got := string(appendUnhex(nil, []byte(tt.in), tt.esc)); got != tt.want {
			t.Errorf("appendUnhex([]byte %q, %q) = %q, want %q", tt.in, tt.esc, got, tt.want)
		}
	}
	for in, want := range map[string]string{"a_b": "a b", "=5F_": "_ ", "caf=C3=A9": "café"} {
		if got := string(decodeQ(in)); got != want {
			t.Errorf("decodeQ(%q) = %q, want %q", in, got, want)
		}
	}
}
