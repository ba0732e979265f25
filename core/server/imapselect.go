package server

import (
	"slices"
	"strconv"
	"strings"
)

// selectCmd answers SELECT and EXAMINE (RFC 3501 sections 6.3.1 and
// 6.3.2), with the CONDSTORE parameter (RFC 7162 section 3.1.8) and
// HIGHESTMODSEQ.
func (is *imapSession) selectCmd(a *imapArgs, readOnly bool) (string, error) {
	name, key, err := is.mailboxArg(a)
	if err != nil {
		return "", err
	}
	if a.take(' ') {
		if opened, err := a.open(); err != nil || !opened {
			return "", syntaxErr("expected select parameters")
		}
		for !a.close() {
			p, err := a.atom()
			if err != nil {
				return "", err
			}
			if !strings.EqualFold(p, "CONDSTORE") {
				return "", syntaxErr("unknown select parameter " + p)
			}
			is.condstore = true
			a.take(' ')
		}
	}
	if err := a.done(); err != nil {
		return "", err
	}
	is.deselect()
	if !is.exists(name) {
		return "", errNonexistent
	}
	s := is.s
	s.imap.mu.Lock()
	f, err := s.folder(key)
	if err != nil {
		s.imap.mu.Unlock()
		return "", errServer
	}
	is.key, is.name, is.readOnly, is.validity = key, name, readOnly, f.validity
	is.recent = map[uint32]bool{}
	is.claimRecent(f)
	is.view = make([]uint32, 0, len(f.msgs))
	is.known = make(map[uint32]string, len(f.msgs))
	keywords := map[string]bool{}
	unseen := 0
	for i, m := range f.msgs {
		is.view = append(is.view, m.uid)
		is.known[m.uid] = strings.Join(m.flags, " ")
		if unseen == 0 && !hasFlag(m.flags, `\Seen`) {
			unseen = i + 1
		}
		for _, fl := range m.flags {
			if fl[0] != '\\' {
				keywords[fl] = true
			}
		}
	}
	next, modseq := f.next, f.modseq
	s.imap.mu.Unlock()
	is.phase, is.synced = selected, modseq
	flags := slices.Clone(systemFlags)
	for k := range keywords {
		flags = append(flags, k)
	}
	slices.Sort(flags[len(systemFlags):])
	is.reply("* FLAGS (" + strings.Join(flags, " ") + ")")
	if readOnly {
		is.reply("* OK [PERMANENTFLAGS ()] Read-only")
	} else {
		is.reply(`* OK [PERMANENTFLAGS (` + strings.Join(flags, " ") + ` \*)] Flags permitted`)
	}
	is.reply("* " + strconv.Itoa(len(is.view)) + " EXISTS")
	is.reply("* " + strconv.Itoa(len(is.recent)) + " RECENT")
	if unseen > 0 {
		is.reply("* OK [UNSEEN " + strconv.Itoa(unseen) + "] First unseen")
	}
	is.reply("* OK [UIDVALIDITY " + u32(f.validity) + "] UIDs valid")
	is.reply("* OK [UIDNEXT " + u32(next) + "] Predicted next UID")
	is.reply("* OK [HIGHESTMODSEQ " + strconv.FormatUint(modseq, 10) + "] Highest")
	if readOnly {
		return "OK [READ-ONLY] EXAMINE completed", nil
	}
	return "OK [READ-WRITE] SELECT completed", nil
}

func u32(n uint32) string { return strconv.FormatUint(uint64(n), 10) }

// deselect leaves the selected state.
func (is *imapSession) deselect() {
	if is.phase == selected {
		is.phase = authenticated
	}
	is.key, is.name, is.view, is.known, is.synced, is.recent = "", "", nil, nil, 0, nil
}

// claimRecent gives the session the messages no session has seen yet: they
// are \Recent in it alone (RFC 3501 section 2.3.2). A read-only session
// sees them as recent without taking them from the others. It is called
// with the state's lock held.
func (is *imapSession) claimRecent(f *folderState) {
	for i := len(f.msgs) - 1; i >= 0 && f.msgs[i].uid >= f.recentFrom; i-- {
		is.recent[f.msgs[i].uid] = true
	}
	if !is.readOnly {
		f.recentFrom = f.next
	}
}

// unselect answers UNSELECT (RFC 3691).
func (is *imapSession) unselect(a *imapArgs) (string, error) {
	if err := a.done(); err != nil {
		return "", err
	}
	is.deselect()
	return "OK UNSELECT completed", nil
}

// closeCmd answers CLOSE (RFC 3501 section 6.4.2): the messages marked
// \Deleted go, silently, unless the folder is read-only.
func (is *imapSession) closeCmd(a *imapArgs) (string, error) {
	if err := a.done(); err != nil {
		return "", err
	}
	if !is.readOnly {
		is.removeDeleted(nil)
	}
	is.deselect()
	return "OK CLOSE completed", nil
}

// expunge answers EXPUNGE (RFC 3501 section 6.4.3) and UID EXPUNGE (RFC
// 4315 section 2.1); the EXPUNGE responses come from the update before
// the OK.
func (is *imapSession) expunge(a *imapArgs, uid bool) (string, error) {
	var set seqSet
	if uid {
		var err error
		if set, err = a.seqSet(is.maxUID()); err != nil {
			return "", err
		}
	}
	if err := a.done(); err != nil {
		return "", err
	}
	if is.readOnly {
		return "", errReadOnly
	}
	if err := is.removeDeleted(set); err != nil {
		return "", errServer
	}
	return "OK EXPUNGE completed", nil
}

// removeDeleted removes the messages marked \Deleted (with UIDs in set,
// when it is not nil) from the selected folder.
func (is *imapSession) removeDeleted(set seqSet) error {
	s := is.s
	s.imap.mu.Lock()
	f, err := s.folder(is.key)
	if err != nil {
		s.imap.mu.Unlock()
		return err
	}
	var ids []string
	for _, m := range f.msgs {
		if hasFlag(m.flags, `\Deleted`) && (set == nil || set.contains(m.uid)) {
			ids = append(ids, m.e.id)
		}
	}
	if len(ids) > 0 {
		err = s.store.remove(is.key, ids)
		s.folder(is.key)
	}
	s.imap.mu.Unlock()
	if len(ids) > 0 {
		s.changed(is.key)
	}
	return err
}

// maxUID returns the largest UID the client knows ("*" in a UID set).
func (is *imapSession) maxUID() uint32 {
	if len(is.view) == 0 {
		return 0
	}
	return is.view[len(is.view)-1]
}

// update tells the client what changed in the selected folder since it
// last heard (RFC 3501 section 7.3, 7.4): EXPUNGE for messages gone (when
// allowed), EXISTS for new ones, FETCH FLAGS for changed flags.
func (is *imapSession) update(expunges bool) {
	s := is.s
	type snap struct {
		flags  string
		modseq uint64
	}
	s.imap.mu.Lock()
	f, err := s.folder(is.key)
	if err == nil && f.validity != is.validity {
		// Another session deleted or renamed the folder: its UIDs mean
		// nothing any more (RFC 3501 section 2.3.1.1).
		s.imap.mu.Unlock()
		is.bye("BYE [UNAVAILABLE] The selected folder was deleted or renamed")
		is.quit = true
		return
	}
	if err != nil || f.modseq == is.synced {
		s.imap.mu.Unlock()
		return
	}
	// Every change of the folder raises its mod-sequence: when it is
	// where it was at the last full update, nothing is new.
	modseq := f.modseq
	is.claimRecent(f)
	cur := make(map[uint32]snap, len(f.msgs))
	var added []uint32
	last := is.maxUID()
	for _, m := range f.msgs {
		cur[m.uid] = snap{strings.Join(m.flags, " "), m.modseq}
		if m.uid > last {
			added = append(added, m.uid)
		}
	}
	s.imap.mu.Unlock()
	gone := 0
	for _, uid := range is.view {
		if _, ok := cur[uid]; !ok {
			gone++
		}
	}
	if expunges || gone == 0 {
		is.synced = modseq
	}
	if expunges {
		for i := len(is.view) - 1; i >= 0; i-- {
			if _, ok := cur[is.view[i]]; !ok {
				is.reply("* " + strconv.Itoa(i+1) + " EXPUNGE")
				delete(is.known, is.view[i])
				delete(is.recent, is.view[i])
				is.view = slices.Delete(is.view, i, i+1)
			}
		}
	}
	for _, uid := range added {
		is.view = append(is.view, uid)
		is.known[uid] = cur[uid].flags
	}
	if len(added) > 0 {
		is.reply("* " + strconv.Itoa(len(is.view)) + " EXISTS")
		is.reply("* " + strconv.Itoa(len(is.recent)) + " RECENT")
	}
	for i, uid := range is.view {
		c, ok := cur[uid]
		if !ok || is.known[uid] == c.flags {
			continue
		}
		is.known[uid] = c.flags
		line := "* " + strconv.Itoa(i+1) + " FETCH (UID " + u32(uid) + " FLAGS (" + is.flagText(uid, c.flags) + ")"
		if is.condstore {
			line += " MODSEQ (" + strconv.FormatUint(c.modseq, 10) + ")"
		}
		is.reply(line + ")")
	}
}

// idle answers IDLE (RFC 2177): the client hears of deliveries and of
// other sessions' changes of the selected folder until it sends DONE.
func (is *imapSession) idle(a *imapArgs) (string, error) {
	if err := a.done(); err != nil {
		return "", err
	}
	ch := make(chan struct{}, 1)
	if is.phase == selected {
		is.s.watch(is.key, ch)
		defer is.s.unwatch(is.key, ch)
		is.update(true)
	}
	is.reply("+ idling")
	type read struct {
		line string
		err  error
	}
	lines := make(chan read, 1)
	if is.c.Flush() != nil {
		is.quit = true
		return "", nil
	}
	// The reader only reads and this goroutine only writes until the
	// reader is done: the Conn's two directions are independent.
	go func() {
		l, err := is.c.ReadLineBytes()
		lines <- read{string(l), err}
	}()
	for {
		select {
		case <-ch:
			if is.phase == selected {
				is.update(true)
			}
			if is.c.Flush() != nil {
				is.c.Close()
			}
		case r := <-lines:
			switch {
			case r.err != nil:
				is.lost(r.err)
				is.quit = true
				return "", nil
			case strings.EqualFold(r.line, "DONE"):
				return "OK IDLE terminated", nil
			}
			is.fail("BAD Expected DONE")
			return "", nil
		}
	}
}
