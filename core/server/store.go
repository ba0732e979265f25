package server

import (
	"bytes"
	"errors"
	"io"
	"os"
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
	date time.Time // when it was stored: IMAP's INTERNALDATE
	data []byte    // the message, or nil when it lives in a file
}

// store keeps delivered messages by mailbox name (a lower-cased local part).
// A mailbox may have folders (IMAP's, RFC 3501 section 5.1): the folder
// NAME of mailbox USER has the key USER + folderSep + NAME, where NAME is
// valid UTF-8 with "/" between the levels of its hierarchy; the mailbox
// itself is IMAP's INBOX. The methods that take a mailbox take such keys.
type store interface {
	deliver(mailbox string, msg []byte) error
	// put stores msg with its date and returns its id.
	put(mailbox string, msg []byte, date time.Time) (string, error)
	list(mailbox string) ([]entry, error)
	read(mailbox string, e entry) ([]byte, error)
	// open returns the message e to read in pieces.
	open(mailbox string, e entry) (messageReader, error)
	// spool returns a new file beside user's messages for a message on
	// its way in (IMAP's APPEND), or nil when the store keeps messages in
	// memory; putFile stores such a file, which it takes over.
	spool(user string) (*os.File, error)
	putFile(mailbox string, f *os.File, date time.Time) (string, error)
	remove(mailbox string, ids []string) error
	count(mailbox string) int
	messages(mailbox string) [][]byte
	names(mailbox string) []string // mailbox, or every mailbox (no folder) when it is ""
	// folders returns the names of user's folders, INBOX not included.
	folders(user string) ([]string, error)
	create(key string) error
	drop(key string) error // removes a folder and its messages
	rename(from, to string) error
	// version returns a text that changes whenever the messages of key
	// change: a change made through the store always changes it.
	version(key string) string
	// loadMeta returns the named data kept beside key's messages (IMAP's
	// UIDs and flags), or nil when there is none.
	loadMeta(key, name string) ([]byte, error)
	saveMeta(key, name string, data []byte) error
}

// folderSep separates a user from a folder in a store key; no mailbox
// name (a local part) contains it.
const folderSep = "\x00"

// folderKey returns the store key of folder name of user ("" or INBOX:
// the mailbox itself).
func folderKey(user, name string) string {
	if name == "" || strings.EqualFold(name, "INBOX") {
		return user
	}
	return user + folderSep + name
}

// messageReader reads a stored message at any offset.
type messageReader interface {
	io.ReaderAt
	io.Closer
}

// bytesMessage is a messageReader of a message in memory, b.
type bytesMessage struct {
	*bytes.Reader
	b []byte
}

func (bytesMessage) Close() error { return nil }

// versions counts the changes made through a store, by key.
type versions struct {
	mu sync.Mutex
	n  map[string]uint64
}

func (v *versions) bump(keys ...string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.n == nil {
		v.n = map[string]uint64{}
	}
	for _, k := range keys {
		v.n[k]++
	}
}

func (v *versions) get(key string) uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.n[key]
}

// errExists is create's error for a folder that exists.
var errExists = errors.New("folder exists")

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
	versions
	mu    sync.Mutex
	boxes map[string][]entry
	meta  map[string][]byte // by key + folderSep + name
	ids   *ids
}

func newMemStore(g *ids) *memStore {
	return &memStore{boxes: map[string][]entry{}, meta: map[string][]byte{}, ids: g}
}

func (m *memStore) deliver(mailbox string, msg []byte) error {
	_, err := m.put(mailbox, msg, time.Now())
	return err
}

func (m *memStore) put(mailbox string, msg []byte, date time.Time) (string, error) {
	e := entry{id: m.ids.next(), size: int64(len(msg)), date: date, data: msg}
	m.mu.Lock()
	m.boxes[mailbox] = append(m.boxes[mailbox], e)
	m.mu.Unlock()
	m.bump(mailbox)
	return e.id, nil
}

func (m *memStore) version(key string) string { return strconv.FormatUint(m.get(key), 10) }

func (m *memStore) folders(user string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.boxes {
		if name, ok := strings.CutPrefix(k, user+folderSep); ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (m *memStore) create(key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.boxes[key]; ok {
		return errExists
	}
	m.boxes[key] = []entry{}
	m.bump(key)
	return nil
}

func (m *memStore) drop(key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.boxes, key)
	m.bump(key)
	for k := range m.meta {
		if strings.HasPrefix(k, key+folderSep) {
			delete(m.meta, k)
		}
	}
	return nil
}

func (m *memStore) rename(from, to string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.boxes[to]; ok {
		return errExists
	}
	m.boxes[to] = m.boxes[from]
	delete(m.boxes, from)
	m.bump(from, to)
	for k, v := range m.meta {
		if name, ok := strings.CutPrefix(k, from+folderSep); ok && !strings.Contains(name, folderSep) {
			m.meta[to+folderSep+name] = v
			delete(m.meta, k)
		}
	}
	return nil
}

func (m *memStore) loadMeta(key, name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.meta[key+folderSep+name], nil
}

func (m *memStore) saveMeta(key, name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.boxes[key]; !ok && strings.Contains(key, folderSep) {
		return errors.New("no such folder")
	}
	m.meta[key+folderSep+name] = append([]byte(nil), data...)
	return nil
}

func (m *memStore) list(mailbox string) ([]entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]entry(nil), m.boxes[mailbox]...), nil
}

func (m *memStore) read(_ string, e entry) ([]byte, error) { return e.data, nil }

func (m *memStore) spool(string) (*os.File, error) { return nil, nil }

func (m *memStore) putFile(mailbox string, f *os.File, date time.Time) (string, error) {
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return "", err
	}
	return m.put(mailbox, data, date)
}

func (m *memStore) open(_ string, e entry) (messageReader, error) {
	return bytesMessage{bytes.NewReader(e.data), e.data}, nil
}

func (m *memStore) remove(mailbox string, rm []string) error {
	gone := make(map[string]bool, len(rm))
	for _, id := range rm {
		gone[id] = true
	}
	m.bump(mailbox)
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
	for k, b := range m.boxes {
		if !strings.Contains(k, folderSep) {
			n += len(b)
		}
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
		if !strings.Contains(n, folderSep) {
			names = append(names, n)
		}
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
