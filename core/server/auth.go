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
// password (CRAM-MD5, SCRAM-SHA-256; RFC 4954 section 4).
func (s *Server) mechanisms(tls bool) []string {
	var out []string
	for _, m := range sasl.ServerMechanisms() {
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
