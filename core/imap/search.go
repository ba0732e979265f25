package imap

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"mailwire/core/errs"
)

// criterion is one piece of search criteria: text to send as it is, or a
// string to send as a literal.
type criterion struct {
	text string
	lit  bool
}

// parseCriteria checks search criteria written by the caller in IMAP
// SEARCH syntax (RFC 3501 section 6.4.4) and splits them for sending. It
// refuses (errs.Arg) what would let the criteria end the command or start
// another: CR, LF, NUL or another control character, a quoted string not
// closed or with a bad escape, unbalanced parentheses, and literals
// ("{n}"), whose length the caller could forge. Quoted strings with 8-bit
// characters must be UTF-8; unless utf8 is set they become literals (with
// CHARSET UTF-8, which nonASCII reports).
func parseCriteria(s string, utf8Quoted bool) (parts []criterion, nonASCII bool, err error) {
	bad := func(why string) ([]criterion, bool, error) {
		return nil, false, errs.New(errs.Arg, "imap: search criteria "+errs.Quote(s)+": "+why)
	}
	if strings.TrimSpace(s) == "" {
		return []criterion{{text: "ALL"}}, false, nil
	}
	if !utf8.ValidString(s) {
		return bad("not valid UTF-8")
	}
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < ' ' || c == 0x7f:
			return bad("control character " + strconv.QuoteRune(rune(c)))
		case c == '(':
			depth++
			if depth > maxDepth {
				return bad("parentheses nested too deep")
			}
		case c == ')':
			if depth--; depth < 0 {
				return bad("unbalanced parentheses")
			}
		case c == '{':
			return bad("literals are not allowed in criteria (non-ASCII quoted strings are sent as literals by the library)")
		case c >= 0x80:
			return bad("non-ASCII text must be in a quoted string")
		case c == '"':
			str, end, ok := unquote(s, i)
			if !ok {
				return bad("quoted string not closed or with a bad escape")
			}
			if isASCII(str) || utf8Quoted {
				i = end - 1
				continue
			}
			nonASCII = true
			if start < i {
				parts = append(parts, criterion{text: s[start:i]})
			}
			parts = append(parts, criterion{text: str, lit: true})
			start = end
			i = end - 1
		}
	}
	if depth != 0 {
		return bad("unbalanced parentheses")
	}
	if start < len(s) {
		parts = append(parts, criterion{text: s[start:]})
	}
	return parts, nonASCII, nil
}

// unquote reads the quoted string that starts at s[i] and returns its
// content and the index after it. Only \" and \\ are escapes (RFC 3501
// section 9).
func unquote(s string, i int) (string, int, bool) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '"':
			return b.String(), j + 1, true
		case '\\':
			if j+1 >= len(s) || (s[j+1] != '"' && s[j+1] != '\\') {
				return "", 0, false
			}
			j++
		}
		if s[j] < ' ' || s[j] == 0x7f {
			return "", 0, false
		}
		b.WriteByte(s[j])
	}
	return "", 0, false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// esearch reports whether the server answers UID SEARCH RETURN (RFC 4731;
// always under IMAP4rev2).
func (c *Client) esearch() bool { return c.Has("ESEARCH") || c.enabled["IMAP4REV2"] }

// Search returns the UIDs of the messages of the selected mailbox that
// match criteria (UID SEARCH, RFC 3501 section 6.4.4), in the order the
// server gives them. criteria are IMAP search keys as the caller writes
// them ("UNSEEN FROM \"alice\" SINCE 1-Jan-2026"); see parseCriteria for
// what is refused. With ESEARCH the result comes as a compact set (RFC
// 4731); at most 2097152 UIDs are kept.
func (c *Client) Search(criteria string) ([]uint32, error) {
	if err := c.inMailbox(); err != nil {
		return nil, err
	}
	ret := ""
	if c.esearch() {
		ret = "ALL"
	}
	_, uids, err := c.search(criteria, ret)
	return uids, err
}

// search runs UID SEARCH, with RETURN (ret) when ret is set, and returns
// the COUNT and the UIDs.
func (c *Client) search(criteria, ret string) (int, []uint32, error) {
	parts, nonASCII, err := parseCriteria(criteria, c.utf8Names())
	if err != nil {
		return 0, nil, err
	}
	cmd := c.command("UID SEARCH")
	if ret != "" {
		cmd.raw("RETURN (" + ret + ")")
	}
	if nonASCII {
		cmd.raw("CHARSET UTF-8")
	}
	cmd.put(" ", " ")
	for _, p := range parts {
		if p.lit {
			cmd.open = true
			cmd.str(p.text)
		} else {
			cmd.put(p.text, p.text)
		}
	}
	count, got := -1, false
	var uids []uint32
	_, err = c.run(cmd, func(r *response) error {
		switch r.name {
		case "SEARCH":
			for _, v := range r.args {
				n, ok := v.number()
				if v.kind == vList { // (MODSEQ n) of RFC 7162 section 3.1.5
					continue
				}
				if !ok || n == 0 || n > maxBody {
					return protoErr("bad UID in a SEARCH response")
				}
				if len(uids) >= maxSearch {
					return protoErr("more than " + strconv.Itoa(maxSearch) + " UIDs in a SEARCH response")
				}
				uids = append(uids, uint32(n))
			}
			got = true
		case "ESEARCH":
			n, u, mine, err := parseESearch(r.args, cmd.tag, maxSearch-len(uids))
			if err != nil {
				return err
			}
			if mine {
				uids = append(uids, u...)
				if n >= 0 {
					count = n
				}
				got = true
			}
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	if count < 0 {
		count = len(uids)
	}
	_ = got
	return count, uids, nil
}

// parseESearch reads "(TAG "A5") UID ALL 1:3,5 COUNT 4" (RFC 4731 section
// 3.1). mine is false for a response to another command's tag.
func parseESearch(args []value, tag string, room int) (count int, uids []uint32, mine bool, err error) {
	count = -1
	if len(args) > 0 && args[0].kind == vList {
		l := args[0].list
		if len(l) != 2 || !l[0].isAtom("TAG") {
			return 0, nil, false, protoErr("malformed ESEARCH correlator")
		}
		t, _ := l[1].str()
		if t != tag {
			return 0, nil, false, nil
		}
		args = args[1:]
	} else {
		return 0, nil, false, nil // without a tag, it answers no command of ours
	}
	if len(args) > 0 && args[0].isAtom("UID") {
		args = args[1:]
	}
	for i := 0; i+1 < len(args); i += 2 {
		name := strings.ToUpper(args[i].s)
		switch name {
		case "ALL":
			uids, err = parseSet(args[i+1].s, room)
			if err != nil {
				return 0, nil, false, err
			}
		case "COUNT":
			n, ok := args[i+1].number()
			if !ok || n > maxBody {
				return 0, nil, false, protoErr("bad COUNT in an ESEARCH response")
			}
			count = int(n)
		}
	}
	return count, uids, true, nil
}

// parseSet expands a sequence set of UIDs ("1:3,7", RFC 3501 section 9) of
// at most room UIDs.
func parseSet(s string, room int) ([]uint32, error) {
	var out []uint32
	for _, part := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(part, ":")
		lo, ok1 := parseNumber(a)
		hi := lo
		ok2 := true
		if isRange {
			hi, ok2 = parseNumber(b)
		}
		if !ok1 || !ok2 || lo == 0 || hi == 0 || lo > maxBody || hi > maxBody {
			return nil, protoErr("bad UID set " + errs.Quote(s) + " in an ESEARCH response")
		}
		if lo > hi {
			lo, hi = hi, lo
		}
		if hi-lo >= uint64(room-len(out)) {
			return nil, protoErr("more than " + strconv.Itoa(maxSearch) + " UIDs in a search response")
		}
		for n := lo; n <= hi; n++ {
			out = append(out, uint32(n))
		}
	}
	return out, nil
}
