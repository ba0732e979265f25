package hostile

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailwire/core/errs"
	"mailwire/core/imap"
	"mailwire/core/pop3"
	"mailwire/core/smtp"
)

// caseTimeout bounds one case, far above every timeout the cases set.
const caseTimeout = 30 * time.Second

// runSMTP runs the SMTP client through a case: connect, send one message,
// quit. It returns the first error.
func runSMTP(opts []Opt) error {
	var o smtp.Options
	for _, op := range opts {
		if err := o.Set(op.Name, op.Value); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	c, err := smtp.Dial(ctx, o)
	if err != nil {
		return err
	}
	if _, err := c.Send(smtp.Envelope{From: From, To: []string{To}, Size: int64(len(Message))}, strings.NewReader(Message)); err != nil {
		c.Close()
		return err
	}
	return c.Quit()
}

// runPOP3 runs the POP3 client through a case: connect, STAT, LIST, RETR 1
// (which must give back Message), UIDL, QUIT. It returns the first error.
func runPOP3(opts []Opt) error {
	var o pop3.Options
	for _, op := range opts {
		if err := o.Set(op.Name, op.Value); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	c, err := pop3.Dial(ctx, o)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Count(); err != nil {
		return err
	}
	if _, err := c.Size(1); err != nil {
		return err
	}
	var msg bytes.Buffer
	if _, err := c.Retrieve(1, &msg); err != nil {
		return err
	}
	if msg.String() != Message {
		return errs.New(errs.Internal, "retrieved message differs: "+msg.String())
	}
	if _, err := c.UID(1); err != nil {
		return err
	}
	return c.Quit()
}

// runIMAP runs the IMAP client through a case: connect, SELECT INBOX, UID
// SEARCH ALL, UID FETCH of the first UID (which must give back Message),
// its flags, LOGOUT. It returns the first error; a search that finds
// nothing is errs.NotFound.
func runIMAP(opts []Opt) error {
	var o imap.Options
	for _, op := range opts {
		if err := o.Set(op.Name, op.Value); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	c, err := imap.Dial(ctx, o)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Select("INBOX", false); err != nil {
		return err
	}
	uids, err := c.Search("ALL")
	if err != nil {
		return err
	}
	if len(uids) == 0 {
		return errs.New(errs.NotFound, "the search found nothing")
	}
	var msg bytes.Buffer
	if _, err := c.FetchTo(uids[0], &msg); err != nil {
		return err
	}
	if msg.String() != Message {
		return errs.New(errs.Internal, "fetched message differs: "+msg.String())
	}
	if _, err := c.Flags(uids[0]); err != nil {
		return err
	}
	return c.Logout()
}

func TestCases(t *testing.T) {
	certs, err := NewCerts()
	if err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := certs.WriteCA(ca); err != nil {
		t.Fatal(err)
	}
	for _, c := range All() {
		c := c
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			l, err := Listen(c.Script, certs)
			if err != nil {
				t.Fatal(err)
			}
			run := map[string]func([]Opt) error{"smtp": runSMTP, "pop3": runPOP3, "imap": runIMAP}[c.Proto]
			err = run(c.ClientOpts(l.Port(), ca))
			rec := l.Finish()
			if got := errs.KindOf(err); got != c.Want {
				t.Errorf("got kind %d (%v), want %d", got, err, c.Want)
			}
			if leaks := c.Leaks(rec); len(leaks) > 0 {
				t.Errorf("the server received %s:\n%q", strings.Join(leaks, ", "), clip(rec.Bytes()))
			}
		})
	}
}

// clip bounds a record for an error message.
func clip(b []byte) []byte {
	if len(b) > 2000 {
		return b[:2000]
	}
	return b
}

func TestTableSize(t *testing.T) {
	n := map[string]int{}
	names := map[string]bool{}
	for _, c := range All() {
		n[c.Proto]++
		if names[c.Name] {
			t.Errorf("duplicate case %s", c.Name)
		}
		names[c.Name] = true
	}
	if n["smtp"] < 60 || n["pop3"] < 40 || n["imap"] < 60 {
		t.Errorf("cases: %v, want at least 60 SMTP, 40 POP3 and 60 IMAP", n)
	}
}

// TestLeaks checks the checker: every forbidden thing is found.
func TestLeaks(t *testing.T) {
	tests := []struct {
		sent   string
		forbid Forbid
		want   int
	}{
		{"EHLO x\r\nQUIT\r\n", Nothing, 0},
		{"PASS " + Password + "\r\n", Creds, 1},
		{"AUTH PLAIN AGFsaWNlAFB3LTlmM0txLXha\r\n", Creds, 1},
		{"AUTH LOGIN\r\nUHctOWYzS3EteFo=\r\n", Creds, 1},
		{"MAIL FROM:<a@b>\r\n", Envelope, 1},
		{"MAIL FROM:<a@b>\r\n", Creds | Body, 0},
		{"DATA\r\n", DataCmd, 1},
		{"x\r\n" + BodyMark + "\r\n.\r\n", Body, 1},
		{"MAIL FROM:<a@b>\r\nDATA\r\n" + BodyMark, Nothing, 3},
	}
	for _, tt := range tests {
		var rec Record
		rec.add([]byte(tt.sent))
		if got := (Case{Forbid: tt.forbid}).Leaks(&rec); len(got) != tt.want {
			t.Errorf("%q with %b: found %v, want %d findings", tt.sent, tt.forbid, got, tt.want)
		}
	}
}
