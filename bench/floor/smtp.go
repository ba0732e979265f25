package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// conn is a client connection with a buffered reader for replies.
type conn struct {
	c net.Conn
	r *bufio.Reader
}

func dial(addr string) (*conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &conn{c: c, r: bufio.NewReaderSize(c, 64<<10)}, nil
}

// reply reads one (possibly multi-line) SMTP reply and checks its class
// ('*' accepts 2xx and 3xx).
func (c *conn) reply(class byte) error {
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) < 4 || (line[0] != class && !(class == '*' && (line[0] == '2' || line[0] == '3'))) {
			return fmt.Errorf("unexpected reply %q", line)
		}
		if line[3] != '-' {
			return nil
		}
	}
}

// replies reads n replies of class.
func (c *conn) replies(n int, class byte) error {
	for i := 0; i < n; i++ {
		if err := c.reply(class); err != nil {
			return err
		}
	}
	return nil
}

// greet reads the greeting and does EHLO.
func (c *conn) greet() error {
	if err := c.reply('2'); err != nil {
		return err
	}
	if _, err := io.WriteString(c.c, "EHLO floor.bench.test\r\n"); err != nil {
		return err
	}
	return c.reply('2')
}

// envelope renders MAIL and the RCPT commands.
func envelope(b *bytes.Buffer, rcpts int) {
	b.WriteString("MAIL FROM:<sender@bench.test>\r\n")
	for i := 0; i < rcpts; i++ {
		fmt.Fprintf(b, "RCPT TO:<rcpt%d@sink.test>\r\n", i)
	}
}

// dataTransaction renders a whole DATA transaction (the message has no
// line starting with a dot, so it needs no stuffing).
func dataTransaction(b *bytes.Buffer, msg []byte, rcpts int) {
	envelope(b, rcpts)
	b.WriteString("DATA\r\n")
	b.Write(msg)
	b.WriteString(".\r\n")
}

// replay writes the pre-rendered session for n messages over conns
// connections while reading the replies.
func replay(addr string, msg []byte, n, rcpts, conns int) (float64, string, error) {
	session := render(msg, n/conns, rcpts)
	start = time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for k := 0; k < conns; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- replayOne(addr, session, n/conns, rcpts)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return 0, "", err
		}
	}
	return float64(n), "msg/s", nil
}

// render pre-renders a session of n DATA transactions.
func render(msg []byte, n, rcpts int) []byte {
	var b bytes.Buffer
	b.WriteString("EHLO floor.bench.test\r\n")
	for i := 0; i < n; i++ {
		dataTransaction(&b, msg, rcpts)
	}
	b.WriteString("QUIT\r\n")
	return b.Bytes()
}

// replayOne writes a pre-rendered session of n messages on one connection.
func replayOne(addr string, session []byte, n, rcpts int) error {
	c, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.c.Close()
	go c.c.Write(session)
	return c.replies(2+n*(rcpts+3)+1, '*')
}

// oneRoundTrip sends n messages over conns connections, each message's
// data together with the next message's envelope and DATA, so each message
// costs one round trip: the best a DATA client may legally do (RFC 2920
// section 3.1).
func oneRoundTrip(addr string, msg []byte, n, rcpts, conns int) (float64, string, error) {
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for k := 0; k < conns; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- oneRoundTripOne(addr, msg, n/conns, rcpts)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return 0, "", err
		}
	}
	return float64(n / conns * conns), "msg/s", nil
}

// oneRoundTripOne sends n messages on one connection, one round trip each.
func oneRoundTripOne(addr string, msg []byte, n, rcpts int) error {
	c, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.c.Close()
	if err := c.greet(); err != nil {
		return err
	}
	var b bytes.Buffer
	envelope(&b, rcpts)
	b.WriteString("DATA\r\n")
	if err := c.flush(&b, rcpts+1, 1); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		b.Write(msg)
		b.WriteString(".\r\n")
		ok, go3 := 1, 0
		if i+1 < n {
			envelope(&b, rcpts)
			b.WriteString("DATA\r\n")
			ok, go3 = 1+rcpts+1, 1
		} else {
			b.WriteString("QUIT\r\n")
			ok++
		}
		if err := c.flush(&b, ok, go3); err != nil {
			return err
		}
	}
	return nil
}

// flush writes b and reads ok 2xx replies then go3 3xx replies.
func (c *conn) flush(b *bytes.Buffer, ok, go3 int) error {
	if _, err := c.c.Write(b.Bytes()); err != nil {
		return err
	}
	b.Reset()
	if err := c.replies(ok, '2'); err != nil {
		return err
	}
	return c.replies(go3, '3')
}

// bdat pipelines every message as one BDAT LAST chunk (RFC 3030) after
// the greeting and EHLO, which a client must wait for (RFC 5321 section
// 3.1, RFC 2920 section 3.1), writing while it reads the replies.
func bdat(addr string, msg []byte, n, rcpts int) (float64, string, error) {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		envelope(&b, rcpts)
		b.WriteString("BDAT " + strconv.Itoa(len(msg)) + " LAST\r\n")
		b.Write(msg)
	}
	b.WriteString("QUIT\r\n")
	start = time.Now()
	c, err := dial(addr)
	if err != nil {
		return 0, "", err
	}
	defer c.c.Close()
	if err := c.greet(); err != nil {
		return 0, "", err
	}
	go c.c.Write(b.Bytes())
	return float64(n), "msg/s", c.replies(n*(rcpts+2)+1, '2')
}
