package server

import (
	"strings"
	"testing"
)

// withTokens configures two valid bearer tokens.
func withTokens(c *Config) {
	if err := c.Set("oauth_tokens", "alice@mx.test:at-alice-2, bob:at-bob-1"); err != nil {
		panic(err)
	}
}

// XOAUTH2 and OAUTHBEARER are offered once tokens are configured, and over
// TLS only (they send the token); a valid token logs its user in.
func TestTokenMechanismsSMTP(t *testing.T) {
	s := start(t, withTokens)
	c := dial(t, s, "smtps")
	c.Run(`S: 220*`)
	caps := strings.Join(c.ehlo("EHLO client.test"), "\n")
	if !strings.Contains(caps, "AUTH SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN OAUTHBEARER XOAUTH2") {
		t.Fatalf("capabilities:\n%s", caps)
	}
	c.Run(`
		C: AUTH XOAUTH2 ` + b64("user=Alice@mx.test\x01auth=Bearer at-alice-2\x01\x01") + `
		S: 235 2.7.0 Authentication successful`)
	plain := dial(t, s, "submission")
	plain.Run(`S: 220*`)
	if caps := strings.Join(plain.ehlo("EHLO client.test"), "\n"); strings.Contains(caps, "XOAUTH2") {
		t.Fatalf("XOAUTH2 offered without TLS:\n%s", caps)
	}
	plain.Run(`
		C: AUTH OAUTHBEARER ` + b64("n,,\x01auth=Bearer at-bob-1\x01\x01") + `
		S: 538 5.7.11 Encryption required for requested authentication mechanism`)
	without := start(t, nil)
	w := dial(t, without, "smtps")
	w.Run(`S: 220*`)
	if caps := strings.Join(w.ehlo("EHLO client.test"), "\n"); strings.Contains(caps, "OAUTHBEARER") {
		t.Fatalf("token mechanisms offered without tokens:\n%s", caps)
	}
}

// A token the server does not know gets the mechanism's JSON error
// challenge, the client's empty (XOAUTH2) or ^A (OAUTHBEARER) answer, then
// 535; the session goes on and a valid token is accepted after.
func TestTokenRefusedSMTP(t *testing.T) {
	s := start(t, withTokens)
	c := dial(t, s, "smtps")
	c.Run(`S: 220*`)
	c.ehlo("EHLO client.test")
	c.Run(`
		C: AUTH XOAUTH2 ` + b64("user=alice@mx.test\x01auth=Bearer at-alice-1\x01\x01") + `
		S: 334 ` + b64(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`) + `
		C:
		S: 535 5.7.8 Authentication credentials invalid
		C: AUTH OAUTHBEARER ` + b64("n,a=bob,\x01auth=Bearer at-alice-2\x01\x01") + `
		S: 334 ` + b64(`{"status":"invalid_token","scope":"mail"}`) + `
		C: AQ==
		S: 535 5.7.8 Authentication credentials invalid
		C: AUTH OAUTHBEARER ` + b64("n,,\x01host=mx.test\x01auth=Bearer at-bob-1\x01\x01") + `
		S: 235 2.7.0 Authentication successful
		C: MAIL FROM:<bob@mx.test>
		S: 250*`)
}

// POP3 (RFC 5034): the same, with "+ " challenges and -ERR [AUTH]; the
// token's user opens the mailbox of its local part.
func TestTokenMechanismsPOP3(t *testing.T) {
	s := start(t, withTokens)
	c := dial(t, s, "pop3s")
	c.Run(`
		S: +OK*
		C: AUTH
		S: +OK Mechanisms follow
		S: SCRAM-SHA-256
		S: CRAM-MD5
		S: PLAIN
		S: LOGIN
		S: OAUTHBEARER
		S: XOAUTH2
		S: .
		C: AUTH XOAUTH2 ` + b64("user=alice@mx.test\x01auth=Bearer expired\x01\x01") + `
		S: + ` + b64(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`) + `
		C:
		S: -ERR [AUTH] Authentication failed
		C: AUTH XOAUTH2
		S: + 
		C: ` + b64("user=alice@mx.test\x01auth=Bearer at-alice-2\x01\x01") + `
		S: +OK Logged in, 0 messages`)
}

// The option takes user:token lists and refuses anything else.
func TestOAuthTokensOption(t *testing.T) {
	var c Config
	for _, bad := range []string{"", "alice", ":tok", "alice:", "alice:t\x01k"} {
		if err := c.Set("oauth_tokens", bad); err == nil {
			t.Fatalf("oauth_tokens %q accepted", bad)
		}
	}
	if err := c.Set("oauth_tokens", "a@b.test:t1,c:t2"); err != nil || c.OAuthTokens["t1"] != "a@b.test" || c.OAuthTokens["t2"] != "c" {
		t.Fatalf("%v %v", err, c.OAuthTokens)
	}
}
