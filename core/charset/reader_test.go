package charset

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(b)
}

// TestReaderMatchesDecode reads every test case one byte at a time, and in
// halves, and expects exactly what Decode returns.
func TestReaderMatchesDecode(t *testing.T) {
	cases := append(append([]decodeCase{}, knownCases...), invalidCases...)
	for _, c := range cases {
		want, _ := Decode(c.label, []byte(c.in))
		for _, wrap := range []func(io.Reader) io.Reader{iotest.OneByteReader, iotest.HalfReader, iotest.DataErrReader} {
			r, err := NewReader(c.label, wrap(strings.NewReader(c.in)))
			if err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, r); got != want {
				t.Errorf("NewReader(%q) on %q read %q; want %q", c.label, c.in, got, want)
			}
		}
	}
}

// TestReaderLong crosses the internal buffer boundary with multi-byte
// characters at every offset.
func TestReaderLong(t *testing.T) {
	for _, label := range []string{"gb18030", "shift_jis", "iso-2022-jp", "utf-16be", "euc-jp"} {
		var in []byte
		for i := 0; len(in) < 3*4096+7; i++ {
			in = append(in, knownInput(label)...)
			in = append(in, byte('a'+i%26))
		}
		want, _ := Decode(label, in)
		r, _ := NewReader(label, bytes.NewReader(in))
		if err := iotest.TestReader(r, []byte(want)); err != nil {
			t.Errorf("%s: %v", label, err)
		}
	}
}

// knownInput returns the input of the first known case for label.
func knownInput(label string) string {
	for _, c := range knownCases {
		if c.label == label {
			return c.in
		}
	}
	panic("no known case for " + label)
}

func TestReaderError(t *testing.T) {
	boom := errors.New("boom")
	r, _ := NewReader("big5", io.MultiReader(strings.NewReader("\xa4\xa4\xa4"), iotest.ErrReader(boom)))
	got, err := io.ReadAll(r)
	if string(got) != "中\ufffd" || err != boom {
		t.Errorf("read %q, %v; want %q, boom", got, err, "中\ufffd")
	}
}

// emptyReader returns neither data nor an error, forever.
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

func TestReaderNoProgress(t *testing.T) {
	r, _ := NewReader("gbk", emptyReader{})
	if _, err := r.Read(make([]byte, 8)); err != io.ErrNoProgress {
		t.Errorf("Read error %v; want io.ErrNoProgress", err)
	}
	if n, err := r.Read(nil); n != 0 || err != nil {
		t.Errorf("Read(nil) = %d, %v", n, err)
	}
}
