package mime

import (
	"bytes"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// snapshot is what a round trip must keep.
type snapshot struct {
	fields map[string]string
	atts   []string
	data   [][]byte
}

func takeSnapshot(t testing.TB, m *Message) snapshot {
	t.Helper()
	s := snapshot{fields: map[string]string{}}
	for _, k := range []string{"From", "To", "Cc", "ReplyTo", "Subject", "Date", "MessageId", "TextBody", "HtmlBody", "X-Custom", "Priority"} {
		v, ok := m.Get(k)
		if ok {
			s.fields[k] = v
		}
	}
	for _, a := range m.Attachments() {
		s.atts = append(s.atts, strings.Join([]string{a.Name(), a.ContentType(), a.ContentID(), a.Disposition()}, "|"))
		d, err := a.Data()
		must(t, err)
		s.data = append(s.data, d)
	}
	return s
}

func compareSnapshots(t *testing.T, what string, got, want snapshot) {
	t.Helper()
	for k, v := range want.fields {
		if got.fields[k] != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got.fields[k], v)
		}
	}
	if len(got.fields) != len(want.fields) {
		t.Errorf("%s: fields %q, want %q", what, got.fields, want.fields)
	}
	if strings.Join(got.atts, "\n") != strings.Join(want.atts, "\n") {
		t.Errorf("%s: attachments\n%q\nwant\n%q", what, got.atts, want.atts)
	}
	for i := range want.data {
		if i < len(got.data) && !bytes.Equal(got.data[i], want.data[i]) {
			t.Errorf("%s: attachment %d data differs (%d vs %d bytes)", what, i, len(got.data[i]), len(want.data[i]))
		}
	}
}

func reparse(t testing.TB, m *Message) *Message {
	t.Helper()
	var b bytes.Buffer
	_, err := m.WriteTo(&b)
	must(t, err)
	p, err := Parse(&b)
	must(t, err)
	t.Cleanup(func() { p.Close() })
	return p
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestComposeParseRoundTrip(t *testing.T) {
	longLine := strings.Repeat("long line without any break ", 60)
	text := "Hello,\r\n.starts with a dot\r\nFrom the start\r\n" + longLine + "\r\ntrailing space \r\ntab\t\r\n\r\n"
	bodies := []struct{ text, html string }{
		{text, ""},
		{"", "<html><body><p>Grüße, 世界</p></body></html>"},
		{text + "Grüße", "<p>" + longLine + "</p>"},
		{"Привет, мир! Это почти полностью кириллический текст.", "<p>Привет</p>\r\n"},
		{"bare\nLF\rand CR\r\n", ""},
		{"x", "y"},
	}
	bin := randomBytes(200000)
	for i, b := range bodies {
		m := New()
		must(t, m.Set("From", "Jörg Müller <joerg@example.de>"))
		must(t, m.AddTo("\"Doe, Jane\" <jane@example.com>, 用户 <user@example.cn>"))
		must(t, m.AddCc("cc@example.com"))
		must(t, m.Set("ReplyTo", "reply@example.com"))
		must(t, m.Set("Subject", "Ünïcödé subject №"+strings.Repeat(" and more", 10)))
		must(t, m.Set("X-Custom", "value with ü"))
		must(t, m.Set("Priority", "low"))
		if b.text != "" {
			must(t, m.Set("TextBody", b.text))
		}
		if b.html != "" {
			must(t, m.Set("HtmlBody", b.html))
		}
		if i%2 == 0 {
			must(t, m.AttachData(bin, "данные отчёта за 2024 год с очень длинным названием.bin", ""))
			must(t, m.AttachFile(writeFile(t, "notes.txt", "line\r\nline\r\n"), "", ""))
			must(t, m.EmbedFile(writeFile(t, "logo.png", "\x89PNG\r\n\x1a\n"), "logo@x"))
			must(t, m.AttachData([]byte{}, "empty.dat", "application/x-empty"))
		}
		want := takeSnapshot(t, m)
		want.fields["TextBody"] = normalizeCRLF(want.fields["TextBody"])
		if want.fields["TextBody"] == "" {
			delete(want.fields, "TextBody")
		}
		p := reparse(t, m)
		want.fields["Date"], _ = m.Get("Date")
		want.fields["MessageId"], _ = m.Get("MessageId")
		got := takeSnapshot(t, p)
		compareSnapshots(t, "compose→parse", got, want)
		again := takeSnapshot(t, reparse(t, p))
		compareSnapshots(t, "parse→render→parse", again, got)
	}
}

func TestParseRenderStable(t *testing.T) {
	files, _ := filepath.Glob("testdata/corpus/*.eml")
	if len(files) == 0 {
		t.Fatal("no corpus")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		must(t, err)
		p1, err := Parse(bytes.NewReader(raw))
		must(t, err)
		size, err := p1.Size() // generates the missing Message-ID first
		must(t, err)
		s1 := takeSnapshot(t, p1)
		p2 := reparse(t, p1)
		s2 := takeSnapshot(t, p2)
		compareSnapshots(t, f, s2, s1)
		if shape(p2.root) != shape(p1.root) {
			t.Errorf("%s: structure %s became %s", f, shape(p1.root), shape(p2.root))
		}
		var a, b bytes.Buffer
		p2.WriteTo(&a)
		first := a.String()
		p3, err := Parse(&a)
		must(t, err)
		p3.WriteTo(&b)
		if stripBoundaries(first) != stripBoundaries(b.String()) {
			t.Errorf("%s: second render differs from the first:\n%s\n%s", f, first, b.String())
		}
		var c bytes.Buffer
		n, _ := p1.WriteTo(&c)
		if size != n {
			t.Errorf("%s: Size() = %d, WriteTo = %d", f, size, n)
		}
		p1.Close()
		p3.Close()
	}
}

// stripBoundaries removes the random boundaries from a rendered message.
func stripBoundaries(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "=_mw_")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i+5+24:]
	}
}

// zeroReader yields n zero bytes without holding them.
type zeroReader struct{ n int64 }

func (z *zeroReader) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), z.n)
	clear(p[:k])
	z.n -= k
	return int(k), nil
}

func bigFile(t testing.TB, size int64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "big.bin")
	f, err := os.Create(p)
	must(t, err)
	_, err = io.Copy(f, &zeroReader{size})
	must(t, err)
	must(t, f.Close())
	return p
}

func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestLargeAttachmentBoundedMemory(t *testing.T) {
	const size = 24 << 20
	m := fixed(t)
	must(t, m.AttachFile(bigFile(t, size), "big.bin", ""))
	var n int64
	alloc := allocated(func() {
		var err error
		n, err = m.WriteTo(io.Discard)
		must(t, err)
	})
	if alloc > 4<<20 {
		t.Errorf("rendering a %d-byte file allocated %d bytes", size, alloc)
	}
	if want, _ := m.Size(); n != want || n < base64Len(size) {
		t.Errorf("wrote %d bytes, Size() = %d", n, want)
	}
	// Parse it back through a pipe: the part is spooled, not held.
	pr, pw := io.Pipe()
	go func() { _, err := m.WriteTo(pw); pw.CloseWithError(err) }()
	var p *Message
	alloc = allocated(func() {
		var err error
		p, err = Parse(pr)
		must(t, err)
	})
	defer p.Close()
	if alloc > 8<<20 {
		t.Errorf("parsing a %d-byte attachment allocated %d bytes", size, alloc)
	}
	atts := p.Attachments()
	if len(atts) != 1 || atts[0].Size() != size {
		t.Fatalf("attachments %v", atts)
	}
	if len(p.spools) != 1 {
		t.Errorf("spool files %q", p.spools)
	}
	must(t, p.Close())
	if _, err := os.Stat(atts[0].src.(fileSource).path()); !os.IsNotExist(err) {
		t.Error("Close left the spool file")
	}
}

func BenchmarkWriteToLargeFile(b *testing.B) {
	const size = 16 << 20
	m := fixed(b)
	must(b, m.AttachFile(bigFile(b, size), "big.bin", ""))
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseLarge(b *testing.B) {
	m := fixed(b)
	must(b, m.Set("TextBody", strings.Repeat("Some text that is mostly ASCII, ünïcödé.\r\n", 2000)))
	must(b, m.AttachData(randomBytes(4<<20), "a.bin", ""))
	var raw bytes.Buffer
	m.WriteTo(&raw)
	b.SetBytes(int64(raw.Len()))
	b.ReportAllocs()
	for b.Loop() {
		p, err := Parse(bytes.NewReader(raw.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}
