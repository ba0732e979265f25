package server

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// uidFile names the data kept beside a folder's messages: its UIDVALIDITY,
// next UID, highest mod-sequence and each message's UID, mod-sequence and
// flags. A restart reads it, so that UIDs stay as they were (RFC 3501
// section 2.3.1.1).
const uidFile = "mailwire-imap"

// folderState is what IMAP knows of a folder beyond the store: the UIDs of
// its messages (RFC 3501 section 2.3.1.1), their flags (section 2.3.2) and
// mod-sequences (RFC 7162 section 3.1).
type folderState struct {
	validity uint32
	next     uint32     // UIDNEXT
	modseq   uint64     // HIGHESTMODSEQ
	msgs     []*imapMsg // by UID
	stamp    string     // the store's version of the folder when msgs were last compared with it
	// recentFrom is the first UID no session has seen: \Recent is not kept
	// across a restart.
	recentFrom uint32
}

// imapMsg is one message of a folder.
type imapMsg struct {
	uid    uint32
	modseq uint64
	flags  []string // sorted; system flags keep their backslash
	base   string   // the store id without its Maildir subfolder and info
	e      entry
}

// imapState holds the folder states of a server, loaded from the store on
// first use, and the sessions waiting in IDLE.
type imapState struct {
	mu       sync.Mutex
	folders  map[string]*folderState
	watchers map[string]map[chan struct{}]struct{}
	lastUV   uint32
	// provisioned holds the mailboxes given their special-use folders.
	provisioned map[string]bool
}

// baseOf returns the part of a store id that stays when a Maildir message
// moves from new/ to cur/ or changes its info.
func baseOf(id string) string {
	if i := strings.IndexByte(id, '/'); i >= 0 {
		id = id[i+1:]
	}
	base, _, _ := strings.Cut(id, ":")
	return base
}

// newValidity returns a UIDVALIDITY value larger than every one this server
// gave before (RFC 3501 section 2.3.1.1 asks that a folder created again
// gets a new one).
func (st *imapState) newValidity() uint32 {
	v := uint32(time.Now().Unix())
	if v <= st.lastUV {
		v = st.lastUV + 1
	}
	st.lastUV = v
	return v
}

// folder returns the state of key, brought up to date with the store:
// new messages get the next UIDs, in the store's order; gone ones are
// dropped. It is called with st.mu held.
func (s *Server) folder(key string) (*folderState, error) {
	st := &s.imap
	f := st.folders[key]
	if f == nil {
		var err error
		if f, err = s.loadFolder(key); err != nil {
			return nil, err
		}
		st.folders[key] = f
	}
	stamp := s.store.version(key)
	if stamp == f.stamp {
		return f, nil
	}
	es, err := s.store.list(key)
	if err != nil {
		return nil, err
	}
	byBase := make(map[string]int, len(es))
	for i, e := range es {
		byBase[baseOf(e.id)] = i
	}
	changed, removed := false, false
	kept := f.msgs[:0]
	seen := make(map[string]bool, len(es))
	for _, m := range f.msgs {
		i, ok := byBase[m.base]
		if !ok || seen[m.base] {
			changed, removed = true, true
			continue
		}
		seen[m.base] = true
		m.e = es[i]
		kept = append(kept, m)
	}
	clear(f.msgs[len(kept):])
	f.msgs = kept
	for _, e := range es {
		b := baseOf(e.id)
		if seen[b] {
			continue
		}
		seen[b] = true
		f.modseq++
		f.msgs = append(f.msgs, &imapMsg{uid: f.next, modseq: f.modseq, base: b, e: e})
		f.next++
		changed = true
	}
	if changed {
		if removed {
			f.modseq++
		}
		s.saveFolder(key, f)
	}
	f.stamp = stamp
	return f, nil
}

// loadFolder reads the saved state of key, or starts a new one.
func (s *Server) loadFolder(key string) (*folderState, error) {
	data, err := s.store.loadMeta(key, uidFile)
	if err != nil {
		return nil, err
	}
	if f, ok := parseFolderState(data); ok {
		if f.validity > s.imap.lastUV {
			s.imap.lastUV = f.validity
		}
		return f, nil
	}
	return &folderState{validity: s.imap.newValidity(), next: 1, modseq: 1, recentFrom: 1}, nil
}

// saveFolder writes the state of key; a failure only costs the UIDs'
// stability across a restart.
func (s *Server) saveFolder(key string, f *folderState) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "mailwire-imap 1 %d %d %d\n", f.validity, f.next, f.modseq)
	for _, m := range f.msgs {
		fmt.Fprintf(&b, "%d %d %s", m.uid, m.modseq, strconv.Quote(m.base))
		for _, fl := range m.flags {
			b.WriteByte(' ')
			b.WriteString(fl)
		}
		b.WriteByte('\n')
	}
	s.store.saveMeta(key, uidFile, b.Bytes())
}

// parseFolderState reads what saveFolder wrote; ok is false for anything
// else, and the folder then starts again with a new UIDVALIDITY.
func parseFolderState(data []byte) (*folderState, bool) {
	if data == nil {
		return nil, false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() {
		return nil, false
	}
	f := &folderState{}
	var next uint32
	if n, err := fmt.Sscanf(sc.Text(), "mailwire-imap 1 %d %d %d", &f.validity, &next, &f.modseq); n != 3 || err != nil || f.validity == 0 || next == 0 {
		return nil, false
	}
	f.next, f.recentFrom = next, next
	last := uint32(0)
	for sc.Scan() {
		line := sc.Text()
		var m imapMsg
		n, err := fmt.Sscanf(line, "%d %d ", &m.uid, &m.modseq)
		if n != 2 || err != nil || m.uid <= last || m.uid >= f.next {
			return nil, false
		}
		last = m.uid
		_, rest, _ := strings.Cut(line, " ")
		_, rest, _ = strings.Cut(rest, " ")
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return nil, false
		}
		m.base, _ = strconv.Unquote(q)
		for _, fl := range strings.Fields(rest[len(q):]) {
			if validFlag(fl) {
				m.flags = addFlag(m.flags, fl)
			}
		}
		f.msgs = append(f.msgs, &m)
	}
	return f, true
}

// byUID returns the message uid, or nil.
func (f *folderState) byUID(uid uint32) *imapMsg {
	i, found := slices.BinarySearchFunc(f.msgs, uid, func(m *imapMsg, u uint32) int { return cmp.Compare(m.uid, u) })
	if !found {
		return nil
	}
	return f.msgs[i]
}

// addFlag returns flags with fl, kept sorted without duplicates.
func addFlag(flags []string, fl string) []string {
	i, found := slices.BinarySearchFunc(flags, fl, compareFlags)
	if found {
		return flags
	}
	return slices.Insert(flags, i, fl)
}

// removeFlag returns flags without fl.
func removeFlag(flags []string, fl string) []string {
	i, found := slices.BinarySearchFunc(flags, fl, compareFlags)
	if !found {
		return flags
	}
	return slices.Delete(flags, i, i+1)
}

// hasFlag reports whether flags hold fl; flags compare without regard to
// case (RFC 3501 section 2.3.2).
func hasFlag(flags []string, fl string) bool {
	_, found := slices.BinarySearchFunc(flags, fl, compareFlags)
	return found
}

func compareFlags(a, b string) int {
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}

// watch registers ch to be told of changes of key (IDLE, RFC 2177).
func (s *Server) watch(key string, ch chan struct{}) {
	s.imap.mu.Lock()
	defer s.imap.mu.Unlock()
	w := s.imap.watchers[key]
	if w == nil {
		w = map[chan struct{}]struct{}{}
		s.imap.watchers[key] = w
	}
	w[ch] = struct{}{}
}

func (s *Server) unwatch(key string, ch chan struct{}) {
	s.imap.mu.Lock()
	defer s.imap.mu.Unlock()
	delete(s.imap.watchers[key], ch)
	if len(s.imap.watchers[key]) == 0 {
		delete(s.imap.watchers, key)
	}
}

// changed tells the sessions watching key that its messages or flags
// changed: a delivery, an APPEND, a STORE, an EXPUNGE or a POP3 deletion.
func (s *Server) changed(key string) {
	s.imap.mu.Lock()
	defer s.imap.mu.Unlock()
	for ch := range s.imap.watchers[key] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// forget drops the cached state of key and of the folders under it, after
// a DELETE or RENAME; the store's copy is read again on next use.
func (s *Server) forget(key string) {
	for k := range s.imap.folders {
		if k == key || strings.HasPrefix(k, key+"/") {
			delete(s.imap.folders, k)
		}
	}
}
