package server

import (
	"errors"
	"slices"
	"strings"
	"time"
)

// store answers STORE and UID STORE (RFC 3501 section 6.4.6) with the
// UNCHANGEDSINCE modifier (RFC 7162 section 3.1.3).
func (is *imapSession) store(a *imapArgs, uid bool) (string, error) {
	refs, err := is.messages(a, uid)
	if err != nil {
		return "", err
	}
	if err := a.sp(); err != nil {
		return "", err
	}
	unchangedSince := uint64(0)
	limited := false
	if opened, err := a.open(); err != nil {
		return "", err
	} else if opened {
		m, _ := a.atom()
		if !strings.EqualFold(m, "UNCHANGEDSINCE") || a.sp() != nil {
			return "", syntaxErr("unknown store modifier")
		}
		if unchangedSince, err = a.number(63); err != nil || !a.close() || a.sp() != nil {
			return "", syntaxErr("bad UNCHANGEDSINCE")
		}
		limited = true
		is.condstore = true
	}
	item, err := a.atom()
	if err != nil {
		return "", err
	}
	item = strings.ToUpper(item)
	silent := strings.HasSuffix(item, ".SILENT")
	mode := strings.TrimSuffix(item, ".SILENT")
	if mode != "FLAGS" && mode != "+FLAGS" && mode != "-FLAGS" {
		return "", syntaxErr("expected FLAGS, +FLAGS or -FLAGS")
	}
	if err := a.sp(); err != nil {
		return "", err
	}
	flags, err := a.flagList(true)
	if err != nil {
		return "", err
	}
	if err := a.done(); err != nil {
		return "", err
	}
	for i, fl := range flags {
		if !validFlag(fl) {
			return "", syntaxErr("bad flag " + fl)
		}
		flags[i] = canonFlag(fl)
	}
	if is.readOnly {
		return "", errReadOnly
	}
	s := is.s
	s.imap.mu.Lock()
	f, err := s.folder(is.key)
	if err != nil {
		s.imap.mu.Unlock()
		return "", errServer
	}
	byUID := make(map[uint32]*imapMsg, len(f.msgs))
	for _, m := range f.msgs {
		byUID[m.uid] = m
	}
	var modified []uint32
	var out []msgRef
	changed, tooMany := false, false
	for _, r := range refs {
		m := byUID[r.uid]
		if m == nil {
			continue
		}
		if limited && m.modseq > unchangedSince {
			if uid {
				modified = append(modified, r.uid)
			} else {
				modified = append(modified, uint32(r.seq))
			}
			continue
		}
		next := slices.Clone(m.flags)
		if mode == "FLAGS" {
			next = nil
		}
		for _, fl := range flags {
			if mode == "-FLAGS" {
				next = removeFlag(next, fl)
			} else {
				next = addFlag(next, fl)
			}
		}
		if len(next) > maxKeywords {
			tooMany = true
			continue
		}
		if !slices.Equal(next, m.flags) {
			f.modseq++
			m.flags, m.modseq = next, f.modseq
			changed = true
		}
		r.flags, r.modseq = slices.Clone(m.flags), m.modseq
		out = append(out, r)
	}
	if changed {
		s.saveFolder(is.key, f)
	}
	s.imap.mu.Unlock()
	if changed {
		s.changed(is.key)
	}
	for _, r := range out {
		if silent && !is.condstore {
			is.known[r.uid] = strings.Join(r.flags, " ")
			continue
		}
		items := []fetchItem{{name: "FLAGS"}}
		if uid {
			items = append([]fetchItem{{name: "UID"}}, items...)
		}
		is.fetchOne(r, items, nil, nil, false)
	}
	if tooMany {
		return "", errors.New("[LIMIT] Too many flags on a message")
	}
	if len(modified) > 0 {
		slices.Sort(modified)
		return "OK [MODIFIED " + formatSet(modified) + "] Conditional STORE failed for some", nil
	}
	return "OK STORE completed", nil
}

// copyCmd answers COPY, UID COPY (RFC 3501 section 6.4.7), MOVE and UID
// MOVE (RFC 6851), with COPYUID (RFC 4315 section 3).
func (is *imapSession) copyCmd(a *imapArgs, uid, move bool) (string, error) {
	refs, err := is.messages(a, uid)
	if err != nil {
		return "", err
	}
	if err := a.sp(); err != nil {
		return "", err
	}
	name, key, err := is.mailboxArg(a)
	if err != nil {
		return "", err
	}
	if err := a.done(); err != nil {
		return "", err
	}
	verb := "COPY"
	if move {
		verb = "MOVE"
	}
	switch {
	case !is.exists(name):
		return "", errTryCreate
	case move && is.readOnly:
		return "", errReadOnly
	case len(refs) == 0:
		return "OK " + verb + " completed, no messages", nil
	}
	s := is.s
	var ids []string
	var srcUIDs, dstUIDs []uint32
	var validity uint32
	for _, r := range refs {
		data, err := s.store.read(is.key, r.e)
		if err != nil {
			continue
		}
		s.imap.mu.Lock()
		f, err := s.folder(key)
		if err == nil {
			var id string
			if id, err = s.store.put(key, data, r.e.date); err == nil {
				m := f.adopt(id, r.flags)
				s.folder(key)
				s.saveFolder(key, f)
				validity = f.validity
				srcUIDs, dstUIDs = append(srcUIDs, r.uid), append(dstUIDs, m.uid)
				ids = append(ids, r.e.id)
			}
		}
		s.imap.mu.Unlock()
		if err != nil {
			break
		}
	}
	if len(dstUIDs) > 0 {
		s.changed(key)
	}
	if len(dstUIDs) < len(refs) {
		return "", errors.New("[UNAVAILABLE] Some messages could not be copied")
	}
	code := "[COPYUID " + u32(validity) + " " + formatSet(srcUIDs) + " " + formatSet(dstUIDs) + "]"
	if !move {
		return "OK " + code + " COPY completed", nil
	}
	is.reply("* OK " + code + " Moved")
	s.imap.mu.Lock()
	err = s.store.remove(is.key, ids)
	s.folder(is.key)
	s.imap.mu.Unlock()
	s.changed(is.key)
	if err != nil {
		return "", errServer
	}
	return "OK MOVE completed", nil
}

// appendCmd answers APPEND (RFC 3501 section 6.3.11) with APPENDUID (RFC
// 4315 section 3).
func (is *imapSession) appendCmd(a *imapArgs) (string, error) {
	name, key, err := is.mailboxArg(a)
	if err == nil {
		err = a.sp()
	}
	if err != nil {
		return "", err
	}
	var flags []string
	if a.peek() == '(' {
		if flags, err = a.flagList(false); err != nil {
			return "", err
		}
		if err := a.sp(); err != nil {
			return "", err
		}
	}
	date := time.Now()
	if a.peek() == '"' {
		d, err := a.quoted()
		if err != nil {
			return "", err
		}
		if date, err = time.Parse("_2-Jan-2006 15:04:05 -0700", string(d)); err != nil {
			return "", syntaxErr("bad date-time")
		}
		if err := a.sp(); err != nil {
			return "", err
		}
	}
	// RFC 6855 section 4: UTF8 (~{N}) carries a message with UTF-8
	// header fields, once UTF8=ACCEPT is enabled.
	utf8Data := false
	if a.peek() == 'U' || a.peek() == 'u' {
		if w, _ := a.atom(); !strings.EqualFold(w, "UTF8") || !is.utf8 || a.sp() != nil || !a.take('(') || !a.take('~') {
			return "", syntaxErr("expected UTF8 (~{N}) after ENABLE UTF8=ACCEPT")
		}
		utf8Data = true
	}
	var msg []byte
	spooled, isFile := a.file()
	ok := isFile
	if !isFile {
		msg, ok = a.literal()
	}
	if !ok {
		return "", syntaxErr("expected the message as a literal")
	}
	if utf8Data && !a.take(')') {
		return "", syntaxErr("expected ) after the UTF8 literal")
	}
	if err := a.done(); err != nil {
		return "", err
	}
	for i, fl := range flags {
		if !validFlag(fl) {
			return "", syntaxErr("bad flag " + fl)
		}
		flags[i] = canonFlag(fl)
	}
	switch {
	case !is.exists(name):
		return "", errTryCreate
	case len(msg) == 0 && !isFile:
		return "", errors.New("[CANNOT] Empty message")
	}
	s := is.s
	s.imap.mu.Lock()
	f, err := s.folder(key)
	var m *imapMsg
	if err == nil {
		var id string
		if isFile {
			a.forget(spooled)
			id, err = s.store.putFile(key, spooled, date)
		} else {
			id, err = s.store.put(key, msg, date)
		}
		if err == nil {
			var sorted []string
			for _, fl := range flags {
				sorted = addFlag(sorted, fl)
			}
			m = f.adopt(id, sorted)
			s.folder(key)
			s.saveFolder(key, f)
		}
	}
	s.imap.mu.Unlock()
	if err != nil {
		return "", errServer
	}
	s.changed(key)
	return "OK [APPENDUID " + u32(f.validity) + " " + u32(m.uid) + "] APPEND completed", nil
}

// adopt gives the message just stored under id the next UID and flags,
// before folder brings the state up to date.
func (f *folderState) adopt(id string, flags []string) *imapMsg {
	f.modseq++
	m := &imapMsg{uid: f.next, modseq: f.modseq, base: baseOf(id), flags: slices.Clone(flags)}
	f.next++
	f.msgs = append(f.msgs, m)
	return m
}
