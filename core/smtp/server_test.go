package smtp

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"mailwire/core/internal/testwire"
	"mailwire/core/session"
	"mailwire/core/wire"
)

// newServer starts a scripted server (testwire's syntax) for one
// connection. cert, when not nil, serves the "!tls" steps, and implicit
// TLS from the start when implicit is set.
func newServer(t testing.TB, script string, cert *tls.Config, implicit bool) *testwire.Server {
	return newServers(t, cert, implicit, script)
}

// newServers starts a scripted server for several connections.
func newServers(t testing.TB, cert *tls.Config, implicit bool, scripts ...string) *testwire.Server {
	return testwire.Serve(t, testwire.Options{TLS: cert, Implicit: implicit}, scripts...)
}

// testOptions are plaintext options for a scripted server.
func testOptions(port int) Options {
	return Options{ClientOptions: session.ClientOptions{Host: "127.0.0.1", Port: port, Security: wire.None,
		SecuritySet: true, Timeout: 5 * time.Second}, Helo: "client.example"}
}

// dialScript starts a scripted server and dials it with the options mod
// adjusts.
func dialScript(t testing.TB, script string, mod func(*Options)) (*Client, *testwire.Server, error) {
	s := newServer(t, script, nil, false)
	o := testOptions(s.Port())
	if mod != nil {
		mod(&o)
	}
	c, err := Dial(context.Background(), o)
	return c, s, err
}

// closeAndCheck closes the client, if any, and checks the transcript.
func closeAndCheck(t testing.TB, c *Client, s *testwire.Server) {
	t.Helper()
	if c != nil {
		c.Close()
	}
	s.Check(t)
}
