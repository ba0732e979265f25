package server

import (
	"bytes"
	"errors"
	stdmime "mime"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// searchMsg is a message as a search key sees it; the message itself is
// read at most once, when a key needs it.
type searchMsg struct {
	msgRef
	is     *imapSession
	data   []byte
	read   bool
	header []byte
	body   []byte
}

func (m *searchMsg) load() {
	if !m.read {
		m.read = true
		m.data, _ = m.is.s.store.read(m.is.key, m.e)
		m.header, m.body = splitHeader(m.data)
	}
}

// searchKey is a parsed search key (RFC 3501 section 6.4.4).
type searchKey func(m *searchMsg) bool

// search answers SEARCH and UID SEARCH (RFC 3501 sections 6.4.4 and
// 6.4.8), with CHARSET US-ASCII or UTF-8.
func (is *imapSession) search(a *imapArgs, uid bool) (string, error) {
	first, err := a.peekAtom()
	if err == nil && strings.EqualFold(first, "CHARSET") {
		a.atom()
		if err := a.sp(); err != nil {
			return "", err
		}
		cs, err := a.astring()
		if err != nil {
			return "", err
		}
		switch strings.ToUpper(string(cs)) {
		case "UTF-8", "US-ASCII":
		default:
			return "", errors.New("[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset")
		}
		if err := a.sp(); err != nil {
			return "", err
		}
	}
	var keys []searchKey
	for {
		k, err := is.searchKey(a)
		if err != nil {
			return "", err
		}
		keys = append(keys, k)
		if a.end() {
			break
		}
		if err := a.sp(); err != nil {
			return "", err
		}
		if len(keys) > 256 {
			return "", syntaxErr("too many search keys")
		}
	}
	refs, err := is.all()
	if err != nil {
		return "", err
	}
	var maxMod uint64
	var b strings.Builder
	b.WriteString("* SEARCH")
	for _, r := range refs {
		m := &searchMsg{msgRef: r, is: is}
		ok := true
		for _, k := range keys {
			if ok = k(m); !ok {
				break
			}
		}
		if !ok {
			continue
		}
		b.WriteByte(' ')
		if uid {
			b.WriteString(u32(r.uid))
		} else {
			b.WriteString(strconv.Itoa(r.seq))
		}
		maxMod = max(maxMod, r.modseq)
	}
	// A search by MODSEQ says the highest mod-sequence it found (RFC 7162
	// section 3.1.5).
	if a.usedModseq && maxMod > 0 {
		b.WriteString(" (MODSEQ " + strconv.FormatUint(maxMod, 10) + ")")
	}
	is.reply(b.String())
	return "OK SEARCH completed", nil
}

// all returns every message of the selected folder the client knows.
func (is *imapSession) all() ([]msgRef, error) {
	if len(is.view) == 0 {
		return nil, nil
	}
	a := &imapArgs{segs: [][]byte{[]byte("1:*")}}
	return is.messages(a, false)
}

// peekAtom returns the atom that comes next without reading it.
func (a *imapArgs) peekAtom() (string, error) {
	si, pos := a.si, a.pos
	s, err := a.atom()
	a.si, a.pos = si, pos
	return s, err
}

// searchKey reads one search key.
func (is *imapSession) searchKey(a *imapArgs) (searchKey, error) {
	a.depth++
	defer func() { a.depth-- }()
	if a.depth > maxIMAPDepth {
		return nil, syntaxErr("search keys too deeply nested")
	}
	if opened, err := a.open(); err != nil {
		return nil, err
	} else if opened {
		var keys []searchKey
		for !a.close() {
			if len(keys) > 0 {
				if err := a.sp(); err != nil {
					return nil, err
				}
			}
			k, err := is.searchKey(a)
			if err != nil {
				return nil, err
			}
			keys = append(keys, k)
			if len(keys) > 256 {
				return nil, syntaxErr("too many search keys")
			}
		}
		return func(m *searchMsg) bool {
			for _, k := range keys {
				if !k(m) {
					return false
				}
			}
			return true
		}, nil
	}
	if c := a.peek(); c >= '0' && c <= '9' || c == '*' {
		set, err := a.seqSet(uint32(len(is.view)))
		if err != nil {
			return nil, err
		}
		return func(m *searchMsg) bool { return set.contains(uint32(m.seq)) }, nil
	}
	name, err := a.atom()
	if err != nil {
		return nil, err
	}
	name = strings.ToUpper(name)
	flag := func(fl string, want bool) searchKey {
		return func(m *searchMsg) bool { return hasFlag(m.flags, fl) == want }
	}
	switch name {
	case "ALL":
		return func(*searchMsg) bool { return true }, nil
	case "ANSWERED", "DELETED", "DRAFT", "FLAGGED", "SEEN":
		return flag(`\`+name[:1]+strings.ToLower(name[1:]), true), nil
	case "UNANSWERED", "UNDELETED", "UNDRAFT", "UNFLAGGED", "UNSEEN":
		return flag(`\`+name[2:3]+strings.ToLower(name[3:]), false), nil
	case "RECENT":
		return func(m *searchMsg) bool { return is.recent[m.uid] }, nil
	case "NEW":
		return func(m *searchMsg) bool { return is.recent[m.uid] && !hasFlag(m.flags, `\Seen`) }, nil
	case "OLD":
		return func(m *searchMsg) bool { return !is.recent[m.uid] }, nil
	}
	if err := a.sp(); err != nil {
		return nil, err
	}
	switch name {
	case "NOT":
		k, err := is.searchKey(a)
		if err != nil {
			return nil, err
		}
		return func(m *searchMsg) bool { return !k(m) }, nil
	case "OR":
		k1, err := is.searchKey(a)
		if err != nil {
			return nil, err
		}
		if err := a.sp(); err != nil {
			return nil, err
		}
		k2, err := is.searchKey(a)
		if err != nil {
			return nil, err
		}
		return func(m *searchMsg) bool { return k1(m) || k2(m) }, nil
	case "KEYWORD", "UNKEYWORD":
		fl, err := a.atom()
		if err != nil {
			return nil, err
		}
		return flag(fl, name == "KEYWORD"), nil
	case "UID":
		set, err := a.seqSet(is.maxUID())
		if err != nil {
			return nil, err
		}
		return func(m *searchMsg) bool { return set.contains(m.uid) }, nil
	case "LARGER", "SMALLER":
		n, err := a.number(63)
		if err != nil {
			return nil, err
		}
		return func(m *searchMsg) bool {
			if name == "LARGER" {
				return m.e.size > int64(n)
			}
			return m.e.size < int64(n)
		}, nil
	case "MODSEQ":
		n, err := a.number(63)
		if err != nil {
			return nil, err
		}
		is.condstore = true
		a.usedModseq = true
		return func(m *searchMsg) bool { return m.modseq >= n }, nil
	case "BEFORE", "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE":
		d, err := a.date()
		if err != nil {
			return nil, err
		}
		return dateKey(name, d), nil
	case "FROM", "TO", "CC", "BCC", "SUBJECT", "BODY", "TEXT":
		s, err := a.astring()
		if err != nil {
			return nil, err
		}
		return textKey(name, s), nil
	case "HEADER":
		field, err := a.astring()
		if err == nil {
			err = a.sp()
		}
		if err != nil {
			return nil, err
		}
		s, err := a.astring()
		if err != nil {
			return nil, err
		}
		return headerKey(strings.ToUpper(string(field)), s), nil
	}
	return nil, syntaxErr("unknown search key " + strconv.Quote(name))
}

// date reads a date (RFC 3501 section 9: d-Mon-yyyy, maybe quoted).
func (a *imapArgs) date() (time.Time, error) {
	var s string
	if a.peek() == '"' {
		q, err := a.quoted()
		if err != nil {
			return time.Time{}, err
		}
		s = string(q)
	} else {
		s, _ = a.atom()
	}
	d, err := time.Parse("_2-Jan-2006", s)
	if err != nil {
		d, err = time.Parse("2-Jan-2006", s)
	}
	if err != nil {
		return time.Time{}, syntaxErr("bad date " + strconv.Quote(s))
	}
	return d, nil
}

// dateKey compares the internal date (or the Date field for SENT*)
// with d, both as dates without time (RFC 3501 section 6.4.4).
func dateKey(name string, d time.Time) searchKey {
	return func(m *searchMsg) bool {
		t := m.e.date
		if strings.HasPrefix(name, "SENT") {
			m.load()
			v, _ := headerValue(m.header, "DATE")
			pt, err := mail.ParseDate(v)
			if err != nil {
				return false
			}
			t = pt
		}
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		switch strings.TrimPrefix(name, "SENT") {
		case "BEFORE":
			return day.Before(d)
		case "ON":
			return day.Equal(d)
		}
		return !day.Before(d)
	}
}

// textKey matches a substring, without regard to case, in a header field
// (decoded from RFC 2047), the body, or the whole message.
func textKey(name string, s []byte) searchKey {
	needle := bytes.ToLower(s)
	return func(m *searchMsg) bool {
		m.load()
		switch name {
		case "BODY":
			return bytes.Contains(bytes.ToLower(m.body), needle)
		case "TEXT":
			return bytes.Contains(bytes.ToLower(m.data), needle)
		}
		return headerKey(name, s)(m)
	}
}

// headerKey matches a substring of the named field; an empty one matches
// every message with the field.
func headerKey(field string, s []byte) searchKey {
	needle := strings.ToLower(string(s))
	dec := new(stdmime.WordDecoder)
	return func(m *searchMsg) bool {
		m.load()
		for _, f := range headerFields(m.header) {
			if f.name != field {
				continue
			}
			v := f.value()
			if d, err := dec.DecodeHeader(v); err == nil {
				v = d
			}
			if strings.Contains(strings.ToLower(v), needle) {
				return true
			}
		}
		return false
	}
}
