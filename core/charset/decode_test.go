package charset

import (
	"strings"
	"testing"
)

// decodeCase is one input and the exact UTF-8 it must decode to.
type decodeCase struct {
	label, in, want string
}

// knownCases are written by hand from the code charts, independent of the
// generated tables.
var knownCases = []decodeCase{
	{"us-ascii", "caf\xe9 \x93q\x94", "café “q”"},
	{"iso-8859-1", "Gr\xfc\xdfe \x80 \x81", "Grüße € \u0081"},
	{"latin1", "\xa9\xff", "©ÿ"},
	{"iso-8859-2", "\xb1\xbf", "ąż"},
	{"iso-8859-5", "\xbf\xe0\xd8\xd2\xd5\xe2", "Привет"},
	{"iso-8859-7", "\xc1\xe1", "Αα"},
	{"iso-8859-9", "\xd0\xfe", "Ğş"},
	{"iso-8859-15", "\xa4\xbd", "€œ"},
	{"windows-1250", "\x8a\xb9", "Šą"},
	{"cp1251", "\xcf\xf0\xe8\xe2\xe5\xf2", "Привет"},
	{"windows-1252", "\x80\x81\x8d\x9f", "€\u0081\u008dŸ"},
	{"windows-1253", "\xe1", "α"},
	{"windows-1255", "\xf9\xec\xe5\xed", "שלום"},
	{"windows-874", "\xa1", "ก"},
	{"koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет"},
	{"koi8-u", "\xa4\xb4", "єЄ"},
	{"ibm866", "\x8f\xe0\xa8\xa2\xa5\xe2", "Привет"},
	{"macintosh", "\x8e\xa5", "é•"},
	{"gb2312", "\xc4\xe3\xba\xc3", "你好"},
	{"gbk", "\x80\x81\x40", "€丂"},
	{"gb18030", "\x81\x30\x81\x30", "\u0080"},
	{"gb18030", "\x84\x31\xa4\x39", "\uffff"},
	{"gb18030", "\x90\x30\x81\x30", "\U00010000"},
	{"gb18030", "\xe3\x32\x9a\x35", "\U0010ffff"},
	{"big5", "\xa4\xa4\xa4\xe5\xa1\x40", "中文\u3000"},
	{"shift_jis", "\x82\xa0\xb1\x87\x40", "あｱ①"},
	{"cp932", "\xf0\x40\x80", "\ue000\u0080"},
	{"euc-jp", "\xa4\xa2\x8e\xb1\x8f\xb0\xa1", "あｱ丂"},
	{"iso-2022-jp", "a\x1b$B$\"\x1b(Bb", "aあb"},
	{"iso-2022-jp", "\x1b(J\\~\x1b(B\\~", "¥‾\\~"},
	{"iso-2022-jp", "\x1b(I1\x1b(B", "ｱ"},
	{"iso-2022-jp", "\x1b$@$\"\x1b$(D0!\x1b(B", "あ丂"},
	{"euc-kr", "\xb0\xa1", "가"},
	{"cp949", "\x81\x41", "갂"},
	{"ks_c_5601-1987", "\xc7\xd1\xb1\xb9", "한국"},
	{"utf-8", "h\xc3\xa9", "hé"},
	{"utf-16", "\xfe\xff\x00A", "A"},
	{"utf-16", "\xff\xfeA\x00", "A"},
	{"utf-16", "\x00A", "A"},
	{"utf-16be", "\xd8\x3d\xde\x00", "😀"},
	{"utf-16le", "\xff\xfe\x3d\xd8\x00\xde", "😀"},
	{"utf-16le", "\xfe\xff", "\ufffe"},
}

// invalidCases cover invalid and unmapped sequences and truncated input.
var invalidCases = []decodeCase{
	{"utf-8", "\xe2\x82", "\ufffd\ufffd"},
	{"utf-8", "a\xc0\xafb", "a\ufffd\ufffdb"},
	{"gbk", "\xff\x81", "\ufffd\ufffd"},
	{"gbk", "\x81\x20\x81\x7f", "\ufffd \ufffd\x7f"},
	{"gb18030", "\x81\x30\x81", "\ufffd0\ufffd"},
	{"gb18030", "\x81\x30\x20\x30", "\ufffd0 0"},
	{"gb18030", "\x84\x31\xa5\x30x", "\ufffdx"},
	{"gb18030", "\xfe\x39\xfe\x39", "\ufffd"},
	{"big5", "\x80\xa4", "\ufffd\ufffd"},
	{"big5", "\xa4\x30\xa4\x80", "\ufffd0\ufffd"},
	{"shift_jis", "\xa0\xfd\x82", "\ufffd\ufffd\ufffd"},
	{"shift_jis", "\x82\x20\x82\xfd", "\ufffd \ufffd"},
	{"euc-jp", "\xa4", "\ufffd"},
	{"euc-jp", "\x8e\x41\x80", "\ufffdA\ufffd"},
	{"euc-jp", "\x8f\xb0", "\ufffd\ufffd"},
	{"euc-jp", "\x8f\x41\x42", "\ufffdAB"},
	{"euc-jp", "\x8f\xb0\x41", "\ufffdA"},
	{"iso-2022-jp", "\x1b$B$", "\ufffd"},
	{"iso-2022-jp", "\x1b$Z", "\ufffd$Z"},
	{"iso-2022-jp", "\x1b$", "\ufffd$"},
	{"iso-2022-jp", "\x1b$B$\"\r\n$\"", "あ\r\n$\""},
	{"iso-2022-jp", "\x80\x0e\x0f", "\ufffd\ufffd\ufffd"},
	{"iso-2022-jp", "\x1b$B$\x01", "\ufffd\ufffd"},
	{"iso-2022-jp", "\x1b(I\x60", "\ufffd"},
	{"euc-kr", "\x80\xff\xb0", "\ufffd\ufffd\ufffd"},
	{"euc-kr", "\xb0\x20", "\ufffd "},
	{"utf-16be", "\x00", "\ufffd"},
	{"utf-16be", "\xdc\x00\x00A", "\ufffdA"},
	{"utf-16be", "\xd8\x3d\x00A", "\ufffdA"},
	{"utf-16be", "\xd8\x3d", "\ufffd"},
	{"utf-16be", "\xd8\x3d\xde", "\ufffd\ufffd"},
}

func TestDecodeKnown(t *testing.T) {
	runCases(t, knownCases)
}

func TestDecodeInvalid(t *testing.T) {
	runCases(t, invalidCases)
}

func runCases(t *testing.T, cases []decodeCase) {
	t.Helper()
	for _, c := range cases {
		got, err := Decode(c.label, []byte(c.in))
		if err != nil || got != c.want {
			t.Errorf("Decode(%q, %q) = %q, %v; want %q", c.label, c.in, got, err, c.want)
		}
	}
}

// TestTruncated cuts every multi-byte character short at the end of the
// input: the result must be the decoded prefix followed by U+FFFD (and, where
// the cut leaves an ASCII byte that cannot continue the sequence, that byte).
func TestTruncated(t *testing.T) {
	cases := []struct{ label, prefix, full string }{
		{"gbk", "ok", "\xd6\xd0"},
		{"gb18030", "ok", "\x94\x39\xfc\x36"},
		{"big5", "ok", "\xa4\xa4"},
		{"shift_jis", "ok", "\x93\xfa"},
		{"euc-jp", "ok", "\x8f\xb0\xa1"},
		{"euc-kr", "ok", "\xc7\xd1"},
		{"utf-8", "ok", "\xe2\x82\xac"},
		{"utf-16be", "\x00o\x00k", "\xd8\x3d\xde\x00"},
		{"iso-2022-jp", "ok\x1b$B", "$\""},
	}
	for _, c := range cases {
		for cut := 1; cut < len(c.full); cut++ {
			in := c.prefix + c.full[:cut]
			got, _ := Decode(c.label, []byte(in))
			rest, ok := strings.CutPrefix(got, "ok")
			if !ok || !strings.HasPrefix(rest, "\ufffd") {
				t.Errorf("Decode(%q, %q) = %q; want \"ok\" then U+FFFD", c.label, in, got)
			}
		}
	}
}

func BenchmarkDecodeISO88591(b *testing.B) {
	in := make([]byte, 64<<10)
	for i := range in {
		in[i] = byte(i)
	}
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Decode("iso-8859-1", in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeGBK(b *testing.B) {
	var in []byte
	for len(in) < 64<<10 {
		in = append(in, "\xd6\xd0\xce\xc4\xd3\xca\xbc\xfe abc "...)
	}
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Decode("gbk", in); err != nil {
			b.Fatal(err)
		}
	}
}
