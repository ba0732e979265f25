package pop3

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"

	"mailwire/core/errs"
	"mailwire/core/sasl"
	"mailwire/core/session"
	"mailwire/core/wire"
)

// FuzzParsers feeds arbitrary lines to the status, STAT, LIST, UIDL and
// greeting parsers: none may panic, and what they accept must be sane.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{
		"+OK", "+OK 2 320", "-ERR [IN-USE] locked", "-ERR [SYS/TEMP", "+OKAY", "1 120", "2 -3",
		"1 whqtswO00WBw418f9t5JxYwZ", "99999999999999999999 1", "<1896.697170952@dbc.mtview.ca.us>", "\x00\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if text, err := parseStatus(line); err == nil && !strings.HasPrefix(line, "+OK") {
			t.Fatalf("accepted %q as +OK (%q)", line, text)
		} else if e, ok := err.(*Error); ok {
			_ = e.ErrKind()
		}
		if n, size, err := parseStat(line); err == nil && (n < 0 || n > maxListing || size < 0) {
			t.Fatalf("parseStat(%q) = %d %d", line, n, size)
		}
		if n, size, err := parseScan(line); err == nil && (n < 1 || size < 0) {
			t.Fatalf("parseScan(%q) = %d %d", line, n, size)
		}
		if n, uid, err := parseUIDLine(line); err == nil && (n < 1 || !validUID(uid)) {
			t.Fatalf("parseUIDLine(%q) = %d %q", line, n, uid)
		}
		if ts := timestamp(line); ts != "" && (ts[0] != '<' || ts[len(ts)-1] != '>') {
			t.Fatalf("timestamp(%q) = %q", line, ts)
		}
	})
}

// FuzzSession plays an arbitrary server reply stream against a whole
// session over net.Pipe: the client must end with an error or success,
// never a panic or a hang.
func FuzzSession(f *testing.F) {
	f.Add("+OK ready <a@b>\r\n-ERR\r\n+OK\r\n+OK 2 10\r\n+OK\r\n1 5\r\n2 5\r\n.\r\n+OK\r\n1 a\r\n.\r\n+OK\r\nx\r\n..y\r\n.\r\n+OK\r\n")
	f.Add("+OK\r\n+OK\r\nSASL PLAIN\r\nPIPELINING\r\n.\r\n+ \r\n+OK\r\n+OK 1 1\r\n+OK\r\nbody\r\n.\r\n")
	f.Add("+OK\r\n+OK\r\n.\r\n+OK\r\n+OK\r\n+OK 1000001 1\r\n")
	f.Add("+OK\r\n+OK\r\nPIPELINING\r\n.\r\n+OK\r\n+OK\r\n+OK 3 9\r\n+OK\r\n.\r\n+OK\r\nb\r\n.\r\n-ERR\r\n+OK\r\n+OK\r\n")
	f.Fuzz(func(t *testing.T, replies string) {
		cs, ss := net.Pipe()
		go func() {
			go io.Copy(io.Discard, ss)
			io.WriteString(ss, replies)
			ss.Close()
		}()
		c := &Client{conn: wire.NewConn(cs, wire.Client, 0, nil), opts: Options{session.ClientOptions{Username: "u", Password: "p", AllowPlaintextAuth: true, Security: wire.None}},
			session: &sasl.Session{}}
		defer cs.Close()
		if err := c.open(context.Background()); err != nil {
			if errs.KindOf(err) == errs.Internal {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		c.Count()
		c.Size(1)
		c.UID(2)
		c.Top(1, 0, io.Discard)
		res, err := c.Fetch([]int{2, 1, 3}, true, func(n int, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		})
		if len(res) != 3 || errs.KindOf(err) == errs.Internal {
			t.Fatalf("Fetch: %d results, %v", len(res), err)
		}
		c.Delete(1)
		c.Quit()
	})
}
