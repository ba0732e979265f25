package imap

import "mailwire/core/charset"

// EncodeMailbox returns the modified UTF-7 form of a mailbox name (RFC 3501
// section 5.1.3; charset.EncodeMUTF7).
func EncodeMailbox(name string) (string, error) { return charset.EncodeMUTF7(name) }

// DecodeMailbox reads a mailbox name in modified UTF-7 (charset.DecodeMUTF7).
func DecodeMailbox(s string) (string, error) { return charset.DecodeMUTF7(s) }
