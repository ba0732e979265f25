// Package testwire plays scripted transcripts for the tests of Mailwire's
// protocol packages, with one syntax for every protocol and for either
// side: Serve plays the server of a script against a client under test,
// Dial plays the client against a server under test. It also holds the
// tests' certificate (Cert).
//
// A script is one step a line; leading blanks and empty lines are skipped:
//
//	S: text    the server says text CRLF ("S:" alone: an empty line)
//	C: text    the client says text CRLF
//	S= "raw"   the server says the bytes of a Go string literal, as they are
//	C= "raw"   the client says them
//	!tls       both sides run the TLS handshake
//	!close     the scripted side closes the connection
//	!hold      the scripted side tells the test (Server.Held) and goes on
//	!name arg  a step of the test's own (Options.Steps)
//
// The scripted side writes its own lines, consecutive ones in one write,
// and reads the other side's, which must match exactly. An expected line
// whose text ends in "*" matches any line that starts with the text before
// the star ("S: 250 2.0.0 OK queued as *"); a lone "*" is a star.
package testwire

import (
	"fmt"
	"strconv"
	"strings"
)

// A step is one line of a script.
type step struct {
	side byte   // 'S' or 'C' for a line or raw bytes; '!' for a directive
	data string // the bytes (CRLF included), or the directive's name
	arg  string // the directive's argument
	raw  bool   // data is exact bytes, never a pattern
	line int    // in the script, from 1
}

// parse reads a script.
func parse(script string) ([]step, error) {
	var steps []step
	for n, l := range strings.Split(script, "\n") {
		l = strings.TrimLeft(strings.TrimSuffix(l, "\r"), "\t ")
		if l == "" {
			continue
		}
		st, err := parseLine(l)
		if err != nil {
			return nil, fmt.Errorf("script line %d: %v", n+1, err)
		}
		st.line = n + 1
		steps = append(steps, st)
	}
	return steps, nil
}

func parseLine(l string) (step, error) {
	if name, ok := strings.CutPrefix(l, "!"); ok {
		name, arg, _ := strings.Cut(name, " ")
		return step{side: '!', data: name, arg: arg}, nil
	}
	if len(l) < 2 || (l[0] != 'S' && l[0] != 'C') {
		return step{}, fmt.Errorf("%q is not a step", l)
	}
	switch l[1] {
	case ':':
		return step{side: l[0], data: strings.TrimPrefix(l[2:], " ") + "\r\n"}, nil
	case '=':
		raw, err := strconv.Unquote(strings.TrimSpace(l[2:]))
		if err != nil {
			return step{}, fmt.Errorf("%q: raw bytes must be a Go string literal", l)
		}
		return step{side: l[0], data: raw, raw: true}, nil
	}
	return step{}, fmt.Errorf("%q is not a step", l)
}

// matches reports whether got is what the expected step st allows.
func (st step) matches(got string) bool {
	if st.raw {
		return got == st.data
	}
	want := strings.TrimSuffix(st.data, "\r\n")
	if p, ok := strings.CutSuffix(want, "*"); ok && p != "" {
		return strings.HasPrefix(got, p) && strings.HasSuffix(got, "\r\n")
	}
	return got == st.data
}
