package main

import (
	"bufio"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
)

// header is the head of the attachment message written before the data.
const header = "From: <sender@bench.test>\r\nTo: <rcpt@sink.test>\r\nSubject: Attachment\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n" +
	"Content-Transfer-Encoding: base64\r\n\r\n"

// startData opens a connection and leads it to the DATA phase.
func startData(addr string) (*conn, error) {
	c, err := dial(addr)
	if err != nil {
		return nil, err
	}
	if err := c.greet(); err != nil {
		c.c.Close()
		return nil, err
	}
	if _, err := io.WriteString(c.c, "MAIL FROM:<sender@bench.test>\r\nRCPT TO:<rcpt@sink.test>\r\nDATA\r\n"); err != nil {
		c.c.Close()
		return nil, err
	}
	if err := c.replies(2, '2'); err != nil {
		c.c.Close()
		return nil, err
	}
	return c, c.reply('3')
}

// endData ends the data and the session.
func endData(c *conn) error {
	if _, err := io.WriteString(c.c, ".\r\nQUIT\r\n"); err != nil {
		return err
	}
	return c.replies(2, '2')
}

// b64 encodes the file as base64 lines straight onto the socket and
// returns megabytes of the file per second.
func b64(addr, path string) (float64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, "", err
	}
	c, err := startData(addr)
	if err != nil {
		return 0, "", err
	}
	defer c.c.Close()
	io.WriteString(c.c, header)
	in := make([]byte, 57*2048)
	out := make([]byte, 78*2048)
	for {
		n, rerr := io.ReadFull(f, in)
		o := 0
		for i := 0; i < n; i += 57 {
			j := min(i+57, n)
			base64.StdEncoding.Encode(out[o:], in[i:j])
			o += base64.StdEncoding.EncodedLen(j - i)
			out[o], out[o+1] = '\r', '\n'
			o += 2
		}
		if _, err := c.c.Write(out[:o]); err != nil {
			return 0, "", err
		}
		if rerr != nil {
			break
		}
	}
	return float64(st.Size()) / 1e6, "MB/s", endData(c)
}

// sendfile writes a pre-built message with sendfile(2) (Go's TCPConn
// ReadFrom) and returns megabytes of attachment per second.
func sendfile(addr, path string, attachSize float64) (float64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	c, err := startData(addr)
	if err != nil {
		return 0, "", err
	}
	defer c.c.Close()
	if _, err := io.Copy(c.c, f); err != nil {
		return 0, "", err
	}
	return attachSize / 1e6, "MB/s", endData(c)
}

// readDir reads every file of dir and returns megabytes per second.
func readDir(dir string) (float64, string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		return 0, "", err
	}
	var total int64
	buf := make([]byte, 256<<10)
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			return 0, "", err
		}
		k, err := io.CopyBuffer(io.Discard, bufio.NewReader(f), buf)
		f.Close()
		if err != nil {
			return 0, "", err
		}
		total += k
	}
	return float64(total) / 1e6, "MB/s", nil
}
