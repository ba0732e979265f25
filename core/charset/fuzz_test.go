package charset

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// FuzzDecode checks that no input panics, that the output is valid UTF-8 and
// that NewReader, fed one byte at a time, agrees with Decode.
func FuzzDecode(f *testing.F) {
	for _, c := range append(append([]decodeCase{}, knownCases...), invalidCases...) {
		f.Add(uint8(mustLookup(c.label)), []byte(c.in))
	}
	f.Fuzz(func(t *testing.T, which uint8, in []byte) {
		label := charsets[int(which)%len(charsets)].name
		got, err := Decode(label, in)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Decode(%q, %q) = %q: invalid UTF-8", label, in, got)
		}
		r, _ := NewReader(label, iotest.OneByteReader(bytes.NewReader(in)))
		streamed, err := io.ReadAll(r)
		if err != nil || string(streamed) != got {
			t.Fatalf("%s: reader %q, %v; Decode %q", label, streamed, err, got)
		}
	})
}

func mustLookup(label string) cs {
	c, ok := lookup(label)
	if !ok {
		panic("unknown label " + label)
	}
	return c
}
