package server

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
)

// benchFetchN is the number of messages of the IMAP fetch benchmarks.
const benchFetchN = 1000

// benchFetchMessage is a plain text message of about 50 KB, as bench/gen
// makes for the imap_fetch workload.
func benchFetchMessage() []byte {
	var b bytes.Buffer
	b.WriteString("From: Bench Sender <sender@bench.test>\r\nTo: <alice@bench.test>\r\n")
	b.WriteString("Subject: Benchmark message\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n")
	b.WriteString("Message-ID: <bench.1@bench.test>\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
	line := strings.Repeat("the quick brown fox jumps over the lazy dog ", 2)[:70] + "\r\n"
	for b.Len() < 50<<10 {
		b.WriteString(line)
	}
	return b.Bytes()
}

// benchIMAP is a raw IMAP client that discards the literals it reads.
type benchIMAP struct {
	nc  net.Conn
	r   *bufio.Reader
	w   *bufio.Writer
	tag int
}

// startFetchBench starts a memory-mode server holding benchFetchN
// messages in alice's INBOX and returns a client with INBOX examined.
func startFetchBench(b *testing.B) *benchIMAP {
	s := start(b, func(c *Config) { c.RequireTLSForAuth = false })
	msg := benchFetchMessage()
	for i := 0; i < benchFetchN; i++ {
		if err := s.store.deliver("alice", msg); err != nil {
			b.Fatal(err)
		}
	}
	nc, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.Port("imap")))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { nc.Close() })
	c := &benchIMAP{nc: nc, r: bufio.NewReaderSize(nc, 64<<10), w: bufio.NewWriterSize(nc, 4<<10)}
	if _, err := c.r.ReadString('\n'); err != nil {
		b.Fatal(err)
	}
	for _, cmd := range []string{"LOGIN alice secret", "EXAMINE INBOX"} {
		if n, err := c.run(cmd); err != nil || n != 0 {
			b.Fatal(cmd, n, err)
		}
	}
	return c
}

// send writes one command and returns its tag.
func (c *benchIMAP) send(cmd string) string {
	c.tag++
	t := "t" + strconv.Itoa(c.tag)
	c.w.WriteString(t + " " + cmd + "\r\n")
	return t
}

// wait reads responses up to the tagged one of tag and returns the number
// of literals they held.
func (c *benchIMAP) wait(tag string) (int, error) {
	n := 0
	for {
		l, err := c.r.ReadSlice('\n')
		if err != nil {
			return n, err
		}
		if bytes.HasSuffix(l, []byte("}\r\n")) {
			i := bytes.LastIndexByte(l, '{')
			size, err := strconv.Atoi(string(l[i+1 : len(l)-3]))
			if err != nil {
				return n, err
			}
			if _, err := c.r.Discard(size); err != nil {
				return n, err
			}
			n++
			continue
		}
		if bytes.HasPrefix(l, []byte(tag+" ")) {
			if !bytes.HasPrefix(l[len(tag)+1:], []byte("OK")) {
				return n, fmt.Errorf("%q", l)
			}
			return n, nil
		}
	}
}

// run sends one command and waits for its end.
func (c *benchIMAP) run(cmd string) (int, error) {
	t := c.send(cmd)
	if err := c.w.Flush(); err != nil {
		return 0, err
	}
	return c.wait(t)
}

// benchFetch fetches every message of the INBOX b.N times, per commands
// of per UIDs each, window commands in flight.
func benchFetch(b *testing.B, per, window int) {
	c := startFetchBench(b)
	b.SetBytes(int64(len(benchFetchMessage())) * benchFetchN)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var tags []string
		got := 0
		drain := func() {
			n, err := c.wait(tags[0])
			if err != nil {
				b.Fatal(err)
			}
			got += n
			tags = tags[1:]
		}
		for first := 1; first <= benchFetchN; first += per {
			last := min(first+per-1, benchFetchN)
			tags = append(tags, c.send("UID FETCH "+strconv.Itoa(first)+":"+strconv.Itoa(last)+" (BODY.PEEK[])"))
			if err := c.w.Flush(); err != nil {
				b.Fatal(err)
			}
			if len(tags) >= window {
				drain()
			}
		}
		for len(tags) > 0 {
			drain()
		}
		if got != benchFetchN {
			b.Fatalf("%d messages, want %d", got, benchFetchN)
		}
	}
	b.ReportMetric(float64(benchFetchN*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkIMAPFetchSingle fetches each message with its own UID FETCH,
// waiting for each (imaplib's usual way).
func BenchmarkIMAPFetchSingle(b *testing.B) { benchFetch(b, 1, 1) }

// BenchmarkIMAPFetchSet fetches every message with one UID FETCH 1:N.
func BenchmarkIMAPFetchSet(b *testing.B) { benchFetch(b, benchFetchN, 1) }

// BenchmarkIMAPFetchSet100 fetches 100 UIDs a command, two commands in
// flight (as the client's FetchMessages does).
func BenchmarkIMAPFetchSet100(b *testing.B) { benchFetch(b, 100, 2) }
