package server_test

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"strings"

	"mailwire/core/server"
)

// Example starts a server on free ports, delivers a message over LMTP and
// shows the Received header it got.
func Example() {
	cfg := server.DefaultConfig()
	cfg.Users = map[string]string{"alice": "secret"}
	srv := server.New(cfg)
	if err := srv.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Stop()

	nc, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(srv.Port("lmtp")))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer nc.Close()
	fmt.Fprint(nc, "LHLO client.test\r\nMAIL FROM:<bob@example.org>\r\nRCPT TO:<Alice@example.com>\r\nDATA\r\n")
	r := bufio.NewReader(nc)
	for {
		line, _ := r.ReadString('\n')
		if strings.HasPrefix(line, "354") {
			break
		}
	}
	fmt.Fprint(nc, "Subject: hello\r\n\r\nHi Alice.\r\n.\r\nQUIT\r\n")
	line, _ := r.ReadString('\n')
	fmt.Println(line[:strings.Index(line, ", id")])

	msg := string(srv.Messages("alice")[0])
	hdr := strings.ReplaceAll(msg[:strings.Index(msg, ";")], "\r\n", "")
	fmt.Println(hdr[:strings.Index(hdr, " id ")])
	fmt.Println(srv.MessageCount("ALICE"))
	// Output:
	// 250 2.0.0 <Alice@example.com> delivered
	// Received: from client.test ([127.0.0.1]) by mailwire.test with LMTP
	// 1
}
