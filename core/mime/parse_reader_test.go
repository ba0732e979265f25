package mime

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

// TestParseReaders parses one message through each kind of reader Parse
// sets up differently: a large *bufio.Reader read as it is, a small one and
// a plain reader read through a pooled buffer.
func TestParseReaders(t *testing.T) {
	long := strings.Repeat("y", 70000)
	msg := "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none " + long +
		"\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>\r\n--b--\r\n"
	readers := []struct {
		name string
		r    func() io.Reader
	}{
		{"plain", func() io.Reader { return strings.NewReader(msg) }},
		{"bufio 64 KB", func() io.Reader { return bufio.NewReaderSize(strings.NewReader(msg), readBuffer) }},
		{"bufio 16 B", func() io.Reader { return bufio.NewReaderSize(strings.NewReader(msg), 16) }},
		{"one byte at a time", func() io.Reader { return &oneByte{strings.NewReader(msg)} }},
	}
	for _, rr := range readers {
		r := rr.r()
		m, err := Parse(r)
		if err != nil {
			t.Fatalf("%s: %v", rr.name, err)
		}
		got, _ := m.Get("TextBody")
		subj, _ := m.Get("Subject")
		m.Close()
		if got != "one "+long || subj != "x" {
			t.Errorf("%s: TextBody %d bytes %q..., Subject %q", rr.name, len(got), got[:min(len(got), 10)], subj)
		}
		if n, _ := io.ReadFull(r, make([]byte, 1)); n != 0 {
			t.Errorf("%s: input left unread", rr.name)
		}
	}
}

type oneByte struct{ r io.Reader }

func (o *oneByte) Read(p []byte) (int, error) { return o.r.Read(p[:min(len(p), 1)]) }
