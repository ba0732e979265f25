package sasl

import (
	"encoding/base64"
	"strings"
	"testing"

	"mailwire/core/errs"
)

// dialect is how a test Wire renders the abstract server steps of a
// transcript: a challenge, success, refusal.
type dialect struct {
	name      string
	maxLine   int
	challenge string // prefix of a challenge line
	ok, no    string
}

var (
	smtpDialect = dialect{"smtp", 512, "334 ", "235 2.7.0 ok", "535 5.7.8 no"}
	pop3Dialect = dialect{"pop3", 255, "+ ", "+OK", "-ERR [AUTH] no"}
)

// scriptWire plays a transcript: "C: line" is what the client must write,
// "S: +<base64>" a challenge, "S: ok" and "S: no" the outcome, "S: close"
// a lost connection. It keeps what the protocol log would show.
type scriptWire struct {
	t      *testing.T
	d      dialect
	script []string
	log    []string
}

func (w *scriptWire) next(prefix string) string {
	w.t.Helper()
	if len(w.script) == 0 || !strings.HasPrefix(w.script[0], prefix) {
		w.t.Fatalf("%s: want %q..., script at %q", w.d.name, prefix, w.script)
	}
	line := strings.TrimPrefix(w.script[0], prefix)
	w.script = w.script[1:]
	return line
}

func (w *scriptWire) write(line, shown string) error {
	w.t.Helper()
	if want := w.next("C: "); line != want {
		w.t.Fatalf("%s: client wrote %q, want %q", w.d.name, line, want)
	}
	w.log = append(w.log, shown)
	return nil
}

func (w *scriptWire) Begin(mech, ir string) (bool, error) {
	line, shown, sent := CommandLine("AUTH "+mech, ir, w.d.maxLine)
	return sent, w.write(line, shown)
}

func (w *scriptWire) Send(line, shown string) error { return w.write(line, shown) }

func (w *scriptWire) Read() (string, bool, error) {
	w.t.Helper()
	step := w.next("S: ")
	var line string
	switch {
	case step == "ok":
		line = w.d.ok
	case step == "no":
		line = w.d.no
	case step == "close":
		return "", false, errs.New(errs.Closed, "closed")
	default:
		line = w.d.challenge + strings.TrimPrefix(step, "+")
	}
	if text, ok := strings.CutPrefix(line, w.d.challenge); ok {
		return text, true, nil
	}
	if line == w.d.ok {
		return "", false, nil
	}
	return "", false, errs.New(errs.Auth, line)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestAuthenticate runs the exchange loop against the SMTP and the POP3
// framing: the same transcript, rendered in each.
func TestAuthenticate(t *testing.T) {
	v := rfc7677
	long := strings.Repeat("t", 300) // an XOAUTH2 token that fits SMTP's line but not POP3's
	longIR := b64("user=u\x01auth=Bearer " + long + "\x01\x01")
	tests := []struct {
		name   string
		client func() Client
		script map[string]string // by dialect name; "" for both
		kind   errs.Kind
	}{
		{"plain", func() Client { return NewPlain("", "tim", "tanstaaf") }, map[string]string{"": `
C: AUTH PLAIN ` + b64("\x00tim\x00tanstaaf") + `
S: ok`}, 0},
		{"login", func() Client { return NewLogin("tim", "tanstaaf") }, map[string]string{"": `
C: AUTH LOGIN
S: +` + b64("Username:") + `
C: ` + b64("tim") + `
S: +` + b64("Password:") + `
C: ` + b64("tanstaaf") + `
S: ok`}, 0},
		{"refused", func() Client { return NewPlain("", "tim", "wrong") }, map[string]string{"": `
C: AUTH PLAIN ` + b64("\x00tim\x00wrong") + `
S: no`}, errs.Auth},
		{"cram-md5 with spaces around the challenge", func() Client { return NewCramMD5("tim", "tanstaaftanstaaf") }, map[string]string{"": `
C: AUTH CRAM-MD5
S: + ` + b64("<1896.697170952@postoffice.reston.mci.net>") + ` 
C: ` + b64("tim b913a602c7eda7a495b4e6e7334d3890") + `
S: ok`}, 0},
		{"scram proves the server", func() Client { return fixedScram("user", "pencil", v.clientNonce) }, map[string]string{"": `
C: AUTH SCRAM-SHA-256 ` + b64(v.clientFirst) + `
S: +` + b64(v.serverFirst) + `
C: ` + b64(v.clientFinal) + `
S: +` + b64(v.serverFinal) + `
C: 
S: ok`}, 0},
		{"scram success without the server's proof", func() Client { return fixedScram("user", "pencil", v.clientNonce) }, map[string]string{"": `
C: AUTH SCRAM-SHA-256 ` + b64(v.clientFirst) + `
S: +` + b64(v.serverFirst) + `
C: ` + b64(v.clientFinal) + `
S: ok`}, errs.Protocol},
		{"scram forged proof is cancelled", func() Client { return fixedScram("user", "pencil", v.clientNonce) }, map[string]string{"": `
C: AUTH SCRAM-SHA-256 ` + b64(v.clientFirst) + `
S: +` + b64(v.serverFirst) + `
C: ` + b64(v.clientFinal) + `
S: +` + b64("v=AAAA") + `
C: *
S: no`}, errs.Protocol},
		{"challenge not base64 is cancelled", func() Client { return NewLogin("tim", "pw") }, map[string]string{"": `
C: AUTH LOGIN
S: +!!!
C: *
S: no`}, errs.Protocol},
		{"connection lost after the cancel", func() Client { return NewLogin("tim", "pw") }, map[string]string{"": `
C: AUTH LOGIN
S: +!!!
C: *
S: close`}, errs.Closed},
		{"endless challenges are cancelled", func() Client { return echo{} }, map[string]string{"": "C: AUTH X-ECHO\n" +
			strings.Repeat("S: +"+b64("again")+"\nC: "+b64("again")+"\n", maxRounds) + `S: +` + b64("again") + `
C: *
S: no`}, errs.Protocol},
		{"empty initial response", func() Client { return NewXOAuth2("u", "t") }, map[string]string{"": `
C: AUTH XOAUTH2 ` + b64("user=u\x01auth=Bearer t\x01\x01") + `
S: +` + b64(`{"status":"401"}`) + `
C: 
S: no`}, errs.Auth},
		{"long initial response", func() Client { return NewXOAuth2("u", long) }, map[string]string{
			"smtp": `
C: AUTH XOAUTH2 ` + longIR + `
S: ok`,
			"pop3": `
C: AUTH XOAUTH2
S: +
C: ` + longIR + `
S: ok`}, 0},
		{"lost connection", func() Client { return NewPlain("", "tim", "pw") }, map[string]string{"": `
C: AUTH PLAIN ` + b64("\x00tim\x00pw") + `
S: close`}, errs.Closed},
	}
	for _, d := range []dialect{smtpDialect, pop3Dialect} {
		for _, tt := range tests {
			t.Run(d.name+"/"+tt.name, func(t *testing.T) {
				script, ok := tt.script[d.name]
				if !ok {
					script = tt.script[""]
				}
				w := &scriptWire{t: t, d: d, script: strings.Split(strings.TrimPrefix(script, "\n"), "\n")}
				err := Authenticate(w, tt.client())
				if errs.KindOf(err) != tt.kind {
					t.Fatalf("Authenticate = %v (kind %d), want kind %d", err, errs.KindOf(err), tt.kind)
				}
				if len(w.script) != 0 {
					t.Fatalf("script left: %q", w.script)
				}
				for _, l := range w.log[1:] {
					if l != "<secret>" && l != "*" {
						t.Errorf("log shows %q", l)
					}
				}
				if strings.Contains(w.log[0], "=") || len(w.log[0]) > len("AUTH SCRAM-SHA-256 <secret>") {
					t.Errorf("log shows %q", w.log[0])
				}
			})
		}
	}
}

// echo is a mechanism that answers every challenge with itself.
type echo struct{}

func (echo) Start() (string, []byte, error) { return "X-ECHO", nil, nil }
func (echo) Next(ch []byte) ([]byte, error) { return ch, nil }
