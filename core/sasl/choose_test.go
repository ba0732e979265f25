package sasl

import (
	"testing"

	"mailwire/core/errs"
)

func TestChoose(t *testing.T) {
	all := []string{"LOGIN", "PLAIN", "CRAM-MD5", "SCRAM-SHA-256", "XOAUTH2", "OAUTHBEARER"}
	tests := []struct {
		name            string
		want            string
		offered         []string
		password, token string
		mech            string
		kind            errs.Kind
	}{
		{"auto password all", "auto", all, "pw", "", "SCRAM-SHA-256", 0},
		{"auto password no scram", "AUTO", []string{"login", "plain", "cram-md5"}, "pw", "", "CRAM-MD5", 0},
		{"auto password plain login", "auto", []string{"LOGIN", "PLAIN"}, "pw", "", "PLAIN", 0},
		{"auto password login only", "auto", []string{"LOGIN", "XOAUTH2"}, "pw", "", "LOGIN", 0},
		{"auto empty means auto", "", []string{"PLAIN"}, "pw", "", "PLAIN", 0},
		{"auto token all", "auto", all, "", "tok", "OAUTHBEARER", 0},
		{"auto token xoauth2", "auto", []string{"PLAIN", "xoauth2"}, "", "tok", "XOAUTH2", 0},
		{"auto token before password", "auto", all, "pw", "tok", "OAUTHBEARER", 0},
		{"auto token falls back to password", "auto", []string{"PLAIN"}, "pw", "tok", "PLAIN", 0},
		{"auto token only, none offered", "auto", []string{"PLAIN", "LOGIN"}, "", "tok", "", errs.Unsupported},
		{"auto password only, oauth offered", "auto", []string{"XOAUTH2"}, "pw", "", "", errs.Unsupported},
		{"auto nothing offered", "auto", nil, "pw", "", "", errs.Unsupported},
		{"named", "plain", all, "pw", "", "PLAIN", 0},
		{"named case", "Cram-Md5", []string{"cram-md5"}, "pw", "", "CRAM-MD5", 0},
		{"named weaker than offered", "login", all, "pw", "", "LOGIN", 0},
		{"named not offered", "cram-md5", []string{"PLAIN", "LOGIN"}, "pw", "", "", errs.Unsupported},
		{"named unknown", "gssapi", []string{"GSSAPI"}, "pw", "", "", errs.Option},
		{"no credentials", "auto", all, "", "", "", errs.Arg},
		{"named without its credential", "xoauth2", all, "pw", "", "", errs.Arg},
		{"named password mech without password", "plain", all, "", "tok", "", errs.Arg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Choose(tt.want, tt.offered, "user@example.com", tt.password, tt.token, "mail.example.com", 587)
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
	_, err := Choose("auto", []string{"PLAIN"}, "user", "pw\x00", "", "", 0)
	if errs.KindOf(err) != errs.Arg {
		t.Fatalf("err = %v, want kind Arg", err)
	}
}
