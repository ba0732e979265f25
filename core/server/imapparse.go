package server

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of IMAP's command parser: a command is bounded as a whole, not
// only line by line.
const (
	maxIMAPLine     = 64 << 10 // octets of one command line (RFC 7162 section 4 asks for 8192 at least)
	maxIMAPLiteral  = 64 << 10 // octets of a literal other than APPEND's message
	maxIMAPLiterals = 32       // literals in one command
	maxIMAPCommand  = 1 << 20  // octets of a command, literals included, APPEND's message apart
	maxIMAPDepth    = 16       // nesting of parenthesized lists and search keys
	maxFolderName   = 512      // octets of a folder name, UTF-8
	maxFolderLevels = 16       // levels of a folder name
	maxFolders      = 10000    // folders of a mailbox
	maxKeywords     = 128      // flags of a message
)

// imapCmd is one command as read: its tag, its name (upper-cased; "UID
// FETCH" for the UID commands) and its arguments.
type imapCmd struct {
	tag  string
	name string
	args *imapArgs
}

// imapArgs reads the arguments of a command (RFC 3501 section 9): the
// text of its lines, each but the last one ending where a literal was,
// and the literals.
type imapArgs struct {
	segs  [][]byte         // the text around the literals
	lits  [][]byte         // lits[i] follows segs[i]
	files map[int]*os.File // literals spooled to a file instead of lits[i]
	si    int              // the segment being read
	pos   int              // in segs[si]
	depth int              // open parentheses and search keys

	usedModseq bool // SEARCH met the MODSEQ key
}

// errSyntax is the parser's error: the command gets a tagged BAD.
type errSyntax string

func (e errSyntax) Error() string { return string(e) }

func syntaxErr(s string) error { return errSyntax(s) }

// literalMarker reports the literal a line ends with, "{N}" or "{N+}"
// (RFC 3501 section 4.3, RFC 7888 section 3): its length, whether the
// client waits for a go-ahead, and where the marker starts; at is -1 when
// there is none.
func literalMarker(line []byte) (n int64, sync bool, at int) {
	if len(line) < 3 || line[len(line)-1] != '}' {
		return 0, false, -1
	}
	open := bytes.LastIndexByte(line, '{')
	if open < 0 {
		return 0, false, -1
	}
	digits := line[open+1 : len(line)-1]
	sync = true
	if len(digits) > 0 && digits[len(digits)-1] == '+' {
		digits, sync = digits[:len(digits)-1], false
	}
	if len(digits) == 0 || len(digits) > 12 {
		return 0, false, -1
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false, -1
		}
	}
	n, _ = strconv.ParseInt(string(digits), 10, 64)
	return n, sync, open
}

// isAtomChar reports whether c is an ATOM-CHAR (RFC 3501 section 9): a
// CHAR that is not a CTL, space, "(", ")", "{", "%", "*", '"', "\" or
// "]".
func isAtomChar(c byte) bool {
	return c > 0x20 && c < 0x7f && !strings.ContainsRune(`(){%*"\]`, rune(c))
}

// splitTag cuts the tag and the command name off a command line: a tag is
// ASTRING-CHARs but "+" (RFC 3501 section 9).
func splitTag(line []byte) (tag, name string, rest []byte, ok bool) {
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 || sp > 64 {
		return "", "", nil, false
	}
	for _, c := range line[:sp] {
		if c == '+' || !(isAtomChar(c) || c == ']') {
			return "", "", nil, false
		}
	}
	tag, rest = string(line[:sp]), line[sp+1:]
	n := 0
	for n < len(rest) && isAtomChar(rest[n]) {
		n++
	}
	if n == 0 || n > 32 {
		return tag, "", nil, false
	}
	name, rest = strings.ToUpper(string(rest[:n])), rest[n:]
	return tag, name, rest, true
}

// end reports whether every argument has been read.
func (a *imapArgs) end() bool { return a.si == len(a.segs)-1 && a.pos == len(a.segs[a.si]) }

// atLiteral reports whether a literal comes next.
func (a *imapArgs) atLiteral() bool { return a.pos == len(a.segs[a.si]) && a.si < len(a.lits) }

// peek returns the next byte, or 0 at the end; '{' before a literal.
func (a *imapArgs) peek() byte {
	if a.atLiteral() {
		return '{'
	}
	if a.pos < len(a.segs[a.si]) {
		return a.segs[a.si][a.pos]
	}
	return 0
}

// take consumes c when it comes next.
func (a *imapArgs) take(c byte) bool {
	if !a.atLiteral() && a.pos < len(a.segs[a.si]) && a.segs[a.si][a.pos] == c {
		a.pos++
		return true
	}
	return false
}

// sp consumes the one space between two arguments.
func (a *imapArgs) sp() error {
	if !a.take(' ') {
		return syntaxErr("expected a space")
	}
	return nil
}

// done fails unless every argument has been read.
func (a *imapArgs) done() error {
	if !a.end() {
		return syntaxErr("unexpected characters at the end of the command")
	}
	return nil
}

// chars reads a run of bytes ok allows.
func (a *imapArgs) chars(ok func(byte) bool) string {
	if a.atLiteral() {
		return ""
	}
	s := a.segs[a.si]
	start := a.pos
	for a.pos < len(s) && ok(s[a.pos]) {
		a.pos++
	}
	return string(s[start:a.pos])
}

// atom reads an atom.
func (a *imapArgs) atom() (string, error) {
	s := a.chars(isAtomChar)
	if s == "" {
		return "", syntaxErr("expected an atom")
	}
	return s, nil
}

// number reads a number (RFC 3501 section 9: up to 2^32-1, or 2^63-1 for
// a mod-sequence, RFC 7162 section 7).
func (a *imapArgs) number(bits int) (uint64, error) {
	s := a.chars(func(c byte) bool { return c >= '0' && c <= '9' })
	n, err := strconv.ParseUint(s, 10, bits)
	if err != nil {
		return 0, syntaxErr("expected a number")
	}
	return n, nil
}

// quoted reads a quoted string: no CR, LF or NUL; "\" escapes only '"'
// and "\" (RFC 3501 section 4.3).
func (a *imapArgs) quoted() ([]byte, error) {
	if !a.take('"') {
		return nil, syntaxErr("expected a quoted string")
	}
	s := a.segs[a.si]
	var out []byte
	for a.pos < len(s) {
		c := s[a.pos]
		a.pos++
		switch c {
		case '"':
			if out == nil {
				out = []byte{}
			}
			return out, nil
		case '\\':
			if a.pos == len(s) || (s[a.pos] != '"' && s[a.pos] != '\\') {
				return nil, syntaxErr("bad escape in a quoted string")
			}
			c = s[a.pos]
			a.pos++
		case 0, '\r', '\n':
			return nil, syntaxErr("bad character in a quoted string")
		}
		out = append(out, c)
	}
	return nil, syntaxErr("unterminated quoted string")
}

// literal returns the literal that comes next.
func (a *imapArgs) literal() ([]byte, bool) {
	if !a.atLiteral() {
		return nil, false
	}
	l := a.lits[a.si]
	a.si++
	a.pos = 0
	return l, true
}

// file returns the literal that comes next when it was spooled to a file;
// release removes it unless the caller took it with forget.
func (a *imapArgs) file() (*os.File, bool) {
	if !a.atLiteral() || a.files[a.si] == nil {
		return nil, false
	}
	f := a.files[a.si]
	a.si++
	a.pos = 0
	return f, true
}

// forget leaves f, which its new owner removes, to the caller.
func (a *imapArgs) forget(f *os.File) {
	for i, g := range a.files {
		if g == f {
			delete(a.files, i)
		}
	}
}

// release removes the spooled literals no command took.
func (a *imapArgs) release() {
	for _, f := range a.files {
		f.Close()
		os.Remove(f.Name())
	}
}

// str reads a string: quoted or a literal.
func (a *imapArgs) str() ([]byte, error) {
	if l, ok := a.literal(); ok {
		return l, nil
	}
	return a.quoted()
}

// astring reads an atom (with "]" allowed), a quoted string or a literal.
func (a *imapArgs) astring() ([]byte, error) {
	switch a.peek() {
	case '{', '"':
		return a.str()
	}
	s := a.chars(func(c byte) bool { return isAtomChar(c) || c == ']' })
	if s == "" {
		return nil, syntaxErr("expected a string")
	}
	return []byte(s), nil
}

// listMailbox reads a LIST pattern: list-chars (wildcards allowed) or a
// string.
func (a *imapArgs) listMailbox() ([]byte, error) {
	switch a.peek() {
	case '{', '"':
		return a.str()
	}
	s := a.chars(func(c byte) bool { return isAtomChar(c) || c == ']' || c == '%' || c == '*' })
	if s == "" {
		return nil, syntaxErr("expected a mailbox pattern")
	}
	return []byte(s), nil
}

// open consumes "(" and counts its depth.
func (a *imapArgs) open() (bool, error) {
	if !a.take('(') {
		return false, nil
	}
	a.depth++
	if a.depth > maxIMAPDepth {
		return true, syntaxErr("too deeply nested")
	}
	return true, nil
}

// close consumes ")".
func (a *imapArgs) close() bool {
	if a.take(')') {
		a.depth--
		return true
	}
	return false
}

// flag reads one flag: "\" atom for a system flag, or a keyword (RFC 3501
// section 2.3.2).
func (a *imapArgs) flag() (string, error) {
	sys := a.take('\\')
	s, err := a.atom()
	if err != nil {
		return "", syntaxErr("expected a flag")
	}
	if sys {
		s = `\` + s
	}
	return s, nil
}

// flagList reads "(" [flag *(SP flag)] ")", or with bare set, flags
// without the parentheses (RFC 3501 section 9, store-att-flags).
func (a *imapArgs) flagList(bare bool) ([]string, error) {
	opened, err := a.open()
	if err != nil {
		return nil, err
	}
	if !opened && !bare {
		return nil, syntaxErr("expected a flag list")
	}
	var flags []string
	for {
		if opened && a.close() {
			return flags, nil
		}
		if len(flags) > 0 {
			if err := a.sp(); err != nil {
				if !opened && a.end() {
					return flags, nil
				}
				return nil, err
			}
		}
		f, err := a.flag()
		if err != nil {
			return nil, err
		}
		if len(flags) >= 64 {
			return nil, syntaxErr("too many flags")
		}
		flags = append(flags, f)
		if !opened && a.end() {
			return flags, nil
		}
	}
}

// validFlag reports whether fl is a flag a client may set: a system flag
// but \Recent, or a keyword atom.
func validFlag(fl string) bool {
	if len(fl) == 0 || len(fl) > 128 {
		return false
	}
	if fl[0] == '\\' {
		for _, s := range systemFlags {
			if strings.EqualFold(s, fl) {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(fl); i++ {
		if !isAtomChar(fl[i]) {
			return false
		}
	}
	return true
}

// systemFlags are the flags of RFC 3501 section 2.3.2 a client may set.
var systemFlags = []string{`\Answered`, `\Deleted`, `\Draft`, `\Flagged`, `\Seen`}

// canonFlag returns the canonical spelling of a system flag.
func canonFlag(fl string) string {
	for _, s := range systemFlags {
		if strings.EqualFold(s, fl) {
			return s
		}
	}
	return fl
}

// seqRange is one range of a sequence set, both ends included.
type seqRange struct{ lo, hi uint32 }

// seqSet is a sequence set (RFC 3501 section 9).
type seqSet []seqRange

// maxSeqRanges bounds the ranges of one sequence set.
const maxSeqRanges = 4096

// seqSet reads a sequence set; star is the value of "*" (RFC 3501
// section 6.4.8: the largest number in use).
func (a *imapArgs) seqSet(star uint32) (seqSet, error) {
	s := a.chars(func(c byte) bool { return c >= '0' && c <= '9' || c == ':' || c == ',' || c == '*' })
	return parseSeqSet(s, star)
}

func parseSeqSet(s string, star uint32) (seqSet, error) {
	if s == "" {
		return nil, syntaxErr("expected a sequence set")
	}
	var set seqSet
	for _, part := range strings.Split(s, ",") {
		if len(set) >= maxSeqRanges {
			return nil, syntaxErr("sequence set too long")
		}
		lo, hi, isRange := strings.Cut(part, ":")
		a, err := seqNumber(lo, star)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = seqNumber(hi, star); err != nil {
				return nil, err
			}
		}
		if a > b {
			a, b = b, a
		}
		set = append(set, seqRange{a, b})
	}
	return set, nil
}

func seqNumber(s string, star uint32) (uint32, error) {
	if s == "*" {
		return star, nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 0 || s[0] == '0' {
		return 0, syntaxErr("bad sequence number " + strconv.Quote(s))
	}
	return uint32(n), nil
}

// contains reports whether n is in the set.
func (set seqSet) contains(n uint32) bool {
	for _, r := range set {
		if n >= r.lo && n <= r.hi {
			return true
		}
	}
	return false
}

// formatSet writes numbers (in the order given) as a compact set: runs
// of consecutive numbers become ranges.
func formatSet(nums []uint32) string {
	var b strings.Builder
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatUint(uint64(nums[i]), 10))
		if j > i {
			b.WriteByte(':')
			b.WriteString(strconv.FormatUint(uint64(nums[j]), 10))
		}
		i = j + 1
	}
	return b.String()
}

// errTooBig is the refusal of a literal above its limit.
var errTooBig = errors.New("literal too big")

// checkFolderName checks a folder name (UTF-8, "/" between levels): no
// control characters, no wildcards, no empty level, bounded.
func checkFolderName(name string) error {
	switch {
	case name == "":
		return syntaxErr("empty folder name")
	case len(name) > maxFolderName:
		return syntaxErr("folder name too long")
	case !utf8.ValidString(name):
		return syntaxErr("folder name is not UTF-8")
	case strings.Count(name, "/") >= maxFolderLevels:
		return syntaxErr("folder name too deep")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '*' || r == '%' || (r >= 0x80 && r < 0xa0) {
			return syntaxErr("bad character in the folder name")
		}
	}
	for _, level := range strings.Split(name, "/") {
		if level == "" {
			return syntaxErr("empty level in the folder name")
		}
	}
	return nil
}
