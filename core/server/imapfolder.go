package server

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// specialFolders are the folders a mailbox gets at its first IMAP login,
// with their special use (RFC 6154 section 2).
var specialFolders = []struct{ name, use string }{
	{"Drafts", `\Drafts`}, {"Sent", `\Sent`}, {"Trash", `\Trash`}, {"Junk", `\Junk`},
}

// specialUse returns the special use of a folder, known by its name: the
// four of specialFolders, "Archive", and the names other servers give them.
func specialUse(name string) string {
	switch strings.ToLower(name) {
	case "drafts":
		return `\Drafts`
	case "sent", "sent messages", "sent items":
		return `\Sent`
	case "trash", "deleted messages", "deleted items":
		return `\Trash`
	case "junk", "spam":
		return `\Junk`
	case "archive":
		return `\Archive`
	}
	return ""
}

// subsFile names the list of subscribed folders, one a line, kept beside
// INBOX's messages.
const subsFile = "mailwire-subscriptions"

// provision gives user's mailbox the special-use folders it lacks and a
// list of subscriptions, once per server run.
func (s *Server) provision(user string) {
	s.imap.mu.Lock()
	defer s.imap.mu.Unlock()
	if s.imap.provisioned[user] {
		return
	}
	s.imap.provisioned[user] = true
	have, err := s.store.folders(user)
	if err != nil {
		return
	}
	for _, sf := range specialFolders {
		if !slices.Contains(have, sf.name) {
			s.store.create(folderKey(user, sf.name))
		}
	}
	if data, _ := s.store.loadMeta(user, subsFile); data == nil {
		subs := "INBOX\n"
		for _, sf := range specialFolders {
			subs += sf.name + "\n"
		}
		s.store.saveMeta(user, subsFile, []byte(subs))
	}
}

// mailboxArg reads a folder name (RFC 3501 section 5.1): modified UTF-7,
// or UTF-8 once UTF8=ACCEPT is enabled; "INBOX" in any case is INBOX. It
// returns the name (UTF-8) and its store key.
func (is *imapSession) mailboxArg(a *imapArgs) (string, string, error) {
	raw, err := a.astring()
	if err != nil {
		return "", "", err
	}
	return is.folderArg(string(raw))
}

func (is *imapSession) folderArg(raw string) (string, string, error) {
	name := raw
	if !is.utf8 {
		var ok bool
		if name, ok = decodeMUTF7(raw); !ok {
			return "", "", syntaxErr("folder name is not valid modified UTF-7")
		}
	}
	name = strings.TrimSuffix(name, "/")
	if err := checkFolderName(name); err != nil {
		return "", "", err
	}
	if strings.EqualFold(name, "INBOX") {
		name = "INBOX"
	} else if len(name) > 6 && strings.EqualFold(name[:6], "INBOX/") {
		name = "INBOX/" + name[6:]
	}
	return name, folderKey(is.user, name), nil
}

// quoteName returns a folder name as the client reads it: quoted, in
// modified UTF-7 unless UTF8=ACCEPT is enabled.
func (is *imapSession) quoteName(name string) string {
	if !is.utf8 {
		name = encodeMUTF7(name)
	}
	return quote(name, is.utf8)
}

// quote returns s as an IMAP quoted string, or as a literal when it holds
// CR, LF, NUL or (without utf8) 8-bit bytes, or is long.
func quote(s string, utf8ok bool) string {
	lit := len(s) > 1024 || (utf8ok && !utf8.ValidString(s))
	for i := 0; i < len(s) && !lit; i++ {
		c := s[i]
		lit = c == 0 || c == '\r' || c == '\n' || (c >= 0x80 && !utf8ok)
	}
	if lit {
		return "{" + strconv.Itoa(len(s)) + "}\r\n" + s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// exists reports whether the folder name of the session's user exists.
func (is *imapSession) exists(name string) bool {
	if name == "INBOX" {
		return true
	}
	names, err := is.s.store.folders(is.user)
	return err == nil && slices.Contains(names, name)
}

var (
	errNonexistent = errors.New("[NONEXISTENT] No such folder")
	errTryCreate   = errors.New("[TRYCREATE] No such folder")
	errReadOnly    = errors.New("[READ-ONLY] The folder is selected read-only")
	errServer      = errors.New("[SERVERBUG] The store failed")
)

// create answers CREATE (RFC 3501 section 6.3.3); the levels above the
// new folder are created too.
func (is *imapSession) create(a *imapArgs) (string, error) {
	name, _, err := is.mailboxArg(a)
	if err != nil {
		return "", err
	}
	if a.take(' ') {
		// CREATE-SPECIAL-USE parameters (RFC 6154 section 3) are read
		// and ignored: the use follows the name.
		if opened, err := a.open(); err != nil || !opened {
			return "", syntaxErr("expected create parameters")
		}
		for depth := a.depth; a.depth >= depth && !a.end(); {
			if a.close() || a.take(' ') || a.take('\\') {
				continue
			}
			if opened, err := a.open(); err != nil {
				return "", err
			} else if opened {
				continue
			}
			if _, err := a.atom(); err != nil {
				return "", err
			}
		}
	}
	if err := a.done(); err != nil {
		return "", err
	}
	if name == "INBOX" || is.exists(name) {
		return "", errors.New("[ALREADYEXISTS] The folder exists")
	}
	if all, _ := is.s.store.folders(is.user); len(all) >= maxFolders {
		return "", errors.New("[LIMIT] Too many folders")
	}
	levels := strings.Split(name, "/")
	for i := 1; i <= len(levels); i++ {
		err := is.s.store.create(folderKey(is.user, strings.Join(levels[:i], "/")))
		if err != nil && err != errExists && !(i == 1 && levels[0] == "INBOX") {
			return "", errServer
		}
	}
	return "OK CREATE completed", nil
}

// children returns the folders under name.
func (is *imapSession) children(name string) []string {
	all, _ := is.s.store.folders(is.user)
	var out []string
	for _, n := range all {
		if strings.HasPrefix(n, name+"/") {
			out = append(out, n)
		}
	}
	return out
}

// deleteCmd answers DELETE (RFC 3501 section 6.3.4): not INBOX, not a
// folder with folders under it.
func (is *imapSession) deleteCmd(a *imapArgs) (string, error) {
	name, key, err := is.mailboxArg(a)
	if err != nil {
		return "", err
	}
	if err := a.done(); err != nil {
		return "", err
	}
	switch {
	case name == "INBOX":
		return "", errors.New("[CANNOT] INBOX cannot be deleted")
	case !is.exists(name):
		return "", errNonexistent
	case len(is.children(name)) > 0:
		return "", errors.New("[INUSE] Delete the folders under it first")
	}
	if key == is.key {
		is.deselect()
	}
	s := is.s
	s.imap.mu.Lock()
	err = s.store.drop(key)
	s.forget(key)
	s.imap.mu.Unlock()
	s.changed(key)
	if err != nil {
		return "", errServer
	}
	return "OK DELETE completed", nil
}

// rename answers RENAME (RFC 3501 section 6.3.5): the folders under it
// move with it; renaming INBOX moves its messages to the new folder and
// leaves it empty.
func (is *imapSession) rename(a *imapArgs) (string, error) {
	from, fromKey, err := is.mailboxArg(a)
	if err == nil {
		err = a.sp()
	}
	var to, toKey string
	if err == nil {
		to, toKey, err = is.mailboxArg(a)
	}
	if err == nil {
		err = a.done()
	}
	if err != nil {
		return "", err
	}
	switch {
	case !is.exists(from):
		return "", errNonexistent
	case to == "INBOX" || is.exists(to):
		return "", errors.New("[ALREADYEXISTS] The target folder exists")
	case strings.HasPrefix(to, from+"/"):
		return "", errors.New("[CANNOT] A folder cannot move under itself")
	}
	if levels := strings.Split(to, "/"); len(levels) > 1 {
		for i := 1; i < len(levels); i++ {
			is.s.store.create(folderKey(is.user, strings.Join(levels[:i], "/")))
		}
	}
	if from == "INBOX" {
		err := is.moveAll(fromKey, toKey)
		is.s.changed(fromKey)
		if err != nil {
			return "", errServer
		}
		return "OK RENAME completed", nil
	}
	if fromKey == is.key {
		is.deselect()
	}
	s := is.s
	s.imap.mu.Lock()
	defer s.imap.mu.Unlock()
	pairs := [][2]string{{from, to}}
	for _, c := range is.children(from) {
		pairs = append(pairs, [2]string{c, to + c[len(from):]})
	}
	for _, p := range pairs {
		k1, k2 := folderKey(is.user, p[0]), folderKey(is.user, p[1])
		if err := s.store.rename(k1, k2); err != nil {
			return "", errServer
		}
		s.forget(k1)
		s.forget(k2)
	}
	return "OK RENAME completed", nil
}

// moveAll moves every message of from to the new folder to, with its
// flags.
func (is *imapSession) moveAll(from, to string) error {
	s := is.s
	if err := s.store.create(to); err != nil && err != errExists {
		return err
	}
	s.imap.mu.Lock()
	defer s.imap.mu.Unlock()
	f, err := s.folder(from)
	if err != nil {
		return err
	}
	dst, err := s.folder(to)
	if err != nil {
		return err
	}
	var ids []string
	for _, m := range f.msgs {
		data, err := s.store.read(from, m.e)
		if err != nil {
			continue
		}
		id, err := s.store.put(to, data, m.e.date)
		if err != nil {
			return err
		}
		dst.adopt(id, m.flags)
		ids = append(ids, m.e.id)
	}
	s.folder(to)
	s.saveFolder(to, dst)
	err = s.store.remove(from, ids)
	s.folder(from)
	return err
}

// subscriptions returns the subscribed folder names of the user.
func (is *imapSession) subscriptions() []string {
	data, _ := is.s.store.loadMeta(is.user, subsFile)
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// subscribe answers SUBSCRIBE and UNSUBSCRIBE (RFC 3501 sections 6.3.6
// and 6.3.7).
func (is *imapSession) subscribe(a *imapArgs, on bool) (string, error) {
	name, _, err := is.mailboxArg(a)
	if err != nil {
		return "", err
	}
	if err := a.done(); err != nil {
		return "", err
	}
	is.s.imap.mu.Lock()
	defer is.s.imap.mu.Unlock()
	subs := is.subscriptions()
	i := slices.Index(subs, name)
	switch {
	case on && i < 0:
		if len(subs) >= 10000 {
			return "", errors.New("[LIMIT] Too many subscriptions")
		}
		subs = append(subs, name)
	case !on && i >= 0:
		subs = slices.Delete(subs, i, i+1)
	}
	is.s.store.saveMeta(is.user, subsFile, []byte(strings.Join(subs, "\n")+"\n"))
	if on {
		return "OK SUBSCRIBE completed", nil
	}
	return "OK UNSUBSCRIBE completed", nil
}

// list answers LIST (RFC 3501 section 6.3.8) with the extended syntax of
// LIST-EXTENDED (RFC 5258: several patterns, the selection options
// SUBSCRIBED, REMOTE and RECURSIVEMATCH, the return options SUBSCRIBED and
// CHILDREN), SPECIAL-USE (RFC 6154) and LIST-STATUS (RFC 5819), and LSUB
// (RFC 3501 section 6.3.9).
func (is *imapSession) list(a *imapArgs, lsub bool) (string, error) {
	var o listOptions
	if !lsub {
		if err := o.selection(a); err != nil {
			return "", err
		}
	}
	ref, err := a.listMailbox()
	if err != nil {
		return "", err
	}
	if err := a.sp(); err != nil {
		return "", err
	}
	var patterns [][]byte
	if opened, err := a.open(); err != nil {
		return "", err
	} else if opened {
		for !a.close() {
			p, err := a.listMailbox()
			if err != nil {
				return "", err
			}
			patterns = append(patterns, p)
			a.take(' ')
			if len(patterns) > 16 {
				return "", syntaxErr("too many patterns")
			}
		}
	} else {
		p, err := a.listMailbox()
		if err != nil {
			return "", err
		}
		patterns = append(patterns, p)
	}
	if !lsub && a.take(' ') {
		if err := o.returns(a); err != nil {
			return "", err
		}
	}
	if err := a.done(); err != nil {
		return "", err
	}
	verb := "LIST"
	if lsub {
		verb = "LSUB"
		o.subscribed = true
	}
	if len(patterns) == 1 && len(patterns[0]) == 0 {
		is.reply("* " + verb + ` (\Noselect) "/" ""`)
		return "OK " + verb + " completed", nil
	}
	var matchers []string
	for _, p := range patterns {
		pat := string(ref) + string(p)
		if !is.utf8 {
			d, ok := decodeMUTF7(pat)
			if !ok {
				return "", syntaxErr("pattern is not valid modified UTF-7")
			}
			pat = d
		}
		if len(pat) > 1024 {
			return "", syntaxErr("pattern too long")
		}
		if len(pat) >= 5 && strings.EqualFold(pat[:5], "INBOX") {
			pat = "INBOX" + pat[5:]
		}
		matchers = append(matchers, pat)
	}
	matches := func(n string) bool {
		return slices.ContainsFunc(matchers, func(p string) bool { return matchPattern(p, n) })
	}
	folders, err := is.s.store.folders(is.user)
	if err != nil {
		return "", errServer
	}
	exists := map[string]bool{"INBOX": true}
	for _, n := range folders {
		exists[n] = true
	}
	subs := map[string]bool{}
	if o.subscribed || o.retSubscribed {
		for _, n := range is.subscriptions() {
			subs[n] = true
		}
	}
	// Every name that exists or is subscribed, in order: INBOX first.
	names := append([]string{"INBOX"}, folders...)
	for n := range subs {
		if !exists[n] {
			names = append(names, n)
		}
	}
	slices.Sort(names[1+len(folders):])
	for _, n := range names {
		if !matches(n) {
			continue
		}
		childSubscribed := false
		if o.subscribed && o.recursive {
			for c := range subs {
				childSubscribed = childSubscribed || strings.HasPrefix(c, n+"/")
			}
		}
		if o.subscribed && !subs[n] && !childSubscribed {
			continue
		}
		use := ""
		if !strings.Contains(n, "/") {
			use = specialUse(n)
		}
		if o.special && use == "" {
			continue
		}
		var attrs []string
		switch {
		case !exists[n] && lsub:
			attrs = append(attrs, `\Noselect`)
		case !exists[n]:
			attrs = append(attrs, `\NonExistent`)
		default:
			attrs = append(attrs, `\HasNoChildren`)
			for _, c := range folders {
				if strings.HasPrefix(c, n+"/") {
					attrs[0] = `\HasChildren`
					break
				}
			}
		}
		if use != "" && exists[n] {
			attrs = append(attrs, use)
		}
		if !lsub && (o.subscribed || o.retSubscribed) && subs[n] {
			attrs = append(attrs, `\Subscribed`)
		}
		line := "* " + verb + " (" + strings.Join(attrs, " ") + `) "/" ` + is.quoteName(n)
		if childSubscribed {
			line += ` ("CHILDINFO" ("SUBSCRIBED"))`
		}
		is.reply(line)
		if o.status != nil && exists[n] {
			if st, err := is.statusLine(n, folderKey(is.user, n), o.status); err == nil {
				is.reply(st)
			}
		}
	}
	return "OK " + verb + " completed", nil
}

// listOptions are the options of an extended LIST (RFC 5258 section 3).
type listOptions struct {
	subscribed, recursive, special bool     // selection options
	retSubscribed                  bool     // RETURN (SUBSCRIBED)
	status                         []string // RETURN (STATUS (...)), RFC 5819
}

// selection reads the selection options, when the command has them.
func (o *listOptions) selection(a *imapArgs) error {
	opened, err := a.open()
	if err != nil || !opened {
		return err
	}
	for !a.close() {
		opt, err := a.atom()
		if err != nil {
			return err
		}
		switch strings.ToUpper(opt) {
		case "SUBSCRIBED":
			o.subscribed = true
		case "SPECIAL-USE":
			o.special = true
		case "RECURSIVEMATCH":
			o.recursive = true
		case "REMOTE":
		default:
			return syntaxErr("unknown LIST selection option " + opt)
		}
		a.take(' ')
	}
	if o.recursive && !o.subscribed && !o.special {
		return syntaxErr("RECURSIVEMATCH needs another selection option")
	}
	return a.sp()
}

// returns reads "RETURN (options)".
func (o *listOptions) returns(a *imapArgs) error {
	ret, _ := a.atom()
	if !strings.EqualFold(ret, "RETURN") || a.sp() != nil {
		return syntaxErr("expected RETURN options")
	}
	if opened, err := a.open(); err != nil || !opened {
		return syntaxErr("expected RETURN options")
	}
	for !a.close() {
		opt, err := a.atom()
		if err != nil {
			return err
		}
		switch strings.ToUpper(opt) {
		case "SUBSCRIBED":
			o.retSubscribed = true
		case "CHILDREN", "SPECIAL-USE":
		case "STATUS":
			if a.sp() != nil {
				return syntaxErr("expected STATUS items")
			}
			if o.status, err = statusItems(a); err != nil {
				return err
			}
		default:
			return syntaxErr("unknown LIST return option " + opt)
		}
		a.take(' ')
	}
	return nil
}

// matchPattern reports whether name matches a LIST pattern, where "*"
// matches anything and "%" anything but the delimiter (RFC 3501 section
// 6.3.8), in time proportional to the product of their lengths.
func matchPattern(pat, name string) bool {
	// cur[j]: pat[:i] matches name[:j].
	cur := make([]bool, len(name)+1)
	next := make([]bool, len(name)+1)
	cur[0] = true
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		clear(next)
		for j := 0; j <= len(name); j++ {
			switch c {
			case '*':
				next[j] = cur[j] || (j > 0 && next[j-1])
			case '%':
				next[j] = cur[j] || (j > 0 && next[j-1] && name[j-1] != '/')
			default:
				next[j] = j > 0 && cur[j-1] && name[j-1] == c
			}
		}
		cur, next = next, cur
	}
	return cur[len(name)]
}

// status answers STATUS (RFC 3501 section 6.3.10) with HIGHESTMODSEQ (RFC
// 7162 section 3.1.4), SIZE (RFC 8438) and DELETED (RFC 9051).
func (is *imapSession) status(a *imapArgs) (string, error) {
	name, key, err := is.mailboxArg(a)
	if err == nil {
		err = a.sp()
	}
	if err != nil {
		return "", err
	}
	items, err := statusItems(a)
	if err != nil {
		return "", err
	}
	if err := a.done(); err != nil {
		return "", err
	}
	if !is.exists(name) {
		return "", errNonexistent
	}
	line, err := is.statusLine(name, key, items)
	if err != nil {
		return "", err
	}
	is.reply(line)
	return "OK STATUS completed", nil
}

// statusItems reads a list of STATUS items.
func statusItems(a *imapArgs) ([]string, error) {
	if opened, err := a.open(); err != nil || !opened {
		return nil, syntaxErr("expected status items")
	}
	var items []string
	for !a.close() {
		it, err := a.atom()
		if err != nil {
			return nil, err
		}
		it = strings.ToUpper(it)
		switch it {
		case "MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "DELETED", "HIGHESTMODSEQ", "SIZE":
		default:
			return nil, syntaxErr("unknown status item " + it)
		}
		items = append(items, it)
		a.take(' ')
		if len(items) > 16 {
			return nil, syntaxErr("too many status items")
		}
	}
	return items, nil
}

// statusLine returns the STATUS response of folder name.
func (is *imapSession) statusLine(name, key string, items []string) (string, error) {
	s := is.s
	s.imap.mu.Lock()
	defer s.imap.mu.Unlock()
	f, err := s.folder(key)
	if err != nil {
		return "", errServer
	}
	count := func(ok func(m *imapMsg) bool) string {
		n := 0
		for _, m := range f.msgs {
			if ok(m) {
				n++
			}
		}
		return strconv.Itoa(n)
	}
	var out []string
	for _, it := range items {
		var v string
		switch it {
		case "MESSAGES":
			v = strconv.Itoa(len(f.msgs))
		case "RECENT":
			v = count(func(m *imapMsg) bool { return m.uid >= f.recentFrom })
		case "UIDNEXT":
			v = u32(f.next)
		case "UIDVALIDITY":
			v = u32(f.validity)
		case "UNSEEN":
			v = count(func(m *imapMsg) bool { return !hasFlag(m.flags, `\Seen`) })
		case "DELETED":
			v = count(func(m *imapMsg) bool { return hasFlag(m.flags, `\Deleted`) })
		case "HIGHESTMODSEQ":
			v = strconv.FormatUint(f.modseq, 10)
		case "SIZE":
			n := int64(0)
			for _, m := range f.msgs {
				n += m.e.size
			}
			v = strconv.FormatInt(n, 10)
		}
		out = append(out, it+" "+v)
	}
	return "* STATUS " + is.quoteName(name) + " (" + strings.Join(out, " ") + ")", nil
}
