package imap

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"mailwire/core/session"
	"mailwire/core/wire"
)

// benchMessage returns a text/plain message of about size bytes, like the
// one bench/gen delivers for the imap_fetch workload.
func benchMessage(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: Bench Sender <sender@bench.test>\r\nTo: <alice@bench.test>\r\n")
	b.WriteString("Subject: Benchmark message\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n")
	b.WriteString("Message-ID: <bench.1@bench.test>\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
	for i := 0; b.Len() < size-80; i++ {
		fmt.Fprintf(&b, "Line %d of the benchmark message, some words to fill the line up to about 72.\r\n", i)
	}
	return b.Bytes()
}

// cannedServer is a minimal IMAP server for benchmarks: it answers LOGIN,
// EXAMINE, UID FETCH n,m,... (UID BODY.PEEK[]) with the same message for
// every UID (the UID first, as Dovecot sends it, or last with uidLast),
// and LOGOUT.
func cannedServer(tb testing.TB, msg []byte, uidLast bool) (port int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go cannedSession(nc, msg, uidLast)
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

func cannedSession(nc net.Conn, msg []byte, uidLast bool) {
	defer nc.Close()
	r := bufio.NewReader(nc)
	w := bufio.NewWriterSize(nc, 256<<10)
	w.WriteString("* OK [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS] ready\r\n")
	w.Flush()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return
		}
		tag, verb := f[0], strings.ToUpper(f[1])
		switch verb {
		case "CAPABILITY":
			fmt.Fprintf(w, "* CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS\r\n%s OK done\r\n", tag)
		case "LOGIN":
			fmt.Fprintf(w, "%s OK logged in\r\n", tag)
		case "EXAMINE", "SELECT":
			fmt.Fprintf(w, "* 1000 EXISTS\r\n* OK [UIDVALIDITY 1] x\r\n%s OK [READ-ONLY] done\r\n", tag)
		case "UID":
			for i, u := range strings.Split(f[3], ",") {
				if uidLast {
					fmt.Fprintf(w, "* %d FETCH (BODY[] {%d}\r\n", i+1, len(msg))
					w.Write(msg)
					fmt.Fprintf(w, " UID %s)\r\n", u)
				} else {
					fmt.Fprintf(w, "* %d FETCH (UID %s BODY[] {%d}\r\n", i+1, u, len(msg))
					w.Write(msg)
					w.WriteString(")\r\n")
				}
			}
			fmt.Fprintf(w, "%s OK done\r\n", tag)
		case "LOGOUT":
			fmt.Fprintf(w, "* BYE bye\r\n%s OK done\r\n", tag)
			w.Flush()
			return
		default:
			fmt.Fprintf(w, "%s BAD what\r\n", tag)
		}
		w.Flush()
	}
}

func benchFetch(b *testing.B, size int, uidLast bool, fetch func(c *Client, uids []uint32) error) {
	msg := benchMessage(size)
	port := cannedServer(b, msg, uidLast)
	c, err := Dial(context.Background(), Options{session.ClientOptions{Host: "127.0.0.1", Port: port, Security: wire.None, SecuritySet: true,
		Username: "u", Password: "p", AllowPlaintextAuth: true, Timeout: 20 * time.Second}})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Logout()
	if _, err := c.Select("INBOX", true); err != nil {
		b.Fatal(err)
	}
	const batch = 100
	uids := make([]uint32, batch)
	for i := range uids {
		uids[i] = uint32(i + 1)
	}
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += batch {
		n := min(batch, b.N-done)
		if err := fetch(c, uids[:n]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFetchMessages is what mw_imap_fetch_many does: 100 UIDs a
// command, each message parsed into a *mime.Message.
func BenchmarkFetchMessages(b *testing.B) {
	for _, uidLast := range []bool{false, true} {
		name := "uid_first"
		if uidLast {
			name = "uid_last"
		}
		b.Run(name, func(b *testing.B) {
			benchFetch(b, 50<<10, uidLast, func(c *Client, uids []uint32) error {
				ms, _, err := c.FetchMessages(uids)
				for _, m := range ms {
					if m != nil {
						m.Close()
					}
				}
				return err
			})
		})
	}
}

// BenchmarkFetchDiscard is the transfer alone: 100 UIDs a command, each
// message read and dropped.
func BenchmarkFetchDiscard(b *testing.B) {
	benchFetch(b, 50<<10, false, func(c *Client, uids []uint32) error {
		_, err := c.Fetch(uids, func(_ uint32, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		})
		return err
	})
}
