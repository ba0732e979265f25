package imap

import (
	"strings"
	"testing"
	"time"

	"mailwire/core/errs"
	"mailwire/core/internal/testwire"
	"mailwire/core/wire"
)

func TestSTARTTLS(t *testing.T) {
	s := serve(t, `S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready
C: A1 STARTTLS
S: A1 OK begin
!tls
C: A2 CAPABILITY
S: * CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR
S: A2 OK
C: A3 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZg==
S: A3 OK [CAPABILITY IMAP4rev1 IDLE] in
C: A4 LOGOUT
S: A4 OK`)
	o := opts(s)
	o.SecuritySet, o.Security, o.AllowPlaintextAuth = true, wire.StartTLS, false
	o.TLS.CAFile = testwire.CAFile(t)
	c, err := dial(t, o)
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsTLS() || strings.Join(c.Capabilities(), " ") != "IMAP4rev1 IDLE" {
		t.Errorf("TLS %v, capabilities %q", c.IsTLS(), c.Capabilities())
	}
	logout(t, c, s)
}

func TestImplicitTLS(t *testing.T) {
	s := testwire.Serve(t, testwire.Options{Implicit: true}, `S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
C: A1 AUTHENTICATE PLAIN
S: +
C: AHRpbQB0YW5zdGFhZg==
S: A1 OK [CAPABILITY IMAP4rev1] in
C: A2 LOGOUT
S: A2 OK`)
	o := opts(s)
	o.SecuritySet, o.Security, o.AllowPlaintextAuth = true, wire.TLS, false
	o.TLS.CAFile = testwire.CAFile(t)
	c, err := dial(t, o)
	if err != nil {
		t.Fatal(err)
	}
	logout(t, c, s)
}

// TestSecurityRefusals: nothing secret is sent when TLS is missing.
func TestSecurityRefusals(t *testing.T) {
	tests := []struct {
		name   string
		script string
		sec    wire.Security
		auth   string
		want   errs.Kind
	}{
		{"STARTTLS not offered", `S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready`, wire.StartTLS, "", errs.Security},
		{"STARTTLS refused", `S: * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
C: A1 STARTTLS
S: A1 NO not today`, wire.StartTLS, "", errs.Security},
		{"PREAUTH rules STARTTLS out", `S: * PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] hi`, wire.StartTLS, "", errs.Security},
		{"STARTTLS response injection", `S: * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
C: A1 STARTTLS
S= "A1 OK begin\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"`, wire.StartTLS, "", errs.Protocol},
		{"optional, stripped, LOGIN refused", `S: * OK [CAPABILITY IMAP4rev1] ready`, wire.StartTLSOptional, "login", errs.Security},
		{"PLAIN without TLS", `S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready`, wire.None, "plain", errs.Security},
		{"auto passes PLAIN over, LOGIN refused", `S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready`, wire.None, "", errs.Security},
		{"LOGINDISABLED", `S: * OK [CAPABILITY IMAP4rev1 LOGINDISABLED] ready`, wire.None, "login", errs.Security},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := serve(t, tt.script)
			o := opts(s)
			o.Security, o.AllowPlaintextAuth, o.Auth = tt.sec, false, tt.auth
			_, err := dial(t, o)
			wantKind(t, err, tt.want)
			s.Check(t)
		})
	}
}

func TestPreauthWithoutTLS(t *testing.T) {
	s := serve(t, `S: * PREAUTH [CAPABILITY IMAP4rev1 ENABLE IMAP4rev2] hi
C: A1 ENABLE IMAP4rev2
S: * ENABLED IMAP4rev2
S: A1 OK
C: A2 SELECT "Äpfel"
S: A2 OK
C: A3 UID SEARCH RETURN (ALL) ALL
S: * ESEARCH (TAG "A3") UID
S: A3 OK
C: A4 LOGOUT
S: A4 OK`)
	c := login(t, s)
	if !c.Enabled("imap4rev2") {
		t.Error("IMAP4rev2 not enabled")
	}
	if _, err := c.Select("Äpfel", false); err != nil {
		t.Fatal(err)
	}
	if uids, err := c.Search(""); err != nil || len(uids) != 0 {
		t.Fatal(uids, err)
	}
	logout(t, c, s)
}

func TestXOAuth2(t *testing.T) {
	s := serve(t, `S: * OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER SASL-IR] ready
C: A1 AUTHENTICATE XOAUTH2 dXNlcj10aW0BYXV0aD1CZWFyZXIgdG9rLTEBAQ==
S: A1 OK [CAPABILITY IMAP4rev1] in
C: A2 LOGOUT
S: A2 OK`)
	o := opts(s)
	o.Password, o.Token, o.Auth = "", "tok-1", "xoauth2"
	c, err := dial(t, o)
	if err != nil {
		t.Fatal(err)
	}
	logout(t, c, s)
}

func TestIdleStop(t *testing.T) {
	s := serve(t, start+`
`+inbox+`
C: A3 IDLE
S: + idling
!hold
C: DONE
S: A3 OK done
C: A4 NOOP
S: A4 OK
C: A5 LOGOUT
S: A5 OK`)
	c := login(t, s)
	selectInbox(t, c)
	go func() {
		<-s.Held()
		c.StopIdle()
	}()
	_, err := c.Idle(time.Hour)
	wantKind(t, err, errs.Cancelled)
	if err := c.Noop(); err != nil {
		t.Fatal(err)
	}
	logout(t, c, s)
}

func TestIdleRefused(t *testing.T) {
	s := serve(t, start+`
`+inbox+`
C: A3 IDLE
S: A3 BAD no
C: A4 LOGOUT
S: A4 OK`)
	c := login(t, s)
	selectInbox(t, c)
	_, err := c.Idle(time.Second)
	wantKind(t, err, errs.Refused)
	logout(t, c, s)
}

func TestStatusUnseenExpungeID(t *testing.T) {
	s := serve(t, `S: * OK [CAPABILITY IMAP4rev1 ID CONDSTORE] ready
C: A1 LOGIN "tim" "tanstaaf"
S: A1 OK [CAPABILITY IMAP4rev1 ID CONDSTORE] in
C: A2 STATUS "Sent" (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)
S: * STATUS "Sent" (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 9 UNSEEN 0 HIGHESTMODSEQ 77)
S: A2 OK
C: A3 SELECT "INBOX" (CONDSTORE)
S: * 3 EXISTS
S: * OK [HIGHESTMODSEQ 715194045007] x
S: A3 OK [READ-WRITE] selected
C: A4 UID SEARCH UNSEEN
S: * SEARCH 1 2 (MODSEQ 5)
S: A4 OK
C: A5 EXPUNGE
S: * 3 EXPUNGE
S: * 2 EXPUNGE
S: A5 OK
C: A6 ID ("name" "Mailwire")
S: * ID ("name" "Dovecot" "version" NIL)
S: A6 OK
C: A7 LOGOUT
S: A7 OK`)
	c := login(t, s)
	st, err := c.Status("Sent")
	if err != nil || st["MESSAGES"] != 2 || st["HIGHESTMODSEQ"] != 77 {
		t.Fatal(st, err)
	}
	mb, err := c.Select("INBOX", false)
	if err != nil || mb.HighestModSeq != 715194045007 {
		t.Fatal(mb, err)
	}
	if n, err := c.Unseen(); err != nil || n != 2 {
		t.Fatal(n, err)
	}
	if err := c.Expunge(); err != nil || c.Selected().Exists != 1 {
		t.Fatal(err, c.Selected().Exists)
	}
	id, err := c.ID(map[string]string{"name": "Mailwire"})
	if err != nil || id["name"] != "Dovecot" {
		t.Fatal(id, err)
	}
	logout(t, c, s)
}

func TestLongNameLiteral(t *testing.T) {
	long := strings.Repeat("x", 1100)
	s := serve(t, `S: * OK [CAPABILITY IMAP4rev1 LITERAL-] ready
C: A1 LOGIN "tim" "tanstaaf"
S: A1 OK [CAPABILITY IMAP4rev1 LITERAL-] in
C: A2 CREATE {1100+}
C: `+long+`
S: A2 OK
C: A3 LOGOUT
S: A3 OK`)
	c := login(t, s)
	if err := c.Create(long); err != nil {
		t.Fatal(err)
	}
	logout(t, c, s)
}

func TestArgumentsRefused(t *testing.T) {
	s := serve(t, start+`
C: A2 LOGOUT
S: A2 OK`)
	c := login(t, s)
	for _, name := range []string{"", "a\r\nA9 LOGOUT", "a\x00b", "\xff"} {
		wantKind(t, c.Create(name), errs.Arg)
	}
	_, err := c.Search("ALL")
	wantKind(t, err, errs.State) // no folder selected
	_, err = c.Append("INBOX", []string{"a b"}, 1, nil)
	wantKind(t, err, errs.Arg)
	logout(t, c, s)
}

func TestMailboxUTF7(t *testing.T) {
	for _, tt := range []struct{ utf8, utf7 string }{
		{"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"}, // RFC 3501 section 5.1.3
		{"a&b", "a&-b"}, {"Entwürfe", "Entw&APw-rfe"}, {"\U0001F600", "&2D3eAA-"}, {"&", "&-"},
	} {
		if got, err := EncodeMailbox(tt.utf8); err != nil || got != tt.utf7 {
			t.Errorf("EncodeMailbox(%q) = %q, %v; want %q", tt.utf8, got, err, tt.utf7)
		}
		if got, err := DecodeMailbox(tt.utf7); err != nil || got != tt.utf8 {
			t.Errorf("DecodeMailbox(%q) = %q, %v; want %q", tt.utf7, got, err, tt.utf8)
		}
	}
	for _, bad := range []string{"&Jjo", "&AGE-", "&U,BTFw-&ZeVnLIqe-", "caf\xe9", "&2D0-", "&AMQ", "&!!-"} {
		if got, err := DecodeMailbox(bad); errs.KindOf(err) != errs.Protocol {
			t.Errorf("DecodeMailbox(%q) = %q, %v; want a protocol error", bad, got, err)
		}
	}
}
