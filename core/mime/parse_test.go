package mime

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"mailwire/core/errs"
)

func parseString(t testing.TB, s string) *Message {
	t.Helper()
	m, err := Parse(strings.NewReader(s))
	must(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

func TestParseBodies(t *testing.T) {
	tests := []struct{ name, msg, text string }{
		{"no header", "\r\nbody only\r\n", "body only\r\n"},
		{"bare LF", "Subject: x\n\nline1\nline2\n", "line1\r\nline2\r\n"},
		{"no body", "Subject: x\r\n", ""},
		{"no final newline", "Subject: x\r\n\r\nend", "end"},
		{"qp soft breaks", "Content-Transfer-Encoding: quoted-printable\r\n\r\nab=\r\ncd=3D  \r\nx=ZZ=\r\n", "abcd=\r\nx=ZZ"},
		{"qp lower hex", "Content-Transfer-Encoding: Quoted-Printable\r\n\r\n=c3=a9", "é"},
		{"base64 junk", "Content-Transfer-Encoding: base64\r\n\r\naGVs\r\n*bG8=\r\n", "hello"},
		{"base64 after white space", "Content-Transfer-Encoding: base64\r\n\r\n\r\n \r\naGVs\r\nbG8=\r\n", "hello"},
		{"text labelled base64", "Content-Transfer-Encoding: base64\r\n\r\n\r\n  \r\nThis is text, not base64.\r\nAbc\r\n", "\r\n  \r\nThis is text, not base64.\r\nAbc\r\n"},
		{"text labelled base64, padding inside", "Content-Transfer-Encoding: base64\r\n\r\nab=cd\r\n", "ab=cd\r\n"},
		{"folded header", "Subject: a\r\n\tb\r\nContent-Type: text/plain;\r\n charset=iso-8859-1\r\n\r\n\xe9", "é"},
		{"mbox From line", "From someone Mon Jan 1 00:00:00 2024\r\nSubject: x\r\n\r\nbody", "body"},
		{"multipart without boundary", "Content-Type: multipart/mixed\r\n\r\nplain", "plain"},
		{"boundary never appears", "Content-Type: multipart/mixed; boundary=b\r\n\r\nonly a preamble\r\n", ""},
		{"boundary with trailing white space", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b \t\r\n\r\none\r\n--b--  \r\n", "one"},
		{"close delimiter missing", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n", "one\r\n"},
		{"part without header", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nno header here\r\n--b--\r\n", "no header here"},
		{"part without Content-Type", "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>\r\n--b\r\n\r\ntext\r\n--b--\r\n", "text"},
	}
	for _, tt := range tests {
		m := parseString(t, tt.msg)
		got, _ := m.Get("TextBody")
		if got != tt.text {
			t.Errorf("%s: TextBody = %q, want %q", tt.name, got, tt.text)
		}
	}
}

func TestParseChoosesAlternative(t *testing.T) {
	msg := "Content-Type: multipart/mixed; boundary=m\r\n\r\n" +
		"--m\r\nContent-Type: text/plain\r\n\r\nintro\r\n" +
		"--m\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n" +
		"--a\r\nContent-Type: text/plain\r\n\r\nalt text\r\n" +
		"--a\r\nContent-Type: text/html\r\n\r\nalt html\r\n--a--\r\n" +
		"--m\r\nContent-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\nfile\r\n" +
		"--m\r\nContent-Type: text/plain; name=n.txt\r\n\r\nnamed\r\n--m--\r\n"
	m := parseString(t, msg)
	if got, _ := m.Get("TextBody"); got != "alt text" {
		t.Errorf("TextBody = %q", got)
	}
	if got, _ := m.Get("HtmlBody"); got != "alt html" {
		t.Errorf("HtmlBody = %q", got)
	}
	var got []string
	for _, a := range m.Attachments() {
		d, _ := a.Data()
		got = append(got, string(d))
	}
	if strings.Join(got, ",") != "intro,file,named" {
		t.Errorf("attachments %q", got)
	}
}

func TestParseLimits(t *testing.T) {
	deep := strings.Builder{}
	for i := 0; i < 40; i++ {
		deep.WriteString("Content-Type: multipart/mixed; boundary=b" + formatDepth(i) + "\r\n\r\n--b" + formatDepth(i) + "\r\n")
	}
	deep.WriteString("\r\ninnermost\r\n")
	m := parseString(t, deep.String())
	if d := depth(m.root); d > maxDepth+1 {
		t.Errorf("nesting depth %d", d)
	}

	tests := []struct{ name, msg string }{
		{"header block too large", "Subject: " + strings.Repeat("x", maxHeaderBytes) + "\r\n\r\n"},
		{"folded header too large", "Subject: x\r\n" + strings.Repeat(" "+strings.Repeat("y", 1000)+"\r\n", 1100) + "\r\n"},
		{"too many fields", strings.Repeat("X-A: b\r\n", maxFields+1) + "\r\n"},
		{"too many parts", "Content-Type: multipart/mixed; boundary=b\r\n\r\n" + strings.Repeat("--b\r\n\r\n", maxParts+1)},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.msg))
		if errs.KindOf(err) != errs.Parse {
			t.Errorf("%s: err = %v, want errs.Parse", tt.name, err)
		}
	}
}

func formatDepth(i int) string { return string(rune('a'+i%26)) + string(rune('a'+i/26)) }

func depth(p *part) int {
	d := 0
	for _, k := range p.kids {
		d = max(d, depth(k))
	}
	return d + 1
}

// failingReader fails after its data.
type failingReader struct{ r io.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, io.ErrClosedPipe
	}
	return n, err
}

func TestParseReadError(t *testing.T) {
	_, err := Parse(failingReader{strings.NewReader("Subject: x\r\n\r\nbody")})
	if err == nil {
		t.Error("read error not reported")
	}
}

func TestNeeds8BitMIME(t *testing.T) {
	m := fixed(t)
	must(t, m.Set("TextBody", "Grüße"))
	if m.Needs8BitMIME() {
		t.Error("composed message needs 8BITMIME")
	}
	p := parseString(t, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n")
	if !p.Needs8BitMIME() {
		t.Error("8bit part not detected")
	}
	if out := render(t, p); !strings.Contains(out, "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n") {
		t.Errorf("8bit part re-rendered as %q", out)
	}
	if parseString(t, "Content-Transfer-Encoding: 8bit\r\n\r\nascii\r\n").Needs8BitMIME() {
		t.Error("ASCII labelled 8bit needs 8BITMIME")
	}
}

func TestParsedThenChanged(t *testing.T) {
	f, err := os.Open("testdata/corpus/related.eml")
	must(t, err)
	defer f.Close()
	m, err := Parse(f)
	must(t, err)
	defer m.Close()
	must(t, m.Set("Subject", "Changed"))
	must(t, m.Set("TextBody", "New text"))
	must(t, m.AttachData([]byte("more"), "more.txt", ""))
	p := reparse(t, m)
	if got := shape(p.root); got != "mixed(related(alternative(text/plain,text/html),image/png),application/pdf,text/plain)" {
		t.Errorf("structure %s", got)
	}
	if s, _ := p.Get("Subject"); s != "Changed" {
		t.Errorf("Subject %q", s)
	}
	if s, _ := p.Get("TextBody"); s != "New text" {
		t.Errorf("TextBody %q", s)
	}
}

func TestSafeFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{"..\\..\\windows\\system32\\cmd.exe", "cmd.exe"},
		{"/abs/path.txt", "path.txt"},
		{"..", "attachment"},
		{"", "attachment"},
		{"a\r\nb.txt", "a__b.txt"},
		{"con.txt", "_con.txt"},
		{"LPT1", "_LPT1"},
		{"what?<>:*|\".txt", "what_______.txt"},
		{" .hidden. ", "hidden"},
		{"日本語.doc", "日本語.doc"},
		{"bad\xffutf8", "bad_utf8"},
	}
	for _, tt := range tests {
		if got := SafeFileName(tt.in); got != tt.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAttachmentSave(t *testing.T) {
	dir := t.TempDir()
	a := &Attachment{name: "../../escape.txt", src: memSource("content")}
	must(t, a.Save(dir))
	got, err := os.ReadFile(filepath.Join(dir, "escape.txt"))
	if err != nil || string(got) != "content" {
		t.Errorf("saved %q, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "..", "..", "escape.txt")); err == nil {
		t.Error("Save followed the name outside the directory")
	}
	file := filepath.Join(dir, "explicit.bin")
	must(t, a.Save(file))
	if got, _ := os.ReadFile(file); string(got) != "content" {
		t.Errorf("saved %q", got)
	}
	if errs.KindOf(a.Save(filepath.Join(dir, "no", "such", "dir", "x"))) != errs.File {
		t.Error("Save into a missing directory is not errs.File")
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/corpus/*.eml")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParseBytes(t, data)
		m, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		defer m.Close()
		for _, k := range []string{"From", "To", "Subject", "TextBody", "HtmlBody"} {
			m.Get(k)
		}
		for _, a := range m.Attachments() {
			b, err := a.Data()
			a.Name()
			dst := make([]byte, max(a.Size(), 0))
			if err == nil && (a.CopyTo(dst) != nil || !bytes.Equal(dst, b)) {
				t.Fatal("CopyTo differs from Data")
			}
		}
		size, err := m.Size()
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		n, err := m.WriteTo(&out)
		if err != nil || n != size {
			t.Fatalf("WriteTo = %d, %v; Size = %d", n, err, size)
		}
		if m.Set("X-Changed", "yes") == nil {
			var out2 bytes.Buffer
			n, err = m.WriteTo(&out2)
			if size, _ := m.Size(); err != nil || n != size || !bytes.Contains(out2.Bytes(), []byte("X-Changed: yes\r\n")) {
				t.Fatalf("after a change: WriteTo = %d, %v; Size = %d", n, err, size)
			}
		}
		again, err := Parse(&out)
		if err != nil {
			t.Fatalf("rendered message does not parse: %v", err)
		}
		again.Close()
	})
}

func TestSaveLoad(t *testing.T) {
	m := fixed(t)
	must(t, m.Set("Subject", "Saved ü"))
	must(t, m.AttachData([]byte("abc"), "a.txt", ""))
	path := filepath.Join(t.TempDir(), "m.eml")
	must(t, m.Save(path))
	p, err := Load(path)
	must(t, err)
	defer p.Close()
	if s, _ := p.Get("Subject"); s != "Saved ü" {
		t.Errorf("Subject %q", s)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.eml")); errs.KindOf(err) != errs.File {
		t.Errorf("Load of a missing file: %v", err)
	}
	if err := m.Save(filepath.Join(t.TempDir(), "no", "dir", "m.eml")); errs.KindOf(err) != errs.File {
		t.Errorf("Save into a missing directory: %v", err)
	}
	if got, _ := parseString(t, "Cc: undisclosed-recipients:;\r\n\r\n").Get("Cc"); got != "undisclosed-recipients:;" {
		t.Errorf("empty group read as %q", got)
	}
}

func TestParseHostileLinear(t *testing.T) {
	// Many unterminated encoded words: the decoder must not rescan the rest
	// of the header for each of them.
	subject := strings.Repeat("=?utf-8?q?"+strings.Repeat("x", 50), 15000)
	m := parseString(t, "Subject: "+subject+"\r\n\r\n")
	if got, _ := m.Get("Subject"); got != subject {
		t.Error("unterminated encoded words changed")
	}
	// Header blocks in many parts add up to a bound.
	var b strings.Builder
	b.WriteString("Content-Type: multipart/mixed; boundary=b\r\n\r\n")
	part := "--b\r\n" + strings.Repeat("X-Pad: "+strings.Repeat("p", 990)+"\r\n", 1000) + "\r\nx\r\n"
	for i := 0; i < 20; i++ {
		b.WriteString(part)
	}
	if _, err := Parse(strings.NewReader(b.String())); errs.KindOf(err) != errs.Parse {
		t.Errorf("20 MB of part headers: %v", err)
	}
	// Stray lines, each read ahead of once, and addresses without commas,
	// where each bare address looks for an angle-addr after it.
	stray := strings.Repeat("junk line\r\nX-A: b\r\n", 9000)
	from := strings.Repeat("a@b.example ", 30000)
	m = parseString(t, "Subject: x\r\n"+stray+"From: "+from+"<c@d.example>\r\nTo: "+from+"\r\n\r\nbody")
	if got, _ := m.Get("From"); got != strings.TrimSpace(from)+" <c@d.example>" {
		t.Error("an ambiguous From was read as an address")
	}
	if got, _ := m.Get("To"); got != "a@b.example" {
		t.Errorf("To = %.40q", got)
	}
}

// TestParseFromWithoutComma reads a sender from a From that lacks the
// comma between its mailboxes, and no sender from one that is ambiguous.
func TestParseFromWithoutComma(t *testing.T) {
	tests := []struct{ from, get, envelope string }{
		{"Ann Lee <ann@one.example> Bob Roe <bob@two.example>", "Ann Lee <ann@one.example>", "ann@one.example"},
		{"ann@one.example bob@two.example", "ann@one.example", "ann@one.example"},
		{"Mail Delivery Subsystem <>", "Mail Delivery Subsystem <>", ""},
		{"John Doe <jdoe@machine(comment).  example>", "John Doe <jdoe@machine.example>", "jdoe@machine.example"},
		{"victim@good.example <attacker@evil.example>", "victim@good.example <attacker@evil.example>", ""},
		{"a@evil.example@good.example", "a@evil.example@good.example", ""},
	}
	for _, tt := range tests {
		m := parseString(t, "From: "+tt.from+"\r\nTo: c@three.example d@four.example\r\nCc: <>, e@five.example\r\n\r\nbody\r\n")
		if got, _ := m.Get("From"); got != tt.get {
			t.Errorf("From: %s: Get = %q, want %q", tt.from, got, tt.get)
		}
		if got := m.EnvelopeFrom(); got != tt.envelope {
			t.Errorf("From: %s: EnvelopeFrom = %q, want %q", tt.from, got, tt.envelope)
		}
		if got := strings.Join(m.Recipients(), ","); got != "c@three.example,e@five.example" {
			t.Errorf("Recipients = %q", got)
		}
	}
}

// TestParsePreambleOnly reads a multipart whose declared boundary never
// comes as all preamble: no part, an empty text, even when the lines look
// like parts under another boundary or the delimiters of an outer one.
func TestParsePreambleOnly(t *testing.T) {
	tests := []struct{ name, msg, shape, text string }{
		{"other boundary", "Content-Type: multipart/mixed; boundary=\"declared\"\r\n\r\n" +
			"--other\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n" +
			"--other\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\n%PDF\r\n--other--\r\n", "text/plain", ""},
		{"boundary with a suffix", "Content-Type: multipart/mixed; boundary=b_\r\n\r\n--b\r\n\r\none\r\n--b--\r\n", "text/plain", ""},
		{"close delimiter only", "Content-Type: multipart/mixed; boundary=b\r\n\r\npreamble\r\n--b--\r\nepilogue\r\n", "text/plain", ""},
		{"inner boundary never comes", "Content-Type: multipart/mixed; boundary=o\r\n\r\n" +
			"--o\r\nContent-Type: text/plain\r\n\r\nouter text\r\n" +
			"--o\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n--x\r\nContent-Type: text/html\r\n\r\n<p>\r\n" +
			"--o--\r\n", "mixed(text/plain,text/plain)", "outer text"},
	}
	for _, tt := range tests {
		m := parseString(t, tt.msg)
		if got := shape(m.root); got != tt.shape {
			t.Errorf("%s: structure %s, want %s", tt.name, got, tt.shape)
		}
		if got, _ := m.Get("TextBody"); got != tt.text {
			t.Errorf("%s: TextBody = %q, want %q", tt.name, got, tt.text)
		}
		if got, _ := m.Get("HtmlBody"); got != "" {
			t.Errorf("%s: HtmlBody = %q", tt.name, got)
		}
		for _, a := range m.Attachments() {
			if a.Size() != 0 {
				t.Errorf("%s: attachment %s of %d bytes", tt.name, a.ContentType(), a.Size())
			}
		}
	}
}

// TestParseSkipsBlankParts drops the parts between two delimiters in a
// row: they have no header field and no content.
func TestParseSkipsBlankParts(t *testing.T) {
	m := parseString(t, "Content-Type: multipart/mixed; boundary=b\r\n\r\n"+
		"--b\r\nContent-Type: text/x-one\r\n\r\none\r\n--b\r\n--b\r\n--b\r\n"+
		"Content-Type: text/plain\r\n\r\n\r\n--b\r\n\r\n\r\n--b\r\n\r\nno header\r\n--b--\r\n")
	if got := shape(m.root); got != "mixed(text/x-one,text/plain,text/plain)" {
		t.Errorf("structure %s", got)
	}
	if got, _ := m.Get("TextBody"); got != "" {
		t.Errorf("TextBody = %q", got)
	}
}

// TestParseNamedTextBody reads a text part that carries a file name but is
// not marked "attachment" as the body where a reader shows it as the
// message, and as an attachment elsewhere.
func TestParseNamedTextBody(t *testing.T) {
	tests := []struct{ name, msg, text, html, atts string }{
		{"single html with name", "Content-Type: text/html; name=page.html\r\n\r\n<p>hi</p>\r\n", "", "<p>hi</p>\r\n", ""},
		{"single text with name", "Content-Type: text/plain; name=\"notes.txt\"\r\n\r\nhi\r\n", "hi\r\n", "", ""},
		{"single text, inline filename", "Content-Type: text/plain\r\nContent-Disposition: inline; filename=a.txt\r\n\r\nhi", "hi", "", ""},
		{"single text marked attachment", "Content-Type: text/plain; name=a.txt\r\nContent-Disposition: attachment\r\n\r\nhi", "", "", "a.txt"},
		{"two inline named text parts", "Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\nContent-Disposition: inline; filename=\"one.txt\"\r\n\r\nfirst\r\n" +
			"--b\r\nContent-Type: text/plain\r\nContent-Disposition: inline; filename=\"two.txt\"\r\n\r\nsecond\r\n--b--\r\n",
			"first", "", "two.txt"},
		{"named text after an html body", "Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/html\r\n\r\n<p>body</p>\r\n" +
			"--b\r\nContent-Type: text/plain; name=log.txt\r\n\r\nlog\r\n--b--\r\n",
			"", "<p>body</p>", "log.txt"},
		{"named alternatives", "Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain; name=a.txt\r\n\r\nplain\r\n" +
			"--b\r\nContent-Type: text/html; name=a.html\r\n\r\n<p>html</p>\r\n--b--\r\n",
			"plain", "<p>html</p>", ""},
	}
	for _, tt := range tests {
		m := parseString(t, tt.msg)
		text, _ := m.Get("TextBody")
		html, _ := m.Get("HtmlBody")
		var names []string
		for _, a := range m.Attachments() {
			names = append(names, a.Name())
		}
		if text != tt.text || html != tt.html || strings.Join(names, ",") != tt.atts {
			t.Errorf("%s: TextBody %q, HtmlBody %q, attachments %q; want %q, %q, %q",
				tt.name, text, html, names, tt.text, tt.html, tt.atts)
		}
	}
}

// TestParseUnquotedEncodedName reads a file name written as encoded words
// without the quotes.
func TestParseUnquotedEncodedName(t *testing.T) {
	m := parseString(t, "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\ntext\r\n"+
		"--b\r\nContent-Type: application/octet-stream; name==?utf-8?B?0J7RgtGH0ZHRgi50eHQ=?=\r\n\r\ndata\r\n--b--\r\n")
	if a := m.Attachments(); len(a) != 1 || a[0].Name() != "Отчёт.txt" {
		t.Errorf("attachments %v", a)
	}
}

// TestParseStrayHeaderLines reads header blocks with lines that neither
// start nor continue a field.
func TestParseStrayHeaderLines(t *testing.T) {
	tests := []struct{ name, msg, subject, text string }{
		{"indented first line", " X-Junk: y\r\nSubject: hi\r\n\r\nbody\r\n", "hi", "body\r\n"},
		{"indented first line without a field", "  (continued)\r\nSubject: hi\r\n\r\nbody\r\n", "hi", "body\r\n"},
		{"white space first line", " \r\nSubject: hi\r\n\r\nbody\r\n", "hi", "body\r\n"},
		{"indented first field", "  Subject: hi\r\nFrom: a@b.example\r\n\r\nbody\r\n", "hi", "body\r\n"},
		{"indented text, no header", "   Dear Ann,\r\nthank you.\r\n\r\nBob\r\n", "", "   Dear Ann,\r\nthank you.\r\n\r\nBob\r\n"},
		{"indented line alone", " just this", "", " just this"},
		{"indented line, then the empty line", " x\r\n\r\nbody", "", " x\r\n\r\nbody"},
		{"no empty line after the header", "Subject: hi\r\nthe body starts here\r\nand goes on\r\n", "hi", "the body starts here\r\nand goes on\r\n"},
		{"no empty line, one body line", "Subject: hi\r\nthe body\r\n", "hi", "the body\r\n"},
		{"no empty line, no final newline", "Subject: hi\r\nthe body", "hi", "the body"},
		{"junk between fields", "Subject: hi\r\nbroken fold\r\nFrom: a@b.example\r\n\r\nbody", "hi", "body"},
		{"junk before the empty line", "Subject: hi\r\nbroken fold\r\n\r\nbody", "hi", "body"},
	}
	for _, tt := range tests {
		m := parseString(t, tt.msg)
		subject, _ := m.Get("Subject")
		text, _ := m.Get("TextBody")
		if subject != tt.subject || text != tt.text {
			t.Errorf("%s: Subject %q, TextBody %q; want %q, %q", tt.name, subject, text, tt.subject, tt.text)
		}
	}
	m := parseString(t, "  Subject: hi\r\nFrom: a@b.example\r\n\r\nbody\r\n")
	if from, _ := m.Get("From"); from != "a@b.example" {
		t.Errorf("From = %q after an indented first field", from)
	}
}

// TestParseBase64OnlyText keeps base64 decoding for parts that are not
// text, whatever their content.
func TestParseBase64OnlyText(t *testing.T) {
	m := parseString(t, "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nbody\r\n"+
		"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nnot base64!\r\n--b--\r\n")
	a := m.Attachments()
	if len(a) != 1 {
		t.Fatalf("%d attachments", len(a))
	}
	if d, _ := a[0].Data(); string(d) == "not base64!" {
		t.Errorf("an application part was read as text")
	}
}

// checkParseBytes checks that ParseBytes, which may keep slices of its
// input, gives what Parse gives: the same error, the same rendering and
// text body, and that the input is left as it was.
func checkParseBytes(t *testing.T, data []byte) {
	t.Helper()
	in := bytes.Clone(data)
	want, werr := Parse(bytes.NewReader(data))
	got, gerr := ParseBytes(in)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("Parse: %v; ParseBytes: %v", werr, gerr)
	}
	if werr != nil {
		return
	}
	defer want.Close()
	defer got.Close()
	ws, werr := want.Size()
	gs, gerr := got.Size()
	if ws != gs || (werr == nil) != (gerr == nil) {
		t.Fatalf("ParseBytes gives a size of %d (%v), Parse %d (%v)", gs, gerr, ws, werr)
	}
	wa, ga := want.Attachments(), got.Attachments()
	if len(wa) != len(ga) {
		t.Fatalf("ParseBytes gives %d attachments, Parse %d", len(ga), len(wa))
	}
	for i := range wa {
		w, _ := wa[i].Data()
		g, _ := ga[i].Data()
		if !bytes.Equal(w, g) {
			t.Fatalf("attachment %d differs", i)
		}
	}
	for _, k := range []string{"TextBody", "HtmlBody", "Subject"} {
		w, _ := want.Get(k)
		g, _ := got.Get(k)
		if w != g {
			t.Fatalf("ParseBytes gives %s %q, Parse %q", k, g, w)
		}
	}
	if got.Set("TextBody", "changed") == nil {
		var c bytes.Buffer
		got.WriteTo(&c)
	}
	if !bytes.Equal(in, data) {
		t.Fatalf("ParseBytes or a change after it wrote into its input")
	}
}

// TestParseBytes checks ParseBytes against Parse on the corpus and on line
// ends that keep it from borrowing (bare LF, bare CR, no final line break,
// a line longer than the read buffer).
func TestParseBytes(t *testing.T) {
	files, _ := filepath.Glob("testdata/corpus/*.eml")
	long := strings.Repeat("x", 100<<10)
	inputs := []string{
		"Subject: a\r\n\r\nline one\r\nline two\r\n",
		"Subject: a\r\n\r\nline one\r\nline two",
		"Subject: a\n\nline one\nline two\n",
		"Subject: a\r\n\r\nline one\r\nbare\nlf\r\nand\rcr\r\n",
		"Subject: a\r\n\r\n" + long + "\r\n" + long + "\r" + "\n" + long,
		"Subject: a\r\n\r\n" + strings.Repeat("ok line\r\n", 20000) + "bare\n" + strings.Repeat("ok line\r\n", 20000),
		"Subject: a\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db\r\n",
		"Subject: a\r\n\r\n" + strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345\r\n", 30000),
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n",
		"",
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(b))
	}
	for i, in := range inputs {
		t.Run(strconv.Itoa(i), func(t *testing.T) { checkParseBytes(t, []byte(in)) })
	}
}
