// Package charset decodes the legacy character sets found in real mail into
// UTF-8 (RFC 2045 section 5.1, RFC 2046 section 4.1.2, RFC 2047 section 2).
//
// Labels follow the WHATWG Encoding Standard's label list plus the IANA names
// that mail software writes. As that standard does, ISO-8859-1 and US-ASCII
// are decoded as windows-1252, ISO-8859-9 as windows-1254, ISO-8859-11 as
// windows-874, GB2312 and GBK as GB18030, and Shift_JIS as windows-31j, since
// mail labelled with the narrower name routinely uses the wider set.
//
// The multi-byte tables are embedded read-only data: nothing is decoded or
// allocated for them until a message in that charset is decoded.
package charset

//go:generate python3 internal/gen/gen.py

import (
	"fmt"
	"io"
	"unicode/utf8"

	"mailwire/core/errs"
)

// Decode converts b from the charset named by label to UTF-8. Label is a MIME
// charset name or alias (RFC 2978), case-insensitive, such as "iso-8859-1",
// "cp1252", "gbk", "shift_jis" or "ks_c_5601-1987". Invalid or unmappable
// sequences become U+FFFD. An unknown label returns b with invalid UTF-8
// replaced by U+FFFD and an error of kind errs.NotFound.
func Decode(label string, b []byte) (string, error) {
	c, ok := lookup(label)
	if !ok {
		return decodeAll(newDecoder(cUTF8), b), unknown(label)
	}
	if c == cUTF8 && utf8.Valid(b) {
		return string(b), nil
	}
	return decodeAll(newDecoder(c), b), nil
}

// Known reports whether label names a supported charset.
func Known(label string) bool {
	_, ok := lookup(label)
	return ok
}

// Canonical returns the canonical name of the charset named by label, such as
// "ISO-8859-1", "windows-1252" or "Shift_JIS" (the IANA preferred MIME name
// where there is one), or "" when label is unknown.
func Canonical(label string) string {
	c, ok := lookup(label)
	if !ok {
		return ""
	}
	return charsets[c].name
}

// NewReader returns a reader that decodes r from the charset named by label
// to UTF-8, with the same result as Decode, in bounded memory. An unknown
// label returns a reader that replaces invalid UTF-8 by U+FFFD, and an error
// of kind errs.NotFound.
func NewReader(label string, r io.Reader) (io.Reader, error) {
	c, ok := lookup(label)
	if !ok {
		return newReader(newDecoder(cUTF8), r), unknown(label)
	}
	return newReader(newDecoder(c), r), nil
}

// unknown returns the error for an unsupported label, quoting at most 64
// bytes of it.
func unknown(label string) error {
	if len(label) > 64 {
		label = label[:64]
	}
	return errs.E(errs.NotFound, fmt.Errorf("charset: unknown charset %q", label))
}
