package server

import "mailwire/core/charset"

// encodeMUTF7 returns the modified UTF-7 form of a UTF-8 folder name (RFC
// 3501 section 5.1.3); the store's names are valid UTF-8.
func encodeMUTF7(s string) string {
	e, err := charset.EncodeMUTF7(s)
	if err != nil {
		return s
	}
	return e
}

// decodeMUTF7 reads a folder name a client sent in modified UTF-7; false
// when it is not (a non-canonical form included).
func decodeMUTF7(s string) (string, bool) {
	d, err := charset.DecodeMUTF7(s)
	return d, err == nil
}
