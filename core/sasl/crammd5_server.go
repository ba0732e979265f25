package sasl

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"encoding/binary"
	"strconv"
	"time"
)

// cramServer is the server side of CRAM-MD5 (RFC 2195 section 2).
type cramServer struct {
	lookup    Lookup
	hostname  string
	challenge []byte
	done      bool
	user      string
}

// Next sends the challenge "<random.time@hostname>", then checks the
// "user digest" answer. CRAM-MD5 has no initial response.
func (s *cramServer) Next(resp []byte) ([]byte, bool, error) {
	switch {
	case s.done:
		return finished()
	case s.challenge == nil && resp != nil:
		s.done = true
		return nil, true, protoErr("CRAM-MD5 takes no initial response")
	case s.challenge == nil:
		s.challenge = cramChallenge(s.hostname)
		return s.challenge, false, nil
	}
	s.done = true
	sp := bytes.LastIndexByte(resp, ' ')
	if sp <= 0 || len(resp)-sp-1 != 32 || len(resp) > maxChallenge {
		return nil, true, protoErr("malformed CRAM-MD5 response")
	}
	user, digest := string(resp[:sp]), bytes.ToLower(resp[sp+1:])
	pw, ok := s.lookup(user)
	want := []byte(cramDigest(pw, s.challenge))
	if !hmac.Equal(want, digest) || !ok {
		return nil, true, authErr
	}
	s.user = user
	return nil, true, nil
}

// Username returns the authenticated user.
func (s *cramServer) Username() string { return s.user }

// cramChallenge builds a fresh "<random.time@hostname>" challenge in the
// msg-id form RFC 2195 section 2 asks for.
func cramChallenge(hostname string) []byte {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24)
	r := strconv.FormatUint(binary.BigEndian.Uint64(b[:]), 10)
	t := strconv.FormatInt(time.Now().Unix(), 10)
	return []byte("<" + r + "." + t + "@" + hostname + ">")
}
