package charset

import (
	"encoding/base64"
	"strings"
	u16 "unicode/utf16"
	"unicode/utf8"

	"mailwire/core/errs"
)

// mb64 is the modified base64 of RFC 3501 section 5.1.3: "," instead of "/",
// no padding.
var mb64 = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,").WithPadding(base64.NoPadding)

// EncodeMUTF7 returns the modified UTF-7 form of a mailbox name (RFC 3501
// section 5.1.3): printable US-ASCII stays, "&" becomes "&-", and every
// run of other characters becomes "&", the modified base64 of its UTF-16
// form, and "-". A name that is not valid UTF-8 is an error of kind
// errs.Arg.
func EncodeMUTF7(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", errs.New(errs.Arg, "the mailbox name is not valid UTF-8")
	}
	var b strings.Builder
	var run []rune
	flush := func() {
		if len(run) > 0 {
			u := u16.Encode(run)
			raw := make([]byte, 0, 2*len(u))
			for _, x := range u {
				raw = append(raw, byte(x>>8), byte(x))
			}
			b.WriteByte('&')
			b.WriteString(mb64.EncodeToString(raw))
			b.WriteByte('-')
			run = run[:0]
		}
	}
	for _, r := range name {
		switch {
		case r == '&':
			flush()
			b.WriteString("&-")
		case r >= 0x20 && r <= 0x7e:
			flush()
			b.WriteRune(r)
		default:
			run = append(run, r)
		}
	}
	flush()
	return b.String(), nil
}

// DecodeMUTF7 returns the UTF-8 form of a modified UTF-7 mailbox name
// (RFC 3501 section 5.1.3). A name that breaks the rules (8-bit bytes, a
// shift sequence that is not closed, is not modified base64, encodes
// printable US-ASCII or a lone surrogate, or two shifts in a row) is an
// error of kind errs.Protocol: the server sent it.
func DecodeMUTF7(s string) (string, error) {
	bad := func(why string) (string, error) {
		return "", errs.New(errs.Protocol, "mailbox name "+errs.Quote(s)+" is not modified UTF-7: "+why)
	}
	var b strings.Builder
	lastShift := -10
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return bad("8-bit or control character")
		}
		if c != '&' {
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(s[i+1:], '-')
		if end < 0 {
			return bad("shift sequence not closed")
		}
		enc := s[i+1 : i+1+end]
		if enc == "" {
			b.WriteByte('&')
			i++
			continue
		}
		if lastShift == i {
			return bad("two encoded runs in a row")
		}
		if strings.Trim(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,") != "" {
			return bad("not modified base64") // DecodeString would skip CR and LF
		}
		raw, err := mb64.Strict().DecodeString(enc)
		if err != nil || len(raw)%2 != 0 || len(raw) == 0 {
			return bad("bad modified base64")
		}
		u := make([]uint16, len(raw)/2)
		for j := range u {
			u[j] = uint16(raw[2*j])<<8 | uint16(raw[2*j+1])
		}
		for j := 0; j < len(u); j++ {
			x := u[j]
			switch {
			case u16.IsSurrogate(rune(x)):
				if j+1 >= len(u) {
					return bad("lone surrogate")
				}
				r := u16.DecodeRune(rune(x), rune(u[j+1]))
				if r == utf8.RuneError {
					return bad("lone surrogate")
				}
				b.WriteRune(r)
				j++
			case x >= 0x20 && x <= 0x7e:
				return bad("encodes printable US-ASCII")
			default:
				b.WriteRune(rune(x))
			}
		}
		i += end + 1
		lastShift = i + 1
	}
	return b.String(), nil
}
