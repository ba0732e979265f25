package sasl

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"

	"mailwire/core/errs"
)

// SCRAM iteration counts (RFC 7677 section 4): fewer than minIter would let
// a man in the middle make an offline guess of the password cheap, more than
// maxIter would let a hostile server burn our CPU.
const (
	minIter    = 4096
	maxIter    = 1_000_000
	nonceBytes = 24
)

// scramClient is the SCRAM-SHA-256 mechanism (RFC 5802, RFC 7677) without
// channel binding.
type scramClient struct {
	username, password string
	nonce              func() (string, error) // replaced by tests for RFC vectors
	step               int
	clientNonce        string
	firstBare          string
	serverSig          []byte
	verified           bool // the server-final-message carried the right signature
}

// NewScramSHA256 returns a SCRAM-SHA-256 client (RFC 7677, RFC 5802 section
// 5). The client nonce comes from crypto/rand. User name and password must be
// valid UTF-8 without control characters; they are otherwise used as given
// (no NFKC normalisation). The client checks the server's signature in the
// final message, so a server that does not know the password is detected.
func NewScramSHA256(username, password string) Client {
	return &scramClient{username: username, password: password, nonce: randomNonce}
}

// checkScram is the subset of SASLprep (RFC 4013) that the client applies:
// non-empty, valid UTF-8, no control characters.
func checkScram(username, password string) error {
	if username == "" || password == "" {
		return argErr("SCRAM-SHA-256 needs a user name and a password")
	}
	if !validText(username) || !validText(password) {
		return argErr("SCRAM-SHA-256 credentials must be UTF-8 without control characters")
	}
	return nil
}

// randomNonce returns nonceBytes random bytes in base64, which never
// contains a comma (RFC 5802 section 5.1, attribute r).
func randomNonce() (string, error) {
	b := make([]byte, nonceBytes)
	if _, err := rand.Read(b); err != nil {
		return "", errs.E(errs.Internal, err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// Start returns SCRAM-SHA-256 and the client-first-message (RFC 5802
// section 7), for example "n,,n=user,r=rOprNGfwEbeRWgbNEkqO".
func (c *scramClient) Start() (string, []byte, error) {
	if err := checkScram(c.username, c.password); err != nil {
		return "", nil, err
	}
	n, err := c.nonce()
	if err != nil {
		return "", nil, err
	}
	c.step, c.clientNonce, c.serverSig, c.verified = 0, n, nil, false
	c.firstBare = "n=" + encodeSaslname(c.username) + ",r=" + n
	return ScramSHA256, []byte("n,," + c.firstBare), nil
}

// Next answers the server-first-message with the client-final-message, then
// checks the server-final-message and answers it with an empty response
// (RFC 5802 section 5).
func (c *scramClient) Next(challenge []byte) ([]byte, error) {
	if len(challenge) > maxChallenge {
		return nil, protoErr("SCRAM challenge too long")
	}
	c.step++
	switch c.step {
	case 1:
		return c.clientFinal(string(challenge))
	case 2:
		return c.verifyServer(string(challenge))
	}
	return nil, protoErr("unexpected challenge after SCRAM exchange ended")
}

// clientFinal builds "c=biws,r=<nonce>,p=<proof>" (RFC 5802 section 3).
func (c *scramClient) clientFinal(serverFirst string) ([]byte, error) {
	nonce, salt, iter, err := parseServerFirst(serverFirst)
	if err != nil {
		return nil, err
	}
	if len(nonce) <= len(c.clientNonce) || !strings.HasPrefix(nonce, c.clientNonce) {
		return nil, protoErr("SCRAM server nonce does not extend the client nonce")
	}
	k, err := deriveScramKeys(c.password, salt, iter)
	if err != nil {
		return nil, err
	}
	withoutProof := "c=biws,r=" + nonce
	authMsg := c.firstBare + "," + serverFirst + "," + withoutProof
	proof := hmacSHA256(k.storedKey, authMsg)
	subtle.XORBytes(proof, proof, k.clientKey)
	c.serverSig = hmacSHA256(k.serverKey, authMsg)
	return []byte(withoutProof + ",p=" + base64.StdEncoding.EncodeToString(proof)), nil
}

// verifyServer checks "v=<signature>" or reports "e=<error>" (RFC 5802
// section 7, server-final-message).
func (c *scramClient) verifyServer(serverFinal string) ([]byte, error) {
	first, _, _ := strings.Cut(serverFinal, ",")
	if msg, ok := strings.CutPrefix(first, "e="); ok {
		return nil, errs.New(errs.Auth, "sasl: SCRAM server error: "+errs.Quote(msg))
	}
	v, ok := strings.CutPrefix(first, "v=")
	if !ok {
		return nil, protoErr("SCRAM server-final-message lacks v=")
	}
	sig, err := base64.StdEncoding.DecodeString(v)
	if err != nil || !hmac.Equal(sig, c.serverSig) {
		return nil, protoErr("SCRAM server signature does not match: the server does not know the password")
	}
	c.verified = true
	return []byte{}, nil
}

// Complete reports whether the server proved that it knows the password:
// nil after a matching server-final-message, an error of kind errs.Protocol
// before it. A server that reports success without sending "v=" has not
// authenticated itself (RFC 5802 section 5).
func (c *scramClient) Complete() error {
	if !c.verified {
		return protoErr("SCRAM server reported success without proving it knows the password")
	}
	return nil
}

// parseServerFirst splits "r=<nonce>,s=<salt>,i=<count>[,ext...]" (RFC 5802
// section 7) and checks each value.
func parseServerFirst(msg string) (nonce string, salt []byte, iter int, err error) {
	if e, ok := strings.CutPrefix(msg, "e="); ok {
		return "", nil, 0, errs.New(errs.Auth, "sasl: SCRAM server error: "+errs.Quote(e))
	}
	if strings.HasPrefix(msg, "m=") {
		return "", nil, 0, protoErr("SCRAM server demands an unsupported extension")
	}
	f := strings.SplitN(msg, ",", 4)
	if len(f) < 3 || !strings.HasPrefix(f[0], "r=") || !strings.HasPrefix(f[1], "s=") || !strings.HasPrefix(f[2], "i=") {
		return "", nil, 0, protoErr("malformed SCRAM server-first-message")
	}
	nonce = f[0][2:]
	if !validNonce(nonce) {
		return "", nil, 0, protoErr("SCRAM nonce has bad characters")
	}
	salt, err = base64.StdEncoding.DecodeString(f[1][2:])
	if err != nil || len(salt) == 0 {
		return "", nil, 0, protoErr("SCRAM salt is not base64")
	}
	iter, err = parseIter(f[2][2:])
	return nonce, salt, iter, err
}

// parseIter reads the iteration count, digits only, within
// minIter..maxIter.
func parseIter(s string) (int, error) {
	if s == "" || len(s) > 10 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, protoErr("SCRAM iteration count is not a number")
	}
	n, _ := strconv.Atoi(s)
	if n < minIter || n > maxIter {
		return 0, protoErr("SCRAM iteration count " + s + " is out of bounds")
	}
	return n, nil
}

// validNonce reports whether s is a non-empty run of printable ASCII other
// than ',' (RFC 5802 section 7, "printable").
func validNonce(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e || s[i] == ',' {
			return false
		}
	}
	return true
}

// scramKeys are the keys derived from a password (RFC 5802 section 3).
type scramKeys struct {
	clientKey, storedKey, serverKey []byte
}

// deriveScramKeys computes SaltedPassword with PBKDF2-HMAC-SHA-256 and the
// keys derived from it (RFC 5802 section 3).
func deriveScramKeys(password string, salt []byte, iter int) (scramKeys, error) {
	salted, err := pbkdf2.Key(sha256.New, password, salt, iter, sha256.Size)
	if err != nil {
		return scramKeys{}, errs.E(errs.Internal, err)
	}
	ck := hmacSHA256(salted, "Client Key")
	sk := sha256.Sum256(ck)
	return scramKeys{clientKey: ck, storedKey: sk[:], serverKey: hmacSHA256(salted, "Server Key")}, nil
}

// hmacSHA256 is HMAC-SHA-256(key, msg).
func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// encodeSaslname escapes "=" as "=3D" and "," as "=2C" (RFC 5802 section
// 5.1, RFC 5801 section 4).
func encodeSaslname(s string) string {
	return strings.NewReplacer("=", "=3D", ",", "=2C").Replace(s)
}

// decodeSaslname reverses encodeSaslname and rejects any other "="
// sequence and a bare ",".
func decodeSaslname(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == ',':
			return "", false
		case s[i] != '=':
			b.WriteByte(s[i])
		case strings.HasPrefix(s[i:], "=3D"):
			b.WriteByte('=')
			i += 2
		case strings.HasPrefix(s[i:], "=2C"):
			b.WriteByte(',')
			i += 2
		default:
			return "", false
		}
	}
	return b.String(), true
}
