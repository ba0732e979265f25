package sasl

import "strings"

// plainClient is the PLAIN mechanism (RFC 4616).
type plainClient struct {
	identity, username, password string
}

// NewPlain returns a PLAIN client (RFC 4616 section 2): the initial response
// is identity NUL username NUL password. identity is the authorization
// identity and is usually empty.
func NewPlain(identity, username, password string) Client {
	return &plainClient{identity, username, password}
}

// checkPlain validates PLAIN credentials: no NUL anywhere (RFC 4616 section
// 2) and a non-empty user name.
func checkPlain(identity, username, password string) error {
	if username == "" {
		return argErr("PLAIN needs a user name")
	}
	if strings.ContainsRune(identity+username+password, 0) {
		return argErr("PLAIN credentials must not contain NUL")
	}
	return nil
}

// Start returns PLAIN and the whole message as initial response.
func (c *plainClient) Start() (string, []byte, error) {
	if err := checkPlain(c.identity, c.username, c.password); err != nil {
		return "", nil, err
	}
	ir := make([]byte, 0, len(c.identity)+len(c.username)+len(c.password)+2)
	ir = append(ir, c.identity...)
	ir = append(ir, 0)
	ir = append(ir, c.username...)
	ir = append(ir, 0)
	ir = append(ir, c.password...)
	return Plain, ir, nil
}

// Next fails: PLAIN is over after the initial response (RFC 4616 section 2).
func (c *plainClient) Next([]byte) ([]byte, error) {
	return nil, protoErr("unexpected challenge after PLAIN")
}
