package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand"
	"mime/quotedprintable"
	"os"
	"path/filepath"
)

// charsets are the declared charsets of corpus text parts, with a sample
// of non-ASCII text already encoded in that charset.
var charsets = []struct{ name, sample string }{
	{"utf-8", "Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln \xe2\x82\xac"},
	{"iso-8859-1", "Gr\xfc\xdfe aus K\xf6ln"},
	{"windows-1252", "Gr\xfc\xdfe \x80 \x93quoted\x94"},
	{"koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4 \xcd\xc9\xd2"},
}

// sizeFactors spread message sizes around the mean (mean ~1).
var sizeFactors = []float64{0.05, 0.05, 0.05, 0.05, 0.05, 0.5, 0.5, 2, 2, 5}

// writeCorpus writes n messages totalling about total bytes into dir.
func writeCorpus(dir string, n int, total int64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(42))
	mean := float64(total) / float64(n)
	for i := 0; i < n; i++ {
		size := int(mean * sizeFactors[rng.Intn(len(sizeFactors))])
		msg := corpusMessage(rng, i, size)
		name := filepath.Join(dir, fmt.Sprintf("%04d.eml", i))
		if err := os.WriteFile(name, msg, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// corpusMessage renders message i of about size bytes: plain text, an
// alternative with HTML, or a mixed message with attachments.
func corpusMessage(rng *rand.Rand, i, size int) []byte {
	cs := charsets[rng.Intn(len(charsets))]
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: =?utf-8?q?J=C3=B6rg_Sender?= <s%d@corpus.test>\r\n", i)
	fmt.Fprintf(&b, "To: Reader <r%d@corpus.test>, other@corpus.test\r\n", i)
	fmt.Fprintf(&b, "Subject: =?utf-8?b?%s?= %d\r\n", base64.StdEncoding.EncodeToString([]byte("Bericht \xc3\xbcber")), i)
	fmt.Fprintf(&b, "Date: Mon, 30 Nov 2026 10:%02d:00 +0100\r\nMessage-ID: <c%d@corpus.test>\r\n", i%60, i)
	b.WriteString("Received: from a.corpus.test by b.corpus.test with ESMTPS id x1; Mon, 30 Nov 2026 10:00:00 +0100\r\n")
	b.WriteString("MIME-Version: 1.0\r\n")
	switch {
	case size < 20000 && i%2 == 0:
		textPart(&b, rng, cs.name, cs.sample, size)
	case size < 20000:
		fmt.Fprintf(&b, "Content-Type: multipart/alternative; boundary=\"alt%d\"\r\n\r\n", i)
		fmt.Fprintf(&b, "--alt%d\r\n", i)
		textPart(&b, rng, cs.name, cs.sample, size/2)
		fmt.Fprintf(&b, "--alt%d\r\n", i)
		htmlPart(&b, rng, size/2)
		fmt.Fprintf(&b, "--alt%d--\r\n", i)
	default:
		mixed(&b, rng, i, cs.name, cs.sample, size)
	}
	return b.Bytes()
}

// textPart writes a text/plain part, quoted-printable or base64.
func textPart(b *bytes.Buffer, rng *rand.Rand, cs, sample string, size int) {
	body := append([]byte(sample+"\r\n"), text(rng, size)...)
	if rng.Intn(2) == 0 {
		fmt.Fprintf(b, "Content-Type: text/plain; charset=%s\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", cs)
		w := quotedprintable.NewWriter(b)
		w.Write(body)
		w.Close()
		b.WriteString("\r\n")
		return
	}
	fmt.Fprintf(b, "Content-Type: text/plain; charset=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", cs)
	writeBase64Lines(b, bytes.NewReader(body))
}

// htmlPart writes a quoted-printable text/html part.
func htmlPart(b *bytes.Buffer, rng *rand.Rand, size int) {
	b.WriteString("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	w := quotedprintable.NewWriter(b)
	w.Write([]byte("<html><body><p style=\"color: #333\">"))
	w.Write(text(rng, size))
	w.Write([]byte("</p></body></html>"))
	w.Close()
	b.WriteString("\r\n")
}

// mixed writes a multipart/mixed body with a text part and attachments.
func mixed(b *bytes.Buffer, rng *rand.Rand, i int, cs, sample string, size int) {
	fmt.Fprintf(b, "Content-Type: multipart/mixed; boundary=\"mix%d\"\r\n\r\n", i)
	fmt.Fprintf(b, "--mix%d\r\n", i)
	textPart(b, rng, cs, sample, 2000)
	parts := 1 + rng.Intn(3)
	for p := 0; p < parts; p++ {
		raw := make([]byte, (size-4000)/parts*3/4)
		rng.Read(raw)
		fmt.Fprintf(b, "--mix%d\r\n", i)
		if p == 1 {
			b.WriteString("Content-Type: application/pdf; name*=utf-8''R%C3%A9sum%C3%A9.pdf\r\n")
			b.WriteString("Content-Disposition: attachment; filename*=utf-8''R%C3%A9sum%C3%A9.pdf\r\n")
		} else {
			fmt.Fprintf(b, "Content-Type: application/octet-stream; name=\"file%d.bin\"\r\n", p)
			fmt.Fprintf(b, "Content-Disposition: attachment; filename=\"file%d.bin\"\r\n", p)
		}
		b.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
		writeBase64Lines(b, bytes.NewReader(raw))
	}
	fmt.Fprintf(b, "--mix%d--\r\n", i)
}
