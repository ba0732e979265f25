// Command delay is a TCP proxy that simulates a network round-trip time in
// front of a server that cannot delay its own replies (Mailwire's embedded
// server, Dovecot, any peer):
//
//	delay -rtt 20ms -to 127.0.0.1:2525 [-addr 127.0.0.1:0]
//
// Bytes from the client go on to the server at once; bytes from the server
// come back through a one-way delay line (bench/internal/delayline) that
// delivers them rtt after the server wrote them, in order, and never stops
// reading from the server meanwhile.  Replies to pipelined commands thus
// share one wait and a reply costs one round trip, as over a network.  The
// proxy dials the server one round trip after it accepts the client, so a
// connection's greeting comes two round trips after the connect (the TCP
// handshake, then the greeting).  TCP's own acknowledgements are not
// delayed: windows, Nagle's algorithm and slow start behave as on
// loopback.
//
// It prints "PORT n" on stdout once it listens and, when terminated, the
// number of connections and bytes it carried on stderr.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"mailwire/bench/internal/delayline"
)

var (
	rtt   = flag.Duration("rtt", 0, "round-trip time to simulate")
	to    = flag.String("to", "", "the server's address")
	addr  = flag.String("addr", "127.0.0.1:0", "listen address")
	conns atomic.Int64
	up    atomic.Int64 // bytes client to server
	down  atomic.Int64 // bytes server to client
)

func main() {
	flag.Parse()
	if *to == "" {
		fmt.Fprintln(os.Stderr, "usage: delay -rtt DURATION -to HOST:PORT [-addr HOST:PORT]")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "delay:", err)
		os.Exit(1)
	}
	fmt.Printf("PORT %d\n", ln.Addr().(*net.TCPAddr).Port)
	go waitSignal()
	for {
		c, err := ln.Accept()
		if err != nil {
			continue
		}
		go proxy(c.(*net.TCPConn))
	}
}

func waitSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
	<-ch
	fmt.Fprintf(os.Stderr, "delay: %d connections, %d bytes up, %d bytes down\n", conns.Load(), up.Load(), down.Load())
	os.Exit(0)
}

// proxy carries one connection: client to server directly, server to
// client through the delay line.
func proxy(c *net.TCPConn) {
	defer c.Close()
	conns.Add(1)
	time.Sleep(*rtt)
	s, err := net.Dial("tcp", *to)
	if err != nil {
		fmt.Fprintln(os.Stderr, "delay:", err)
		return
	}
	srv := s.(*net.TCPConn)
	defer srv.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		n, _ := io.Copy(srv, c)
		up.Add(n)
		srv.CloseWrite()
	}()
	line := delayline.New(c, *rtt)
	n, _ := io.Copy(struct{ io.Writer }{line}, srv)
	down.Add(n)
	if line.Close() == nil {
		c.CloseWrite()
	} else {
		// The client is gone: let the server know at once.
		srv.Close()
	}
	wg.Wait()
}
