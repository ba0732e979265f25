package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand"
	"os"
	"strings"
)

// words is the vocabulary of generated text bodies.
var words = strings.Fields(`the quick brown fox jumps over lazy dog mail
message server client pipeline chunk data report quarter invoice meeting
agenda schedule attached please find below regards thanks review draft`)

// text returns about n bytes of CRLF-terminated lines of at most 72 bytes.
func text(rng *rand.Rand, n int) []byte {
	var b bytes.Buffer
	line := 0
	for b.Len() < n {
		w := words[rng.Intn(len(words))]
		if line+len(w)+1 > 72 {
			b.WriteString("\r\n")
			line = 0
		}
		if line > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// smallMessage renders a plain text message of about size bytes.
func smallMessage(size int, rcpt string) []byte {
	rng := rand.New(rand.NewSource(1))
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Bench Sender <sender@bench.test>\r\nTo: <%s>\r\n", rcpt)
	b.WriteString("Subject: Benchmark message\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n")
	b.WriteString("Message-ID: <bench.1@bench.test>\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
	b.Write(text(rng, size-b.Len()-2))
	return b.Bytes()
}

// writeBlob writes size bytes of deterministic pseudo-random data.
func writeBlob(path string, size int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(7))
	w := bufio.NewWriterSize(f, 1<<20)
	if _, err := io.CopyN(w, rng, int64(size)); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeBase64Lines encodes r as base64 in 76-column CRLF lines (RFC 2045
// section 6.8).
func writeBase64Lines(w io.Writer, r io.Reader) error {
	in := make([]byte, 57*1024)
	out := make([]byte, 78*1024)
	for {
		n, err := io.ReadFull(r, in)
		if n > 0 {
			o := 0
			for i := 0; i < n; i += 57 {
				j := min(i+57, n)
				base64.StdEncoding.Encode(out[o:], in[i:j])
				o += base64.StdEncoding.EncodedLen(j - i)
				out[o], out[o+1] = '\r', '\n'
				o += 2
			}
			if _, werr := w.Write(out[:o]); werr != nil {
				return werr
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// attachHeader is the head of the 100 MB message, up to the attachment's
// base64 lines.
const attachHeader = "From: <sender@bench.test>\r\nTo: <rcpt@sink.test>\r\n" +
	"Subject: Attachment\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n" +
	"Message-ID: <bench.2@bench.test>\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
	"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the file.\r\n" +
	"--b1\r\nContent-Type: application/octet-stream; name=\"blob.bin\"\r\n" +
	"Content-Disposition: attachment; filename=\"blob.bin\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n\r\n"

// attachTrailer closes the multipart body.
const attachTrailer = "--b1--\r\n"

// writeAttachMessage renders the attachment message to out.
func writeAttachMessage(in, out string) error {
	src, err := os.Open(in)
	if err != nil {
		return err
	}
	defer src.Close()
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(attachHeader)
	if err := writeBase64Lines(w, src); err != nil {
		f.Close()
		return err
	}
	w.WriteString(attachTrailer)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
