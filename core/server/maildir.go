package server

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// maildir keeps each mailbox as a Maildir under root: a message is written
// to root/<mailbox>/tmp and renamed into new/ under a unique name
// (https://cr.yp.to/proto/maildir.html). Mailbox names are escaped so that
// no local part can reach outside root. IMAP folders are Maildir++ folders
// inside the mailbox: folder "A/B" is root/<mailbox>/.A.B, each level
// escaped (folderDir).
type maildir struct {
	versions
	root string
	ids  *ids
	host string
}

func newMaildir(root, hostname string, g *ids) (*maildir, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, err
	}
	return &maildir{root: root, ids: g, host: strings.ReplaceAll(hostname, "/", "_")}, nil
}

// dirName escapes a mailbox name for the file system: bytes other than
// a-z, 0-9, '-', '_', '+' and a '.' that does not start the name become %XX.
func dirName(mailbox string) string {
	if mailbox == "" {
		return "%"
	}
	var b strings.Builder
	for i := 0; i < len(mailbox); i++ {
		c := mailbox[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '+' || c == '.' && i > 0
		if ok {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func (m *maildir) box(mailbox string) string {
	if user, folder, ok := strings.Cut(mailbox, folderSep); ok {
		return filepath.Join(m.root, dirName(user), folderDir(folder))
	}
	return filepath.Join(m.root, dirName(mailbox))
}

// folderDir returns the Maildir++ directory name of folder: a dot before
// each level, whose bytes other than ASCII letters, digits, '-', '_', '+'
// and ' ' become %XX.
func folderDir(folder string) string {
	var b strings.Builder
	for _, level := range strings.Split(folder, "/") {
		b.WriteByte('.')
		for i := 0; i < len(level); i++ {
			c := level[i]
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '+' || c == ' ' {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		}
	}
	return b.String()
}

// folderName is folderDir's inverse; ok is false for a name that is not
// one of folderDir's.
func folderName(dir string) (string, bool) {
	if len(dir) < 2 || dir[0] != '.' {
		return "", false
	}
	levels := strings.Split(dir[1:], ".")
	for i, l := range levels {
		if l == "" {
			return "", false
		}
		levels[i] = unescape(l)
	}
	name := strings.Join(levels, "/")
	return name, folderDir(name) == dir
}

func (m *maildir) deliver(mailbox string, msg []byte) error {
	_, err := m.put(mailbox, msg, time.Time{})
	return err
}

// put writes msg to tmp/ and renames it into new/; a non-zero date becomes
// the file's modification time, which list reports as the entry's date.
func (m *maildir) put(mailbox string, msg []byte, date time.Time) (string, error) {
	dir := m.box(mailbox)
	if err := m.create(mailbox); err != nil && err != errExists {
		return "", err
	}
	name := m.ids.next() + ".P" + strconv.Itoa(os.Getpid()) + "." + m.host
	tmp := filepath.Join(dir, "tmp", name)
	if err := os.WriteFile(tmp, msg, 0o600); err != nil {
		return "", err
	}
	if !date.IsZero() {
		os.Chtimes(tmp, date, date)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "new", name)); err != nil {
		os.Remove(tmp)
		return "", err
	}
	m.bump(mailbox)
	return "new/" + name, nil
}

// version counts the changes made through the store, and adds the
// modification times of new/ and cur/ for those made by other programs.
func (m *maildir) version(key string) string {
	v := strconv.FormatUint(m.get(key), 10)
	for _, sub := range []string{"new", "cur"} {
		if fi, err := os.Stat(filepath.Join(m.box(key), sub)); err == nil {
			v += "." + strconv.FormatInt(fi.ModTime().UnixNano(), 10)
		}
	}
	return v
}

// spool makes a file in the tmp/ of user's Maildir, where messages are
// written before they are delivered.
func (m *maildir) spool(user string) (*os.File, error) {
	if err := m.create(user); err != nil && err != errExists {
		return nil, err
	}
	return os.CreateTemp(filepath.Join(m.box(user), "tmp"), m.ids.next()+".spool.*")
}

// putFile moves a file made by spool into mailbox's new/ (the same file
// system: every Maildir lives under root).
func (m *maildir) putFile(mailbox string, f *os.File, date time.Time) (string, error) {
	tmp := f.Name()
	err := f.Close()
	if err == nil {
		err = m.create(mailbox)
	}
	if err != nil && err != errExists {
		os.Remove(tmp)
		return "", err
	}
	if !date.IsZero() {
		os.Chtimes(tmp, date, date)
	}
	name := m.ids.next() + ".P" + strconv.Itoa(os.Getpid()) + "." + m.host
	if err := os.Rename(tmp, filepath.Join(m.box(mailbox), "new", name)); err != nil {
		os.Remove(tmp)
		return "", err
	}
	m.bump(mailbox)
	return "new/" + name, nil
}

// create makes the Maildir of key; errExists when it was there.
func (m *maildir) create(key string) error {
	dir := m.box(key)
	_, err := os.Stat(filepath.Join(dir, "cur"))
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return err
		}
	}
	if err == nil {
		return errExists
	}
	m.bump(key)
	return nil
}

func (m *maildir) folders(user string) ([]string, error) {
	des, err := os.ReadDir(filepath.Join(m.root, dirName(user)))
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	var out []string
	for _, de := range des {
		if name, ok := folderName(de.Name()); ok && de.IsDir() {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (m *maildir) drop(key string) error {
	if !strings.Contains(key, folderSep) {
		return os.ErrPermission
	}
	defer m.bump(key)
	return os.RemoveAll(m.box(key))
}

func (m *maildir) rename(from, to string) error {
	if _, err := os.Stat(m.box(to)); err == nil {
		return errExists
	}
	if !strings.Contains(from, folderSep) || !strings.Contains(to, folderSep) {
		return os.ErrPermission
	}
	defer m.bump(from, to)
	return os.Rename(m.box(from), m.box(to))
}

func (m *maildir) loadMeta(key, name string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(m.box(key), name))
	if os.IsNotExist(err) {
		return nil, nil
	}
	return b, err
}

// saveMeta replaces the file name in key's Maildir at once (write and
// rename). It makes no directory: a folder deleted meanwhile stays so.
func (m *maildir) saveMeta(key, name string, data []byte) error {
	dir := m.box(key)
	tmp := filepath.Join(dir, name+".tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}

// list returns the messages of new/ and cur/, oldest first; the id is the
// file name up to the ":2," info part.
func (m *maildir) list(mailbox string) ([]entry, error) {
	var out []entry
	for _, sub := range []string{"cur", "new"} {
		des, err := os.ReadDir(filepath.Join(m.box(mailbox), sub))
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		for _, de := range des {
			fi, err := de.Info()
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			out = append(out, entry{id: sub + "/" + de.Name(), size: fi.Size(), date: fi.ModTime()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return baseID(out[i].id) < baseID(out[j].id) })
	return out, nil
}

func baseID(id string) string {
	_, name, _ := strings.Cut(id, "/")
	base, _, _ := strings.Cut(name, ":")
	return base
}

func (m *maildir) read(mailbox string, e entry) ([]byte, error) {
	return os.ReadFile(filepath.Join(m.box(mailbox), filepath.FromSlash(e.id)))
}

func (m *maildir) open(mailbox string, e entry) (messageReader, error) {
	return os.Open(filepath.Join(m.box(mailbox), filepath.FromSlash(e.id)))
}

func (m *maildir) remove(mailbox string, ids []string) error {
	defer m.bump(mailbox)
	var first error
	for _, id := range ids {
		err := os.Remove(filepath.Join(m.box(mailbox), filepath.FromSlash(id)))
		if err != nil && !os.IsNotExist(err) && first == nil {
			first = err
		}
	}
	return first
}

func (m *maildir) count(mailbox string) int {
	n := 0
	for _, name := range m.names(mailbox) {
		es, _ := m.list(name)
		n += len(es)
	}
	return n
}

func (m *maildir) messages(mailbox string) [][]byte {
	var out [][]byte
	for _, name := range m.names(mailbox) {
		es, _ := m.list(name)
		for _, e := range es {
			if b, err := m.read(name, e); err == nil {
				out = append(out, b)
			}
		}
	}
	return out
}

// names returns mailbox, or every mailbox (unescaped) when it is "".
func (m *maildir) names(mailbox string) []string {
	if mailbox != "" {
		return []string{mailbox}
	}
	des, _ := os.ReadDir(m.root)
	var names []string
	for _, de := range des {
		if de.IsDir() {
			names = append(names, unescape(de.Name()))
		}
	}
	return names
}

// unescape is dirName's inverse.
func unescape(s string) string {
	if s == "%" {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
