package sasl

import (
	"strings"
	"testing"

	"mailwire/core/errs"
)

// TestChoose covers the whole decision: the mechanism asked for, the
// server's offer, the credentials and the connection (TLS, or the caller's
// allow_plaintext_auth) give one mechanism or the kind of the refusal.
func TestChoose(t *testing.T) {
	all := []string{"LOGIN", "PLAIN", "CRAM-MD5", "SCRAM-SHA-256", "XOAUTH2", "OAUTHBEARER"}
	const (
		clear = iota // no TLS, no opt-in
		tls          // TLS
		optIn        // no TLS, allow_plaintext_auth
	)
	tests := []struct {
		name            string
		want            string
		offered         []string
		password, token string
		channel         int
		mech            string
		kind            errs.Kind
	}{
		{"auto password all", "auto", all, "pw", "", tls, "SCRAM-SHA-256", 0},
		{"auto password no scram", "AUTO", []string{"login", "plain", "cram-md5"}, "pw", "", tls, "CRAM-MD5", 0},
		{"auto password plain login", "auto", []string{"LOGIN", "PLAIN"}, "pw", "", tls, "PLAIN", 0},
		{"auto password login only", "auto", []string{"LOGIN", "XOAUTH2"}, "pw", "", tls, "LOGIN", 0},
		{"auto empty means auto", "", []string{"PLAIN"}, "pw", "", tls, "PLAIN", 0},
		{"auto token all", "auto", all, "", "tok", tls, "OAUTHBEARER", 0},
		{"auto token xoauth2", "auto", []string{"PLAIN", "xoauth2"}, "", "tok", tls, "XOAUTH2", 0},
		{"auto token before password", "auto", all, "pw", "tok", tls, "OAUTHBEARER", 0},
		{"auto token falls back to password", "auto", []string{"PLAIN"}, "pw", "tok", tls, "PLAIN", 0},
		{"auto token only, none offered", "auto", []string{"PLAIN", "LOGIN"}, "", "tok", tls, "", errs.Unsupported},
		{"auto password only, oauth offered", "auto", []string{"XOAUTH2"}, "pw", "", tls, "", errs.Unsupported},
		{"auto nothing offered", "auto", nil, "pw", "", tls, "", errs.Unsupported},
		{"named", "plain", all, "pw", "", tls, "PLAIN", 0},
		{"named case", "Cram-Md5", []string{"cram-md5"}, "pw", "", tls, "CRAM-MD5", 0},
		{"named weaker than offered", "login", all, "pw", "", tls, "LOGIN", 0},
		{"named not offered", "cram-md5", []string{"PLAIN", "LOGIN"}, "pw", "", tls, "", errs.Unsupported},
		{"named unknown", "gssapi", []string{"GSSAPI"}, "pw", "", tls, "", errs.Option},
		{"no credentials", "auto", all, "", "", tls, "", errs.Arg},
		{"named without its credential", "xoauth2", all, "pw", "", tls, "", errs.Arg},
		{"named password mech without password", "plain", all, "", "tok", tls, "", errs.Arg},

		// Without TLS: what exposes the secret is refused or passed over.
		{"clear auto keeps the password hidden", "auto", all, "pw", "", clear, "SCRAM-SHA-256", 0},
		{"clear auto passes over PLAIN", "auto", []string{"PLAIN", "LOGIN", "CRAM-MD5"}, "pw", "", clear, "CRAM-MD5", 0},
		{"clear auto only PLAIN", "auto", []string{"PLAIN", "LOGIN"}, "pw", "", clear, "", errs.Security},
		{"clear auto token", "auto", all, "", "tok", clear, "", errs.Security},
		{"clear auto token falls back to a hidden password", "auto", all, "pw", "tok", clear, "SCRAM-SHA-256", 0},
		{"clear auto nothing usable offered", "auto", []string{"XOAUTH2"}, "pw", "", clear, "", errs.Unsupported},
		{"clear named PLAIN", "plain", all, "pw", "", clear, "", errs.Security},
		{"clear named PLAIN not offered", "plain", []string{"CRAM-MD5"}, "pw", "", clear, "", errs.Security},
		{"clear named XOAUTH2", "xoauth2", all, "", "tok", clear, "", errs.Security},
		{"clear named CRAM-MD5", "cram-md5", all, "pw", "", clear, "CRAM-MD5", 0},
		{"clear named SCRAM", "scram-sha-256", all, "pw", "", clear, "SCRAM-SHA-256", 0},
		{"clear credential errors come first", "xoauth2", all, "pw", "", clear, "", errs.Arg},

		// The caller's explicit opt-in lifts the rule.
		{"opt-in auto only PLAIN", "auto", []string{"PLAIN", "LOGIN"}, "pw", "", optIn, "PLAIN", 0},
		{"opt-in auto token", "auto", all, "", "tok", optIn, "OAUTHBEARER", 0},
		{"opt-in named LOGIN", "login", all, "pw", "", optIn, "LOGIN", 0},
		{"opt-in still prefers SCRAM", "auto", all, "pw", "", optIn, "SCRAM-SHA-256", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Choose(Options{
				Mechanism: tt.want, Offered: tt.offered,
				Username: "user@example.com", Password: tt.password, Token: tt.token,
				Host: "mail.example.com", Port: 587,
				Secure: tt.channel == tls, AllowPlaintext: tt.channel == optIn,
			})
			if tt.kind != 0 {
				if errs.KindOf(err) != tt.kind || c != nil {
					t.Fatalf("Choose = %v, %v (kind %d), want kind %d", c, err, errs.KindOf(err), tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatalf("Choose: %v", err)
			}
			mech, _, err := c.Start()
			if err != nil || mech != tt.mech {
				t.Fatalf("chose %q (%v), want %q", mech, err, tt.mech)
			}
		})
	}
}

func TestChooseValidatesEarly(t *testing.T) {
	_, err := Choose(Options{Mechanism: "auto", Offered: []string{"PLAIN"}, Username: "user", Password: "pw\x00", Secure: true})
	if errs.KindOf(err) != errs.Arg {
		t.Fatalf("err = %v, want kind Arg", err)
	}
}

// TestCheckExposure covers the rule as the protocols' own logins ask it,
// and the message that names the method and the secret.
func TestCheckExposure(t *testing.T) {
	tests := []struct {
		method        string
		secure, allow bool
		wantErr       bool
		secret        string
	}{
		{"USER/PASS", false, false, true, "password"},
		{"APOP", false, false, true, "password"},
		{"XOAUTH2", false, false, true, "token"},
		{"USER/PASS", true, false, false, ""},
		{"USER/PASS", false, true, false, ""},
	}
	for _, tt := range tests {
		o := Options{Secure: tt.secure, AllowPlaintext: tt.allow}
		err := o.CheckExposure(tt.method)
		if (err != nil) != tt.wantErr {
			t.Fatalf("%s secure=%v allow=%v: %v", tt.method, tt.secure, tt.allow, err)
		}
		if err == nil {
			continue
		}
		if errs.KindOf(err) != errs.Security || !strings.HasPrefix(err.Error(), tt.method+" would expose the "+tt.secret) ||
			!strings.Contains(err.Error(), "allow_plaintext_auth") {
			t.Errorf("%s: %v (kind %d)", tt.method, err, errs.KindOf(err))
		}
	}
}

func TestNames(t *testing.T) {
	want := "scram-sha-256 cram-md5 plain login oauthbearer xoauth2"
	if got := strings.Join(Names(), " "); got != want {
		t.Errorf("Names() = %q, want %q", got, want)
	}
	for _, m := range Names() {
		if _, err := Choose(Options{Mechanism: m, Offered: []string{m}, Username: "u", Password: "p", Token: "t", Secure: true}); err != nil {
			t.Errorf("Choose(%q): %v", m, err)
		}
	}
}
