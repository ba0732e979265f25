package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/sasl"
)

// maxAuthSteps bounds the challenges of one exchange.
const maxAuthSteps = 8

// mechanisms returns the SASL mechanisms to offer: all of them with TLS or
// when RequireTLSForAuth is off, else only those that do not reveal the
// password (CRAM-MD5, SCRAM-SHA-256; RFC 4954 section 4). XOAUTH2 and
// OAUTHBEARER come last, once tokens are configured.
func (s *Server) mechanisms(tls bool) []string {
	var out []string
	for _, m := range append(sasl.ServerMechanisms(), s.tokenMechanisms()...) {
		if s.authAllowed(m, tls) {
			out = append(out, m)
		}
	}
	return out
}

// authAllowed reports whether mech may run now.
func (s *Server) authAllowed(mech string, tls bool) bool {
	return tls || !s.cfg.RequireTLSForAuth || !sasl.SendsSecret(mech)
}

// errCancelled is the client's "*" (RFC 4954 section 4, RFC 5034 section 4).
var errCancelled = errs.New(errs.Auth, "authentication cancelled")

// exchange runs a SASL exchange. ir is the initial response (nil for
// none); send writes a challenge and recv reads the client's next line.
// It returns the user name, errCancelled, or an error of kind errs.Auth or
// errs.Protocol.
func exchange(sv sasl.Server, ir []byte, send func([]byte) error, recv func() ([]byte, error)) (string, error) {
	resp := ir
	for step := 0; step < maxAuthSteps; step++ {
		ch, done, err := sv.Next(resp)
		if done {
			if err != nil {
				return "", err
			}
			return sv.Username(), nil
		}
		if err := send(ch); err != nil {
			return "", err
		}
		line, err := recv()
		if err != nil {
			return "", err
		}
		if resp, err = decodeResponse(line); err != nil {
			return "", err
		}
	}
	return "", errs.New(errs.Protocol, "too many authentication steps")
}

// decodeResponse decodes a base64 client response; "*" cancels.
func decodeResponse(line []byte) ([]byte, error) {
	line = bytes.TrimSpace(line)
	if len(line) == 1 && line[0] == '*' {
		return nil, errCancelled
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(line)))
	n, err := base64.StdEncoding.Decode(out, line)
	if err != nil {
		return nil, errs.New(errs.Protocol, "bad base64 in the response")
	}
	return out[:n], nil
}

// initialResponse decodes the optional initial response of an AUTH
// command: "" is none, "=" is empty (RFC 4954 section 4).
func initialResponse(s string) ([]byte, error) {
	switch s {
	case "":
		return nil, nil
	case "=":
		return []byte{}, nil
	}
	b, err := decodeResponse([]byte(s))
	if err == errCancelled {
		return nil, errs.New(errs.Protocol, "bad initial response")
	}
	return b, err
}

// auth answers AUTH (RFC 4954 section 4).
func (ss *smtpSession) auth(arg []byte) {
	switch {
	case ss.proto != "ESMTP" && ss.proto != "LMTP":
		ss.fail("503 5.5.1 Send " + ss.helloVerb() + " first")
		return
	case ss.user != "":
		ss.fail("503 5.5.1 Already authenticated")
		return
	case ss.tx != nil:
		ss.fail("503 5.5.1 AUTH is not allowed during a mail transaction")
		return
	}
	fields := strings.Fields(string(arg))
	if len(fields) == 0 || len(fields) > 2 {
		ss.fail("501 5.5.4 Syntax: AUTH mechanism [initial-response]")
		return
	}
	sv, err := ss.s.newAuth(fields[0])
	if err != nil {
		ss.fail("504 5.5.4 Unrecognized authentication type")
		return
	}
	if !ss.s.authAllowed(fields[0], ss.c.IsTLS()) {
		ss.reply("538 5.7.11 Encryption required for requested authentication mechanism")
		return
	}
	ss.runAuth(sv, fields[1:])
}

func (ss *smtpSession) runAuth(sv sasl.Server, rest []string) {
	var ir []byte
	var err error
	if len(rest) == 1 {
		if ir, err = initialResponse(rest[0]); err != nil {
			ss.fail("501 5.5.2 Cannot decode the initial response")
			return
		}
	}
	send := func(ch []byte) error {
		ss.reply("334 " + base64.StdEncoding.EncodeToString(ch))
		return ss.c.Flush()
	}
	recv := func() ([]byte, error) { return readLine(ss.c) }
	user, err := exchange(sv, ir, send, recv)
	switch {
	case err == nil:
		ss.user = user
		ss.reply("235 2.7.0 Authentication successful")
	case err == errCancelled:
		ss.fail("501 5.0.0 Authentication cancelled")
	case err == errLineTooLong || errs.KindOf(err) == errs.Protocol:
		ss.fail("501 5.5.2 Malformed authentication response")
	case errs.KindOf(err) == errs.Auth:
		ss.fail("535 5.7.8 Authentication credentials invalid")
	default:
		ss.quit = true
	}
}

// startTLS answers STARTTLS (RFC 3207 section 4). Anything the client sent
// after the command would have been written before the handshake, where a
// man in the middle can inject it, so such a session is closed. After the
// handshake every earlier fact is forgotten: the client must greet again.
func (ss *smtpSession) startTLS(arg []byte) {
	switch {
	case len(arg) > 0:
		ss.fail("501 5.5.4 STARTTLS takes no argument")
		return
	case ss.c.IsTLS():
		ss.fail("503 5.5.1 TLS already active")
		return
	case ss.c.Buffered() > 0:
		ss.reply("554 5.5.1 Data pipelined after STARTTLS, closing connection")
		ss.quit = true
		return
	}
	ss.reply("220 2.0.0 Ready to start TLS")
	if ss.c.Flush() != nil || ss.c.ServerTLS(context.Background(), ss.s.tls) != nil {
		ss.quit = true
		return
	}
	ss.helo, ss.proto, ss.user, ss.tx = "", "", "", nil
}
