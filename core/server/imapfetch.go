package server

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// msgRef is a message of the selected folder as a command sees it: its
// sequence number, UID, flags and store entry.
type msgRef struct {
	seq    int
	uid    uint32
	flags  []string
	modseq uint64
	e      entry
}

// messages returns the messages of set, by sequence number or by UID, in
// sequence-number order. A sequence number out of range is an error (RFC
// 3501 section 9); UIDs that are not there are skipped (section 6.4.8).
// Messages gone from the store since the client heard are skipped too.
func (is *imapSession) messages(a *imapArgs, uid bool) ([]msgRef, error) {
	star := uint32(len(is.view))
	if uid {
		star = is.maxUID()
	}
	set, err := a.seqSet(star)
	if err != nil {
		return nil, err
	}
	if !uid {
		for _, r := range set {
			if r.hi > uint32(len(is.view)) {
				return nil, syntaxErr("no message with sequence number " + u32(r.hi))
			}
		}
	}
	s := is.s
	s.imap.mu.Lock()
	defer s.imap.mu.Unlock()
	f, err := s.folder(is.key)
	if err != nil {
		return nil, errServer
	}
	var out []msgRef
	for _, sp := range viewSpans(is.view, set, uid) {
		for i := sp[0]; i < sp[1]; i++ {
			u := is.view[i]
			if m := f.byUID(u); m != nil {
				out = append(out, msgRef{seq: i + 1, uid: u, flags: slices.Clone(m.flags), modseq: m.modseq, e: m.e})
			}
		}
	}
	return out, nil
}

// viewSpans returns the index ranges [i, j) of view (UIDs in ascending
// order, as sequence numbers follow them: RFC 3501 section 2.3.1.1) that
// set selects, by sequence number or by UID, in order and without overlap:
// a binary search a range rather than a look at every message.
func viewSpans(view []uint32, set seqSet, uid bool) [][2]int {
	var out [][2]int
	for _, r := range set {
		var i, j int
		if uid {
			i, _ = slices.BinarySearch(view, r.lo)
			var found bool
			if j, found = slices.BinarySearch(view, r.hi); found {
				j++
			}
		} else {
			i, j = max(int(r.lo)-1, 0), min(int(r.hi), len(view))
		}
		if i < j {
			out = append(out, [2]int{i, j})
		}
	}
	slices.SortFunc(out, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
	merged := out[:0]
	for _, sp := range out {
		if n := len(merged); n > 0 && sp[0] <= merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], sp[1])
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// fetchItem is one data item of FETCH (RFC 3501 section 6.4.5).
type fetchItem struct {
	name    string // UID, FLAGS, RFC822.SIZE, INTERNALDATE, ENVELOPE, BODYSTRUCTURE, BODY, MODSEQ, RFC822, RFC822.HEADER, RFC822.TEXT, or BODY[] for a section
	peek    bool
	part    []int  // the MIME part of a section
	spec    string // HEADER, TEXT, MIME, HEADER.FIELDS, HEADER.FIELDS.NOT or ""
	fields  []string
	label   string // the section as the response names it
	partial bool
	start   int64
	count   int64
}

// needsBody reports whether the item reads the message.
func (it fetchItem) needsBody() bool {
	switch it.name {
	case "UID", "FLAGS", "RFC822.SIZE", "INTERNALDATE", "MODSEQ":
		return false
	}
	return true
}

// What a fetch item reads of the message.
const (
	readsNothing = iota
	readsHeader  // the header: it is read into memory
	readsStream  // the whole message or its text: copied as it is sent
	readsAll     // the message, read into memory and parsed
)

// reads says what the item reads of the message.
func (it fetchItem) reads() int {
	switch {
	case !it.needsBody():
		return readsNothing
	case it.name == "ENVELOPE" || it.name == "RFC822.HEADER":
		return readsHeader
	case it.name == "RFC822" || it.name == "RFC822.TEXT":
		return readsStream
	case it.name != "BODY[]" || len(it.part) > 0:
		return readsAll
	case it.spec == "" || it.spec == "TEXT":
		return readsStream
	}
	return readsHeader
}

// needsHeader reports whether the item, when the message is not read
// whole, needs its header: for itself, or to know where the text starts.
func (it fetchItem) needsHeader() bool {
	switch it.reads() {
	case readsHeader:
		return true
	case readsStream:
		return it.name == "RFC822.TEXT" || it.spec == "TEXT"
	}
	return false
}

// errHeaderTooLong is readHeader's answer for a header it does not read.
var errHeaderTooLong = errors.New("header too long to read alone")

// maxHeaderRead bounds the header readHeader reads.
const maxHeaderRead = 1 << 20

// readHeader returns the header of the message of size octets in src, as
// splitHeader cuts it, reading no more than it needs; errHeaderTooLong
// when that would take more than maxHeaderRead octets.
func readHeader(src messageReader, size int64) ([]byte, error) {
	if m, ok := src.(bytesMessage); ok {
		return cutHeader(m.b[:min(int64(len(m.b)), size)])
	}
	var buf []byte
	for off := int64(0); off < size; {
		n := min(size-off, 16<<10, maxHeaderRead-int64(len(buf)))
		if n <= 0 {
			return nil, errHeaderTooLong
		}
		chunk := make([]byte, n)
		if _, err := src.ReadAt(chunk, off); err != nil && err != io.EOF {
			return nil, err
		}
		buf = append(buf, chunk...)
		off += n
		// Only CRLF CRLF decides early: splitHeader looks for it first
		// in the whole message.
		if i := bytes.Index(buf, []byte("\r\n\r\n")); i >= 0 {
			return buf[:i+4], nil
		}
	}
	h, _ := splitHeader(buf)
	return h, nil
}

// cutHeader is readHeader for a message in memory: it reads nothing, and
// the header it returns is msg's, capped so that no append writes into msg.
func cutHeader(msg []byte) ([]byte, error) {
	if i := bytes.Index(msg[:min(len(msg), maxHeaderRead)], []byte("\r\n\r\n")); i >= 0 {
		return msg[: i+4 : i+4], nil
	}
	if len(msg) > maxHeaderRead {
		return nil, errHeaderTooLong
	}
	h, _ := splitHeader(msg)
	return h[:len(h):len(h)], nil
}

// setsSeen reports whether the item marks the message \Seen (RFC 3501
// section 6.4.5).
func (it fetchItem) setsSeen() bool {
	return (it.name == "BODY[]" && !it.peek) || it.name == "RFC822" || it.name == "RFC822.TEXT"
}

// fetchItems reads the items of FETCH: a macro, one item or a list.
func (a *imapArgs) fetchItems() ([]fetchItem, error) {
	opened, err := a.open()
	if err != nil {
		return nil, err
	}
	var items []fetchItem
	for {
		name := strings.ToUpper(a.chars(func(c byte) bool {
			return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.'
		}))
		switch name {
		case "ALL", "FAST", "FULL":
			if opened {
				return nil, syntaxErr("a macro is not allowed in a list")
			}
			items = []fetchItem{{name: "FLAGS"}, {name: "INTERNALDATE"}, {name: "RFC822.SIZE"}}
			if name != "FAST" {
				items = append(items, fetchItem{name: "ENVELOPE"})
			}
			if name == "FULL" {
				items = append(items, fetchItem{name: "BODY"})
			}
			return items, nil
		case "UID", "FLAGS", "RFC822.SIZE", "INTERNALDATE", "ENVELOPE", "BODYSTRUCTURE", "MODSEQ",
			"RFC822", "RFC822.HEADER", "RFC822.TEXT":
			items = append(items, fetchItem{name: name})
		case "BODY", "BODY.PEEK":
			if a.peek() != '[' {
				if name == "BODY.PEEK" {
					return nil, syntaxErr("BODY.PEEK needs a section")
				}
				items = append(items, fetchItem{name: "BODY"})
				break
			}
			it, err := a.section()
			if err != nil {
				return nil, err
			}
			it.peek = name == "BODY.PEEK"
			items = append(items, it)
		default:
			return nil, syntaxErr("unknown fetch item " + strconv.Quote(name))
		}
		if len(items) > 64 {
			return nil, syntaxErr("too many fetch items")
		}
		if !opened {
			return items, nil
		}
		if a.close() {
			return items, nil
		}
		if err := a.sp(); err != nil {
			return nil, err
		}
	}
}

// section reads "[" section "]" and an optional "<start.count>".
func (a *imapArgs) section() (fetchItem, error) {
	it := fetchItem{name: "BODY[]"}
	a.take('[')
	spec := strings.ToUpper(a.chars(func(c byte) bool { return isAtomChar(c) && c != '[' }))
	for spec != "" && spec[0] >= '0' && spec[0] <= '9' {
		num, rest, _ := strings.Cut(spec, ".")
		n, err := strconv.Atoi(num)
		if err != nil || n <= 0 || len(it.part) >= maxIMAPDepth {
			return it, syntaxErr("bad section part")
		}
		it.part = append(it.part, n)
		spec = rest
	}
	switch spec {
	case "", "HEADER", "TEXT":
	case "MIME":
		if len(it.part) == 0 {
			return it, syntaxErr("MIME needs a part number")
		}
	case "HEADER.FIELDS", "HEADER.FIELDS.NOT":
		if err := a.sp(); err != nil {
			return it, err
		}
		if opened, err := a.open(); err != nil || !opened {
			return it, syntaxErr("expected header field names")
		}
		for !a.close() {
			f, err := a.astring()
			if err != nil {
				return it, err
			}
			it.fields = append(it.fields, strings.ToUpper(string(f)))
			a.take(' ')
			if len(it.fields) > 64 {
				return it, syntaxErr("too many header fields")
			}
		}
		if len(it.fields) == 0 {
			return it, syntaxErr("expected header field names")
		}
	default:
		return it, syntaxErr("unknown section " + strconv.Quote(spec))
	}
	if !a.take(']') {
		return it, syntaxErr("expected ]")
	}
	it.spec = spec
	var label strings.Builder
	for i, p := range it.part {
		if i > 0 {
			label.WriteByte('.')
		}
		label.WriteString(strconv.Itoa(p))
	}
	if spec != "" && len(it.part) > 0 {
		label.WriteByte('.')
	}
	label.WriteString(spec)
	if it.fields != nil {
		label.WriteString(" (" + strings.Join(it.fields, " ") + ")")
	}
	it.label = label.String()
	if a.take('<') {
		start, err := a.number(31)
		if err != nil || !a.take('.') {
			return it, syntaxErr("bad partial")
		}
		count, err := a.number(31)
		if err != nil || count == 0 || !a.take('>') {
			return it, syntaxErr("bad partial")
		}
		it.partial, it.start, it.count = true, int64(start), int64(count)
	}
	return it, nil
}

// fetch answers FETCH and UID FETCH (RFC 3501 sections 6.4.5 and 6.4.8),
// with the CHANGEDSINCE modifier (RFC 7162 section 3.1.4).
func (is *imapSession) fetch(a *imapArgs, uid bool) (string, error) {
	refs, err := is.messages(a, uid)
	if err != nil {
		return "", err
	}
	if err := a.sp(); err != nil {
		return "", err
	}
	items, err := a.fetchItems()
	if err != nil {
		return "", err
	}
	changedSince := uint64(0)
	if a.take(' ') {
		if opened, err := a.open(); err != nil || !opened {
			return "", syntaxErr("expected fetch modifiers")
		}
		m, _ := a.atom()
		if !strings.EqualFold(m, "CHANGEDSINCE") || a.sp() != nil {
			return "", syntaxErr("unknown fetch modifier")
		}
		if changedSince, err = a.number(63); err != nil || !a.close() {
			return "", syntaxErr("bad CHANGEDSINCE")
		}
		is.condstore = true
	}
	if err := a.done(); err != nil {
		return "", err
	}
	has := func(name string) bool {
		return slices.ContainsFunc(items, func(it fetchItem) bool { return it.name == name })
	}
	if uid && !has("UID") {
		items = append([]fetchItem{{name: "UID"}}, items...)
	}
	if changedSince > 0 && !has("MODSEQ") {
		items = append(items, fetchItem{name: "MODSEQ"})
	}
	seen := !is.readOnly && slices.ContainsFunc(items, fetchItem.setsSeen)
	// The message, or its text, is copied from the store as it is sent,
	// and only its header is read for the items that need no more (none
	// for BODY[] alone); the message is read into memory only for the
	// items that parse its body.
	full := slices.ContainsFunc(items, func(it fetchItem) bool { return it.reads() == readsAll })
	partial := slices.ContainsFunc(items, func(it fetchItem) bool { return it.reads() != readsNothing })
	header := slices.ContainsFunc(items, fetchItem.needsHeader)
	failed := false
	for _, r := range refs {
		if changedSince > 0 && r.modseq <= changedSince {
			continue
		}
		var data []byte
		var src messageReader
		switch {
		case full:
			data, err = is.s.store.read(is.key, r.e)
		case partial:
			if src, err = is.s.store.open(is.key, r.e); err == nil && header {
				if data, err = readHeader(src, r.e.size); err == errHeaderTooLong {
					src.Close()
					src = nil
					data, err = is.s.store.read(is.key, r.e)
				}
			}
		}
		if err != nil {
			if src != nil {
				src.Close()
			}
			failed = true
			continue
		}
		flagsNow := seen && !hasFlag(r.flags, `\Seen`)
		if flagsNow {
			r.flags, r.modseq = is.markSeen(r.uid)
		}
		is.fetchOne(r, items, data, src, flagsNow)
		if src != nil {
			src.Close()
		}
	}
	if failed {
		return "", errors.New("[UNAVAILABLE] Some messages could not be read")
	}
	return "OK FETCH completed", nil
}

// markSeen sets \Seen on uid and returns its flags and mod-sequence.
func (is *imapSession) markSeen(uid uint32) ([]string, uint64) {
	s := is.s
	s.imap.mu.Lock()
	var flags []string
	var modseq uint64
	f, err := s.folder(is.key)
	if err == nil {
		for _, m := range f.msgs {
			if m.uid == uid {
				f.modseq++
				m.flags, m.modseq = addFlag(m.flags, `\Seen`), f.modseq
				flags, modseq = slices.Clone(m.flags), m.modseq
				s.saveFolder(is.key, f)
			}
		}
	}
	s.imap.mu.Unlock()
	s.changed(is.key)
	return flags, modseq
}

// fetchOne writes the FETCH response of one message. data is the message
// when an item parses it; src is the message when every item that reads
// it wants it whole. withFlags adds FLAGS when they changed.
func (is *imapSession) fetchOne(r msgRef, items []fetchItem, data []byte, src messageReader, withFlags bool) {
	var b []byte
	b = append(b, "* "+strconv.Itoa(r.seq)+" FETCH ("...)
	written := 0
	sep := func() {
		if written > 0 {
			b = append(b, ' ')
		}
		written++
	}
	flagsSent := false
	for _, it := range items {
		sep()
		if src != nil && it.reads() == readsStream {
			if !is.streamItem(&b, it, r, src, int64(len(data))) {
				return
			}
			continue
		}
		switch it.name {
		case "UID":
			b = append(b, "UID "+u32(r.uid)...)
		case "FLAGS":
			b = append(b, "FLAGS ("+is.flagText(r.uid, strings.Join(r.flags, " "))+")"...)
			flagsSent = true
		case "MODSEQ":
			b = append(b, "MODSEQ ("+strconv.FormatUint(r.modseq, 10)+")"...)
		case "RFC822.SIZE":
			b = append(b, "RFC822.SIZE "+strconv.FormatInt(r.e.size, 10)...)
		case "INTERNALDATE":
			d := r.e.date
			if d.IsZero() {
				d = time.Now()
			}
			b = append(b, `INTERNALDATE "`+d.Format("02-Jan-2006 15:04:05 -0700")+`"`...)
		case "ENVELOPE":
			b = append(b, "ENVELOPE "+envelope(data, is.utf8)...)
		case "BODY", "BODYSTRUCTURE":
			b = append(b, it.name+" "+bodyStructure(data, it.name == "BODYSTRUCTURE", 0)...)
		case "RFC822", "RFC822.HEADER", "RFC822.TEXT":
			part := data
			h, t := splitHeader(data)
			if it.name == "RFC822.HEADER" {
				part = h
			} else if it.name == "RFC822.TEXT" {
				part = t
			}
			b = append(b, it.name+" "...)
			b = is.literalOut(b, part)
		default:
			part := sectionData(data, it)
			b = append(b, "BODY["+it.label+"]"...)
			if it.partial {
				b = append(b, "<"+strconv.FormatInt(it.start, 10)+">"...)
				if it.start >= int64(len(part)) {
					part = nil
				} else {
					part = part[it.start:]
					if int64(len(part)) > it.count {
						part = part[:it.count]
					}
				}
			}
			b = append(b, ' ')
			b = is.literalOut(b, part)
		}
	}
	if withFlags && !flagsSent {
		sep()
		b = append(b, "FLAGS ("+is.flagText(r.uid, strings.Join(r.flags, " "))+")"...)
		flagsSent = true
	}
	if flagsSent {
		is.known[r.uid] = strings.Join(r.flags, " ")
		if is.condstore && !slices.ContainsFunc(items, func(it fetchItem) bool { return it.name == "MODSEQ" }) {
			b = append(b, " MODSEQ ("+strconv.FormatUint(r.modseq, 10)+")"...)
		}
	}
	b = append(b, ")\r\n"...)
	is.c.Write(b)
}

// flagText adds \Recent to the flags of uid when this session has it
// (RFC 3501 section 2.3.2).
func (is *imapSession) flagText(uid uint32, flags string) string {
	if !is.recent[uid] {
		return flags
	}
	if flags == "" {
		return `\Recent`
	}
	return flags + ` \Recent`
}

// streamItem writes BODY[], BODY[TEXT], RFC822 or RFC822.TEXT (or a range
// of it) from src as it reads it, after what *b holds; the text starts
// after the header's hlen octets. A message cut short ends the session:
// the literal's length is said.
func (is *imapSession) streamItem(b *[]byte, it fetchItem, r msgRef, src messageReader, hlen int64) bool {
	start, n := int64(0), r.e.size
	switch it.name {
	case "RFC822", "RFC822.TEXT":
		*b = append(*b, it.name+" "...)
	default:
		*b = append(*b, "BODY["+it.label+"]"...)
	}
	if it.name == "RFC822.TEXT" || it.spec == "TEXT" {
		start, n = hlen, n-hlen
	}
	base := start
	if it.partial {
		*b = append(*b, "<"+strconv.FormatInt(it.start, 10)+">"...)
		off := min(it.start, n)
		start, n = base+off, min(n-off, it.count)
	}
	if it.name == "BODY[]" {
		*b = append(*b, ' ')
	}
	*b = append(*b, "{"+strconv.FormatInt(n, 10)+"}\r\n"...)
	is.c.Write(*b)
	*b = (*b)[:0]
	if got, _ := io.Copy(is.c, io.NewSectionReader(src, start, n)); got != n {
		is.quit = true
		is.c.Close()
		return false
	}
	return true
}

// literalOut appends a literal of p to b; a large one is written at once,
// after what b holds, rather than copied.
func (is *imapSession) literalOut(b, p []byte) []byte {
	b = append(b, "{"+strconv.Itoa(len(p))+"}\r\n"...)
	if len(p) < 64<<10 {
		return append(b, p...)
	}
	is.c.Write(b)
	is.c.Write(p)
	return b[:0:0]
}
