package mime

import (
	"bytes"
	"encoding/base64"
	"io"
	stdmime "mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
)

// benchMessage is a typical message: text and HTML alternatives and a
// 1 MB attachment.
func benchMessage(b *testing.B) []byte {
	m := fixed(b)
	must(b, m.Set("Subject", "Ünïcödé subject for the benchmark"))
	must(b, m.Set("TextBody", strings.Repeat("Some text that is mostly ASCII, ünïcödé.\r\n", 200)))
	must(b, m.Set("HtmlBody", "<p>"+strings.Repeat("Some HTML that is mostly ASCII, ünïcödé.<br>\r\n", 200)+"</p>"))
	must(b, m.AttachData(randomBytes(1<<20), "a.bin", ""))
	var raw bytes.Buffer
	m.WriteTo(&raw)
	return raw.Bytes()
}

func BenchmarkParseTypical(b *testing.B) {
	raw := benchMessage(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := Parse(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		m.Get("Subject")
		m.Get("TextBody")
		for _, a := range m.Attachments() {
			r, _ := a.Open()
			io.Copy(io.Discard, r)
			r.Close()
		}
		m.Close()
	}
}

// BenchmarkParseTypicalStdlib does the same work with net/mail and
// mime/multipart, for comparison.
func BenchmarkParseTypicalStdlib(b *testing.B) {
	raw := benchMessage(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		new(stdmime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		_, params, _ := stdmime.ParseMediaType(msg.Header.Get("Content-Type"))
		stdWalk(b, multipart.NewReader(msg.Body, params["boundary"]))
	}
}

func stdWalk(b *testing.B, mr *multipart.Reader) {
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			return
		}
		mt, params, _ := stdmime.ParseMediaType(p.Header.Get("Content-Type"))
		if strings.HasPrefix(mt, "multipart/") {
			stdWalk(b, multipart.NewReader(p, params["boundary"]))
			continue
		}
		var r io.Reader = p
		switch strings.ToLower(p.Header.Get("Content-Transfer-Encoding")) {
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, p)
		case "quoted-printable":
			r = quotedprintable.NewReader(p)
		}
		io.Copy(io.Discard, r)
	}
}

func BenchmarkWriteToTypical(b *testing.B) {
	m := fixed(b)
	must(b, m.Set("TextBody", strings.Repeat("Some text that is mostly ASCII, ünïcödé.\r\n", 200)))
	must(b, m.AttachData(randomBytes(1<<20), "a.bin", ""))
	n, _ := m.Size()
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		m.WriteTo(io.Discard)
	}
}
