package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
)

// popOK reads one POP3 status line and requires +OK (RFC 1939 section 3).
func (c *conn) popOK() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(line, []byte("+OK")) {
		return nil, fmt.Errorf("pop3: %q", line)
	}
	return line, nil
}

// popMulti skips a dot-terminated multi-line response.
func (c *conn) popMulti() error {
	atStart := true
	for {
		line, err := c.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			atStart = false
			continue
		}
		if err != nil {
			return err
		}
		if atStart && len(line) == 3 && line[0] == '.' && line[1] == '\r' {
			return nil
		}
		atStart = true
	}
}

// pop3 logs in, then pipelines RETR and DELE for every message (RFC 2449
// PIPELINING) and returns messages per second.
func pop3(addr, user, pass string) (float64, string, error) {
	c, err := dial(addr)
	if err != nil {
		return 0, "", err
	}
	defer c.c.Close()
	if _, err := c.popOK(); err != nil {
		return 0, "", err
	}
	io.WriteString(c.c, "USER "+user+"\r\nPASS "+pass+"\r\nSTAT\r\n")
	c.popOK()
	c.popOK()
	stat, err := c.popOK()
	if err != nil {
		return 0, "", err
	}
	f := bytes.Fields(stat)
	if len(f) < 2 {
		return 0, "", fmt.Errorf("pop3: bad STAT %q", stat)
	}
	n, _ := strconv.Atoi(string(f[1]))
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "RETR %d\r\nDELE %d\r\n", i, i)
	}
	b.WriteString("QUIT\r\n")
	go c.c.Write(b.Bytes())
	for i := 0; i < n; i++ {
		if _, err := c.popOK(); err != nil {
			return 0, "", err
		}
		if err := c.popMulti(); err != nil {
			return 0, "", err
		}
		if _, err := c.popOK(); err != nil {
			return 0, "", err
		}
	}
	_, err = c.popOK()
	return float64(n), "msg/s", err
}
