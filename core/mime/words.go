package mime

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// maxWordText is the room for encoded text in one encoded word: 75 bytes
// (RFC 2047 section 2) minus "=?utf-8?B?" and "?=".
const maxWordText = 75 - len("=?utf-8?B??=")

// encodeWords encodes s as RFC 2047 encoded words in UTF-8 with encoding
// 'B' or 'Q' (RFC 2047 section 4). Every word stays within 75 bytes and no
// word splits a UTF-8 sequence (RFC 2047 section 5, rule 3).
func encodeWords(s string, enc byte) []string {
	var words []string
	for s != "" {
		n := wordPrefix(s, enc)
		words = append(words, encodeWord(s[:n], enc))
		s = s[n:]
	}
	return words
}

// wordPrefix returns the length of the longest prefix of s, ending on a rune
// boundary, whose encoding fits in one word. It is at least one rune.
func wordPrefix(s string, enc byte) int {
	used, n := 0, 0
	for n < len(s) {
		_, size := utf8.DecodeRuneInString(s[n:])
		var cost int
		if enc == 'B' {
			cost = (n+size+2)/3*4 - used
		} else {
			cost = qCost(s[n : n+size])
		}
		if used+cost > maxWordText && n > 0 {
			break
		}
		used += cost
		n += size
	}
	return n
}

// qSafe reports whether c may appear as itself in a Q-encoded word inside a
// phrase (RFC 2047 section 5, rule 3).
func qSafe(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '!' || c == '*' || c == '+' || c == '-' || c == '/'
}

func qCost(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if qSafe(s[i]) || s[i] == ' ' {
			n++
		} else {
			n += 3
		}
	}
	return n
}

func encodeWord(s string, enc byte) string {
	var b strings.Builder
	if enc == 'B' {
		b.WriteString("=?utf-8?B?")
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(s)))
		b.WriteString("?=")
		return b.String()
	}
	b.WriteString("=?utf-8?Q?")
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			b.WriteByte('_')
		case qSafe(c):
			b.WriteByte(c)
		default:
			b.WriteByte('=')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
		}
	}
	b.WriteString("?=")
	return b.String()
}

const upperHex = "0123456789ABCDEF"

// chooseWordEncoding picks Q, which stays readable, for mostly-ASCII text
// and B otherwise.
func chooseWordEncoding(s string) byte {
	if 2*qCost(s) <= 3*((len(s)+2)/3*4) {
		return 'Q'
	}
	return 'B'
}

// maxWordScan bounds the encoded text of one word that the decoder accepts;
// RFC 2047 allows 75 bytes, real mail sometimes more. The bound keeps the
// decoder linear on hostile input.
const maxWordScan = 4096

// encodedWord is one parsed RFC 2047 encoded word.
type encodedWord struct {
	charset string
	data    []byte
}

// parseEncodedWord parses "=?charset?enc?text?=" at the start of s and
// returns the word and its length (RFC 2047 section 2). A language suffix
// "charset*lang" (RFC 2231 section 5) is dropped.
func parseEncodedWord(s string) (encodedWord, int, bool) {
	if !strings.HasPrefix(s, "=?") {
		return encodedWord{}, 0, false
	}
	q1 := strings.IndexByte(s[2:], '?')
	if q1 < 1 || q1 > 64 {
		return encodedWord{}, 0, false
	}
	q1 += 2
	if len(s) < q1+3 || s[q1+2] != '?' {
		return encodedWord{}, 0, false
	}
	enc := s[q1+1] | 0x20
	tail := s[q1+3:]
	if len(tail) > maxWordScan {
		tail = tail[:maxWordScan]
	}
	end := strings.Index(tail, "?=")
	if end < 0 || (enc != 'b' && enc != 'q') {
		return encodedWord{}, 0, false
	}
	text := s[q1+3 : q1+3+end]
	if strings.ContainsAny(text, " \t") {
		return encodedWord{}, 0, false
	}
	cs := s[2:q1]
	if i := strings.IndexByte(cs, '*'); i >= 0 {
		cs = cs[:i]
	}
	if cs == "" {
		cs = "us-ascii"
	}
	var data []byte
	if enc == 'b' {
		data = decodeBase64Lenient(text)
	} else {
		data = decodeQ(text)
	}
	return encodedWord{charset: cs, data: data}, q1 + 3 + end + 2, true
}

// isEncodedWord reports whether s is exactly one encoded word.
func isEncodedWord(s string) bool {
	_, n, ok := parseEncodedWord(s)
	return ok && n == len(s)
}

// decodeQ decodes the Q encoding (RFC 2047 section 4.2): "_" is a space,
// "=XX" a byte. The underscores are replaced first: "=5F" stays "_".
func decodeQ(s string) []byte {
	return appendUnhex(make([]byte, 0, len(s)), strings.ReplaceAll(s, "_", " "), '=')
}

func decodeBase64Lenient(s string) []byte {
	dec := newB64Decoder()
	dec.feed([]byte(s))
	return dec.finish()
}

// DecodeHeader decodes the RFC 2047 encoded words in a header value to UTF-8
// (RFC 2047 section 6). It is lenient as real mail requires: white space
// between adjacent encoded words is dropped, words split inside a multi-byte
// character are joined before decoding, words glued to other text are still
// decoded, unknown charsets decode on a best-effort basis, and raw 8-bit
// text that is not UTF-8 is read as Latin-1.
func DecodeHeader(s string) string {
	if !strings.Contains(s, "=?") {
		return rawHeaderText(s)
	}
	var b strings.Builder
	var pend encodedWord
	flush := func() {
		if pend.charset != "" {
			b.WriteString(decodeText(pend.charset, pend.data))
			pend = encodedWord{}
		}
	}
	for len(s) > 0 {
		i := strings.Index(s, "=?")
		if i < 0 {
			break
		}
		w, n, ok := parseEncodedWord(s[i:])
		if !ok {
			flush()
			b.WriteString(rawHeaderText(s[:i+2]))
			s = s[i+2:]
			continue
		}
		gap := s[:i]
		if !(pend.charset != "" && strings.Trim(gap, " \t") == "") {
			flush()
			b.WriteString(rawHeaderText(gap))
		}
		if pend.charset != "" && !strings.EqualFold(pend.charset, w.charset) {
			flush()
		}
		if pend.charset == "" {
			pend.charset = w.charset
		}
		pend.data = append(pend.data, w.data...)
		s = s[i+n:]
	}
	flush()
	b.WriteString(rawHeaderText(s))
	return b.String()
}

// rawHeaderText returns header text that was not encoded: UTF-8 as it is
// (RFC 6532), other 8-bit bytes read as Latin-1.
func rawHeaderText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return latin1(s)
}
