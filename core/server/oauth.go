package server

import (
	"strconv"
	"strings"

	"mailwire/core/sasl"
	"mailwire/core/wire"
)

// The server accepts OAuth 2.0 bearer tokens (XOAUTH2, OAUTHBEARER) when
// it is told which tokens are valid and whose they are (Config.OAuthTokens,
// option "oauth_tokens"). Any other token, an expired one for instance,
// is refused with the mechanism's error challenge, so that a client's
// refresh-and-retry path can be tested end to end.

// newAuth returns the server side of mech: a token mechanism when tokens
// are configured, else a password mechanism.
func (s *Server) newAuth(mech string) (sasl.Server, error) {
	if len(s.cfg.OAuthTokens) > 0 && isTokenMech(mech) {
		return sasl.NewTokenServer(mech, s.checkToken)
	}
	return sasl.NewServer(mech, s.cfg.Hostname, s.password)
}

// tokenMechanisms returns the token mechanisms to offer: none until tokens
// are configured.
func (s *Server) tokenMechanisms() []string {
	if len(s.cfg.OAuthTokens) == 0 {
		return nil
	}
	return sasl.TokenMechanisms()
}

// checkToken returns the user of a valid token.
func (s *Server) checkToken(token string) (string, bool) {
	user, ok := s.cfg.OAuthTokens[token]
	return user, ok
}

func isTokenMech(mech string) bool {
	for _, m := range sasl.TokenMechanisms() {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}

// addTokens adds "user:token" entries separated by commas or white space:
// token is valid for user. A token is printable ASCII without ':' or ','
// (RFC 6750 section 2.1's b64token has neither).
func (c *Config) addTokens(value string) error {
	fields := strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	if len(fields) == 0 {
		return wire.OptionError("oauth_tokens", "user:token entries")
	}
	add := map[string]string{}
	for _, f := range fields {
		i := strings.LastIndexByte(f, ':')
		if i <= 0 || i == len(f)-1 || !tokenText(f) {
			return wire.OptionError("oauth_tokens", "user:token entries, not "+strconv.Quote(f[:max(i, 0)]+":..."))
		}
		add[f[i+1:]] = f[:i]
	}
	if c.OAuthTokens == nil {
		c.OAuthTokens = map[string]string{}
	}
	for tok, user := range add {
		c.OAuthTokens[tok] = user
	}
	return nil
}

func tokenText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
