package sasl

import (
	"bytes"
	"testing"
)

// FuzzClients feeds arbitrary challenges to every client; none may panic,
// and a client never answers a SCRAM server-first-message that does not
// extend its nonce.
func FuzzClients(f *testing.F) {
	f.Add([]byte(rfc7677.serverFirst), []byte(rfc7677.serverFinal))
	f.Add([]byte("r=rOprNGfwEbeRWgbNEkqOx,s=AA==,i=4096,m=1"), []byte("v=,e=x"))
	f.Add([]byte("e=other-error"), []byte{})
	f.Add([]byte("<1896.697170952@postoffice.reston.mci.net>"), []byte("Password:"))
	f.Fuzz(func(t *testing.T, first, second []byte) {
		for _, c := range []Client{
			NewPlain("", "u", "p"), NewLogin("u", "p"), NewCramMD5("u", "p"),
			fixedScram("user", "pencil", rfc7677.clientNonce),
			NewXOAuth2("u", "t"), NewOAuthBearer("u", "t", "h", 1),
		} {
			if _, _, err := c.Start(); err != nil {
				t.Fatal(err)
			}
			r, err := c.Next(first)
			if _, ok := c.(*scramClient); ok && err == nil &&
				!bytes.HasPrefix(first, []byte("r="+rfc7677.clientNonce)) {
				t.Fatalf("SCRAM answered %q with %q", first, r)
			}
			c.Next(second)
		}
	})
}
