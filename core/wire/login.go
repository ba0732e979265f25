package wire

import "mailwire/core/errs"

// Login is what a mailbox client (POP3, IMAP) needs to log in; CheckLogin
// checks it before anything is sent.
type Login struct {
	Proto    string // "pop3", "imap": the prefix of messages
	Host     string
	Username string
	Password string
	Token    string
	Auth     string
	Tokens   bool // a token source will give the token
	Security Security
}

// CheckLogin checks that l can log in: no CR, LF or NUL in any value
// (errs.Arg), a host, a user name with a password or a token (errs.Arg),
// and a known security mode (errs.Option).
func CheckLogin(l Login) error {
	for _, v := range []string{l.Host, l.Username, l.Password, l.Token, l.Auth} {
		if err := CheckLine("option", v); err != nil {
			return err
		}
	}
	if l.Host == "" {
		return errs.New(errs.Arg, l.Proto+": no host")
	}
	if l.Username == "" || l.Password == "" && l.Token == "" && !l.Tokens {
		return errs.New(errs.Arg, l.Proto+": a user name and a password or token are needed")
	}
	if l.Security < TLS || l.Security > None {
		return errs.New(errs.Option, l.Proto+": unknown security mode")
	}
	return nil
}
