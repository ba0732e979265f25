// Command floor measures what the machine can do without any mail library:
// the floors that every benchmark figure is divided by.
//
//	floor replay   ADDR MSG N RCPTS CONNS  raw replay of pre-rendered SMTP bytes
//	floor onert    ADDR MSG N RCPTS [CONNS] DATA, one round trip per message (RFC 2920)
//	floor bdat     ADDR MSG N RCPTS        BDAT LAST, fully pipelined after EHLO (RFC 3030)
//	floor b64      ADDR FILE               base64 of FILE written onto the socket
//	floor sendfile ADDR EML SIZE           sendfile of a pre-built message
//	floor pop3     ADDR USER PASS          pipelined RETR and DELE of every message
//	floor read     DIR                     reading every file of DIR
//
// Each prints "RESULT value unit" on stdout.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		usage()
	}
	a := os.Args[2:]
	start = time.Now()
	var (
		count float64
		unit  string
		err   error
	)
	switch os.Args[1] {
	case "replay":
		need(a, 5)
		count, unit, err = replay(a[0], load(a[1]), atoi(a[2]), atoi(a[3]), atoi(a[4]))
	case "onert":
		need(a, 4)
		conns := 1
		if len(a) > 4 {
			conns = atoi(a[4])
		}
		if conns < 1 {
			usage()
		}
		count, unit, err = oneRoundTrip(a[0], load(a[1]), atoi(a[2]), atoi(a[3]), conns)
	case "bdat":
		need(a, 4)
		count, unit, err = bdat(a[0], load(a[1]), atoi(a[2]), atoi(a[3]))
	case "b64":
		need(a, 2)
		count, unit, err = b64(a[0], a[1])
	case "sendfile":
		need(a, 3)
		count, unit, err = sendfile(a[0], a[1], float64(atoi(a[2])))
	case "pop3":
		need(a, 3)
		count, unit, err = pop3(a[0], a[1], a[2])
	case "read":
		count, unit, err = readDir(a[0])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	fmt.Printf("RESULT %.3f %s\n", count/time.Since(start).Seconds(), unit)
}

// start is when the measured part began; pre-rendering resets it.
var start time.Time

func usage() {
	fmt.Fprintln(os.Stderr, "usage: floor replay|onert|bdat|b64|sendfile|pop3|read ...")
	os.Exit(2)
}

func need(a []string, n int) {
	if len(a) < n {
		usage()
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		usage()
	}
	return n
}

func load(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	return b
}
