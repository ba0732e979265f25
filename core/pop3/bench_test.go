package pop3

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"

	"mailwire/core/mime"
	"mailwire/core/session"
	"mailwire/core/wire"
)

// BenchmarkFetch fetches 200 messages of 20 kB, pipelined, from a
// loopback server that answers from memory.
func BenchmarkFetch(b *testing.B) {
	const msgs = 200
	body := strings.Repeat(strings.Repeat("x", 76)+"\r\n", 260)
	c, ns := benchClient(b, body, msgs)
	for b.Loop() {
		_, err := c.Fetch(ns, false, func(n int, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// benchClient connects to a fastServer that serves msgs copies of body.
func benchClient(b *testing.B, body string, msgs int) (*Client, []int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go fastServer(ln, body)
	o := Options{session.ClientOptions{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, Security: wire.None, SecuritySet: true,
		Username: "u", Password: "p", AllowPlaintextAuth: true}}
	c, err := Dial(context.Background(), o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	ns := make([]int, msgs)
	for i := range ns {
		ns[i] = i + 1
	}
	b.SetBytes(int64(msgs * len(body)))
	return c, ns
}

// fastServer answers every RETR with body and everything else with +OK.
func fastServer(ln net.Listener, body string) {
	nc, err := ln.Accept()
	if err != nil {
		return
	}
	defer nc.Close()
	r, w := bufio.NewReader(nc), bufio.NewWriter(nc)
	w.WriteString("+OK ready\r\n")
	w.Flush()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch {
		case strings.HasPrefix(line, "CAPA"):
			w.WriteString("+OK\r\nPIPELINING\r\nUSER\r\n.\r\n")
		case strings.HasPrefix(line, "STAT"):
			w.WriteString("+OK 200 4000000\r\n")
		case strings.HasPrefix(line, "RETR"):
			w.WriteString("+OK\r\n" + body + ".\r\n")
		default:
			w.WriteString("+OK\r\n")
		}
		if r.Buffered() == 0 {
			w.Flush()
		}
	}
}

// BenchmarkFetchParse fetches and deletes 200 text messages of 50 kB,
// pipelined, parsing each with the MIME parser as the C API does.
func BenchmarkFetchParse(b *testing.B) {
	const msgs = 200
	line := "thanks lazy the pipeline server chunk pipeline pipeline client pipeline\r\n"
	body := "From: a@b.test\r\nTo: c@d.test\r\nSubject: Benchmark message\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" + strings.Repeat(line, 50000/len(line))
	c, ns := benchClient(b, body, msgs)
	for b.Loop() {
		c.deleted = nil // the fake server forgets deletions
		_, err := c.Fetch(ns, true, func(n int, r io.Reader) error {
			m, err := mime.Parse(r)
			if err == nil {
				m.Close()
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
