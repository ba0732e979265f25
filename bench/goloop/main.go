// Command goloop runs Mailwire's send loop in pure Go, on core/smtp and
// core/mime directly, without the C ABI: the difference to mw_bench send
// is the cost of crossing the ABI, and its CPU profile (-cpuprofile) shows
// where the Go side spends its time.
//
//	goloop [-cpuprofile FILE] [-envonce] [-batch K] ADDR MSG N RCPTS
//
// -envonce computes the envelope (and the message size) once instead of
// for every send, as a cache in the library would. -batch K sends K
// messages per Client.SendMany call, as mw_smtp_send_many does.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"runtime/pprof"
	"strconv"
	"time"

	"mailwire/core/mime"
	"mailwire/core/session"
	"mailwire/core/smtp"
	"mailwire/core/wire"
)

func main() {
	prof := flag.String("cpuprofile", "", "write a CPU profile to FILE")
	once := flag.Bool("envonce", false, "compute the envelope once")
	batch := flag.Int("batch", 0, "messages per SendMany call (0: Send)")
	flag.Parse()
	a := flag.Args()
	if len(a) != 4 {
		fmt.Fprintln(os.Stderr, "usage: goloop [-cpuprofile FILE] [-envonce] [-batch K] ADDR MSG N RCPTS")
		os.Exit(2)
	}
	if *prof != "" {
		f, err := os.Create(*prof)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	n, _ := strconv.Atoi(a[2])
	total := n
	rcpts, _ := strconv.Atoi(a[3])
	m := message(a[1], rcpts)
	start := time.Now()
	c := dial(a[0])
	env := envelope(m)
	if *batch > 0 {
		sendMany(c, m, n, *batch, *once)
		n = 0
	}
	for i := 0; i < n; i++ {
		if !*once {
			env = envelope(m)
		}
		_, err := c.Send(env, m)
		check(err)
	}
	check(c.Quit())
	fmt.Printf("RESULT %.3f msg/s\n", float64(total)/time.Since(start).Seconds())
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "goloop:", err)
		os.Exit(1)
	}
}

// message builds the message that mw_bench builds through the C API.
func message(path string, rcpts int) *mime.Message {
	raw, err := os.ReadFile(path)
	check(err)
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		raw = raw[i+4:]
	}
	m := mime.New()
	check(m.Set("From", "Bench Sender <sender@bench.test>"))
	check(m.Set("Subject", "Benchmark message"))
	check(m.Set("TextBody", string(raw)))
	for i := 0; i < rcpts; i++ {
		check(m.AddTo(fmt.Sprintf("rcpt%d@sink.test", i)))
	}
	return m
}

func dial(addr string) *smtp.Client {
	host, port, err := net.SplitHostPort(addr)
	check(err)
	p, _ := strconv.Atoi(port)
	c, err := smtp.Dial(context.Background(), smtp.Options{
		ClientOptions: session.ClientOptions{Host: host, Port: p, Security: wire.None, SecuritySet: true},
		Helo:          "goloop.bench.test",
	})
	check(err)
	return c
}

// envelope is what the C layer computes for every mw_smtp_send.
func envelope(m *mime.Message) smtp.Envelope {
	size, err := m.Size()
	check(err)
	return smtp.Envelope{From: m.EnvelopeFrom(), To: m.Recipients(), UTF8: m.NeedsSMTPUTF8(),
		EightBit: m.Needs8BitMIME(), Size: size}
}

// sendMany sends n messages, k per SendMany call.
func sendMany(c *smtp.Client, m *mime.Message, n, k int, once bool) {
	items := make([]smtp.Item, k)
	env := envelope(m)
	for done := 0; done < n; done += k {
		items = items[:min(k, n-done)]
		for i := range items {
			if !once {
				env = envelope(m)
			}
			items[i] = smtp.Item{Env: env, Body: m}
		}
		_, err := c.SendMany(items)
		check(err)
	}
}
