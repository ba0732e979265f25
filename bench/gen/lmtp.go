package main

import (
	"bufio"
	"fmt"
	"net"
	"net/textproto"
)

// deliverLMTP delivers n messages of about size bytes to rcpt over LMTP
// (RFC 2033), one transaction per message.
func deliverLMTP(addr, rcpt string, n, size int) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	tp := textproto.NewConn(c)
	if _, _, err := tp.ReadResponse(220); err != nil {
		return err
	}
	if err := step(tp, 250, "LHLO gen.bench.test"); err != nil {
		return err
	}
	body := smallMessage(size, rcpt)
	w := bufio.NewWriterSize(c, 64<<10)
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "MAIL FROM:<sender@bench.test>\r\nRCPT TO:<%s>\r\nDATA\r\n", rcpt)
		w.Write(body)
		w.WriteString(".\r\n")
		if err := w.Flush(); err != nil {
			return err
		}
		for _, code := range []int{250, 250, 354, 250} {
			if _, _, err := tp.ReadResponse(code); err != nil {
				return fmt.Errorf("message %d: %w", i, err)
			}
		}
	}
	return step(tp, 221, "QUIT")
}

// step sends one command and checks its reply.
func step(tp *textproto.Conn, code int, cmd string) error {
	if err := tp.PrintfLine("%s", cmd); err != nil {
		return err
	}
	_, _, err := tp.ReadResponse(code)
	return err
}
