package pop3

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

// serve starts a scripted server (testwire's syntax) for one connection.
// Its own step "!sasl mech" runs the server side of mech for tim /
// tanstaaf.
func serve(t *testing.T, script string) *testwire.Server {
	t.Helper()
	return testwire.Serve(t, testwire.Options{Steps: map[string]testwire.StepFunc{"sasl": saslStep}}, script)
}

// saslStep runs the server side of mech (RFC 5034 section 4) after
// "AUTH mech [initial-response]".
func saslStep(p *testwire.Peer, mech string) error {
	line, err := p.ReadLine()
	if err != nil {
		return err
	}
	f := strings.Fields(line)
	if len(f) < 2 || f[0] != "AUTH" {
		return fmt.Errorf("want AUTH %s, got %q", mech, line)
	}
	return testwire.SASL(p, mech, f[1:], func(refused error) string {
		if refused != nil {
			return "-ERR [AUTH] " + refused.Error() + "\r\n"
		}
		return "+OK welcome\r\n"
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

// login dials the scripted server s with opts(s); the test stops when
// that fails.
func login(t *testing.T, s *testwire.Server) *Client {
	t.Helper()
	c, err := dial(t, opts(s))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// quit sends QUIT, which must succeed, and checks the transcript.
func quit(t *testing.T, c *Client, s *testwire.Server) {
	t.Helper()
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	s.Check(t)
}

func dial(t *testing.T, o Options) (*Client, error) {
	t.Helper()
	return Dial(context.Background(), o)
}

func wantKind(t *testing.T, err error, k errs.Kind) {
	t.Helper()
	if got := errs.KindOf(err); got != k {
		t.Fatalf("error %v: kind %d, want %d", err, got, k)
	}
}
