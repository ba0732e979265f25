package pop3

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/sasl"
)

// maxAuthLine is the longest AUTH command with an initial response, CRLF
// included (RFC 5034 section 4).
const maxAuthLine = 255

// maxSASLSteps bounds the challenges of one exchange.
const maxSASLSteps = 10

// login authenticates as Options.Auth says (RFC 1939 section 7, RFC 5034).
func (c *Client) login() error {
	want := strings.ToLower(strings.TrimSpace(c.opts.Auth))
	switch want {
	case "", "auto":
		return c.loginAuto()
	case "user":
		return c.loginUser()
	case "apop":
		return c.loginAPOP()
	}
	return c.loginSASL(want)
}

// plainOK reports whether secrets may cross the connection.
func (c *Client) plainOK() bool { return c.conn.IsTLS() || c.opts.AllowPlaintextAuth }

// errPlain is the refusal to expose a secret without TLS (SECURITY.md
// section 5).
func errPlain(method string) error {
	return errs.New(errs.Security, "pop3: "+method+" would expose the password without TLS; use TLS or set allow_plaintext_auth")
}

// loginAuto prefers SASL (when CAPA lists mechanisms), then APOP, then
// USER/PASS, skipping what would expose a secret without TLS.
func (c *Client) loginAuto() error {
	if mechs := c.capArgs("SASL"); len(mechs) > 0 {
		usable := mechs
		if !c.plainOK() {
			usable = nil
			for _, m := range mechs {
				if !sasl.SendsSecret(m) {
					usable = append(usable, m)
				}
			}
		}
		cl, err := sasl.Choose("auto", usable, c.opts.Username, c.opts.Password, c.opts.Token, c.opts.Host, c.port())
		if err == nil {
			return c.runSASL(cl)
		}
		if errs.KindOf(err) != errs.Unsupported {
			return err
		}
	}
	if c.opts.Password == "" {
		if !c.plainOK() {
			return errPlain("the token")
		}
		return errs.New(errs.Unsupported, "pop3: the server offers no SASL mechanism usable with a token")
	}
	if !c.plainOK() {
		return errPlain("USER/PASS or APOP")
	}
	if c.stamp != "" {
		return c.loginAPOP()
	}
	return c.loginUser()
}

func (c *Client) port() int {
	_, p := c.opts.security()
	return p
}

// loginUser runs USER and PASS (RFC 1939 section 7). The password never
// reaches the protocol log.
func (c *Client) loginUser() error {
	if !c.plainOK() {
		return errPlain("USER/PASS")
	}
	if c.opts.Password == "" {
		return errs.New(errs.Arg, "pop3: USER/PASS needs a password")
	}
	if _, err := c.cmd("USER", c.opts.Username); err != nil {
		return authErr(err)
	}
	if err := c.send("PASS "+c.opts.Password, "PASS <secret>"); err != nil {
		return err
	}
	_, err := c.status()
	return authErr(err)
}

// loginAPOP runs APOP with the MD5 digest of the greeting's timestamp and
// the password (RFC 1939 section 7). Without TLS it needs
// AllowPlaintextAuth: the digest allows an offline attack on the password.
func (c *Client) loginAPOP() error {
	if c.stamp == "" {
		return errs.New(errs.Unsupported, "pop3: the server greeting has no APOP timestamp")
	}
	if !c.plainOK() {
		return errPlain("APOP")
	}
	if c.opts.Password == "" {
		return errs.New(errs.Arg, "pop3: APOP needs a password")
	}
	line, err := cmdLine("APOP", []string{c.opts.Username})
	if err != nil {
		return err
	}
	if err := c.send(line+" "+apopDigest(c.stamp, c.opts.Password), line+" <secret>"); err != nil {
		return err
	}
	_, err = c.status()
	return authErr(err)
}

// apopDigest is the lowercase hex MD5 of timestamp followed by the secret
// (RFC 1939 section 7).
func apopDigest(stamp, secret string) string {
	sum := md5.Sum([]byte(stamp + secret))
	return hex.EncodeToString(sum[:])
}

// loginSASL authenticates with the named mechanism (RFC 5034). When CAPA
// lists no SASL mechanisms, the name is tried as given.
func (c *Client) loginSASL(mech string) error {
	offered := c.capArgs("SASL")
	if len(offered) == 0 {
		offered = []string{mech}
	}
	cl, err := sasl.Choose(mech, offered, c.opts.Username, c.opts.Password, c.opts.Token, c.opts.Host, c.port())
	if err != nil {
		return err
	}
	return c.runSASL(cl)
}

// runSASL runs one AUTH exchange (RFC 5034 section 4): the initial response
// on the command line when it fits, challenges "+ base64" answered by base64
// lines, "*" to give up when the mechanism fails. Client lines are logged as
// "<secret>".
func (c *Client) runSASL(cl sasl.Client) error {
	mech, ir, err := cl.Start()
	if err != nil {
		return err
	}
	if sasl.SendsSecret(mech) && !c.plainOK() {
		return errPlain("SASL " + mech)
	}
	if err := checkMech(mech); err != nil {
		return err
	}
	line := "AUTH " + mech
	if ir != nil {
		enc := encodeResp(ir)
		if len(line)+1+len(enc)+2 <= maxAuthLine {
			line, ir = line+" "+enc, nil
		}
	}
	if err := c.send(line, "AUTH "+mech+" <secret>"); err != nil {
		return err
	}
	if err := c.saslSteps(cl, ir); err != nil {
		return err
	}
	return complete(cl)
}

// complete checks that a mechanism which also authenticates the server
// (SCRAM's server signature, RFC 5802 section 3) saw that proof: a server
// that says +OK without it does not know the password.
func complete(cl sasl.Client) error {
	if cp, ok := cl.(sasl.Completer); ok {
		return cp.Complete()
	}
	return nil
}

// checkMech checks a mechanism name before it reaches the command line.
func checkMech(mech string) error {
	if mech == "" || strings.ContainsAny(mech, " \r\n\x00") {
		return errs.New(errs.Arg, "pop3: bad SASL mechanism name")
	}
	return nil
}

// encodeResp is the base64 form of an initial response; "=" for an empty
// one (RFC 5034 section 4). An empty answer to a challenge is an empty line.
func encodeResp(b []byte) string {
	if len(b) == 0 {
		return "="
	}
	return base64.StdEncoding.EncodeToString(b)
}

// saslSteps answers challenges until +OK or -ERR. pending is an initial
// response that did not fit on the AUTH line: it answers the first, empty,
// challenge.
func (c *Client) saslSteps(cl sasl.Client, pending []byte) error {
	for step := 0; ; step++ {
		line, err := c.saslLine()
		if err != nil {
			return authErr(err)
		}
		if text, ok := cutChallenge(line); ok {
			if step >= maxSASLSteps {
				return c.fail(protoErr("too many SASL challenges"))
			}
			resp, err := c.answer(cl, text, &pending)
			if err != nil {
				return c.abortSASL(err)
			}
			if err := c.send(base64.StdEncoding.EncodeToString(resp), "<secret>"); err != nil {
				return err
			}
			continue
		}
		_, err = parseStatus(line)
		if errs.KindOf(err) == errs.Protocol {
			return c.fail(err)
		}
		return authErr(err)
	}
}

// saslLine reads one line of an AUTH exchange.
func (c *Client) saslLine() (string, error) {
	line, err := c.conn.ReadLine()
	return line, c.fail(err)
}

// cutChallenge returns the base64 text of a "+ " continuation line; a bare
// "+" is an empty challenge.
func cutChallenge(line string) (string, bool) {
	if line == "+" {
		return "", true
	}
	return strings.CutPrefix(line, "+ ")
}

// answer decodes a challenge and returns the mechanism's response.
func (c *Client) answer(cl sasl.Client, text string, pending *[]byte) ([]byte, error) {
	if *pending != nil {
		resp := *pending
		*pending = nil
		return resp, nil
	}
	ch, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil {
		return nil, protoErr("SASL challenge is not base64")
	}
	return cl.Next(ch)
}

// abortSASL cancels the exchange with "*" (RFC 5034 section 4), reads the
// server's -ERR and returns cause.
func (c *Client) abortSASL(cause error) error {
	if err := c.send("*", ""); err != nil {
		return err
	}
	if _, err := c.status(); err != nil && errs.KindOf(err) != errs.Refused && errs.KindOf(err) != errs.Auth {
		return err
	}
	return cause
}

// authErr marks a -ERR reply as a refused authentication (RFC 3206
// section 5).
func authErr(err error) error {
	var pe *Error
	if errors.As(err, &pe) {
		pe.auth = true
	}
	return err
}
