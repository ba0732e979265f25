package imap

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"mailwire/core/errs"
	"mailwire/core/internal/testwire"
	"mailwire/core/session"
	"mailwire/core/wire"
)

// serve starts a scripted server with the "sasl" step.
func serve(t *testing.T, scripts ...string) *testwire.Server {
	t.Helper()
	return testwire.Serve(t, testwire.Options{Steps: map[string]testwire.StepFunc{"sasl": saslStep}}, scripts...)
}

// saslStep runs the server side of "tag mech" (RFC 3501 section 6.2.2)
// after "tag AUTHENTICATE mech [initial-response]".
func saslStep(p *testwire.Peer, arg string) error {
	tag, mech, _ := strings.Cut(arg, " ")
	line, err := p.ReadLine()
	if err != nil {
		return err
	}
	f := strings.Fields(line)
	if len(f) < 3 || f[0] != tag || f[1] != "AUTHENTICATE" {
		return fmt.Errorf("want %s AUTHENTICATE %s, got %q", tag, mech, line)
	}
	return testwire.SASL(p, mech, f[2:], func(refused error) string {
		if refused != nil {
			return tag + " NO [AUTHENTICATIONFAILED] " + refused.Error() + "\r\n"
		}
		return tag + " OK [CAPABILITY IMAP4rev1 IDLE] welcome\r\n"
	})
}

// opts returns options for a scripted server: plaintext allowed, user tim.
func opts(s *testwire.Server) Options {
	return Options{session.ClientOptions{
		Host: "127.0.0.1", Port: s.Port(), Security: wire.None, SecuritySet: true,
		Username: "tim", Password: "tanstaaf", AllowPlaintextAuth: true,
		Timeout: 20 * time.Second,
	}}
}

func dial(t *testing.T, o Options) (*Client, error) {
	t.Helper()
	return Dial(context.Background(), o)
}

// login dials s with opts(s); the test stops when that fails.
func login(t *testing.T, s *testwire.Server) *Client {
	t.Helper()
	c, err := dial(t, opts(s))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// logout ends a session whose script ends with LOGOUT and checks the
// transcript.
func logout(t *testing.T, c *Client, s *testwire.Server) {
	t.Helper()
	if err := c.Logout(); err != nil {
		t.Fatal(err)
	}
	s.Check(t)
}

func wantKind(t *testing.T, err error, k errs.Kind) {
	t.Helper()
	if got := errs.KindOf(err); got != k {
		t.Fatalf("error %v: kind %d, want %d", err, got, k)
	}
}

// The usual start of a session: greeting with capabilities, LOGIN.
const (
	greet = `S: * OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE] ready`
	start = greet + `
C: A1 LOGIN "tim" "tanstaaf"
S: A1 OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE] logged in`
	inbox = `C: A2 SELECT "INBOX"
S: * 3 EXISTS
S: * OK [UIDVALIDITY 7] x
S: * OK [UIDNEXT 10] x
S: A2 OK [READ-WRITE] selected`
)

// selectInbox selects INBOX on a client whose script has inbox.
func selectInbox(t *testing.T, c *Client) {
	t.Helper()
	if _, err := c.Select("inbox", false); err != nil {
		t.Fatal(err)
	}
}

// bye is the end of a script: LOGOUT with tag.
func bye(tag string) string {
	return "C: " + tag + " LOGOUT\nS: * BYE bye\nS: " + tag + " OK done"
}
