package sasl

import "strings"

// loginClient is the LOGIN mechanism (draft-murchison-sasl-login-00).
type loginClient struct {
	username, password string
	step               int
}

// NewLogin returns a LOGIN client (draft-murchison-sasl-login section 2). It
// has no initial response and answers the first challenge with the user
// name and the second with the password, whatever the prompt text says
// ("Username:", "User Name", ...).
func NewLogin(username, password string) Client {
	return &loginClient{username: username, password: password}
}

// checkLogin validates LOGIN credentials: a non-empty user name and no NUL,
// which servers treat as the end of the string.
func checkLogin(username, password string) error {
	if username == "" {
		return argErr("LOGIN needs a user name")
	}
	if strings.ContainsRune(username+password, 0) {
		return argErr("LOGIN credentials must not contain NUL")
	}
	return nil
}

// Start returns LOGIN with no initial response.
func (c *loginClient) Start() (string, []byte, error) {
	if err := checkLogin(c.username, c.password); err != nil {
		return "", nil, err
	}
	c.step = 0
	return Login, nil, nil
}

// Next answers the prompts by position: user name, then password. A third
// challenge is a protocol error.
func (c *loginClient) Next([]byte) ([]byte, error) {
	c.step++
	switch c.step {
	case 1:
		return []byte(c.username), nil
	case 2:
		return []byte(c.password), nil
	}
	return nil, protoErr("unexpected third challenge in LOGIN")
}
