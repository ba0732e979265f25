package testwire

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		script, want string // want: the steps as side/data/arg, or the error
	}{
		{"S: 220 hi\n\tC: EHLO x\n", `S"220 hi\r\n" C"EHLO x\r\n"`},
		{"S:\nC:", `S"\r\n" C"\r\n"`},
		{"S:  indented", `S" indented\r\n"`},
		{`C= "a\r\n.b"`, `C"a\r\n.b"`},
		{"!tls\n!sasl PLAIN\n!close", `!"tls" !"sasl"PLAIN !"close"`},
		{"X: what", `script line 1: "X: what" is not a step`},
		{"C= unquoted", `script line 1: "C= unquoted": raw bytes must be a Go string literal`},
	}
	for _, tt := range tests {
		steps, err := parse(tt.script)
		var got []string
		for _, st := range steps {
			got = append(got, fmt.Sprintf("%c%q%s", st.side, st.data, st.arg))
		}
		s := strings.Join(got, " ")
		if err != nil {
			s = err.Error()
		}
		if s != tt.want {
			t.Errorf("parse(%q) = %s, want %s", tt.script, s, tt.want)
		}
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		want, got string
		ok        bool
	}{
		{"S: 250 ok", "250 ok\r\n", true},
		{"S: 250 ok", "250 ok\n", false},
		{"S: 250 *", "250 queued as 12\r\n", true},
		{"S: 250 *", "251 x\r\n", false},
		{"S: 250 *", "250 x", false},
		{"C: *", "*\r\n", true},
		{"C: *", "QUIT\r\n", false},
		{`C= "*\r\n"`, "*\r\n", true},
		{`C= "ab*"`, "abc", false},
	}
	for _, tt := range tests {
		st, err := parseLine(tt.want)
		if err != nil {
			t.Fatal(err)
		}
		if st.matches(tt.got) != tt.ok {
			t.Errorf("%s matching %q: %v, want %v", tt.want, tt.got, !tt.ok, tt.ok)
		}
	}
}

// loopback plays both sides of script against each other.
func loopback(t testing.TB, script string) *Server {
	s := Serve(t, Options{}, script)
	roots := x509.NewCertPool()
	cert.once.Do(makeCert)
	roots.AppendCertsFromPEM(cert.caPEM)
	c := Dial(t, "127.0.0.1:"+strconv.Itoa(s.Port()), &tls.Config{RootCAs: roots, ServerName: "localhost"}, false)
	c.Run(script)
	c.Close()
	return s
}

func TestBothSides(t *testing.T) {
	s := loopback(t, `
		S: 220 ready
		C: EHLO x
		C: NOOP
		S: 250-x
		S: 250 ok
		C: STARTTLS
		S: 220 go
		!tls
		C= "DATA\r\n"
		S: 354 *
		C: .
		!hold
	`)
	<-s.Held()
	s.Check(t)
}

// recorder is a testing.TB that keeps the errors reported to it.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Helper() {}

func TestServerReportsDifferences(t *testing.T) {
	tests := []struct {
		name, server, client, want string
	}{
		{"other line", "S: 220 hi\nC: EHLO x", "S: 220 hi\nC: HELO x", `got "HELO x\r\n", want "EHLO x\r\n"`},
		{"said more", "S: 220 hi\nC: EHLO x", "S: 220 hi\nC: EHLO x\nC: QUIT", "the client said more than the script"},
		{"said less", "S: 220 hi\nC: EHLO x\nC: QUIT", "S: 220 hi\nC: EHLO x", `want "QUIT\r\n", got "" and EOF`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			s := Serve(r, Options{}, tt.server)
			c := Dial(t, "127.0.0.1:"+strconv.Itoa(s.Port()), nil, false)
			c.Run(tt.client)
			c.Close()
			s.Check(r)
			if len(r.errors) != 1 || !strings.Contains(r.errors[0], tt.want) {
				t.Errorf("reported %q, want one error with %q", r.errors, tt.want)
			}
		})
	}
}

func TestNeverCame(t *testing.T) {
	r := &recorder{TB: t}
	s := Serve(r, Options{}, "S: 220 hi\nC: QUIT", "S: 220 only")
	nc, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.Port()))
	if err != nil {
		t.Fatal(err)
	}
	nc.Write([]byte("QUIT\r\n"))
	buf := make([]byte, 10)
	nc.Read(buf)
	nc.Close()
	s.Check(r)
	if len(r.errors) != 0 {
		t.Errorf("a script that expects nothing may go without its connection: %q", r.errors)
	}
	r = &recorder{TB: t}
	s = Serve(r, Options{}, "C: QUIT")
	s.Check(r)
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "never came") {
		t.Errorf("reported %q for a connection that never came", r.errors)
	}
}
