package mime

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func renderChecked(t *testing.T, m *Message) string {
	t.Helper()
	var b bytes.Buffer
	n, err := m.WriteTo(&b)
	must(t, err)
	size, err := m.Size()
	must(t, err)
	if n != int64(b.Len()) || size != n {
		t.Fatalf("WriteTo returned %d, wrote %d, Size() = %d", n, b.Len(), size)
	}
	return b.String()
}

// TestRenderCacheChanges checks that every change after a render shows in
// the next render and in Size.
func TestRenderCacheChanges(t *testing.T) {
	big := strings.Repeat("x", maxCachedSource+1)
	cases := []struct {
		name   string
		change func(m *Message) error
		want   string
	}{
		{"subject", func(m *Message) error { return m.Set("Subject", "Second") }, "Subject: Second\r\n"},
		{"text body", func(m *Message) error { return m.Set("TextBody", "changed text") }, "\r\n\r\nchanged text"},
		{"html body", func(m *Message) error { return m.Set("HtmlBody", "<p>html</p>") }, "<p>html</p>"},
		{"to", func(m *Message) error { return m.AddTo("carol@example.net") }, "carol@example.net"},
		{"cc", func(m *Message) error { return m.AddCc("dave@example.net") }, "Cc: dave@example.net"},
		{"priority", func(m *Message) error { return m.Set("Priority", "high") }, "X-Priority: 1 (Highest)"},
		{"attachment", func(m *Message) error { return m.AttachData([]byte("zz"), "z.txt", "") }, "filename=\"z.txt\""},
		{"large attachment", func(m *Message) error { return m.AttachData([]byte(big), "big.bin", "") }, "eHh4eHh4"},
		{"removed header", func(m *Message) error { return m.Set("Subject", "") }, "From: Alice"},
	}
	for _, c := range cases {
		m := fixed(t)
		must(t, m.Set("Subject", "First"))
		must(t, m.Set("TextBody", "first text"))
		first := renderChecked(t, m)
		if renderChecked(t, m) != first {
			t.Errorf("%s: two renders of an unchanged message differ", c.name)
		}
		must(t, c.change(m))
		second := renderChecked(t, m)
		if !strings.Contains(second, c.want) || second == first {
			t.Errorf("%s: render after the change lacks %q:\n%s", c.name, c.want, second[:min(len(second), 600)])
		}
		if c.name == "removed header" && strings.Contains(second, "Subject:") {
			t.Errorf("%s: Subject still written", c.name)
		}
	}
}

// TestRenderCacheBoundaries checks that an unchanged multipart message
// renders the same twice, large or small.
func TestRenderCacheBoundaries(t *testing.T) {
	for _, size := range []int{10, maxCachedSource + 10} {
		m := fixed(t)
		must(t, m.Set("TextBody", "text"))
		must(t, m.AttachData(bytes.Repeat([]byte{0xfe}, size), "a.bin", ""))
		if a, b := renderChecked(t, m), renderChecked(t, m); a != b {
			t.Errorf("size %d: renders differ", size)
		}
	}
}

// TestRenderCacheFile checks that a file attachment is read anew on each
// render: its content is not kept.
func TestRenderCacheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.txt")
	must(t, os.WriteFile(path, []byte("one"), 0o600))
	m := fixed(t)
	must(t, m.AttachFile(path, "", ""))
	if !strings.Contains(renderChecked(t, m), "b25l") {
		t.Fatal("first render lacks the file")
	}
	must(t, os.WriteFile(path, []byte("second"), 0o600))
	if !strings.Contains(renderChecked(t, m), "c2Vjb25k") {
		t.Error("second render lacks the new file content")
	}
}

// TestRenderBufioWriter checks that a *bufio.Writer is written to
// directly, unflushed, with the same bytes.
func TestRenderBufioWriter(t *testing.T) {
	for _, size := range []int{10, maxCachedSource + 10} {
		m := fixed(t)
		must(t, m.AttachData(bytes.Repeat([]byte{'a'}, size), "a.bin", ""))
		want := renderChecked(t, m)
		var b bytes.Buffer
		bw := bufio.NewWriterSize(&b, 16)
		n, err := m.WriteTo(bw)
		must(t, err)
		must(t, bw.Flush())
		if b.String() != want || n != int64(len(want)) {
			t.Errorf("size %d: through bufio %d bytes, want %d", size, b.Len(), len(want))
		}
	}
}

// TestEnvelopeChanges checks the envelope after address changes.
func TestEnvelopeChanges(t *testing.T) {
	m := fixed(t)
	if got := strings.Join(m.Recipients(), ","); got != "bob@example.org" || m.EnvelopeFrom() != "alice@example.com" || m.NeedsSMTPUTF8() {
		t.Fatalf("first envelope %q %q", got, m.EnvelopeFrom())
	}
	m.Recipients()[0] = "mallory@example.org"
	must(t, m.AddBcc("Bob@example.org, éva@example.org"))
	must(t, m.Set("Sender", "s@example.com"))
	if got := strings.Join(m.Recipients(), ","); got != "bob@example.org,éva@example.org" {
		t.Errorf("recipients %q", got)
	}
	if m.EnvelopeFrom() != "s@example.com" || !m.NeedsSMTPUTF8() {
		t.Errorf("from %q, SMTPUTF8 %v", m.EnvelopeFrom(), m.NeedsSMTPUTF8())
	}
	must(t, m.Set("Bcc", ""))
	if m.NeedsSMTPUTF8() || len(m.Recipients()) != 1 {
		t.Errorf("after removing Bcc: %q, SMTPUTF8 %v", m.Recipients(), m.NeedsSMTPUTF8())
	}
}

// TestAttachmentCopyTo checks CopyTo on content in memory and in a
// spooled file, and its refusal of a wrong length.
func TestAttachmentCopyTo(t *testing.T) {
	for _, size := range []int{0, 5, memPart + 100} {
		data := bytes.Repeat([]byte("0123456789"), size/10+1)[:size]
		m := fixed(t)
		must(t, m.Set("TextBody", "t"))
		must(t, m.AttachData(data, "d.bin", ""))
		p, err := Parse(strings.NewReader(renderChecked(t, m)))
		must(t, err)
		a := p.Attachments()[0]
		dst := make([]byte, a.Size())
		must(t, a.CopyTo(dst))
		if !bytes.Equal(dst, data) {
			t.Errorf("size %d: CopyTo gave %d bytes, not the content", size, len(dst))
		}
		if err := a.CopyTo(make([]byte, size+1)); err == nil {
			t.Errorf("size %d: CopyTo into a longer buffer succeeded", size)
		}
		if size > 0 {
			if err := a.CopyTo(make([]byte, size-1)); err == nil {
				t.Errorf("size %d: CopyTo into a shorter buffer succeeded", size)
			}
		}
		p.Close()
	}
}

// TestEncodersMemoryAndFile checks that content in memory and the same
// content read from a file render to the same bytes, for base64 and
// quoted-printable, around the encoders' block sizes.
func TestEncodersMemoryAndFile(t *testing.T) {
	dir := t.TempDir()
	block := b64Row * b64Rows
	for _, size := range []int{0, 1, 56, 57, 58, block - 1, block, block + 1, 3*block + 7} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i*7 + i/5)
		}
		path := filepath.Join(dir, "f.bin")
		must(t, os.WriteFile(path, data, 0o600))
		for _, enc := range []int{encBase64, encQP} {
			var mem, file bytes.Buffer
			(&node{enc: enc, src: memSource(data)}).writeBody(&countWriter{w: &mem}, false)
			(&node{enc: enc, src: fileSource(path)}).writeBody(&countWriter{w: &file}, false)
			if !bytes.Equal(mem.Bytes(), file.Bytes()) && (enc == encBase64 || !bytes.Contains(data, []byte("\n"))) {
				t.Errorf("size %d, encoding %d: %d bytes from memory, %d from the file", size, enc, mem.Len(), file.Len())
			}
			if enc == encBase64 && int64(mem.Len()) != base64Len(int64(size)) {
				t.Errorf("size %d: base64 of %d bytes, want %d", size, mem.Len(), base64Len(int64(size)))
			}
		}
	}
}

// TestWireBytes checks that WireBytes is WriteTo's output for a small
// message in memory, follows changes, and is nil for a large one.
func TestWireBytes(t *testing.T) {
	m := fixed(t)
	must(t, m.Set("TextBody", "line one\nline two\r\n.leading dot"))
	raw := m.WireBytes()
	if raw == nil || string(raw) != renderChecked(t, m) {
		t.Fatalf("WireBytes differs from WriteTo:\n%q", raw)
	}
	must(t, m.Set("Subject", "changed"))
	if !bytes.Contains(m.WireBytes(), []byte("Subject: changed\r\n")) {
		t.Errorf("WireBytes does not follow a change")
	}
	must(t, m.AttachData(bytes.Repeat([]byte("x"), maxCachedSource+1), "big.bin", ""))
	if m.WireBytes() != nil {
		t.Errorf("WireBytes of a large message is not nil")
	}
}

func TestCRLFOnly(t *testing.T) {
	for in, want := range map[string]bool{
		"a\r\nb\r\n": true, "\r\n": true, "": false, "a\r\nb": false, "a\nb\r\n": false,
		"a\rb\r\n": false, "a\r\r\n": false, "\n\r\n": false, "a\r\n\r\n": true,
	} {
		if got := crlfOnly([]byte(in)); got != want {
			t.Errorf("crlfOnly(%q) = %v, want %v", in, got, want)
		}
	}
}
