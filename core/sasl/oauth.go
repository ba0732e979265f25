package sasl

import "strconv"

// xoauth2Client is Google's and Microsoft's XOAUTH2 mechanism.
type xoauth2Client struct {
	username, token string
	failed          bool
}

// NewXOAuth2 returns an XOAUTH2 client. The initial response is
//
//	user=alice@example.com ^A auth=Bearer ya29.token ^A ^A
//
// (^A is the byte 0x01). A challenge means the token was refused: it holds a
// JSON error and the client answers it with an empty response, after which
// the server sends its final failure reply.
func NewXOAuth2(username, token string) Client {
	return &xoauth2Client{username: username, token: token}
}

// checkXOAuth2 validates XOAUTH2 credentials: a user name and a token, both
// free of control characters (0x01 separates the fields).
func checkXOAuth2(username, token string) error {
	if username == "" || !validText(username) {
		return argErr("XOAUTH2 needs a user name without control characters")
	}
	return checkToken(token)
}

// checkToken validates a bearer token (RFC 6750 section 2.1): non-empty and
// without control characters.
func checkToken(token string) error {
	if token == "" || !validText(token) {
		return argErr("the OAuth token is empty or contains control characters")
	}
	return nil
}

// Start returns XOAUTH2 and the initial response.
func (c *xoauth2Client) Start() (string, []byte, error) {
	if err := checkXOAuth2(c.username, c.token); err != nil {
		return "", nil, err
	}
	c.failed = false
	return XOAuth2, []byte("user=" + c.username + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

// Next answers the error challenge with an empty response.
func (c *xoauth2Client) Next([]byte) ([]byte, error) {
	if c.failed {
		return nil, protoErr("unexpected second challenge in XOAUTH2")
	}
	c.failed = true
	return []byte{}, nil
}

// oauthBearerClient is the OAUTHBEARER mechanism (RFC 7628).
type oauthBearerClient struct {
	username, token, host string
	port                  int
	failed                bool
}

// NewOAuthBearer returns an OAUTHBEARER client (RFC 7628 section 3.1). The
// initial response is
//
//	n,a=user@example.com,^Ahost=server.example.com^Aport=587^Aauth=Bearer token^A^A
//
// with host and port left out when empty or zero. On an error challenge
// (RFC 7628 section 3.2.2) the client answers with a single 0x01 byte.
func NewOAuthBearer(username, token, host string, port int) Client {
	return &oauthBearerClient{username: username, token: token, host: host, port: port}
}

// checkOAuthBearer validates OAUTHBEARER input: the token, a user name and
// host name without control characters, and a port in 0..65535.
func checkOAuthBearer(username, token, host string, port int) error {
	if !validText(username) || !validText(host) {
		return argErr("OAUTHBEARER user and host must not contain control characters")
	}
	if port < 0 || port > 65535 {
		return argErr("OAUTHBEARER port out of range")
	}
	return checkToken(token)
}

// Start returns OAUTHBEARER and the initial response.
func (c *oauthBearerClient) Start() (string, []byte, error) {
	if err := checkOAuthBearer(c.username, c.token, c.host, c.port); err != nil {
		return "", nil, err
	}
	c.failed = false
	ir := "n,"
	if c.username != "" {
		ir += "a=" + encodeSaslname(c.username)
	}
	ir += ",\x01"
	if c.host != "" {
		ir += "host=" + c.host + "\x01"
	}
	if c.port != 0 {
		ir += "port=" + strconv.Itoa(c.port) + "\x01"
	}
	ir += "auth=Bearer " + c.token + "\x01\x01"
	return OAuthBearer, []byte(ir), nil
}

// Next answers the error challenge with 0x01 (RFC 7628 section 3.2.3).
func (c *oauthBearerClient) Next([]byte) ([]byte, error) {
	if c.failed {
		return nil, protoErr("unexpected second challenge in OAUTHBEARER")
	}
	c.failed = true
	return []byte{1}, nil
}
