package smtp

import (
	"encoding/base64"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/sasl"
)

// maxAuthRounds bounds the challenges of one AUTH exchange.
const maxAuthRounds = 10

// auth authenticates when a password or token is set (RFC 4954 section 4).
// Without TLS, a mechanism that exposes the secret is refused with
// errs.Security before anything is written, unless AllowPlaintextAuth.
func (c *Client) auth() error {
	if c.o.Password == "" && c.o.Token == "" {
		return nil
	}
	params, ok := c.ext["AUTH"]
	if !ok {
		return errs.New(errs.Unsupported, "smtp: credentials are set but the server does not offer AUTH")
	}
	cl, mech, ir, err := c.chooseMech(strings.Fields(params))
	if err != nil {
		return err
	}
	line, shown := "AUTH "+mech, "AUTH "+mech
	if ir != nil {
		line += " " + encode64(ir)
		shown += " <secret>"
	}
	r, err := c.secretCmd(line, shown)
	for rounds := 0; err == nil && r.Code == 334; rounds++ {
		r, err = c.authStep(cl, r, rounds)
	}
	if err != nil {
		return err
	}
	if r.Code != 235 {
		// Only 235 ends the exchange well; 4xx and 5xx refuse it, any
		// other reply is outside the protocol (RFC 4954 section 6).
		if err := c.expect("AUTH", r, 4, 5); err != nil {
			return err
		}
		e := r.err()
		e.auth = true
		return e
	}
	// SCRAM also proves the server knows the password (RFC 5802 section
	// 3): a 235 without that proof comes from an impostor.
	if cp, ok := cl.(sasl.Completer); ok {
		if err := cp.Complete(); err != nil {
			return err
		}
	}
	c.authed = true
	return nil
}

// encode64 is base64, with "=" for an empty response (RFC 4954 section 4).
func encode64(b []byte) string {
	if len(b) == 0 {
		return "="
	}
	return base64.StdEncoding.EncodeToString(b)
}

// authStep answers one 334 challenge, or cancels the exchange with "*"
// when the challenge is not base64 or the mechanism refuses it.
func (c *Client) authStep(cl sasl.Client, r *reply, rounds int) (*reply, error) {
	if rounds >= maxAuthRounds {
		return c.abortAuth(errs.New(errs.Protocol, "smtp: too many AUTH challenges"))
	}
	chal, err := base64.StdEncoding.DecodeString(r.Text())
	if err != nil {
		return c.abortAuth(errs.New(errs.Protocol, "smtp: AUTH challenge is not valid base64"))
	}
	resp, err := cl.Next(chal)
	if err != nil {
		return c.abortAuth(err)
	}
	return c.secretCmd(base64.StdEncoding.EncodeToString(resp), "<secret>")
}

// abortAuth sends "*" (RFC 4954 section 4), reads the server's 501 and
// returns err.
func (c *Client) abortAuth(err error) (*reply, error) {
	if _, rerr := c.cmd("*"); rerr != nil {
		return nil, rerr
	}
	return nil, err
}

// chooseMech picks the mechanism and starts it. Without TLS (and without
// AllowPlaintextAuth), "auto" keeps to mechanisms that do not expose the
// secret, and a chosen mechanism that does is refused.
func (c *Client) chooseMech(offered []string) (sasl.Client, string, []byte, error) {
	o := &c.o
	safe := c.conn.IsTLS() || o.AllowPlaintextAuth
	want := o.Auth
	if !safe && want != "" && !strings.EqualFold(want, "auto") && sasl.SendsSecret(want) {
		return nil, "", nil, errs.New(errs.Security, "smtp: refusing to send credentials ("+strings.ToUpper(want)+
			") without TLS; use TLS, or set allow_plaintext_auth explicitly")
	}
	if !safe && (want == "" || strings.EqualFold(want, "auto")) {
		var hidden []string
		for _, m := range offered {
			if !sasl.SendsSecret(m) {
				hidden = append(hidden, m)
			}
		}
		if cl, err := sasl.Choose(want, hidden, o.Username, o.Password, o.Token, o.Host, o.port()); err == nil {
			return start(cl)
		}
	}
	cl, err := sasl.Choose(want, offered, o.Username, o.Password, o.Token, o.Host, o.port())
	if err != nil {
		return nil, "", nil, err
	}
	cl, mech, ir, err := start(cl)
	if err == nil && !safe && sasl.SendsSecret(mech) {
		return nil, "", nil, errs.New(errs.Security, "smtp: refusing to send credentials ("+mech+
			") without TLS; use TLS, or set allow_plaintext_auth explicitly")
	}
	return cl, mech, ir, err
}

func start(cl sasl.Client) (sasl.Client, string, []byte, error) {
	mech, ir, err := cl.Start()
	return cl, mech, ir, err
}
