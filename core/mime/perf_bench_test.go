package mime

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sendMessage is a 2 KB text message as a send loop builds it.
func sendMessage(b *testing.B) *Message {
	m := New()
	must(b, m.Set("From", "Bench Sender <sender@bench.test>"))
	must(b, m.Set("To", "rcpt@sink.test"))
	must(b, m.Set("Subject", "Benchmark message"))
	must(b, m.Set("TextBody", strings.Repeat("the quick brown fox jumps over the lazy dog, mail message server\r\n", 30)))
	return m
}

// BenchmarkSendPath does per send what the SMTP client asks of a message:
// Size, Needs8BitMIME, NeedsSMTPUTF8, the envelope, then one WriteTo into
// the connection's buffered writer.
func BenchmarkSendPath(b *testing.B) {
	m := sendMessage(b)
	bw := bufio.NewWriterSize(io.Discard, 4096)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Size(); err != nil {
			b.Fatal(err)
		}
		m.Needs8BitMIME()
		m.NeedsSMTPUTF8()
		m.EnvelopeFrom()
		m.Recipients()
		if _, err := m.WriteTo(bw); err != nil {
			b.Fatal(err)
		}
	}
}

// corpusDir is the benchmark corpus that bench/run.sh generates.
const corpusDir = "../../bench/out/corpus-200"

// BenchmarkParseCorpus parses the generated corpus and decodes every part,
// as the mime_parse workload of bench/run.sh does.
func BenchmarkParseCorpus(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if len(files) == 0 {
		b.Skip("no corpus; bench/run.sh writes it")
	}
	var raws [][]byte
	var total int64
	for _, f := range files {
		raw, err := os.ReadFile(f)
		must(b, err)
		raws = append(raws, raw)
		total += int64(len(raw))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, raw := range raws {
			m, err := Parse(bytes.NewReader(raw))
			if err != nil {
				b.Fatal(err)
			}
			decodeAll(m)
			m.Close()
		}
	}
}

func decodeAll(m *Message) {
	for _, k := range []string{"Subject", "To", "TextBody", "HtmlBody"} {
		m.Get(k)
	}
	for _, a := range m.Attachments() {
		a.Data()
	}
}

// BenchmarkSendPathChanged is BenchmarkSendPath with a header set before
// each send, so that every send renders the message anew.
func BenchmarkSendPathChanged(b *testing.B) {
	m := sendMessage(b)
	bw := bufio.NewWriterSize(io.Discard, 4096)
	b.ReportAllocs()
	for b.Loop() {
		must(b, m.Set("X-Seq", "1"))
		if _, err := m.Size(); err != nil {
			b.Fatal(err)
		}
		m.Needs8BitMIME()
		m.NeedsSMTPUTF8()
		m.EnvelopeFrom()
		m.Recipients()
		if _, err := m.WriteTo(bw); err != nil {
			b.Fatal(err)
		}
	}
}
