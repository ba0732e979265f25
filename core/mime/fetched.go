package mime

import (
	"io"

	"mailwire/core/errs"
)

// ParseFetched parses a message as a server sends it (POP3 RETR, IMAP
// FETCH); a message that cannot be parsed is an error of kind errs.Parse.
func ParseFetched(r io.Reader) (*Message, error) {
	m, err := Parse(r)
	return m, errs.E(errs.Parse, err)
}

// ParseFetchedBytes is ParseFetched of a message read into memory whole,
// which the message may keep parts of (ParseBytes): b must not change
// afterwards.
func ParseFetchedBytes(b []byte) (*Message, error) {
	m, err := ParseBytes(b)
	return m, errs.E(errs.Parse, err)
}

// KeepFetched returns m when the fetch that parsed it succeeded (err is
// nil), and otherwise closes it and returns nil.
func KeepFetched(m *Message, err error) *Message {
	if err != nil && m != nil {
		m.Close()
		return nil
	}
	return m
}
