// Command sink is the fastest SMTP receiver the benchmarks can use: it
// answers every command at once, offers PIPELINING (RFC 2920) and, with
// -chunking, CHUNKING and BINARYMIME (RFC 3030), and counts messages.
//
// With -rtt, every reply reaches the client that much after the sink
// wrote it, through a delay line (bench/internal/delayline) that never
// holds up the sink's reading: replies to pipelined commands share one
// wait, and the sink takes the next commands while earlier replies are
// still on their way, as over a network with that round-trip time.  A new
// connection's greeting then comes two round trips after the connect (the
// TCP handshake, then the greeting), as over such a network.
//
// It prints "PORT n" on stdout once it listens and the message count on
// stderr when it is terminated.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"mailwire/bench/internal/delayline"
)

// maxLine bounds a command line (RFC 5321 section 4.5.3.1.4 allows 512).
const maxLine = 4096

var (
	chunking = flag.Bool("chunking", false, "offer CHUNKING and BINARYMIME")
	addr     = flag.String("addr", "127.0.0.1:0", "listen address")
	rtt      = flag.Duration("rtt", 0, "round-trip time to simulate: every reply is delivered this much later")
	messages atomic.Int64
)

func main() {
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sink:", err)
		os.Exit(1)
	}
	fmt.Printf("PORT %d\n", ln.Addr().(*net.TCPAddr).Port)
	go waitSignal()
	for {
		c, err := ln.Accept()
		if err != nil {
			continue
		}
		go serve(c, *rtt)
	}
}

func waitSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
	<-ch
	fmt.Fprintf(os.Stderr, "sink: %d messages\n", messages.Load())
	os.Exit(0)
}

func ehloReply() string {
	s := "250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 0\r\n"
	if *chunking {
		s += "250-CHUNKING\r\n250-BINARYMIME\r\n"
	}
	return s + "250 ENHANCEDSTATUSCODES\r\n"
}

// session holds one connection's buffered reader and writer.
type session struct {
	r *bufio.Reader
	w *bufio.Writer
}

// serve runs one session; with rtt > 0 its replies go through a delay
// line.
func serve(c net.Conn, rtt time.Duration) {
	defer c.Close()
	var out io.Writer = c
	if rtt > 0 {
		// The handshake's round trip; nothing may be read before the
		// greeting.
		time.Sleep(rtt)
		line := delayline.New(c, rtt)
		defer line.Close()
		out = line
	}
	s := &session{r: bufio.NewReaderSize(c, 256<<10), w: bufio.NewWriterSize(out, 64<<10)}
	s.w.WriteString("220 sink ESMTP\r\n")
	s.w.Flush()
	for {
		line, err := s.readLine()
		if err != nil {
			return
		}
		if !s.command(line) {
			s.w.Flush()
			return
		}
		// Answer pipelined commands in one write once the input is drained.
		if s.r.Buffered() == 0 {
			if s.w.Flush() != nil {
				return
			}
		}
	}
}

// readLine reads one command line, refusing lines longer than maxLine.
func (s *session) readLine() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull || len(line) > maxLine {
		return nil, fmt.Errorf("line too long")
	}
	return line, err
}

// command handles one command and tells whether the session goes on.
func (s *session) command(line []byte) bool {
	verb := line
	if i := bytes.IndexAny(line, " \r\n"); i >= 0 {
		verb = line[:i]
	}
	switch string(bytes.ToUpper(verb)) {
	case "EHLO":
		s.w.WriteString(ehloReply())
	case "HELO":
		s.w.WriteString("250 sink\r\n")
	case "MAIL", "RCPT", "RSET", "NOOP":
		s.w.WriteString("250 2.0.0 OK\r\n")
	case "DATA":
		s.w.WriteString("354 go on\r\n")
		if s.r.Buffered() == 0 && s.w.Flush() != nil {
			return false
		}
		return s.data()
	case "BDAT":
		return s.bdat(line)
	case "QUIT":
		s.w.WriteString("221 2.0.0 bye\r\n")
		return false
	default:
		s.w.WriteString("500 5.5.1 unknown command\r\n")
	}
	return true
}

// data reads a dot-terminated message (RFC 5321 section 4.1.1.4).
func (s *session) data() bool {
	atStart := true
	for {
		line, err := s.r.ReadSlice('\n')
		if err != nil && err != bufio.ErrBufferFull {
			return false
		}
		if atStart && err == nil && (len(line) == 3 && line[0] == '.' && line[1] == '\r') {
			messages.Add(1)
			s.w.WriteString("250 2.0.0 queued\r\n")
			return true
		}
		atStart = err == nil
	}
}

// bdat discards exactly the announced count (RFC 3030 section 2).
func (s *session) bdat(line []byte) bool {
	f := bytes.Fields(line)
	if len(f) < 2 {
		s.w.WriteString("501 5.5.4 syntax\r\n")
		return true
	}
	n, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil || n < 0 {
		s.w.WriteString("501 5.5.4 syntax\r\n")
		return false
	}
	if _, err := io.CopyN(io.Discard, s.r, n); err != nil {
		return false
	}
	if len(f) > 2 && bytes.EqualFold(f[2], []byte("LAST")) {
		messages.Add(1)
		s.w.WriteString("250 2.0.0 queued\r\n")
	} else {
		s.w.WriteString("250 2.0.0 chunk\r\n")
	}
	return true
}
