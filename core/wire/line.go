// Package wire holds the line-level plumbing shared by the SMTP, LMTP and
// POP3 clients and the embedded server: a connection with bounded reads and
// per-step deadlines, dot-stuffing writers and readers (RFC 5321 section
// 4.5.2, RFC 1939 section 3), the CR/LF/NUL check every command line passes,
// a protocol log that hides secrets, and the TLS configuration.
package wire

import (
	"fmt"
	"strings"

	"mailwire/core/errs"
)

// CheckLine returns an error of kind errs.Arg when s contains CR, LF or NUL,
// the bytes that would let a value inject a command or a header
// (SECURITY.md section 1). what names the value in the message.
func CheckLine(what, s string) error {
	if i := strings.IndexAny(s, "\r\n\x00"); i >= 0 {
		return errs.New(errs.Arg, fmt.Sprintf("%s contains a forbidden character (%q at offset %d)", what, s[i], i))
	}
	return nil
}
