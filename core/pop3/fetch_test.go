package pop3

import (
	"io"
	"strconv"
	"strings"
	"testing"

	"mailwire/core/errs"
)

// TestFetch runs Fetch against scripted servers and checks the exact
// commands, what fn received and the result of every message.
func TestFetch(t *testing.T) {
	tests := []struct {
		name    string
		script  string
		ns      []int
		del     bool
		refuse  int // fn refuses this message
		want    string
		kinds   []errs.Kind // per message
		session errs.Kind
	}{
		{"pipelined, deleting", pipelined + `
C: RETR 1
C: RETR 2
C: RETR 3
S: +OK
S: one
S: ..dot
S: .
C: DELE 1
S: +OK
S: two
S: .
C: DELE 2
S: +OK
S: three
S: .
C: DELE 3
S: +OK
S: +OK
S: +OK
C: QUIT
S: +OK`, []int{1, 2, 3}, true, 0, "1:one\r\n.dot\r\n|2:two\r\n|3:three\r\n|", []errs.Kind{0, 0, 0}, 0},
		{"pipelined, keeping", pipelined + `
C: RETR 3
C: RETR 1
S: +OK
S: three
S: .
S: +OK
S: one
S: .
C: QUIT
S: +OK`, []int{3, 1}, false, 0, "3:three\r\n|1:one\r\n|", []errs.Kind{0, 0}, 0},
		{"a -ERR in the middle: that message is neither kept nor deleted, the rest go on", pipelined + `
C: RETR 1
C: RETR 2
C: RETR 3
S: +OK
S: one
S: .
C: DELE 1
S: -ERR [SYS/TEMP] gone
S: +OK
S: three
S: .
C: DELE 3
S: +OK
S: -ERR no
C: QUIT
S: +OK`, []int{1, 2, 3}, true, 0, "1:one\r\n|3:three\r\n|", []errs.Kind{0, errs.Temporary, errs.Refused}, 0},
		{"fn refuses a message: it is not deleted", pipelined + `
C: RETR 1
C: RETR 2
S: +OK
S: one
S: .
S: +OK
S: two
S: .
C: DELE 2
S: +OK
C: QUIT
S: +OK`, []int{1, 2}, true, 1, "2:two\r\n|", []errs.Kind{errs.File, 0}, 0},
		{"a bad number is refused locally, the rest go on", pipelined + `
C: RETR 2
S: +OK
S: two
S: .
C: DELE 2
S: +OK
C: QUIT
S: +OK`, []int{4, 2, 0}, true, 0, "2:two\r\n|", []errs.Kind{errs.NotFound, 0, errs.NotFound}, 0},
		{"one by one without PIPELINING", loggedIn + `
C: STAT
S: +OK 3 30
C: RETR 1
S: +OK
S: one
S: .
C: DELE 1
S: +OK
C: RETR 2
S: -ERR no
C: RETR 3
S: +OK
S: three
S: .
C: DELE 3
S: +OK
C: QUIT
S: +OK`, []int{1, 2, 3}, true, 0, "1:one\r\n|3:three\r\n|", []errs.Kind{0, errs.Refused, 0}, 0},
		{"the connection drops mid-batch", pipelined + `
C: RETR 1
C: RETR 2
C: RETR 3
S: +OK
S: one
S: .
C: DELE 1
S: +OK
S: tw
!close`, []int{1, 2, 3}, true, 0, "1:one\r\n|2:tw\r\n|", []errs.Kind{errs.Closed, errs.Closed, errs.Closed}, errs.Closed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := serve(t, tc.script)
			c := login(t, s)
			var got strings.Builder
			res, err := c.Fetch(tc.ns, tc.del, func(n int, r io.Reader) error {
				if n == tc.refuse {
					return errs.New(errs.File, "disk full")
				}
				b, err := io.ReadAll(r)
				got.WriteString(string(rune('0'+n)) + ":" + string(b) + "|")
				return err
			})
			if errs.KindOf(err) != tc.session {
				t.Errorf("session error %v, want kind %d", err, tc.session)
			}
			if got.String() != tc.want {
				t.Errorf("fn got %q, want %q", got.String(), tc.want)
			}
			if len(res) != len(tc.kinds) {
				t.Fatalf("%d results, want %d", len(res), len(tc.kinds))
			}
			for i, k := range tc.kinds {
				if errs.KindOf(res[i]) != k {
					t.Errorf("message %d: %v, want kind %d", tc.ns[i], res[i], k)
				}
			}
			if tc.session == 0 {
				if err := c.Quit(); err != nil {
					t.Fatal(err)
				}
			}
			s.Check(t)
		})
	}
}

// TestFetchDeletedSkipped checks that a message deleted by Fetch is refused
// locally afterwards, and that fn cannot send a command.
func TestFetchDeletedSkipped(t *testing.T) {
	s := serve(t, pipelined+`
C: RETR 1
S: +OK
S: one
S: .
C: DELE 1
S: +OK
C: RETR 2
S: +OK
S: two
S: .
C: QUIT
S: +OK`)
	c := login(t, s)
	if res, err := c.Fetch([]int{1}, true, func(int, io.Reader) error { return nil }); err != nil || res[0] != nil {
		t.Fatalf("first Fetch: %v %v", res, err)
	}
	res, err := c.Fetch([]int{1, 2}, false, func(int, io.Reader) error { return c.Noop() })
	if err != nil || errs.KindOf(res[0]) != errs.NotFound || errs.KindOf(res[1]) != errs.State {
		t.Errorf("second Fetch: %v %v", res, err)
	}
	quit(t, c, s)
}

// TestRetrieveFunc checks that RetrieveFunc and TopFunc hand the body to fn
// and drop what fn leaves.
func TestRetrieveFunc(t *testing.T) {
	s := serve(t, pipelined+`
C: RETR 2
S: +OK
S: Subject: x
S:
S: body
S: .
C: TOP 1 0
S: +OK
S: Subject: y
S:
S: .
C: NOOP
S: +OK
C: QUIT
S: +OK`)
	c := login(t, s)
	var line string
	err := c.RetrieveFunc(2, func(r io.Reader) error {
		b := make([]byte, 4)
		_, err := io.ReadFull(r, b)
		line = string(b)
		return err
	})
	if err != nil || line != "Subj" {
		t.Errorf("RetrieveFunc: %q %v", line, err)
	}
	var top []byte
	err = c.TopFunc(1, 0, func(r io.Reader) (err error) {
		top, err = io.ReadAll(r)
		return err
	})
	if err != nil || string(top) != "Subject: y\r\n\r\n" {
		t.Errorf("TopFunc: %q %v", top, err)
	}
	if err := c.Noop(); err != nil {
		t.Fatal(err)
	}
	quit(t, c, s)
}

// TestFetchWindow fetches and deletes more messages than the window holds:
// no more than pipeWindow commands are ever in flight (RETR 65 waits for the
// replies to the first DELE commands), and every DELE follows its RETR.
func TestFetchWindow(t *testing.T) {
	const total = pipeWindow + 6
	var sb strings.Builder
	sb.WriteString(strings.TrimSuffix(pipelined, "3 30") + "70 700")
	cmds := func(verb string, from, to int) {
		for n := from; n <= to; n++ {
			sb.WriteString("\nC: " + verb + " " + strconv.Itoa(n))
		}
	}
	replies := func(from, to int, body bool) {
		for n := from; n <= to; n++ {
			sb.WriteString("\nS: +OK")
			if body {
				sb.WriteString("\nS: m" + strconv.Itoa(n) + "\nS: .")
			}
		}
	}
	cmds("RETR", 1, pipeWindow)
	replies(1, pipeWindow, true)
	cmds("DELE", 1, pipeWindow)
	replies(1, pipeWindow, false)
	cmds("RETR", pipeWindow+1, total)
	replies(pipeWindow+1, total, true)
	cmds("DELE", pipeWindow+1, total)
	replies(pipeWindow+1, total, false)
	sb.WriteString("\nC: QUIT\nS: +OK")
	s := serve(t, sb.String())
	c := login(t, s)
	ns := make([]int, total)
	for i := range ns {
		ns[i] = i + 1
	}
	got := 0
	res, err := c.Fetch(ns, true, func(n int, r io.Reader) error {
		b, err := io.ReadAll(r)
		if string(b) == "m"+strconv.Itoa(n)+"\r\n" {
			got++
		}
		return err
	})
	if err != nil || got != total {
		t.Errorf("%d messages right, %v", got, err)
	}
	for i, e := range res {
		if e != nil {
			t.Errorf("message %d: %v", i+1, e)
		}
	}
	quit(t, c, s)
}
