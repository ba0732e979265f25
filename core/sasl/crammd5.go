package sasl

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"strings"
)

// cramClient is the CRAM-MD5 mechanism (RFC 2195).
type cramClient struct {
	username, password string
	done               bool
}

// NewCramMD5 returns a CRAM-MD5 client (RFC 2195 section 2). It has no
// initial response and answers the server's challenge with the user name, a
// space and the hexadecimal HMAC-MD5 of the challenge keyed by the password.
func NewCramMD5(username, password string) Client {
	return &cramClient{username: username, password: password}
}

// checkCramMD5 validates CRAM-MD5 credentials: a non-empty user name without
// spaces or control characters (the server splits the response at the
// space) and a password without NUL.
func checkCramMD5(username, password string) error {
	if username == "" || strings.ContainsRune(username, ' ') || hasCtl(username) {
		return argErr("CRAM-MD5 needs a user name without spaces or control characters")
	}
	if strings.ContainsRune(password, 0) {
		return argErr("CRAM-MD5 password must not contain NUL")
	}
	return nil
}

// Start returns CRAM-MD5 with no initial response.
func (c *cramClient) Start() (string, []byte, error) {
	if err := checkCramMD5(c.username, c.password); err != nil {
		return "", nil, err
	}
	c.done = false
	return CramMD5, nil, nil
}

// Next answers the one challenge (RFC 2195 section 2):
//
//	S: <1896.697170952@postoffice.reston.mci.net>
//	C: tim b913a602c7eda7a495b4e6e7334d3890
func (c *cramClient) Next(challenge []byte) ([]byte, error) {
	if c.done {
		return nil, protoErr("unexpected second challenge in CRAM-MD5")
	}
	if len(challenge) == 0 || len(challenge) > maxChallenge {
		return nil, protoErr("CRAM-MD5 challenge is empty or too long")
	}
	c.done = true
	return []byte(c.username + " " + cramDigest(c.password, challenge)), nil
}

// cramDigest is the lower-case hex HMAC-MD5 of challenge keyed by password
// (RFC 2195 section 2, RFC 2104).
func cramDigest(password string, challenge []byte) string {
	m := hmac.New(md5.New, []byte(password))
	m.Write(challenge)
	return hex.EncodeToString(m.Sum(nil))
}
