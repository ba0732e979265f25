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
// With -trace FILE, it writes a line per command to FILE: the connection's
// number, the milliseconds since its accept, and the command's verb (and
// LAST for a last chunk).  Commands that arrived in one flight show the
// same time: the trace tells where a client spends its round trips.
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
	"sync"
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
	traceTo  = flag.String("trace", "", "write a line per command to this file")
	messages atomic.Int64
	sessions atomic.Int64
	tracer   *trace
)

func main() {
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sink:", err)
		os.Exit(1)
	}
	if *traceTo != "" {
		f, err := os.Create(*traceTo)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sink:", err)
			os.Exit(1)
		}
		tracer = &trace{w: bufio.NewWriter(f)}
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
	if tracer != nil {
		tracer.flush()
	}
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

// trace is the -trace file, shared by the sessions.
type trace struct {
	mu sync.Mutex
	w  *bufio.Writer
}

// command records one command of session id, started at start.
func (t *trace) command(id int64, start time.Time, verb []byte, last bool) {
	ms := float64(time.Since(start).Microseconds()) / 1000
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, "%d %.1f %s", id, ms, bytes.ToUpper(verb))
	if last {
		t.w.WriteString(" LAST")
	}
	t.w.WriteByte('\n')
}

func (t *trace) flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.w.Flush()
}

// session holds one connection's buffered reader and writer, and its
// number and start for the trace.
type session struct {
	r     *bufio.Reader
	w     *bufio.Writer
	id    int64
	start time.Time
}

// serve runs one session; with rtt > 0 its replies go through a delay
// line.
func serve(c net.Conn, rtt time.Duration) {
	defer c.Close()
	id, start := sessions.Add(1), time.Now()
	var out io.Writer = c
	if rtt > 0 {
		// The handshake's round trip; nothing may be read before the
		// greeting.
		time.Sleep(rtt)
		line := delayline.New(c, rtt)
		defer line.Close()
		out = line
	}
	s := &session{r: bufio.NewReaderSize(c, 256<<10), w: bufio.NewWriterSize(out, 64<<10), id: id, start: start}
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
	if tracer != nil {
		tracer.command(s.id, s.start, verb, bytes.Contains(bytes.ToUpper(line), []byte(" LAST")))
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
