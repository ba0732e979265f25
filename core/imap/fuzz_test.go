package imap

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"mailwire/core/errs"
	"mailwire/core/sasl"
	"mailwire/core/session"
	"mailwire/core/wire"
)

// parseAll runs the response parser over data as a server's byte stream,
// with a body sink that reads each message literal to the end, and
// returns the responses it read before the first error.
func parseAll(t *testing.T, data []byte) ([]*response, error) {
	a, b := net.Pipe()
	go func() {
		b.Write(data)
		b.Close()
	}()
	defer a.Close()
	conn := wire.NewConn(a, wire.Client, 5*time.Second, nil)
	conn.MaxLine = maxLine
	p := &parser{conn: conn}
	p.onBody = func(items []value, n int64) (value, error) {
		buf := make([]byte, 4096)
		for n > 0 {
			k := min(n, int64(len(buf)))
			if err := conn.ReadFull(buf[:k]); err != nil {
				return value{}, err
			}
			n -= k
		}
		return value{kind: vStreamed}, nil
	}
	var out []*response
	for len(out) < 10000 {
		r, err := p.read()
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// FuzzResponses feeds arbitrary server streams to the response parser:
// it must not panic, must end with an error of kind Protocol or Closed
// (or read every response), and what it accepts must respect the bounds.
func FuzzResponses(f *testing.F) {
	for _, s := range []string{
		"* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n",
		"A1 OK [READ-WRITE] done\r\n* 3 EXISTS\r\n* 2 EXPUNGE\r\n",
		"* 1 FETCH (UID 4 FLAGS (\\Seen) BODY[] {5}\r\nhello)\r\nA2 OK\r\n",
		"* 1 FETCH (BODY[HEADER.FIELDS (TO FROM)]<0> {3}\r\nabc UID 9)\r\n",
		"* LIST (\\HasNoChildren \\Sent) \"/\" \"&AMQ-pfel\"\r\n* LIST () NIL {3}\r\na\"b\r\n",
		"* STATUS INBOX (MESSAGES 3 UNSEEN 1)\r\n* SEARCH 1 2 3\r\n* ESEARCH (TAG \"A5\") UID ALL 1:3,5\r\n",
		"+ cj1yT0\r\n+\r\n* BYE bye\r\n* ID (\"name\" \"x\")\r\n* ENABLED UTF8=ACCEPT\r\n",
		"* 1 FETCH (X ((((((((((((((((((((a))))))))))))))))))))\r\n", "* FLAGS ({99999999}\r\n", "A1 OKAY\r\n",
		"* OK [BADCHARSET (\"x]\")] y\r\n", "* 1 FETCH (UID 1 BODY[] {4294967296}\r\n", "\r\n", "* \r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := parseAll(t, data)
		if err != nil {
			if k := errs.KindOf(err); k != errs.Protocol && k != errs.Closed && k != errs.IO {
				t.Fatalf("error of kind %d: %v", k, err)
			}
		}
		for _, r := range rs {
			if r.tag == "" || len(r.tag) > maxTagged && r.tag != "+" {
				t.Fatalf("bad tag %q", r.tag)
			}
			if r.tag != "+" && r.tag != "*" && r.name != "OK" && r.name != "NO" && r.name != "BAD" {
				t.Fatalf("tagged %q accepted", r.name)
			}
			checkDepth(t, r.args, 0)
			checkDepth(t, r.codeArgs, 0)
		}
	})
}

func checkDepth(t *testing.T, vs []value, d int) {
	if d > maxDepth {
		t.Fatalf("nesting %d accepted", d)
	}
	for _, v := range vs {
		if v.kind == vString && len(v.s) > maxString {
			t.Fatalf("string of %d bytes held", len(v.s))
		}
		checkDepth(t, v.list, d+1)
	}
}

// FuzzMailbox checks modified UTF-7 both ways: every UTF-8 name comes back
// unchanged, and what decodes re-encodes to the same text.
func FuzzMailbox(f *testing.F) {
	for _, s := range []string{"INBOX", "Äpfel/日本語", "a&b", "&-", "&AMQ-pfel", "&Jjo-!", "&U,BTFw-", "\U0001F600", "a\x00b", "&", "&-&-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if utf8.ValidString(s) {
			enc, err := EncodeMailbox(s)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < len(enc); i++ {
				if enc[i] < 0x20 || enc[i] > 0x7e {
					t.Fatalf("EncodeMailbox(%q) = %q: not printable ASCII", s, enc)
				}
			}
			dec, err := DecodeMailbox(enc)
			if err != nil || dec != s {
				t.Fatalf("round trip %q -> %q -> %q, %v", s, enc, dec, err)
			}
		}
		if dec, err := DecodeMailbox(s); err == nil {
			if !utf8.ValidString(dec) {
				t.Fatalf("DecodeMailbox(%q) = %q: not UTF-8", s, dec)
			}
			if enc, _ := EncodeMailbox(dec); enc != s {
				t.Fatalf("DecodeMailbox(%q) = %q, which encodes as %q", s, dec, enc)
			}
		}
	})
}

// FuzzCriteria checks that whatever search criteria pass the check, the
// command that carries them is one well-formed command: no line end, no
// literal but those the library made, quotes and parentheses balanced.
func FuzzCriteria(f *testing.F) {
	for _, s := range []string{"ALL", "UNSEEN FROM \"a\\\"b\"", "SUBJECT \"café\" (OR SEEN FLAGGED)", "X {5}", "a\r\nb", "((", "\"", "BODY \"\\x\""} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, utf8Quoted bool) {
		parts, _, err := parseCriteria(s, utf8Quoted)
		if err != nil {
			if errs.KindOf(err) != errs.Arg {
				t.Fatalf("kind %d", errs.KindOf(err))
			}
			return
		}
		var b strings.Builder
		for _, p := range parts {
			if p.lit {
				b.WriteString(`"x"`)
				continue
			}
			if strings.ContainsAny(p.text, "\r\n\x00") {
				t.Fatalf("%q passed with %q", s, p.text)
			}
			b.WriteString(p.text)
		}
		if _, _, err := parseCriteria(b.String(), true); err != nil {
			t.Fatalf("%q became %q, which is refused: %v", s, b.String(), err)
		}
	})
}

// FuzzClient runs a whole session against a server that sends data: the
// client must end every call with an error of a known kind, or succeed,
// and never hang or panic.
func FuzzClient(f *testing.F) {
	f.Add([]byte("* OK [CAPABILITY IMAP4rev1] x\r\nA1 OK [CAPABILITY IMAP4rev1] in\r\nA2 OK\r\n* SEARCH 1\r\nA3 OK\r\n"))
	f.Add([]byte("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] x\r\n* 1 EXISTS\r\nA1 OK\r\nA2 OK\r\n* 1 FETCH (UID 1 BODY[] {2}\r\nab)\r\nA3 OK\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, b := net.Pipe()
		go func() {
			go io.Copy(io.Discard, b)
			b.Write(data)
			b.Close()
		}()
		o := Options{session.ClientOptions{Host: "x", Username: "u", Password: "p", AllowPlaintextAuth: true, Security: wire.None, Timeout: 5 * time.Second}}
		c := newClient(wire.NewConn(a, wire.Client, o.Timeout, nil), o)
		c.session = &sasl.Session{}
		defer c.Close()
		if err := c.open(context.Background()); err != nil {
			return
		}
		if _, err := c.Select("INBOX", false); err != nil {
			return
		}
		uids, _ := c.Search("ALL")
		c.Fetch(uids, func(uid uint32, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		})
		var buf bytes.Buffer
		c.FetchTo(1, &buf)
	})
}
