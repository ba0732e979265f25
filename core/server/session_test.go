package server

import (
	"strings"
	"testing"
)

// TestSkeletonDialects runs the session skeleton's replies in both
// dialects: STARTTLS (STLS) refusals, every way an AUTH exchange fails, a
// line too long, and the error limit that ends the session, reached with
// pipelined commands.
func TestSkeletonDialects(t *testing.T) {
	long := "C: " + strings.Repeat("A", maxCommandLine+10)
	wrong := b64("alice 00000000000000000000000000000000")
	tests := []struct {
		svc, hello, script, unknown, tooMany string
		errors                               int // the errors of script
	}{
		{"smtp", "EHLO x", `
			C: STARTTLS now
			S: 501 5.5.4 STARTTLS takes no argument
			C: AUTH CRAM-MD5 %%%
			S: 501 5.5.2 Cannot decode the initial response
			C: AUTH CRAM-MD5
			S: 334 *
			C: !!
			S: 501 5.5.2 Malformed authentication response
			C: AUTH CRAM-MD5
			S: 334 *
			` + long + `
			S: 501 5.5.2 Malformed authentication response
			C: AUTH CRAM-MD5
			S: 334 *
			C: ` + wrong + `
			S: 535 5.7.8 Authentication credentials invalid
			` + long + `
			S: 500 5.5.2 Line too long`,
			"500 5.5.1 Unknown command", "421 4.7.0 mailwire.test Too many errors, closing connection", 6},
		{"pop3", "", `
			C: STLS now
			S: -ERR STLS takes no argument
			C: AUTH CRAM-MD5 %%%
			S: -ERR Cannot decode the initial response
			C: AUTH CRAM-MD5
			S: + *
			C: !!
			S: -ERR Malformed authentication response
			C: AUTH CRAM-MD5
			S: + *
			` + long + `
			S: -ERR Malformed authentication response
			C: AUTH CRAM-MD5
			S: + *
			C: ` + wrong + `
			S: -ERR [AUTH] Authentication failed
			` + long + `
			S: -ERR Line too long`,
			"-ERR Unknown command or not allowed before authentication", "-ERR Too many errors, closing connection", 6},
	}
	s := start(t, nil)
	for _, tt := range tests {
		t.Run(tt.svc, func(t *testing.T) {
			c := dial(t, s, tt.svc)
			c.Line()
			if tt.hello != "" {
				c.ehlo(tt.hello)
			}
			c.Run(tt.script)
			// Pipelined: what follows the last error allowed is not run.
			c.Send(strings.Repeat("NOPE\r\n", maxErrors-tt.errors+3))
			for i := tt.errors; i < maxErrors; i++ {
				c.Expect(tt.unknown)
			}
			c.Expect(tt.tooMany)
			c.Closed()
		})
	}
}

func TestSTLSUnderTLS(t *testing.T) {
	s := start(t, nil)
	c := dial(t, s, "pop3")
	c.Run("S: +OK *\nC: STLS\nS: +OK Begin TLS negotiation\n!tls")
	c.Run("C: STLS\nS: -ERR TLS already active\nC: QUIT\nS: +OK Bye")
}
