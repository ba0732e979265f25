package main

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// echoServer greets, answers each line with it in upper case, and closes
// after QUIT.
func echoServer(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.WriteString(c, "220 hello\r\n")
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					io.WriteString(c, strings.ToUpper(line))
					if line == "quit\r\n" {
						return
					}
				}
			}()
		}
	}()
	return ln
}

// TestProxy checks that pipelined commands and the server's replies pass
// whole and in order through the delay line, and that the server closing
// reaches the client after the last reply.
func TestProxy(t *testing.T) {
	srv := echoServer(t)
	defer srv.Close()
	*to, *rtt = srv.Addr().String(), 2*time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go proxy(c.(*net.TCPConn))
		}
	}()
	for _, in := range []string{"a\r\nquit\r\n", strings.Repeat("noop 0123456789\r\n", 5000) + "quit\r\n"} {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		go io.WriteString(c, in)
		got, err := io.ReadAll(c)
		c.Close()
		if want := "220 hello\r\n" + strings.ToUpper(in); string(got) != want || err != nil {
			t.Errorf("read %d bytes (%v), want %d", len(got), err, len(want))
		}
	}
}
