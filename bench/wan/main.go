// Command wan measures SMTP clients as a network would see them: its sink
// delays every reply by a round-trip time without ever stopping to read,
// so that pipelined commands share one wait, as on a real link.
//
//	wan sink  -rtt 1ms [-chunking]     the delay-line sink; prints "PORT n"
//	wan onert ADDR MSG N CONNS         DATA floor: one round trip per message
//	                                   (each message's data with the next
//	                                   envelope, RFC 2920), on CONNS connections
//	wan bdat  ADDR MSG N               BDAT floor: every message as BDAT LAST,
//	                                   written while the replies are read
//
// The floors print "RESULT value msg/s".
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "sink":
		sink(os.Args[2:])
		return
	case "onert", "bdat":
	default:
		usage()
	}
	a := os.Args[2:]
	if len(a) < 3 {
		usage()
	}
	msg, err := os.ReadFile(a[1])
	if err != nil {
		fail(err)
	}
	n := atoi(a[2])
	start := time.Now()
	if os.Args[1] == "bdat" {
		err = bdat(a[0], msg, n)
	} else {
		if len(a) < 4 {
			usage()
		}
		conns := atoi(a[3])
		var wg sync.WaitGroup
		errc := make(chan error, conns)
		for k := 0; k < conns; k++ {
			wg.Add(1)
			go func() { defer wg.Done(); errc <- oneRoundTrip(a[0], msg, n/conns) }()
		}
		wg.Wait()
		close(errc)
		for e := range errc {
			if e != nil {
				err = e
			}
		}
	}
	if err != nil {
		fail(err)
	}
	fmt.Printf("RESULT %.3f msg/s\n", float64(n)/time.Since(start).Seconds())
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: wan sink -rtt D [-chunking] | onert ADDR MSG N CONNS | bdat ADDR MSG N")
	os.Exit(2)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "wan:", err)
	os.Exit(1)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		usage()
	}
	return n
}

// ------------------------------------------------------------------ sink

// batch is replies due at a time.
type batch struct {
	due   time.Time
	b     []byte
	close bool
}

func sink(args []string) {
	fs := flag.NewFlagSet("sink", flag.ExitOnError)
	rtt := fs.Duration("rtt", time.Millisecond, "reply delay")
	chunking := fs.Bool("chunking", false, "offer CHUNKING")
	fs.Parse(args)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	fmt.Printf("PORT %d\n", ln.Addr().(*net.TCPAddr).Port)
	for {
		c, err := ln.Accept()
		if err != nil {
			continue
		}
		go serve(c, *rtt, *chunking)
	}
}

// serve reads commands and queues their replies; a second goroutine writes
// each group of replies once its delay has passed.
func serve(c net.Conn, rtt time.Duration, chunking bool) {
	q := make(chan batch, 1<<16)
	go func() {
		defer c.Close()
		for b := range q {
			if d := time.Until(b.due); d > 0 {
				time.Sleep(d)
			}
			if len(b.b) > 0 {
				if _, err := c.Write(b.b); err != nil {
					return
				}
			}
			if b.close {
				return
			}
		}
	}()
	defer close(q)
	r := bufio.NewReaderSize(c, 256<<10)
	var out bytes.Buffer
	send := func(closing bool) {
		q <- batch{time.Now().Add(rtt), bytes.Clone(out.Bytes()), closing}
		out.Reset()
	}
	out.WriteString("220 sink ESMTP\r\n")
	send(false)
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return
		}
		verb := line
		if i := bytes.IndexAny(line, " \r\n"); i >= 0 {
			verb = line[:i]
		}
		switch string(bytes.ToUpper(verb)) {
		case "EHLO":
			out.WriteString("250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n")
			if chunking {
				out.WriteString("250-CHUNKING\r\n")
			}
			out.WriteString("250 ENHANCEDSTATUSCODES\r\n")
		case "DATA":
			out.WriteString("354 go on\r\n")
			send(false)
			if !data(r) {
				return
			}
			out.WriteString("250 2.0.0 queued\r\n")
		case "BDAT":
			f := bytes.Fields(line)
			n, err := strconv.ParseInt(string(f[min(1, len(f)-1)]), 10, 64)
			if err != nil || n < 0 {
				return
			}
			if _, err := io.CopyN(io.Discard, r, n); err != nil {
				return
			}
			out.WriteString("250 2.0.0 ok\r\n")
		case "QUIT":
			out.WriteString("221 2.0.0 bye\r\n")
			send(true)
			return
		default:
			out.WriteString("250 2.0.0 OK\r\n")
		}
		if r.Buffered() == 0 && out.Len() > 0 {
			send(false)
		}
	}
}

// data reads a dot-terminated message.
func data(r *bufio.Reader) bool {
	atStart := true
	for {
		line, err := r.ReadSlice('\n')
		if err != nil && err != bufio.ErrBufferFull {
			return false
		}
		if atStart && err == nil && len(line) == 3 && line[0] == '.' && line[1] == '\r' {
			return true
		}
		atStart = err == nil
	}
}

// ---------------------------------------------------------------- floors

type conn struct {
	c net.Conn
	r *bufio.Reader
}

func dial(addr string) (*conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	cc := &conn{c: c, r: bufio.NewReaderSize(c, 64<<10)}
	if err := cc.replies(1); err != nil {
		return nil, err
	}
	if _, err := io.WriteString(c, "EHLO floor.test\r\n"); err != nil {
		return nil, err
	}
	return cc, cc.replies(1)
}

// replies reads n replies, each 2xx or 3xx.
func (c *conn) replies(n int) error {
	for i := 0; i < n; {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) < 4 || (line[0] != '2' && line[0] != '3') {
			return fmt.Errorf("unexpected reply %q", line)
		}
		if line[3] != '-' {
			i++
		}
	}
	return nil
}

const envelope = "MAIL FROM:<sender@bench.test>\r\nRCPT TO:<rcpt0@sink.test>\r\n"

// oneRoundTrip sends n messages with DATA, one round trip each.
func oneRoundTrip(addr string, msg []byte, n int) error {
	c, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.c.Close()
	var b bytes.Buffer
	b.WriteString(envelope + "DATA\r\n")
	want := 3
	for i := 0; i < n; i++ {
		if _, err := c.c.Write(b.Bytes()); err != nil {
			return err
		}
		b.Reset()
		if err := c.replies(want); err != nil {
			return err
		}
		b.Write(msg)
		b.WriteString(".\r\n")
		want = 1
		if i+1 < n {
			b.WriteString(envelope + "DATA\r\n")
			want = 4
		}
	}
	if _, err := c.c.Write(b.Bytes()); err != nil {
		return err
	}
	return c.replies(want)
}

// bdat writes every message as BDAT LAST while the replies are read.
func bdat(addr string, msg []byte, n int) error {
	c, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.c.Close()
	var one bytes.Buffer
	one.WriteString(envelope + "BDAT " + strconv.Itoa(len(msg)) + " LAST\r\n")
	one.Write(msg)
	go func() {
		w := bufio.NewWriterSize(c.c, 64<<10)
		for i := 0; i < n; i++ {
			w.Write(one.Bytes())
		}
		w.Flush()
	}()
	return c.replies(3 * n)
}
