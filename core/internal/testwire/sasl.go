package testwire

import (
	"encoding/base64"
	"fmt"
	"strings"

	"mailwire/core/sasl"
)

// SASL runs the server side of a SASL exchange of mech (RFC 4422) for the
// user tim with the password tanstaaf, after the command that began it:
// the command's words from the mechanism name on are args (args[1], when
// present, the initial response). Each challenge goes out as "+ base64"
// (the framing of RFC 3501 section 6.2.2 and RFC 5034 section 4); the
// outcome as the line end gives for the server's verdict (nil: accepted).
// What the client sends is not predictable (nonces), so it is checked here
// rather than in the script.
func SASL(p *Peer, mech string, args []string, end func(refused error) string) error {
	srv, err := sasl.NewServer(mech, "localhost", func(u string) (string, bool) { return "tanstaaf", u == "tim" })
	if err != nil {
		return err
	}
	if len(args) == 0 || args[0] != mech {
		return fmt.Errorf("want mechanism %s, got %q", mech, args)
	}
	var resp []byte
	if len(args) > 1 {
		if resp, err = base64.StdEncoding.DecodeString(args[1]); err != nil {
			return err
		}
	}
	for {
		ch, done, err := srv.Next(resp)
		if done {
			return p.Send(end(err))
		}
		if err != nil {
			return err
		}
		if err := p.Send("+ " + base64.StdEncoding.EncodeToString(ch) + "\r\n"); err != nil {
			return err
		}
		line, err := p.ReadLine()
		if err != nil {
			return err
		}
		if resp, err = base64.StdEncoding.DecodeString(strings.TrimSpace(line)); err != nil {
			return err
		}
	}
}
