package sasl

import (
	"bytes"
	"crypto/subtle"
	"strings"

	"mailwire/core/errs"
)

// Lookup returns the password of username, and false when there is no such
// user.
type Lookup func(username string) (password string, ok bool)

// Server is one authentication exchange on the server side (RFC 4422
// section 3).
type Server interface {
	// Next consumes the client's response (nil for "no initial response")
	// and returns the next challenge, or done=true when the exchange is
	// over (err == nil means success).
	Next(response []byte) (challenge []byte, done bool, err error)
	// Username is the authenticated user after success.
	Username() string
}

// ServerMechanisms lists what NewServer supports, in the order a server
// advertises them (strongest first).
func ServerMechanisms() []string {
	return []string{ScramSHA256, CramMD5, Plain, Login}
}

// NewServer returns the server side of mech (case-insensitive): PLAIN,
// LOGIN, CRAM-MD5 or SCRAM-SHA-256. hostname goes into the CRAM-MD5
// challenge (RFC 2195 section 2) and defaults to "localhost". An unknown
// mechanism is an error of kind errs.Unsupported; a nil lookup or a bad
// hostname is errs.Arg. Wrong credentials end the exchange with an error of
// kind errs.Auth, a malformed response with errs.Protocol.
func NewServer(mech string, hostname string, lookup Lookup) (Server, error) {
	if lookup == nil {
		return nil, argErr("NewServer needs a lookup function")
	}
	if hostname == "" {
		hostname = "localhost"
	}
	if !validNonce(hostname) || strings.ContainsAny(hostname, "<>") {
		return nil, argErr("bad host name " + errs.Quote(hostname))
	}
	switch strings.ToUpper(mech) {
	case Plain:
		return &plainServer{lookup: lookup}, nil
	case Login:
		return &loginServer{lookup: lookup}, nil
	case CramMD5:
		return &cramServer{lookup: lookup, hostname: hostname}, nil
	case ScramSHA256:
		return newScramServer(lookup), nil
	}
	return nil, errs.New(errs.Unsupported, "sasl: unsupported mechanism "+errs.Quote(mech))
}

// authErr is the one error for wrong credentials; it does not say whether
// the user exists.
var authErr = errs.New(errs.Auth, "sasl: authentication failed")

// checkPassword compares the password given for username with the one
// lookup knows, in constant time for equal lengths.
func checkPassword(lookup Lookup, username, given string) bool {
	want, ok := lookup(username)
	eq := subtle.ConstantTimeCompare([]byte(want), []byte(given)) == 1
	return ok && eq
}

// finished is what Next returns when the exchange already ended.
func finished() ([]byte, bool, error) {
	return nil, true, errs.New(errs.State, "sasl: the exchange is over")
}

// plainServer is the server side of PLAIN (RFC 4616 section 2).
type plainServer struct {
	lookup      Lookup
	asked, done bool
	user        string
}

// Next asks for the message with an empty challenge when there was no
// initial response, then checks "authzid NUL authcid NUL passwd". An
// authorization identity other than the user itself is refused.
func (s *plainServer) Next(resp []byte) ([]byte, bool, error) {
	if s.done {
		return finished()
	}
	if resp == nil && !s.asked {
		s.asked = true
		return []byte{}, false, nil
	}
	s.done = true
	f := bytes.Split(resp, []byte{0})
	if len(f) != 3 || len(f[1]) == 0 || len(resp) > maxChallenge {
		return nil, true, protoErr("malformed PLAIN message")
	}
	authz, user := string(f[0]), string(f[1])
	if !checkPassword(s.lookup, user, string(f[2])) || (authz != "" && authz != user) {
		return nil, true, authErr
	}
	s.user = user
	return nil, true, nil
}

// Username returns the authenticated user.
func (s *plainServer) Username() string { return s.user }

// loginServer is the server side of LOGIN (draft-murchison-sasl-login
// section 2).
type loginServer struct {
	lookup                   Lookup
	name, user               string
	prompted, sawUser, ended bool
}

// Next prompts "Username:" and "Password:" and checks the answers. An
// initial response is taken as the user name.
func (s *loginServer) Next(resp []byte) ([]byte, bool, error) {
	if s.ended {
		return finished()
	}
	if len(resp) > maxChallenge {
		s.ended = true
		return nil, true, protoErr("LOGIN response too long")
	}
	switch {
	case !s.prompted && resp == nil:
		s.prompted = true
		return []byte("Username:"), false, nil
	case !s.sawUser:
		s.name, s.sawUser, s.prompted = string(resp), true, true
		return []byte("Password:"), false, nil
	}
	s.ended = true
	if s.name == "" || !checkPassword(s.lookup, s.name, string(resp)) {
		return nil, true, authErr
	}
	s.user = s.name
	return nil, true, nil
}

// Username returns the authenticated user.
func (s *loginServer) Username() string { return s.user }
