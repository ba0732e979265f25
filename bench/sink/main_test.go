package main

import (
	"io"
	"net"
	"testing"
	"time"
)

// transcript runs input through one sink session over a loopback TCP
// connection, half-closed after the input, and returns every byte the
// sink wrote, delayed by rtt.
func transcript(t testing.TB, input string, chunk bool, rtt time.Duration) string {
	*chunking = chunk
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			serve(c, rtt)
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() {
		io.WriteString(c, input)
		c.(*net.TCPConn).CloseWrite()
	}()
	out, _ := io.ReadAll(c)
	return string(out)
}

func TestSession(t *testing.T) {
	const greet = "220 sink ESMTP\r\n"
	const ok = "250 2.0.0 OK\r\n"
	tests := []struct {
		name, in, want string
		chunk          bool
		msgs           int64
	}{
		{"pipelined DATA", "EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nline\r\n..stuffed\r\n.\r\nQUIT\r\n",
			greet + "250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 0\r\n250 ENHANCEDSTATUSCODES\r\n" +
				ok + ok + "354 go on\r\n250 2.0.0 queued\r\n221 2.0.0 bye\r\n", false, 1},
		{"dot inside a line ends nothing", "DATA\r\na.\r\n.x\r\n.\r\nQUIT\r\n",
			greet + "354 go on\r\n250 2.0.0 queued\r\n221 2.0.0 bye\r\n", false, 1},
		{"BDAT exact counts", "EHLO x\r\nBDAT 6\r\nQUIT\r\nBDAT 3 LAST\r\n.\r\nQUIT\r\n",
			greet + "250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 0\r\n250-CHUNKING\r\n250-BINARYMIME\r\n" +
				"250 ENHANCEDSTATUSCODES\r\n250 2.0.0 chunk\r\n250 2.0.0 queued\r\n221 2.0.0 bye\r\n", true, 1},
		{"bad BDAT count", "BDAT x\r\n", greet + "501 5.5.4 syntax\r\n", false, 0},
		{"unknown command", "FOO\r\nQUIT\r\n", greet + "500 5.5.1 unknown command\r\n221 2.0.0 bye\r\n", false, 0},
		{"over-long line", string(make([]byte, 300<<10)), greet, false, 0},
	}
	// With a round-trip time, the same bytes come back through the delay
	// line, none lost when the session ends.
	for _, d := range []time.Duration{0, 2 * time.Millisecond} {
		for _, tc := range tests {
			t.Run(d.String()+"/"+tc.name, func(t *testing.T) {
				before := messages.Load()
				if got := transcript(t, tc.in, tc.chunk, d); got != tc.want {
					t.Errorf("wrote %q, want %q", got, tc.want)
				}
				if n := messages.Load() - before; n != tc.msgs {
					t.Errorf("counted %d messages, want %d", n, tc.msgs)
				}
			})
		}
	}
}

func FuzzSession(f *testing.F) {
	f.Add("EHLO x\r\nMAIL FROM:<a@b>\r\nDATA\r\nx\r\n.\r\nQUIT\r\n")
	f.Add("BDAT 2 LAST\r\nabQUIT\r\n")
	f.Add("BDAT 99999999999999999999\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		transcript(t, in, true, 0)
	})
}
