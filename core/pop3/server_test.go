package pop3

import (
	"context"
	"encoding/base64"
	"fmt"
	"mailwire/core/session"
	"mailwire/core/wire"
	"strings"
	"testing"
	"time"

	"mailwire/core/errs"
	"mailwire/core/internal/testwire"
	"mailwire/core/sasl"
)

// serve starts a scripted server (testwire's syntax) for one connection.
// Its own step "!sasl mech" runs the server side of mech for tim /
// tanstaaf.
func serve(t *testing.T, script string) *testwire.Server {
	t.Helper()
	return testwire.Serve(t, testwire.Options{Steps: map[string]testwire.StepFunc{"sasl": saslStep}}, script)
}

// saslStep runs the server side of mech (RFC 5034 section 4) with sasl's
// server. What the client sends is not predictable (nonces), so it is
// checked here.
func saslStep(p *testwire.Peer, mech string) error {
	srv, err := sasl.NewServer(mech, "localhost", func(u string) (string, bool) { return "tanstaaf", u == "tim" })
	if err != nil {
		return err
	}
	line, err := p.ReadLine()
	if err != nil {
		return err
	}
	f := strings.Fields(line)
	if len(f) < 2 || f[0] != "AUTH" || f[1] != mech {
		return fmt.Errorf("want AUTH %s, got %q", mech, line)
	}
	var resp []byte
	if len(f) == 3 {
		if resp, err = base64.StdEncoding.DecodeString(f[2]); err != nil {
			return err
		}
	}
	for {
		ch, done, err := srv.Next(resp)
		if done {
			if err != nil {
				return p.Send("-ERR [AUTH] " + err.Error() + "\r\n")
			}
			return p.Send("+OK welcome\r\n")
		}
		if err != nil {
			return err
		}
		if err := p.Send("+ " + base64.StdEncoding.EncodeToString(ch) + "\r\n"); err != nil {
			return err
		}
		if line, err = p.ReadLine(); err != nil {
			return err
		}
		if resp, err = base64.StdEncoding.DecodeString(strings.TrimSpace(line)); err != nil {
			return err
		}
	}
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
