package imap

import (
	"context"
	"strings"
	"testing"

	"mailwire/core/errs"
	"mailwire/core/internal/tokenmail"
	"mailwire/core/oauth2"
)

// End to end over IMAPS: the embedded server refuses the first token the
// source gets and accepts the refreshed one; when it refuses both, the
// login fails with errs.Auth after one refresh.
func TestTokenEndToEnd(t *testing.T) {
	f := tokenmail.Start(t, "carol@mx.test:at-carol-2")
	login := func(refresh string) (*Client, *oauth2.Source, error) {
		src := f.Source(t, refresh)
		c, err := Dial(context.Background(), Options{f.Options("imaps", "carol@mx.test", src)})
		return c, src, err
	}
	c, _, err := login("rt-carol")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", true); err != nil {
		t.Fatalf("Select: %v", err)
	}
	c.Logout()
	if n := f.Tokens.Count("refresh_token"); n != 2 {
		t.Fatalf("%d refreshes, want 2", n)
	}
	_, src, err := login("rt-carol")
	if errs.KindOf(err) != errs.Auth || !strings.Contains(err.Error(), "AUTHENTICATIONFAILED") {
		t.Fatalf("err %v", err)
	}
	if tok, _ := src.Get("access_token"); tok != "at-carol-4" {
		t.Fatalf("access token %q: want the one refresh after the refusal", tok)
	}
}
