// Command gopeer runs the benchmark workloads with Go's standard library,
// the way its users write them.
//
//	gopeer send   ADDR MSG N RCPTS CONNS  net/smtp, one client per goroutine
//	gopeer attach ADDR FILE               mime/multipart + net/smtp
//	gopeer parse  DIR                     net/mail + mime/multipart, parts decoded
//
// Each prints "RESULT value unit" on stdout.
package main

import (
	"fmt"
	"net/smtp"
	"os"
	"strconv"
	"sync"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		usage()
	}
	a := os.Args[2:]
	start := time.Now()
	var (
		count float64
		unit  string
		err   error
	)
	switch os.Args[1] {
	case "send":
		need(a, 5)
		msg, rerr := os.ReadFile(a[1])
		if rerr != nil {
			fail(rerr)
		}
		count, unit, err = send(a[0], msg, atoi(a[2]), atoi(a[3]), atoi(a[4]))
	case "attach":
		need(a, 2)
		count, unit, err = attach(a[0], a[1])
	case "parse":
		count, unit, err = parse(a[0])
	default:
		usage()
	}
	if err != nil {
		fail(err)
	}
	fmt.Printf("RESULT %.3f %s\n", count/time.Since(start).Seconds(), unit)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gopeer:", err)
	os.Exit(1)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gopeer send|attach|parse ...")
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

// send delivers n messages over conns connections with net/smtp.
func send(addr string, msg []byte, n, rcpts, conns int) (float64, string, error) {
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for k := 0; k < conns; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- sendOne(addr, msg, n/conns, rcpts)
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

// sendOne sends n messages on one connection.
func sendOne(addr string, msg []byte, n, rcpts int) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("gopeer.bench.test"); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if err := c.Mail("sender@bench.test"); err != nil {
			return err
		}
		for r := 0; r < rcpts; r++ {
			if err := c.Rcpt(fmt.Sprintf("rcpt%d@sink.test", r)); err != nil {
				return err
			}
		}
		w, err := c.Data()
		if err != nil {
			return err
		}
		w.Write(msg)
		if err := w.Close(); err != nil {
			return err
		}
	}
	return c.Quit()
}
