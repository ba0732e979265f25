package smtp

import (
	"bytes"
	"strings"
	"testing"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

func TestDial(t *testing.T) {
	tests := []struct {
		name   string
		script string
		mod    func(*Options)
		kind   errs.Kind // 0: success
		caps   []string
	}{
		{name: "ehlo", script: `
			S: 220 mx.example ESMTP
			C: EHLO client.example
			S: 250-mx.example greets you
			S: 250-PIPELINING
			S: 250 SIZE 1000`,
			caps: []string{"PIPELINING", "SIZE 1000"}},
		{name: "helo fallback on 500", script: `
			S: 220 old.example
			C: EHLO client.example
			S: 500 what?
			C: HELO client.example
			S: 250 old.example`},
		{name: "helo fallback on 502", script: `
			S: 220 old.example
			C: EHLO client.example
			S: 502 not implemented
			C: HELO client.example
			S: 250 ok`},
		{name: "no fallback on 554", script: `
			S: 220 mx
			C: EHLO client.example
			S: 554 go away`, kind: errs.Refused},
		{name: "lhlo", mod: func(o *Options) { o.LMTP = true }, script: `
			S: 220 lmtp ready
			C: LHLO client.example
			S: 250-lmtp
			S: 250 PIPELINING`, caps: []string{"PIPELINING"}},
		{name: "lhlo has no helo fallback", mod: func(o *Options) { o.LMTP = true }, script: `
			S: 220 lmtp ready
			C: LHLO client.example
			S: 500 unknown`, kind: errs.Refused},
		{name: "greeting 554", script: `S: 554 no service`, kind: errs.Refused},
		{name: "greeting 421", script: `S: 421 busy`, kind: errs.Closed},
		{name: "closed after greeting", script: `
			S: 220 mx
			C: EHLO client.example
			!close`, kind: errs.Closed},
		{name: "mixed codes", script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 251 SIZE`, kind: errs.Protocol},
		{name: "malformed code", script: `
			S: 220 mx
			C: EHLO client.example
			S: 2x0 hi`, kind: errs.Protocol},
		{name: "1000-line reply", script: "S: 220 mx\nC: EHLO client.example\n" +
			strings.Repeat("S: 250-X\n", 1000) + "S: 250 end", kind: errs.Protocol},
		{name: "endless line", script: "S: 220 mx\nC: EHLO client.example\nS: 250 " +
			strings.Repeat("x", 70000), kind: errs.Protocol},
		{name: "starttls required but absent", mod: startTLSPolicy(wire.StartTLS), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH PLAIN`, kind: errs.Security},
		{name: "starttls required but refused", mod: startTLSPolicy(wire.StartTLS), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 STARTTLS
			C: STARTTLS
			S: 454 TLS not available`, kind: errs.Security},
		{name: "starttls optional, absent", mod: startTLSPolicy(wire.StartTLSOptional), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250 mx`},
		{name: "starttls optional, refused", mod: startTLSPolicy(wire.StartTLSOptional), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 STARTTLS
			C: STARTTLS
			S: 454 not now`},
		{name: "bytes injected after 220", mod: startTLSPolicy(wire.StartTLS), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 STARTTLS
			C: STARTTLS
			S: 220 go ahead
			S: 250-injected`, kind: errs.Protocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s, err := dialScript(t, tt.script, tt.mod)
			if errs.KindOf(err) != tt.kind {
				t.Fatalf("Dial error %v (kind %d), want kind %d", err, errs.KindOf(err), tt.kind)
			}
			if err == nil && tt.caps != nil && strings.Join(c.Capabilities(), "|") != strings.Join(tt.caps, "|") {
				t.Errorf("capabilities %q, want %q", c.Capabilities(), tt.caps)
			}
			closeAndCheck(t, c, s)
		})
	}
}

func startTLSPolicy(s wire.Security) func(*Options) {
	return func(o *Options) { o.Security, o.SecuritySet = s, true }
}

func TestAuth(t *testing.T) {
	withCreds := func(auth string, plaintext bool) func(*Options) {
		return func(o *Options) {
			o.Username, o.Password, o.Auth, o.AllowPlaintextAuth = "user", "pass", auth, plaintext
		}
	}
	tests := []struct {
		name   string
		script string
		mod    func(*Options)
		kind   errs.Kind
	}{
		{name: "plain", mod: withCreds("plain", true), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH PLAIN LOGIN
			C: AUTH PLAIN AHVzZXIAcGFzcw==
			S: 235 2.7.0 ok`},
		{name: "login", mod: withCreds("login", true), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH PLAIN LOGIN
			C: AUTH LOGIN
			S: 334 VXNlcm5hbWU6
			C: dXNlcg==
			S: 334 UGFzc3dvcmQ6
			C: cGFzcw==
			S: 235 ok`},
		{name: "cram-md5 chosen by auto without TLS", mod: withCreds("auto", false), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH PLAIN LOGIN CRAM-MD5
			C: AUTH CRAM-MD5
			S: 334 PDQxOTI5NDIzNDEuMTI4Mjg0NzJAc291cmNlZm91ci5hbmRyZXcuY211LmVkdT4=
			C: dXNlciA2NWY1ODkyZDMxYWNjNGQ5ZGYyZDZhYjQwZTA5MGM2Mw==
			S: 235 ok`},
		{name: "xoauth2", mod: func(o *Options) {
			o.Username, o.Token, o.Auth, o.AllowPlaintextAuth = "user", "tok", "xoauth2", true
		}, script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH XOAUTH2
			C: AUTH XOAUTH2 dXNlcj11c2VyAWF1dGg9QmVhcmVyIHRvawEB
			S: 235 ok`},
		{name: "xoauth2 token too long for the AUTH line", mod: func(o *Options) {
			o.Username, o.Token, o.AllowPlaintextAuth = "user", strings.Repeat("x", 500), true
		}, script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH XOAUTH2
			C: AUTH XOAUTH2
			S: 334 
			C: dXNlcj11c2VyAWF1dGg9QmVhcmVyIHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4AQE=
			S: 235 ok`},
		{name: "token refused without TLS", mod: func(o *Options) { o.Username, o.Token = "user", "tok" }, script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH PLAIN XOAUTH2 CRAM-MD5`, kind: errs.Security},
		{name: "endless challenges cancelled", mod: withCreds("login", true), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH LOGIN
			C: AUTH LOGIN
			S: 334 VXNlcm5hbWU6
			C: dXNlcg==
			S: 334 UGFzc3dvcmQ6
			C: cGFzcw==
			S: 334 UGFzc3dvcmQ6
			C: *
			S: 501 5.7.0 cancelled`, kind: errs.Protocol},
		{name: "plain refused without TLS", mod: withCreds("plain", false), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH PLAIN`, kind: errs.Security},
		{name: "auto refused without TLS when only PLAIN", mod: withCreds("auto", false), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH PLAIN LOGIN`, kind: errs.Security},
		{name: "auth failure", mod: withCreds("plain", true), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH PLAIN
			C: AUTH PLAIN AHVzZXIAcGFzcw==
			S: 535 5.7.8 bad credentials`, kind: errs.Auth},
		{name: "auth deferred", mod: withCreds("plain", true), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH PLAIN
			C: AUTH PLAIN AHVzZXIAcGFzcw==
			S: 454 4.7.0 temporary authentication failure`, kind: errs.Temporary},
		// Success is 235 (RFC 4954 section 6); another 2xx, as Postfix's
		// smtp-sink sends, is no success and no refusal either.
		{name: "250 to AUTH", mod: withCreds("plain", true), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH PLAIN
			C: AUTH PLAIN AHVzZXIAcGFzcw==
			S: 250 2.0.0 Ok`, kind: errs.Protocol},
		{name: "bad base64 challenge", mod: withCreds("login", true), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250-mx
			S: 250 AUTH LOGIN
			C: AUTH LOGIN
			S: 334 !!!notbase64
			C: *
			S: 501 cancelled`, kind: errs.Protocol},
		{name: "no AUTH offered", mod: withCreds("auto", true), script: `
			S: 220 mx
			C: EHLO client.example
			S: 250 mx`, kind: errs.Unsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s, err := dialScript(t, tt.script, tt.mod)
			if errs.KindOf(err) != tt.kind {
				t.Fatalf("Dial error %v (kind %d), want kind %d", err, errs.KindOf(err), tt.kind)
			}
			if err == nil && !c.Authenticated() {
				t.Error("not authenticated")
			}
			closeAndCheck(t, c, s)
		})
	}
}

func TestAuthLogRedacted(t *testing.T) {
	var log bytes.Buffer
	c, s, err := dialScript(t, `
		S: 220 mx
		C: EHLO client.example
		S: 250-mx
		S: 250 AUTH LOGIN
		C: AUTH LOGIN
		S: 334 VXNlcm5hbWU6
		C: dXNlcg==
		S: 334 UGFzc3dvcmQ6
		C: cGFzcw==
		S: 235 ok`, func(o *Options) {
		o.Username, o.Password, o.Auth, o.AllowPlaintextAuth = "user", "pass", "login", true
		o.Log = wire.NewLog(&log)
	})
	if err != nil {
		t.Fatal(err)
	}
	closeAndCheck(t, c, s)
	if strings.Contains(log.String(), "cGFzcw==") || strings.Count(log.String(), "C: <secret>") != 2 {
		t.Errorf("log leaks or lacks redaction:\n%s", log.String())
	}
}
