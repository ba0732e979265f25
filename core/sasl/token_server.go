package sasl

import (
	"strings"

	"mailwire/core/errs"
)

// TokenCheck returns the user a bearer token was issued to, and false
// when the server does not accept the token (unknown, expired, revoked).
type TokenCheck func(token string) (user string, ok bool)

// TokenMechanisms lists what NewTokenServer supports, in the order a
// server advertises them.
func TokenMechanisms() []string { return []string{OAuthBearer, XOAuth2} }

// NewTokenServer returns the server side of XOAUTH2 or OAUTHBEARER (RFC
// 7628), which accepts the tokens check accepts. A refused token gets the
// mechanism's error challenge: for XOAUTH2 the JSON status Google sends,
// for OAUTHBEARER the JSON of RFC 7628 section 3.2.2; the client answers
// it (an empty response, or 0x01) and the exchange ends with an error of
// kind errs.Auth. The user named in the message must be the token's
// (case-insensitive); OAUTHBEARER may leave it out. A malformed message is
// errs.Protocol, an unknown mechanism errs.Unsupported.
func NewTokenServer(mech string, check TokenCheck) (Server, error) {
	if check == nil {
		return nil, argErr("NewTokenServer needs a check function")
	}
	switch strings.ToUpper(mech) {
	case XOAuth2:
		return &tokenServer{check: check, parse: parseXOAuth2,
			refusal: `{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`}, nil
	case OAuthBearer:
		return &tokenServer{check: check, parse: parseOAuthBearer,
			refusal: `{"status":"invalid_token","scope":"mail"}`}, nil
	}
	return nil, errs.New(errs.Unsupported, "sasl: unsupported mechanism "+errs.Quote(mech))
}

// tokenServer is the server side of both token mechanisms: they differ
// in the message's form and in the error challenge.
type tokenServer struct {
	check   TokenCheck
	parse   func(msg []byte) (user, token string, ok bool)
	refusal string
	asked   bool // an empty challenge asked for the message
	failed  bool // the error challenge went out: the next response ends it
	done    bool
	user    string
}

// Next asks for the message when there was no initial response, checks
// it, and on a refused token sends the error challenge and then fails.
func (s *tokenServer) Next(resp []byte) ([]byte, bool, error) {
	switch {
	case s.done:
		return finished()
	case s.failed:
		s.done = true
		return nil, true, authErr
	case resp == nil && !s.asked:
		s.asked = true
		return []byte{}, false, nil
	}
	user, token, ok := s.parse(resp)
	if !ok || len(resp) > maxChallenge {
		s.done = true
		return nil, true, protoErr("malformed token message")
	}
	owner, valid := s.check(token)
	if !valid || user != "" && !strings.EqualFold(user, owner) {
		s.failed = true
		return []byte(s.refusal), false, nil
	}
	s.user, s.done = owner, true
	return nil, true, nil
}

// Username returns the token's user after success.
func (s *tokenServer) Username() string { return s.user }

// parseXOAuth2 reads "user=U ^A auth=Bearer T ^A ^A".
func parseXOAuth2(msg []byte) (string, string, bool) {
	rest, ok := strings.CutSuffix(string(msg), "\x01\x01")
	if !ok {
		return "", "", false
	}
	fields := strings.Split(rest, "\x01")
	if len(fields) != 2 || !strings.HasPrefix(fields[0], "user=") || !strings.HasPrefix(fields[1], "auth=") {
		return "", "", false
	}
	user := fields[0][len("user="):]
	token, ok := bearer(fields[1][len("auth="):])
	return user, token, ok && user != "" && validText(user)
}

// parseOAuthBearer reads the client response of RFC 7628 section 3.1:
// a GS2 header ("n,a=user," or "n,,"; "y" too, never channel binding),
// then key=value pairs each ended by ^A, auth among them, and a last ^A.
func parseOAuthBearer(msg []byte) (string, string, bool) {
	s, ok := strings.CutSuffix(string(msg), "\x01\x01")
	if !ok {
		return "", "", false
	}
	gs2, pairs, ok := strings.Cut(s, "\x01")
	f := strings.Split(gs2, ",")
	if !ok || len(f) != 3 || (f[0] != "n" && f[0] != "y") || f[2] != "" {
		return "", "", false
	}
	var user string
	if f[1] != "" {
		a, ok := strings.CutPrefix(f[1], "a=")
		if user, ok = decodeSaslnameOK(a, ok); !ok {
			return "", "", false
		}
	}
	token, found := "", false
	for _, kv := range strings.Split(pairs, "\x01") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return "", "", false
		}
		if k == "auth" {
			if token, found = bearer(v); !found {
				return "", "", false
			}
		}
	}
	return user, token, found && validText(user)
}

func decodeSaslnameOK(a string, ok bool) (string, bool) {
	if !ok || a == "" {
		return "", false
	}
	return decodeSaslname(a)
}

// bearer reads "Bearer TOKEN" (RFC 6750 section 2.1; the scheme in any
// case).
func bearer(v string) (string, bool) {
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") || checkToken(token) != nil || strings.Contains(token, " ") {
		return "", false
	}
	return token, true
}
