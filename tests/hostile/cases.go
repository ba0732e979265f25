package hostile

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"

	"mailwire/core/errs"
)

// The credentials and message of every case. Password and BodyMark are
// what must never reach a server that has not earned them.
const (
	User     = "alice"
	Password = "Pw-9f3Kq-xZ"
	BodyMark = "BODY-MARK-71c2e"
	From     = "sender@example.org"
	To       = "rcpt@example.org"
	// Message is the message the Go runner sends, and POP3 servers serve.
	Message = "From: " + From + "\r\nTo: " + To + "\r\nSubject: hostile\r\n\r\n" + BodyMark + "\r\n"
)

// Forbid names what must not appear in what a case's server received.
type Forbid int

// The things a case may forbid.
const (
	Creds    Forbid = 1 << iota // the password in any encoding, and any AUTH, PASS or APOP command
	Envelope                    // a MAIL command
	DataCmd                     // a DATA or BDAT command
	Body                        // the message text
	Nothing  = Creds | Envelope | DataCmd | Body
)

// Opt is one client option, by its C API name. The value "$CA" stands for
// the path of the test CA's PEM file.
type Opt struct{ Name, Value string }

// Case is one hostile exchange and the outcome the client must reach.
type Case struct {
	Name     string // "category/what"
	Proto    string // "smtp", "pop3" or "imap"
	Opts     []Opt
	Script   []Step
	Want     errs.Kind // 0: every call succeeds
	Forbid   Forbid
	OneConn  bool // the client must not connect a second time (no silent fallback)
	Category string
}

// All returns every case, SMTP first, then POP3, then IMAP.
func All() []Case {
	cs := append(append(smtpCases(), popCases()...), imapCases()...)
	for i := range cs {
		cs[i].Category, _, _ = strings.Cut(cs[i].Name, "/")
		cs[i].Name = cs[i].Proto + "/" + cs[i].Name
	}
	return cs
}

// Leaks returns the forbidden things found in rec, as words.
func (c Case) Leaks(rec *Record) []string {
	got := rec.Bytes()
	var found []string
	has := func(what string, needles ...string) {
		for _, n := range needles {
			if bytes.Contains(got, []byte(n)) {
				found = append(found, what+" "+strconv.Quote(n))
				return
			}
		}
	}
	if c.Forbid&Creds != 0 {
		b64 := base64.StdEncoding.EncodeToString
		has("credentials", Password, b64([]byte("\x00"+User+"\x00"+Password)),
			b64([]byte(Password)), "AUTH ", "PASS ", "APOP ", " LOGIN ", " AUTHENTICATE ")
	}
	if c.Forbid&Envelope != 0 {
		has("envelope", "MAIL FROM")
	}
	if c.Forbid&Body != 0 {
		has("message", BodyMark)
	}
	if c.Forbid&DataCmd != 0 {
		has("data command", "DATA\r\n", "BDAT ")
	}
	if c.OneConn && rec.Conns() > 1 {
		found = append(found, "a second connection")
	}
	return found
}

// with returns base with the options kv (name, value, ...) set.
func with(base []Opt, kv ...string) []Opt {
	out := append([]Opt(nil), base...)
	for i := 0; i+1 < len(kv); i += 2 {
		replaced := false
		for j := range out {
			if out[j].Name == kv[i] {
				out[j].Value, replaced = kv[i+1], true
			}
		}
		if !replaced {
			out = append(out, Opt{kv[i], kv[i+1]})
		}
	}
	return out
}

// without returns base without the options named.
func without(base []Opt, names ...string) []Opt {
	var out []Opt
	for _, o := range base {
		keep := true
		for _, n := range names {
			keep = keep && o.Name != n
		}
		if keep {
			out = append(out, o)
		}
	}
	return out
}

// seq concatenates scripts.
func seq(parts ...[]Step) []Step {
	var out []Step
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// ex is one exchange: read n command lines, then reply.
func ex(n int, reply string) []Step { return []Step{Read(n), Say(reply)} }

// stage is a named exchange of a well-behaved conversation: what the
// server reads, then what it answers.
type stage struct {
	name   string
	read   []Step
	reply  []Step
	forbid Forbid // forbidden when the server fails during this stage
}

// play returns the whole conversation of stages.
func play(conv []stage) []Step {
	var s []Step
	for _, st := range conv {
		s = append(s, st.read...)
		s = append(s, st.reply...)
	}
	return s
}

// cut returns the script that plays the stages before conv[i], reads
// stage i's command and then ends with end.
func cut(conv []stage, i int, end Step) []Step {
	s := play(conv[:i])
	s = append(s, conv[i].read...)
	return append(s, end)
}

// playFrom returns the stages of conv from the one named from on.
func playFrom(conv []stage, from string) []Step {
	for i, st := range conv {
		if st.name == from {
			return play(conv[i:])
		}
	}
	panic("hostile: no stage " + from)
}

// playUntil returns the stages of conv before the one named to.
func playUntil(conv []stage, to string) []Step {
	for i, st := range conv {
		if st.name == to {
			return play(conv[:i])
		}
	}
	panic("hostile: no stage " + to)
}

// ClientOpts returns the case's client options for a server on
// 127.0.0.1:port, with "$CA" replaced by caFile.
func (c Case) ClientOpts(port int, caFile string) []Opt {
	out := []Opt{{"host", "127.0.0.1"}, {"port", strconv.Itoa(port)}}
	for _, o := range c.Opts {
		if o.Value == "$CA" {
			o.Value = caFile
		}
		out = append(out, o)
	}
	return out
}
