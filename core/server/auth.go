package server

import (
	"bytes"
	"encoding/base64"

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

// authenticate runs the SASL exchange of an AUTH command for mechanism sv
// (RFC 4954 section 4, RFC 5034 section 4); rest holds the initial
// response, if the command had one. It returns the user name, or false
// once it has replied with the failure.
func (se *session) authenticate(sv sasl.Server, rest []string) (string, bool) {
	var resp []byte
	if len(rest) == 1 {
		var err error
		if resp, err = initialResponse(rest[0]); err != nil {
			se.fail(se.d.authBadIR)
			return "", false
		}
	}
	err := se.exchange(sv, resp)
	switch {
	case err == nil:
		return sv.Username(), true
	case err == errCancelled:
		se.fail(se.d.authCancelled)
	case errs.KindOf(err) == errs.Protocol:
		se.fail(se.d.authMalformed)
	case errs.KindOf(err) == errs.Auth:
		se.fail(se.d.authFailed)
	default:
		se.quit = true
	}
	return "", false
}

// exchange sends sv's challenges and reads the client's responses, the
// first one being resp. It fails with errCancelled, an error of kind
// errs.Auth or errs.Protocol, or the connection's.
func (se *session) exchange(sv sasl.Server, resp []byte) error {
	for step := 0; step < maxAuthSteps; step++ {
		ch, done, err := sv.Next(resp)
		if done {
			return err
		}
		se.reply(se.d.challenge + base64.StdEncoding.EncodeToString(ch))
		if err := se.c.Flush(); err != nil {
			return err
		}
		line, err := se.c.ReadLineBytes()
		if err != nil {
			return err
		}
		if resp, err = decodeResponse(line); err != nil {
			return err
		}
	}
	return errs.New(errs.Protocol, "too many authentication steps")
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
