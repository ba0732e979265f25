package main

import (
	"bufio"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
)

// lineWriter breaks base64 output into 76-column CRLF lines (RFC 2045
// section 6.8).
type lineWriter struct {
	w   io.Writer
	col int
}

func (l *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(76-l.col, len(p))
		if _, err := l.w.Write(p[:k]); err != nil {
			return 0, err
		}
		l.col += k
		p = p[k:]
		if l.col == 76 {
			if _, err := io.WriteString(l.w, "\r\n"); err != nil {
				return 0, err
			}
			l.col = 0
		}
	}
	return n, nil
}

// attach streams a multipart message with the file base64-encoded through
// net/smtp's DATA writer and returns megabytes of file per second.
func attach(addr, path string) (float64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, "", err
	}
	c, err := smtp.Dial(addr)
	if err != nil {
		return 0, "", err
	}
	defer c.Close()
	if err := c.Mail("sender@bench.test"); err != nil {
		return 0, "", err
	}
	if err := c.Rcpt("rcpt@sink.test"); err != nil {
		return 0, "", err
	}
	dw, err := c.Data()
	if err != nil {
		return 0, "", err
	}
	bw := bufio.NewWriterSize(dw, 64<<10)
	mw := multipart.NewWriter(bw)
	io.WriteString(bw, "From: <sender@bench.test>\r\nTo: <rcpt@sink.test>\r\nSubject: Attachment\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="+mw.Boundary()+"\r\n\r\n")
	tp, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}})
	io.WriteString(tp, "See the file.\r\n")
	ap, _ := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"application/octet-stream"},
		"Content-Disposition":       {`attachment; filename="blob.bin"`},
		"Content-Transfer-Encoding": {"base64"},
	})
	lw := &lineWriter{w: ap}
	enc := base64.NewEncoder(base64.StdEncoding, lw)
	if _, err := io.Copy(enc, f); err != nil {
		return 0, "", err
	}
	enc.Close()
	io.WriteString(ap, "\r\n")
	mw.Close()
	if err := bw.Flush(); err != nil {
		return 0, "", err
	}
	if err := dw.Close(); err != nil {
		return 0, "", err
	}
	return float64(st.Size()) / 1e6, "MB/s", c.Quit()
}

// parse reads every message of dir with net/mail, walks its MIME tree with
// mime/multipart and decodes each leaf's transfer encoding; it returns
// megabytes of input per second.
func parse(dir string) (float64, string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		return 0, "", err
	}
	var total int64
	dec := new(mime.WordDecoder)
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return 0, "", err
		}
		st, _ := f.Stat()
		total += st.Size()
		m, err := mail.ReadMessage(bufio.NewReaderSize(f, 64<<10))
		if err == nil {
			dec.DecodeHeader(m.Header.Get("Subject"))
			mail.ParseAddressList(m.Header.Get("To"))
			walk(textproto.MIMEHeader(m.Header), m.Body, 0)
		}
		f.Close()
	}
	return float64(total) / 1e6, "MB/s", nil
}

// walk decodes a part: multipart bodies recursively, leaves by their
// Content-Transfer-Encoding.
func walk(h textproto.MIMEHeader, body io.Reader, depth int) {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err == nil && strings.HasPrefix(mt, "multipart/") && depth < 10 {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err != nil {
				return
			}
			walk(p.Header, p, depth+1)
		}
	}
	var rd io.Reader = body
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		rd = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		rd = quotedprintable.NewReader(body)
	}
	io.Copy(io.Discard, rd)
}
