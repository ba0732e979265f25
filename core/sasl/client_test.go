package sasl

import (
	"bytes"
	"testing"

	"mailwire/core/errs"
)

// step is one server challenge and the response the client must give, or the
// kind of error it must return.
type step struct {
	challenge string
	response  string
	kind      errs.Kind
}

func runClient(t *testing.T, c Client, mech, ir string, irNil bool, steps []step) {
	t.Helper()
	m, gotIR, err := c.Start()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if m != mech {
		t.Errorf("mech = %q, want %q", m, mech)
	}
	if irNil != (gotIR == nil) || string(gotIR) != ir {
		t.Errorf("ir = %q (nil=%v), want %q (nil=%v)", gotIR, gotIR == nil, ir, irNil)
	}
	for i, s := range steps {
		resp, err := c.Next([]byte(s.challenge))
		if s.kind != 0 {
			if errs.KindOf(err) != s.kind {
				t.Fatalf("step %d: err = %v (kind %d), want kind %d", i, err, errs.KindOf(err), s.kind)
			}
			return
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if resp == nil || string(resp) != s.response {
			t.Errorf("step %d: response %q, want %q", i, resp, s.response)
		}
	}
}

func TestClients(t *testing.T) {
	tests := []struct {
		name  string
		c     Client
		mech  string
		ir    string
		irNil bool
		steps []step
	}{
		{"plain", NewPlain("", "tim", "tanstaaf"), "PLAIN", "\x00tim\x00tanstaaf", false,
			[]step{{challenge: "", kind: errs.Protocol}}},
		{"plain authzid", NewPlain("admin", "tim", "pw"), "PLAIN", "admin\x00tim\x00pw", false, nil},
		{"login", NewLogin("tim", "secret"), "LOGIN", "", true, []step{
			{challenge: "Username:", response: "tim"},
			{challenge: "Password:", response: "secret"},
			{challenge: "Again:", kind: errs.Protocol},
		}},
		{"login any prompt text", NewLogin("tim", "secret"), "LOGIN", "", true, []step{
			{challenge: "PASSWORD:", response: "tim"},
			{challenge: "", response: "secret"},
		}},
		{"cram-md5 RFC 2195", NewCramMD5("tim", "tanstaaftanstaaf"), "CRAM-MD5", "", true, []step{
			{challenge: "<1896.697170952@postoffice.reston.mci.net>", response: "tim b913a602c7eda7a495b4e6e7334d3890"},
			{challenge: "<x@y>", kind: errs.Protocol},
		}},
		{"cram-md5 empty challenge", NewCramMD5("tim", "pw"), "CRAM-MD5", "", true,
			[]step{{challenge: "", kind: errs.Protocol}}},
		{"xoauth2", NewXOAuth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"), "XOAUTH2",
			"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01", false, []step{
				{challenge: `{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`, response: ""},
				{challenge: "", kind: errs.Protocol},
			}},
		{"oauthbearer RFC 7628", NewOAuthBearer("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", "server.example.com", 143),
			"OAUTHBEARER",
			"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01", false,
			[]step{
				{challenge: `{"status":"invalid_token","scope":"example_scope","openid-configuration":"https://example.com/.well-known/openid-configuration"}`, response: "\x01"},
				{challenge: "", kind: errs.Protocol},
			}},
		{"oauthbearer no user host port", NewOAuthBearer("", "tok", "", 0), "OAUTHBEARER",
			"n,,\x01auth=Bearer tok\x01\x01", false, nil},
		{"oauthbearer escapes user", NewOAuthBearer("a,b=c", "tok", "h", 0), "OAUTHBEARER",
			"n,a=a=2Cb=3Dc,\x01host=h\x01auth=Bearer tok\x01\x01", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runClient(t, tt.c, tt.mech, tt.ir, tt.irNil, tt.steps) })
	}
}

func TestClientBadInput(t *testing.T) {
	tests := []struct {
		name string
		c    Client
	}{
		{"plain NUL in password", NewPlain("", "tim", "a\x00b")},
		{"plain NUL in user", NewPlain("", "t\x00im", "ab")},
		{"plain NUL in identity", NewPlain("\x00", "tim", "ab")},
		{"plain no user", NewPlain("", "", "ab")},
		{"login NUL", NewLogin("tim", "a\x00")},
		{"login no user", NewLogin("", "pw")},
		{"cram space in user", NewCramMD5("t m", "pw")},
		{"cram NUL in password", NewCramMD5("tim", "p\x00w")},
		{"scram control in user", NewScramSHA256("u\x01", "pw")},
		{"scram control in password", NewScramSHA256("u", "p\nw")},
		{"scram bad utf8", NewScramSHA256("u\xff", "pw")},
		{"scram no password", NewScramSHA256("u", "")},
		{"xoauth2 0x01 in user", NewXOAuth2("a\x01b", "tok")},
		{"xoauth2 0x01 in token", NewXOAuth2("ab", "t\x01ok")},
		{"xoauth2 no token", NewXOAuth2("ab", "")},
		{"oauthbearer CRLF in host", NewOAuthBearer("u", "tok", "h\r\n", 1)},
		{"oauthbearer port", NewOAuthBearer("u", "tok", "h", 70000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ir, err := tt.c.Start()
			if errs.KindOf(err) != errs.Arg || ir != nil {
				t.Fatalf("Start = %q, %v; want kind Arg", ir, err)
			}
		})
	}
}

// rfc7677 is the SCRAM-SHA-256 example of RFC 7677 section 3 (user "user",
// password "pencil").
var rfc7677 = struct {
	clientNonce, clientFirst, serverFirst, clientFinal, serverFinal string
}{
	clientNonce: "rOprNGfwEbeRWgbNEkqO",
	clientFirst: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
	serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	clientFinal: "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
}

func fixedScram(user, pass, nonce string) Client {
	c := NewScramSHA256(user, pass).(*scramClient)
	c.nonce = func() (string, error) { return nonce, nil }
	return c
}

func TestScramClient(t *testing.T) {
	v := rfc7677
	tests := []struct {
		name  string
		steps []step
	}{
		{"RFC 7677", []step{
			{challenge: v.serverFirst, response: v.clientFinal},
			{challenge: v.serverFinal, response: ""},
			{challenge: "", kind: errs.Protocol},
		}},
		{"extension after v", []step{
			{challenge: v.serverFirst, response: v.clientFinal},
			{challenge: v.serverFinal + ",x=1", response: ""},
		}},
		{"forged signature", []step{
			{challenge: v.serverFirst, response: v.clientFinal},
			{challenge: "v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", kind: errs.Protocol},
		}},
		{"signature not base64", []step{
			{challenge: v.serverFirst, response: v.clientFinal},
			{challenge: "v=@@@", kind: errs.Protocol},
		}},
		{"no verifier", []step{
			{challenge: v.serverFirst, response: v.clientFinal},
			{challenge: "", kind: errs.Protocol},
		}},
		{"server error in final", []step{
			{challenge: v.serverFirst, response: v.clientFinal},
			{challenge: "e=invalid-proof", kind: errs.Auth},
		}},
		{"server error first", []step{{challenge: "e=unknown-user", kind: errs.Auth}}},
		{"mandatory extension", []step{{challenge: "m=x," + v.serverFirst, kind: errs.Protocol}}},
		{"nonce not extended", []step{{challenge: "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", kind: errs.Protocol}}},
		{"nonce replaced", []step{{challenge: "r=XXXXNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", kind: errs.Protocol}}},
		{"nonce with space", []step{{challenge: "r=rOprNGfwEbeRWgbNEkqO a,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", kind: errs.Protocol}}},
		{"iterations too few", []step{{challenge: "r=rOprNGfwEbeRWgbNEkqOa,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095", kind: errs.Protocol}}},
		{"iterations hostile", []step{{challenge: "r=rOprNGfwEbeRWgbNEkqOa,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1000001", kind: errs.Protocol}}},
		{"iterations huge", []step{{challenge: "r=rOprNGfwEbeRWgbNEkqOa,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999999999999", kind: errs.Protocol}}},
		{"iterations signed", []step{{challenge: "r=rOprNGfwEbeRWgbNEkqOa,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=+4096", kind: errs.Protocol}}},
		{"salt not base64", []step{{challenge: "r=rOprNGfwEbeRWgbNEkqOa,s=***,i=4096", kind: errs.Protocol}}},
		{"empty salt", []step{{challenge: "r=rOprNGfwEbeRWgbNEkqOa,s=,i=4096", kind: errs.Protocol}}},
		{"attributes out of order", []step{{challenge: "s=W22ZaJ0SNY7soEsUEjb6gQ==,r=rOprNGfwEbeRWgbNEkqOa,i=4096", kind: errs.Protocol}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runClient(t, fixedScram("user", "pencil", v.clientNonce), "SCRAM-SHA-256", v.clientFirst, false, tt.steps)
		})
	}
}

func TestScramClientEscapesUser(t *testing.T) {
	_, ir, err := fixedScram("a=b,c", "pw", "abc").Start()
	if err != nil || string(ir) != "n,,n=a=3Db=2Cc,r=abc" {
		t.Fatalf("Start = %q, %v", ir, err)
	}
}

func TestScramClientRandomNonce(t *testing.T) {
	_, a, err := NewScramSHA256("u", "p").Start()
	if err != nil {
		t.Fatal(err)
	}
	_, b, _ := NewScramSHA256("u", "p").Start()
	if bytes.Equal(a, b) || !bytes.HasPrefix(a, []byte("n,,n=u,r=")) || len(a) != len("n,,n=u,r=")+32 {
		t.Fatalf("client-first messages %q and %q", a, b)
	}
}

func TestSendsSecret(t *testing.T) {
	tests := map[string]bool{
		"PLAIN": true, "login": true, "XOAUTH2": true, "oauthbearer": true, "GSSAPI": true,
		"CRAM-MD5": false, "scram-sha-256": false,
	}
	for mech, want := range tests {
		if got := SendsSecret(mech); got != want {
			t.Errorf("SendsSecret(%q) = %v, want %v", mech, got, want)
		}
	}
}

func TestScramComplete(t *testing.T) {
	v := rfc7677
	tests := []struct {
		name       string
		challenges []string
		ok         bool
	}{
		{"verified", []string{v.serverFirst, v.serverFinal}, true},
		{"success without v=", []string{v.serverFirst}, false},
		{"forged v=", []string{v.serverFirst, "v=AAAA"}, false},
		{"e= after proof", []string{v.serverFirst, "e=invalid-proof"}, false},
		{"nothing", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixedScram("user", "pencil", v.clientNonce)
			if _, _, err := c.Start(); err != nil {
				t.Fatal(err)
			}
			for _, ch := range tt.challenges {
				c.Next([]byte(ch))
			}
			err := c.(Completer).Complete()
			if (err == nil) != tt.ok || (err != nil && errs.KindOf(err) != errs.Protocol) {
				t.Fatalf("Complete = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
