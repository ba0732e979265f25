package sasl

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"

	"mailwire/core/errs"
)

// serverIter is the iteration count the server announces (RFC 7677
// section 4).
const serverIter = 4096

// scramServer is the server side of SCRAM-SHA-256 (RFC 5802 section 5,
// RFC 7677) without channel binding.
type scramServer struct {
	lookup Lookup
	nonce  func() (string, error) // replaced by tests for RFC vectors
	salt   func() ([]byte, error) // replaced by tests for RFC vectors

	step                  int // 0: want client-first, 1: want client-final, 2: want empty, 3: over
	asked                 bool
	name                  string // user named in client-first
	known                 bool   // lookup knew name
	gs2, firstBare, first string // gs2 header, client-first-message-bare, server-first-message
	fullNonce             string
	keys                  scramKeys
	user                  string
}

// newScramServer returns a SCRAM-SHA-256 server with random nonces and
// salts.
func newScramServer(lookup Lookup) *scramServer {
	return &scramServer{lookup: lookup, nonce: randomNonce, salt: randomSalt}
}

// randomSalt returns 16 random bytes.
func randomSalt() ([]byte, error) {
	b := make([]byte, 16)
	_, err := rand.Read(b)
	return b, errs.E(errs.Internal, err)
}

// Next runs the exchange (RFC 5802 section 5):
//
//	C: n,,n=user,r=<cnonce>
//	S: r=<cnonce><snonce>,s=<salt>,i=4096
//	C: c=biws,r=<cnonce><snonce>,p=<proof>
//	S: v=<server signature>
//	C: (empty)
//
// A missing initial response is asked for with an empty challenge. A wrong
// proof ends the exchange with errs.Auth, a malformed message with
// errs.Protocol.
func (s *scramServer) Next(resp []byte) ([]byte, bool, error) {
	if s.step > 2 {
		return finished()
	}
	if len(resp) > maxChallenge {
		s.step = 3
		return nil, true, protoErr("SCRAM response too long")
	}
	var ch []byte
	var err error
	switch s.step {
	case 0:
		if resp == nil && !s.asked {
			s.asked = true
			return []byte{}, false, nil
		}
		ch, err = s.serverFirst(string(resp))
	case 1:
		ch, err = s.serverFinal(string(resp))
	case 2:
		if len(resp) != 0 {
			err = protoErr("SCRAM final response must be empty")
		} else {
			s.user = s.name
		}
	}
	s.step++
	if err != nil || s.step > 2 {
		s.step = 3
		return nil, true, err
	}
	return ch, false, nil
}

// Username returns the authenticated user.
func (s *scramServer) Username() string { return s.user }

// serverFirst parses the client-first-message and answers it.
func (s *scramServer) serverFirst(msg string) ([]byte, error) {
	gs2, bare, err := parseClientFirst(msg)
	if err != nil {
		return nil, err
	}
	name, cnonce, err := parseFirstBare(bare)
	if err != nil {
		return nil, err
	}
	if authz, ok := strings.CutPrefix(gs2[2:len(gs2)-1], "a="); ok {
		if a, valid := decodeSaslname(authz); !valid || a != name {
			return nil, authErr
		}
	}
	snonce, err := s.nonce()
	if err != nil {
		return nil, err
	}
	salt, err := s.salt()
	if err != nil {
		return nil, err
	}
	if err := s.derive(name, salt); err != nil {
		return nil, err
	}
	s.name, s.gs2, s.firstBare, s.fullNonce = name, gs2, bare, cnonce+snonce
	s.first = "r=" + s.fullNonce + ",s=" + base64.StdEncoding.EncodeToString(salt) + ",i=" + strconv.Itoa(serverIter)
	return []byte(s.first), nil
}

// derive computes the keys for name. An unknown user gets keys from a
// random password, so that the exchange fails at the proof like a wrong
// password and does not reveal which users exist.
func (s *scramServer) derive(name string, salt []byte) error {
	pw, ok := s.lookup(name)
	if !ok {
		r, err := randomNonce()
		if err != nil {
			return err
		}
		pw = r
	}
	k, err := deriveScramKeys(pw, salt, serverIter)
	s.known, s.keys = ok, k
	return err
}

// parseClientFirst splits the gs2 header ("n,," or "y,," with an optional
// "a=" authzid) from client-first-message-bare (RFC 5802 section 7).
// Channel binding ("p=") is not offered and is refused.
func parseClientFirst(msg string) (gs2, bare string, err error) {
	if !strings.HasPrefix(msg, "n,") && !strings.HasPrefix(msg, "y,") {
		return "", "", protoErr("SCRAM gs2 header must be n or y (no channel binding)")
	}
	i := strings.IndexByte(msg[2:], ',')
	if i < 0 {
		return "", "", protoErr("malformed SCRAM gs2 header")
	}
	gs2 = msg[:2+i+1]
	if a := gs2[2 : len(gs2)-1]; a != "" && !strings.HasPrefix(a, "a=") {
		return "", "", protoErr("malformed SCRAM authzid")
	}
	return gs2, msg[len(gs2):], nil
}

// parseFirstBare reads "n=<user>,r=<nonce>[,ext...]" (RFC 5802 section 7).
func parseFirstBare(bare string) (name, nonce string, err error) {
	if strings.HasPrefix(bare, "m=") {
		return "", "", protoErr("SCRAM client demands an unsupported extension")
	}
	f := strings.SplitN(bare, ",", 3)
	if len(f) < 2 || !strings.HasPrefix(f[0], "n=") || !strings.HasPrefix(f[1], "r=") {
		return "", "", protoErr("malformed SCRAM client-first-message")
	}
	name, ok := decodeSaslname(f[0][2:])
	if !ok || name == "" || !validText(name) {
		return "", "", protoErr("bad SCRAM user name")
	}
	nonce = f[1][2:]
	if !validNonce(nonce) {
		return "", "", protoErr("SCRAM nonce has bad characters")
	}
	return name, nonce, nil
}

// serverFinal checks the client-final-message and returns "v=<signature>".
func (s *scramServer) serverFinal(msg string) ([]byte, error) {
	i := strings.LastIndex(msg, ",p=")
	if i < 0 {
		return nil, protoErr("SCRAM client-final-message lacks a proof")
	}
	withoutProof := msg[:i]
	f := strings.SplitN(withoutProof, ",", 3)
	if len(f) < 2 || f[0] != "c="+base64.StdEncoding.EncodeToString([]byte(s.gs2)) {
		return nil, protoErr("SCRAM channel binding does not match the gs2 header")
	}
	if f[1] != "r="+s.fullNonce {
		return nil, protoErr("SCRAM nonce changed")
	}
	proof, err := base64.StdEncoding.DecodeString(msg[i+3:])
	if err != nil || len(proof) != sha256.Size {
		return nil, protoErr("SCRAM proof is malformed")
	}
	authMsg := s.firstBare + "," + s.first + "," + withoutProof
	clientKey := hmacSHA256(s.keys.storedKey, authMsg)
	subtle.XORBytes(clientKey, clientKey, proof)
	stored := sha256.Sum256(clientKey)
	if subtle.ConstantTimeCompare(stored[:], s.keys.storedKey) != 1 || !s.known {
		return nil, authErr
	}
	return []byte("v=" + base64.StdEncoding.EncodeToString(hmacSHA256(s.keys.serverKey, authMsg))), nil
}
