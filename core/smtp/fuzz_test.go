package smtp

import (
	"bytes"
	"testing"

	"mailwire/core/errs"
	"mailwire/core/syntax"
)

// FuzzReply feeds arbitrary lines to the reply parser: it must never panic,
// and a reply it accepts has a valid code and at most maxReplyLines lines.
func FuzzReply(f *testing.F) {
	for _, s := range []string{
		"250 ok", "250-a\n250 b", "250-mx\n250-SIZE 10\n250 PIPELINING", "550 5.1.1 unknown",
		"250-a\n251 b", "2", "999 x", "334 dXNlcg==", "250 2.0.0", "250-\n250-\n250 ",
	} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, in []byte, enh bool) {
		lines := bytes.Split(in, []byte("\n"))
		next := func() ([]byte, error) {
			if len(lines) == 0 {
				return nil, errs.New(errs.Closed, "end")
			}
			l := lines[0]
			lines = lines[1:]
			return l, nil
		}
		r, err := readReply(next, enh)
		if err != nil {
			return
		}
		if r.Code < 200 || r.Code > 599 || len(r.Lines) == 0 || len(r.Lines) > maxReplyLines {
			t.Fatalf("accepted bad reply %+v", r)
		}
	})
}

// FuzzAddress checks that no address accepted by checkAddress can end the
// path or smuggle a parameter or a command.
func FuzzAddress(f *testing.F) {
	for _, s := range []string{"a@b.example", "a b@c", "a@[127.0.0.1]", "<a@b>", "a@b\r\nRSET", "\"x\"@y", "jörg@ü.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, a string) {
		if checkAddress("recipient", a, false) != nil {
			return
		}
		if bytes.ContainsAny([]byte(a), " \t\r\n\x00<>") {
			t.Fatalf("accepted %q", a)
		}
		if !syntax.IsMailbox(a) {
			t.Fatalf("accepted %q, which the server's grammar refuses", a)
		}
	})
}
