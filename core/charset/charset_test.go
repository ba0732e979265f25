package charset

import (
	"bufio"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"mailwire/core/errs"
)

// TestVectors decodes the sample texts that internal/gen/gen.py encoded with
// Python's codecs, and every high byte of each single-byte charset.
func TestVectors(t *testing.T) {
	f, err := os.Open("testdata/vectors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		label, in, want := parseVector(t, line)
		got, err := Decode(label, in)
		if err != nil || got != want {
			t.Errorf("Decode(%q, %x) = %q, %v; want %q", label, in, got, err, want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("read %d vectors, want at least 50", n)
	}
}

func parseVector(t *testing.T, line string) (string, []byte, string) {
	t.Helper()
	f := strings.Split(line, "\t")
	if len(f) != 3 {
		t.Fatalf("bad vector line %q", line)
	}
	in, err1 := hex.DecodeString(f[1])
	want, err2 := hex.DecodeString(f[2])
	if err1 != nil || err2 != nil {
		t.Fatalf("bad hex in %q", line)
	}
	return f[0], in, string(want)
}

func TestCanonical(t *testing.T) {
	cases := []struct{ label, want string }{
		{"iso-8859-1", "ISO-8859-1"},
		{"  Latin1 ", "ISO-8859-1"},
		{`"UTF-8"`, "UTF-8"},
		{"utf8", "UTF-8"},
		{"US-ASCII*EN", "US-ASCII"},
		{"ascii", "US-ASCII"},
		{"CP1252", "windows-1252"},
		{"x-cp1250", "windows-1250"},
		{"koi8-r", "KOI8-R"},
		{"koi8-ru", "KOI8-U"},
		{"cp866", "IBM866"},
		{"mac", "macintosh"},
		{"tis-620", "windows-874"},
		{"iso-8859-11", "ISO-8859-11"},
		{"gb2312", "GB2312"},
		{"EUC-CN", "GB2312"},
		{"cp936", "GBK"},
		{"GB18030", "GB18030"},
		{"big5-hkscs", "Big5"},
		{"sjis", "Shift_JIS"},
		{"ms_kanji", "Shift_JIS"},
		{"cp932", "windows-31j"},
		{"euc-jp", "EUC-JP"},
		{"ISO-2022-JP", "ISO-2022-JP"},
		{"euc-kr", "EUC-KR"},
		{"ks_c_5601-1987", "KS_C_5601-1987"},
		{"cp949", "windows-949"},
		{"utf-16", "UTF-16"},
		{"unicode", "UTF-16LE"},
		{"iso-8859-12", ""},
		{"utf-7", ""},
		{"", ""},
		{"*", ""},
		{strings.Repeat("a", 100), ""},
	}
	for _, c := range cases {
		if got := Canonical(c.label); got != c.want {
			t.Errorf("Canonical(%q) = %q; want %q", c.label, got, c.want)
		}
		if Known(c.label) != (c.want != "") {
			t.Errorf("Known(%q) = %v", c.label, !(c.want != ""))
		}
	}
}

// TestCanonicalIsLabel checks that every canonical name is itself a label of
// its charset, so that Canonical is idempotent.
func TestCanonicalIsLabel(t *testing.T) {
	for i, c := range charsets {
		got, ok := lookup(c.name)
		if !ok || got != cs(i) {
			t.Errorf("lookup(%q) = %d, %v; want %d", c.name, got, ok, i)
		}
	}
}

func TestUnknown(t *testing.T) {
	got, err := Decode("x-unknown", []byte("ok\xff\xe2\x82\xac"))
	if got != "ok\ufffd€" {
		t.Errorf("Decode = %q; want %q", got, "ok\ufffd€")
	}
	if errs.KindOf(err) != errs.NotFound {
		t.Errorf("error %v has kind %d; want NotFound", err, errs.KindOf(err))
	}
	r, err := NewReader("x-unknown", strings.NewReader("a\xffb"))
	if errs.KindOf(err) != errs.NotFound || r == nil {
		t.Fatalf("NewReader: %v, %v", r, err)
	}
	if s := readAll(t, r); s != "a\ufffdb" {
		t.Errorf("read %q; want %q", s, "a\ufffdb")
	}
}

func TestUTF8Valid(t *testing.T) {
	in := []byte("déjà vu 😀")
	got, err := Decode("utf-8", in)
	if err != nil || got != string(in) {
		t.Errorf("Decode = %q, %v", got, err)
	}
	if !utf8.ValidString(got) {
		t.Error("invalid output")
	}
}

func TestUnknownErrorText(t *testing.T) {
	_, err := Decode(strings.Repeat("z", 100), nil)
	var e *errs.Error
	if !errors.As(err, &e) || len(e.Error()) > 100 {
		t.Errorf("error %q: want an *errs.Error quoting at most 64 bytes of the label", err)
	}
}

// TestLabelsFit checks that maxLabel admits every label byLabel knows.
func TestLabelsFit(t *testing.T) {
	for _, l := range []string{"cseucpkdfmtjapanese", "csisolatincyrillic", "unicode-1-1-utf-8"} {
		if len(l) > maxLabel || !Known(l) {
			t.Errorf("label %q is not found", l)
		}
	}
}
