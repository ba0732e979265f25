package server

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// entry is one stored message as POP3 lists it.
type entry struct {
	id   string // unique and stable: the POP3 UIDL (RFC 1939 section 7)
	size int64
	data []byte // the message, or nil when it lives in a file
}

// store keeps delivered messages by mailbox name (a lower-cased local part).
type store interface {
	deliver(mailbox string, msg []byte) error
	list(mailbox string) ([]entry, error)
	read(mailbox string, e entry) ([]byte, error)
	remove(mailbox string, ids []string) error
	count(mailbox string) int
	messages(mailbox string) [][]byte
	names(mailbox string) []string // mailbox, or every mailbox when it is ""
}

// ids makes unique message ids: a start time and a sequence number.
type ids struct {
	prefix string
	seq    atomic.Uint64
}

func newIDs() *ids {
	return &ids{prefix: strconv.FormatInt(time.Now().UnixNano(), 36)}
}

func (g *ids) next() string {
	return g.prefix + "." + strconv.FormatUint(g.seq.Add(1), 36)
}

// memStore keeps messages in memory; one mutex guards every mailbox.
type memStore struct {
	mu    sync.Mutex
	boxes map[string][]entry
	ids   *ids
}

func newMemStore(g *ids) *memStore { return &memStore{boxes: map[string][]entry{}, ids: g} }

func (m *memStore) deliver(mailbox string, msg []byte) error {
	e := entry{id: m.ids.next(), size: int64(len(msg)), data: msg}
	m.mu.Lock()
	m.boxes[mailbox] = append(m.boxes[mailbox], e)
	m.mu.Unlock()
	return nil
}

func (m *memStore) list(mailbox string) ([]entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]entry(nil), m.boxes[mailbox]...), nil
}

func (m *memStore) read(_ string, e entry) ([]byte, error) { return e.data, nil }

func (m *memStore) remove(mailbox string, rm []string) error {
	gone := make(map[string]bool, len(rm))
	for _, id := range rm {
		gone[id] = true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	kept := m.boxes[mailbox][:0]
	for _, e := range m.boxes[mailbox] {
		if !gone[e.id] {
			kept = append(kept, e)
		}
	}
	m.boxes[mailbox] = kept
	return nil
}

func (m *memStore) count(mailbox string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if mailbox != "" {
		return len(m.boxes[mailbox])
	}
	n := 0
	for _, b := range m.boxes {
		n += len(b)
	}
	return n
}

func (m *memStore) messages(mailbox string) [][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out [][]byte
	for _, name := range m.names(mailbox) {
		for _, e := range m.boxes[name] {
			out = append(out, e.data)
		}
	}
	return out
}

// names returns mailbox, or every mailbox name in order when it is "".
func (m *memStore) names(mailbox string) []string {
	if mailbox != "" {
		return []string{mailbox}
	}
	var names []string
	for n := range m.boxes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// mailboxName returns the mailbox of a local part: lower-cased, without the
// quotes of a quoted string (RFC 5321 section 4.1.2).
func mailboxName(local string) string {
	if len(local) >= 2 && local[0] == '"' && local[len(local)-1] == '"' {
		var b strings.Builder
		q := local[1 : len(local)-1]
		for i := 0; i < len(q); i++ {
			if q[i] == '\\' && i+1 < len(q) {
				i++
			}
			b.WriteByte(q[i])
		}
		local = b.String()
	}
	return strings.ToLower(local)
}
