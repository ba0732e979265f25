package mime

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"=?utf-8?q?caf=C3=A9?=", "café"},
		{"=?UTF-8?B?Y2Fmw6k=?=", "café"},
		{"=?utf-8?q?a?= =?utf-8?q?b?=", "ab"},
		{"=?utf-8?q?a?=\t =?utf-8?q?b?= c", "ab c"},
		{"x =?utf-8?q?a_b?= y", "x a b y"},
		{"=?utf-8?B?4p?= =?utf-8?B?gqw=?=", "€"}, // split inside a character
		{"=?iso-8859-1?q?J=F6rg?=", "Jörg"},
		{"=?windows-1252?q?=80?=", "€"},
		{"=?koi8-r?b?8NLJ18XU?=", "Привет"},
		{"=?utf-8*en?q?hi?=", "hi"},
		{"pre=?utf-8?q?x?=post", "prexpost"},
		{"=?utf-8?x?bad?=", "=?utf-8?x?bad?="},
		{"=?utf-8?q?unterminated", "=?utf-8?q?unterminated"},
		{"=??q?x?=", "=??q?x?="},
		{"=?bogus-charset?q?ok?=", "ok"},
		{"caf\xe9", "café"},
		{"=?utf-8?q?a?= x =?utf-8?q?b?=", "a x b"},
	}
	for _, tt := range tests {
		if got := DecodeHeader(tt.in); got != tt.want {
			t.Errorf("DecodeHeader(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEncodeUnstructured(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello world", "Hello world"},
		{"Héllo world", "=?utf-8?Q?H=C3=A9llo?= world"},
		{"a héllo wörld b", "a =?utf-8?Q?h=C3=A9llo_w=C3=B6rld?= b"},
		{"Привет", "=?utf-8?B?0J/RgNC40LLQtdGC?="},
		{"looks =?like?q?encoded?=", "looks =?utf-8?Q?=3D=3Flike=3Fq=3Fencoded=3F=3D?="},
	}
	for _, tt := range tests {
		got := encodeUnstructured(tt.in)
		if got != tt.want {
			t.Errorf("encodeUnstructured(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back := DecodeHeader(got); back != tt.in {
			t.Errorf("DecodeHeader(encodeUnstructured(%q)) = %q", tt.in, back)
		}
	}
}

func TestEncodeWordsLimits(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("é", 100), strings.Repeat("日本", 60), strings.Repeat("a€", 80) + "😀😀😀",
	} {
		for _, enc := range []byte{'B', 'Q'} {
			words := encodeWords(s, enc)
			var joined strings.Builder
			for _, w := range words {
				if len(w) > 75 {
					t.Errorf("word %q is %d bytes", w, len(w))
				}
				ew, _, ok := parseEncodedWord(w)
				if !ok || !utf8.Valid(ew.data) {
					t.Errorf("word %q splits a character", w)
				}
				joined.Write(ew.data)
			}
			if joined.String() != s {
				t.Errorf("%c words of %q decode to %q", enc, s, joined.String())
			}
		}
	}
}

func TestParseParams(t *testing.T) {
	tests := []struct {
		in, value string
		params    map[string]string
	}{
		{`text/plain; charset="UTF-8"`, "text/plain", map[string]string{"charset": "UTF-8"}},
		{`Text/HTML;Charset=iso-8859-1 ; format=flowed`, "text/html", map[string]string{"charset": "iso-8859-1", "format": "flowed"}},
		{`attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`, "attachment", map[string]string{"filename": "résumé.pdf"}},
		{`attachment; filename*=iso-8859-1'fr'r%E9sum%E9.pdf; filename="plain.pdf"`, "attachment", map[string]string{"filename": "résumé.pdf"}},
		{`attachment; filename*0*=utf-8''%E6%97%A5; filename*1*=%E6%9C%AC; filename*2=".txt"`, "attachment", map[string]string{"filename": "日本.txt"}},
		{`attachment; filename*1="b"; filename*0="a"`, "attachment", map[string]string{"filename": "ab"}},
		{`application/pdf; name="=?UTF-8?B?0L7RgtGH0LXRgi5wZGY=?="`, "application/pdf", map[string]string{"name": "отчет.pdf"}},
		{`image/png; name="a \"q\" b.png"`, "image/png", map[string]string{"name": `a "q" b.png`}},
		{`multipart/mixed; boundary="unterminated`, "multipart/mixed", map[string]string{"boundary": "unterminated"}},
		{`text/plain; ; junk; charset=utf-8`, "text/plain", map[string]string{"charset": "utf-8"}},
		{`text/plain; filename*99999=x`, "text/plain", map[string]string{}},
		// Encoded words without quotes, which RFC 2045 does not allow but
		// senders write: decoded in file names only.
		{`application/pdf; name==?UTF-8?B?0L7RgtGH0LXRgi5wZGY=?=`, "application/pdf", map[string]string{"name": "отчет.pdf"}},
		{`attachment; filename==?iso-8859-1?Q?r=E9sum=E9?= =?iso-8859-1?Q?.txt?=; size=3`, "attachment", map[string]string{"filename": "résumé.txt", "size": "3"}},
		{`multipart/mixed; boundary==?utf-8?q?b?=; charset==?x?q?y?=`, "multipart/mixed", map[string]string{"boundary": "=?utf-8?q?b?=", "charset": "=?x?q?y?="}},
	}
	for _, tt := range tests {
		v, p := ParseParams(tt.in)
		if v != tt.value || len(p) != len(tt.params) {
			t.Errorf("ParseParams(%q) = %q, %q; want %q, %q", tt.in, v, p, tt.value, tt.params)
			continue
		}
		for k, want := range tt.params {
			if p[k] != want {
				t.Errorf("ParseParams(%q)[%s] = %q, want %q", tt.in, k, p[k], want)
			}
		}
	}
}

func TestFormatFilenameParam(t *testing.T) {
	for _, name := range []string{
		"simple.txt", "with space.txt", "ünïcödé.pdf", strings.Repeat("long name ", 20) + ".txt",
		strings.Repeat("日本語", 30) + ".doc", `quote".txt`, "=?utf-8?q?x?=.txt",
	} {
		pieces := formatFilenameParam("filename", name)
		for _, p := range pieces {
			if len(p) > 76 {
				t.Errorf("%q: piece %q too long", name, p)
			}
		}
		_, got := ParseParams("attachment; " + strings.Join(pieces, "; "))
		if got["filename"] != name {
			t.Errorf("filename %q came back as %q from %q", name, got["filename"], pieces)
		}
		_, legacy := ParseParams("application/x; " + formatLegacyName(name))
		if legacy["name"] != name {
			t.Errorf("name %q came back as %q", name, legacy["name"])
		}
	}
}

func FuzzDecodeHeader(f *testing.F) {
	for _, s := range []string{
		"=?utf-8?q?caf=C3=A9?=", "=?UTF-8?B?Y2Fmw6k=?= =?utf-8?b?4p?=", "a =?x?q?=ZZ?= b", "=?", "=?a?b?c?=",
		"=?iso-2022-jp?B?GyRCRnxLXDhsGyhC?=", "=?shift_jis?b?k/qWe4zq?=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := DecodeHeader(s)
		if !utf8.ValidString(out) {
			t.Fatalf("DecodeHeader(%q) is not UTF-8: %q", s, out)
		}
		if !strings.Contains(s, "=?") && utf8.ValidString(s) && out != s {
			t.Fatalf("plain %q changed to %q", s, out)
		}
	})
}

func FuzzParseParams(f *testing.F) {
	for _, s := range []string{
		`attachment; filename*0*=utf-8''%E6%97%A5; filename*1*=%E6%9C%AC`, `text/plain; charset="x`,
		`a; b*=iso-8859-1'en'%E9; c="=?utf-8?q?x?="`, `;;;=;*=;**=`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, params := ParseParams(s)
		if len(params) > maxParams {
			t.Fatalf("%d params", len(params))
		}
		for k, v := range params {
			if !utf8.ValidString(v) && utf8.ValidString(s) {
				t.Fatalf("param %s = %q is not UTF-8", k, v)
			}
		}
	})
}

func TestB64DecoderLenient(t *testing.T) {
	tests := []struct{ in, want string }{
		{"aGVsbG8=", "hello"},
		{"aGVs\r\nbG8", "hello"},
		{"a*G!V sbG8=", "hello"},
		{"aGk=aGk=", "hihi"},
		{"aGVsbG8gd29ybGQ", "hello world"},
		{"=", ""},
		{"Y", ""},
	}
	for _, tt := range tests {
		d := newB64Decoder()
		for i := 0; i < len(tt.in); i += 3 {
			d.feed([]byte(tt.in[i:min(i+3, len(tt.in))]))
		}
		if got := string(d.finish()); got != tt.want {
			t.Errorf("chunked %q = %q, want %q", tt.in, got, tt.want)
		}
		if got := string(decodeBase64Lenient(tt.in)); got != tt.want {
			t.Errorf("%q = %q, want %q", tt.in, got, tt.want)
		}
	}
}
