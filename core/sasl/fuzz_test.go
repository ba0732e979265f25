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

// FuzzServerNext feeds arbitrary responses to every server; none may panic,
// none may report success for a user other than the known one, and a
// finished exchange stays finished.
func FuzzServerNext(f *testing.F) {
	f.Add([]byte(nil), []byte("\x00tim\x00tanstaaftanstaaf"), []byte(""))
	f.Add([]byte(rfc7677.clientFirst), []byte(rfc7677.clientFinal), []byte(""))
	f.Add([]byte("n,a=user,n=user,r=x,e=1"), []byte("c=biws,r=x,p=,p=AAAA"), []byte("x"))
	f.Add([]byte("tim"), []byte("tim 0123456789abcdef0123456789abcdef"), []byte{0})
	f.Fuzz(func(t *testing.T, r1, r2, r3 []byte) {
		for _, mech := range ServerMechanisms() {
			s, err := NewServer(mech, "h", lookup)
			if err != nil {
				t.Fatal(err)
			}
			if mech == ScramSHA256 {
				s = fixedScramServer()
			}
			var done bool
			for _, r := range [][]byte{r1, r2, r3} {
				_, d, err := s.Next(r)
				if done && (!d || err == nil) {
					t.Fatalf("%s: exchange resumed after its end", mech)
				}
				if d && err == nil && users[s.Username()] == "" {
					t.Fatalf("%s: success for %q", mech, s.Username())
				}
				done = done || d
			}
		}
	})
}

// FuzzTokenServer feeds arbitrary messages to the token mechanisms'
// server side: no panic, success only for the one valid token and its
// user, and a finished exchange stays finished.
func FuzzTokenServer(f *testing.F) {
	f.Add([]byte("user=alice\x01auth=Bearer at-ok\x01\x01"), []byte(""))
	f.Add([]byte("n,a=alice,\x01host=h\x01port=1\x01auth=Bearer at-ok\x01\x01"), []byte{1})
	f.Add([]byte("n,,\x01auth=Bearer no\x01\x01"), []byte{1})
	f.Add([]byte(nil), []byte("y,a=a=3D=2C,\x01auth=bearer at-ok\x01\x01"))
	check := func(tok string) (string, bool) { return "alice", tok == "at-ok" }
	f.Fuzz(func(t *testing.T, r1, r2 []byte) {
		for _, mech := range TokenMechanisms() {
			s, _ := NewTokenServer(mech, check)
			var done bool
			for _, r := range [][]byte{r1, r2, {}} {
				_, d, err := s.Next(r)
				if done && (!d || err == nil) {
					t.Fatalf("%s: exchange resumed after its end", mech)
				}
				if d && err == nil && (s.Username() != "alice" || !bytes.Contains(r, []byte("at-ok"))) {
					t.Fatalf("%s: success for %q with %q", mech, s.Username(), r)
				}
				done = done || d
			}
		}
	})
}
