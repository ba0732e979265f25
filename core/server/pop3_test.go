package server

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"mailwire/core/sasl"
)

// fill stores messages for mailbox directly.
func fill(t *testing.T, s *Server, mailbox string, msgs ...string) {
	t.Helper()
	for _, m := range msgs {
		if err := s.store.deliver(mailbox, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
}

// uids returns the stored ids of mailbox.
func uids(t *testing.T, s *Server, mailbox string) []string {
	t.Helper()
	es, err := s.store.list(mailbox)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.id)
	}
	return out
}

const (
	msg1 = "Subject: one\r\n\r\nline 1\r\n.dot\r\nline 3\r\n"
	msg2 = "Subject: two\r\n\r\nhi\r\n"
	msg3 = "Subject: three\r\n\r\n"
)

func TestPOP3Flow(t *testing.T) {
	s := start(t, nil)
	fill(t, s, "alice", msg1, msg2, msg3)
	id := uids(t, s, "alice")
	c := dial(t, s, "pop3")
	c.Run(`
		S: +OK Mailwire POP3 ready <*
		C: CAPA
		S: +OK Capability list follows
		S: TOP
		S: USER
		S: UIDL
		S: SASL SCRAM-SHA-256 CRAM-MD5
		S: STLS
		S: PIPELINING
		S: RESP-CODES
		S: AUTH-RESP-CODE
		S: IMPLEMENTATION Mailwire
		S: .
		C: USER alice
		S: -ERR [AUTH] Plaintext authentication disallowed without TLS (use STLS, APOP or a challenge-response mechanism)
		C: AUTH PLAIN ` + b64("\x00alice\x00secret") + `
		S: -ERR [AUTH] Encryption required for this mechanism
		C: STAT
		S: -ERR Unknown command or not allowed before authentication
		C: STLS
		S: +OK Begin TLS negotiation
		!tls
	`)
	c.Run(`
		C: CAPA
		S: +OK Capability list follows
		S: TOP
		S: USER
		S: UIDL
		S: SASL SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN
		S: PIPELINING
		S: RESP-CODES
		S: AUTH-RESP-CODE
		S: IMPLEMENTATION Mailwire
		S: .
		C: PASS secret
		S: -ERR USER first
		C: USER alice
		S: +OK Send PASS
		C: PASS wrong
		S: -ERR [AUTH] Authentication failed
		C: USER alice
		C: PASS secret
		S: +OK Send PASS
		S: +OK Logged in, 3 messages
		C: STAT
		S: +OK 3 ` + strconv.Itoa(len(msg1)+len(msg2)+len(msg3)) + `
		C: LIST
		S: +OK Listing follows
		S: 1 ` + strconv.Itoa(len(msg1)) + `
		S: 2 ` + strconv.Itoa(len(msg2)) + `
		S: 3 ` + strconv.Itoa(len(msg3)) + `
		S: .
		C: LIST 2
		S: +OK 2 ` + strconv.Itoa(len(msg2)) + `
		C: LIST 4
		S: -ERR No such message
		C: UIDL
		S: +OK Listing follows
		S: 1 ` + id[0] + `
		S: 2 ` + id[1] + `
		S: 3 ` + id[2] + `
		S: .
		C: UIDL 3
		S: +OK 3 ` + id[2] + `
		C: RETR 1
		S: +OK ` + strconv.Itoa(len(msg1)) + ` octets
		S: Subject: one
		S:
		S: line 1
		S: ..dot
		S: line 3
		S: .
		C: TOP 1 1
		S: +OK Top of message follows
		S: Subject: one
		S:
		S: line 1
		S: .
		C: TOP 3 5
		S: +OK Top of message follows
		S: Subject: three
		S:
		S: .
		C: TOP 1
		S: -ERR Syntax: TOP msg n
		C: DELE 1
		S: +OK Message 1 deleted
		C: DELE 1
		S: -ERR Message 1 is deleted
		C: RETR 1
		S: -ERR Message 1 is deleted
		C: STAT
		S: +OK 2 *
		C: LIST
		S: +OK Listing follows
		S: 2 *
		S: 3 *
		S: .
		C: RSET
		S: +OK
		C: STAT
		S: +OK 3 *
		C: DELE 2
		S: +OK Message 2 deleted
		C: NOOP
		S: +OK
	`)
	// Dropping the connection without QUIT deletes nothing (RFC 1939 section 6).
	c.Close()
	waitUnlocked(t, s, "alice") // the session sees the drop on its own time
	c = dial(t, s, "pop3s")
	c.Run(`
		S: +OK *
		C: USER alice
		C: PASS secret
		S: +OK Send PASS
		S: +OK Logged in, 3 messages
		C: DELE 2
		S: +OK Message 2 deleted
	`)
	if n := s.MessageCount("alice"); n != 3 {
		t.Fatalf("deleted before QUIT: %d left", n)
	}
	c.Run(`
		C: QUIT
		S: +OK Bye, 1 messages deleted
	`)
	c.Closed()
	if got := uids(t, s, "alice"); len(got) != 2 || got[0] != id[0] || got[1] != id[2] {
		t.Fatalf("left %q", got)
	}
}

func TestPOP3APOP(t *testing.T) {
	s := start(t, nil)
	fill(t, s, "bob", msg2)
	c := dial(t, s, "pop3")
	greeting := c.Expect("+OK Mailwire POP3 ready <*")
	stamp := greeting[strings.Index(greeting, "<"):]
	sum := md5.Sum([]byte(stamp + "hunter2"))
	c.Run(`
		C: APOP bob 00000000000000000000000000000000
		S: -ERR [AUTH] Authentication failed
		C: APOP bob
		S: -ERR Syntax: APOP name digest
		C: APOP bob ` + hex.EncodeToString(sum[:]) + `
		S: +OK Logged in, 1 messages
		C: APOP bob ` + hex.EncodeToString(sum[:]) + `
		S: -ERR Unknown command or not allowed after authentication
	`)
	// The mailbox is locked while the session lasts.
	c2 := dial(t, s, "pop3")
	c2.Expect("+OK *")
	if r := c2.authSASL(sasl.NewCramMD5("bob", "hunter2"), true); r != "-ERR [IN-USE] Mailbox in use by another session" {
		t.Fatal(r)
	}
	c.Run("C: QUIT\nS: +OK Bye, 0 messages deleted")
	c.Closed()
}

func TestPOP3SASL(t *testing.T) {
	s := start(t, nil)
	fill(t, s, "alice", msg1)
	tests := []struct {
		name string
		svc  string
		cl   sasl.Client
		want string
	}{
		{"cram-md5", "pop3", sasl.NewCramMD5("alice", "secret"), "+OK Logged in, 1 messages"},
		{"scram", "pop3", sasl.NewScramSHA256("alice", "secret"), "+OK Logged in, 1 messages"},
		{"scram-wrong", "pop3", sasl.NewScramSHA256("alice", "nope"), "-ERR [AUTH] Authentication failed"},
		{"plain-tls", "pop3s", sasl.NewPlain("", "alice", "secret"), "+OK Logged in, 1 messages"},
		{"login-tls", "pop3s", sasl.NewLogin("alice", "secret"), "+OK Logged in, 1 messages"},
		{"plain-no-tls", "pop3", sasl.NewPlain("", "alice", "secret"), "-ERR [AUTH] Encryption required for this mechanism"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, s, tt.svc)
			c.Expect("+OK *")
			if got := c.authSASL(tt.cl, true); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			c.Run("C: QUIT\nS: +OK Bye*")
		})
	}
	c := dial(t, s, "pop3")
	c.Run(`
		S: +OK *
		C: AUTH
		S: +OK Mechanisms follow
		S: SCRAM-SHA-256
		S: CRAM-MD5
		S: .
		C: AUTH CRAM-MD5
		S: + *
		C: *
		S: -ERR Authentication cancelled
		C: AUTH NOPE
		S: -ERR Unsupported mechanism or bad syntax
		C: STLS
		C: NOOP
		S: -ERR Data pipelined after STLS, closing connection
	`)
	c.Closed()
}
