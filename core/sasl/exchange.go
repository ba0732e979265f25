package sasl

import (
	"encoding/base64"
	"strings"

	"mailwire/core/errs"
)

// maxRounds bounds the challenges of one exchange: the mechanisms here need
// at most two, a server that sends more is looping.
const maxRounds = 10

// Wire is how one protocol frames a client exchange. SMTP sends "AUTH mech
// [ir]" and reads "334 challenge" until 235 (RFC 4954 section 4); POP3
// sends "AUTH mech [ir]" and reads "+ challenge" until +OK (RFC 5034
// section 4); IMAP sends "tag AUTHENTICATE mech [ir]" and reads "+
// challenge" until its tagged reply (RFC 9051 section 6.2.2). Authenticate
// does the rest.
type Wire interface {
	// Begin writes the command that opens the exchange of mech. ir is the
	// base64 initial response ("=" when it is empty), or "" when the
	// mechanism has none. Begin puts it on the command line when the
	// protocol allows it there (CommandLine does the measuring) and
	// reports whether it did; if not, Authenticate sends it as the answer
	// to the server's first, empty challenge (RFC 4422 section 5). The
	// protocol log must show "<secret>" for ir.
	Begin(mech, ir string) (sent bool, err error)
	// Send writes one client line: a base64 response, or "*" to cancel.
	// The protocol log shows shown instead of line.
	Send(line, shown string) error
	// Read reads the server's next step: a challenge (its base64 text,
	// more true), or the outcome (more false, err nil for success). A
	// refusal is the protocol's own error, of a kind that is not
	// errs.Gone (errs.Auth, errs.Temporary...); a lost connection is an
	// error of a kind that is.
	Read() (challenge string, more bool, err error)
}

// CommandLine returns the command cmd followed by the initial response ir
// when the line, CRLF included, stays within max octets (RFC 4954 section
// 4: 512 for SMTP; RFC 5034 section 4: 255 for POP3), or cmd alone. shown
// is the line for the protocol log, with ir replaced by "<secret>"; sent
// reports whether ir is on the line.
func CommandLine(cmd, ir string, max int) (line, shown string, sent bool) {
	if ir == "" || len(cmd)+1+len(ir)+2 > max {
		return cmd, cmd, false
	}
	return cmd + " " + ir, cmd + " <secret>", true
}

// Authenticate runs the client side of one exchange (RFC 4422 section 3)
// over w: it starts c, sends the initial response, answers each challenge
// with c's response in base64, and on success checks that a mechanism
// which also authenticates the server (Completer: SCRAM's server
// signature) saw that proof. A challenge that is not base64, a response c
// cannot give, or more than ten challenges cancel the exchange with "*"
// (RFC 4954 section 4, RFC 5034 section 4); the server's answer to "*" is
// read and the cause returned.
func Authenticate(w Wire, c Client) error {
	mech, ir, err := c.Start()
	if err != nil {
		return err
	}
	enc := ""
	if ir != nil {
		enc = encodeInitial(ir)
	}
	sent, err := w.Begin(mech, enc)
	if err != nil {
		return err
	}
	pending := ir // the initial response, until it is sent
	if sent {
		pending = nil
	}
	for round := 0; ; round++ {
		text, more, err := w.Read()
		if !more {
			return complete(c, err)
		}
		if round == maxRounds {
			return abort(w, protoErr("the server sent more than 10 challenges"))
		}
		resp, err := answer(c, text, &pending)
		if err != nil {
			return abort(w, err)
		}
		if err := w.Send(base64.StdEncoding.EncodeToString(resp), "<secret>"); err != nil {
			return err
		}
	}
}

// encodeInitial is the base64 form of an initial response, "=" for an
// empty one (RFC 4954 section 4, RFC 5034 section 4). An empty answer to a
// challenge is an empty line instead.
func encodeInitial(b []byte) string {
	if len(b) == 0 {
		return "="
	}
	return base64.StdEncoding.EncodeToString(b)
}

// answer returns the response to one challenge: the pending initial
// response, or what c makes of the decoded challenge.
func answer(c Client, text string, pending *[]byte) ([]byte, error) {
	if *pending != nil {
		resp := *pending
		*pending = nil
		return resp, nil
	}
	ch, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil {
		return nil, protoErr("the server's challenge is not base64")
	}
	return c.Next(ch)
}

// complete turns the outcome into the result: the server's refusal, or
// success once a Completer has checked the server's proof (RFC 5802
// section 3: a success without it comes from an impostor).
func complete(c Client, outcome error) error {
	if outcome != nil {
		return outcome
	}
	if cp, ok := c.(Completer); ok {
		return cp.Complete()
	}
	return nil
}

// abort cancels the exchange with "*", reads the server's answer and
// returns cause, or the error that lost the connection meanwhile.
func abort(w Wire, cause error) error {
	if err := w.Send("*", "*"); err != nil {
		return err
	}
	if _, _, err := w.Read(); errs.Gone(err) {
		return err
	}
	return cause
}
