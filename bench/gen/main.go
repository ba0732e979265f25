// Command gen writes the inputs of the benchmarks: the 2 KB message, the
// 100 MB attachment and its rendered message, the MIME corpus, and the
// POP3 maildrop (delivered over LMTP, RFC 2033).
//
//	gen msg OUT            a 2 KB message (RFC 5322, CRLF)
//	gen blob SIZE OUT      SIZE bytes of deterministic binary data
//	gen attachmsg IN OUT   a multipart message with IN base64-encoded
//	gen corpus N BYTES DIR N messages totalling about BYTES
//	gen lmtp ADDR RCPT N SIZE  delivers N messages of SIZE bytes over LMTP
//	gen refill SNAP MAILDIR PREFIX  puts the messages of SNAP back into MAILDIR
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	a := os.Args[2:]
	var err error
	switch os.Args[1] {
	case "msg":
		need(a, 1)
		err = os.WriteFile(a[0], smallMessage(2048, "rcpt@sink.test"), 0o644)
	case "blob":
		need(a, 2)
		err = writeBlob(a[1], atoi(a[0]))
	case "attachmsg":
		need(a, 2)
		err = writeAttachMessage(a[0], a[1])
	case "corpus":
		need(a, 3)
		err = writeCorpus(a[2], atoi(a[0]), int64(atoi(a[1])))
	case "lmtp":
		need(a, 4)
		err = deliverLMTP(a[0], a[1], atoi(a[2]), atoi(a[3]))
	case "refill":
		need(a, 3)
		err = refill(a[0], a[1], a[2])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gen msg|blob|attachmsg|corpus|lmtp|refill ...")
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
