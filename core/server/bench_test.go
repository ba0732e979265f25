package server

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
)

const benchMessages = 10000

var smallMessage = "From: a@b.c\r\nTo: sink@b.c\r\nSubject: bench\r\n\r\n" + strings.Repeat("0123456789abcdef\r\n", 10)

// benchSink sends benchMessages messages on one connection: the whole
// stream is written by one goroutine while another reads the replies.
func benchSink(b *testing.B, stream string, replies int) {
	s := start(b, nil)
	b.SetBytes(int64(len(stream)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		nc, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.Port("smtp")))
		if err != nil {
			b.Fatal(err)
		}
		go func() {
			w := bufio.NewWriterSize(nc, 64<<10)
			io.WriteString(w, "EHLO bench\r\n"+stream+"QUIT\r\n")
			w.Flush()
		}()
		r := bufio.NewReaderSize(nc, 64<<10)
		ok := 0
		for {
			l, err := r.ReadSlice('\n')
			if err != nil {
				break
			}
			if strings.HasPrefix(string(l), "250 2.0.0 OK queued") {
				ok++
			}
		}
		nc.Close()
		if ok != replies {
			b.Fatalf("%d messages accepted, want %d", ok, replies)
		}
	}
	b.ReportMetric(float64(benchMessages*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkSinkBDAT pipelines MAIL, RCPT and BDAT LAST (RFC 3030) for
// every message into a memory store.
func BenchmarkSinkBDAT(b *testing.B) {
	one := "MAIL FROM:<a@b.c>\r\nRCPT TO:<sink@b.c>\r\nBDAT " + strconv.Itoa(len(smallMessage)) + " LAST\r\n" + smallMessage
	benchSink(b, strings.Repeat(one, benchMessages), benchMessages)
}

// BenchmarkSinkDATA pipelines MAIL, RCPT, DATA and the data; the server
// sees the data already buffered after DATA.
func BenchmarkSinkDATA(b *testing.B) {
	one := "MAIL FROM:<a@b.c>\r\nRCPT TO:<sink@b.c>\r\nDATA\r\n" + smallMessage + ".\r\n"
	benchSink(b, strings.Repeat(one, benchMessages), benchMessages)
}
