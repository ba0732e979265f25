package server

import (
	"bytes"
	"errors"
	"io"
	stdmime "mime"
	"net/mail"
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
	for i, u := range is.view {
		n := uint32(i + 1)
		if uid {
			n = u
		}
		if !set.contains(n) {
			continue
		}
		if m := f.byUID(u); m != nil {
			out = append(out, msgRef{seq: i + 1, uid: u, flags: slices.Clone(m.flags), modseq: m.modseq, e: m.e})
		}
	}
	return out, nil
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

// errHeaderTooLong is readHeader's answer for a header it does not read.
var errHeaderTooLong = errors.New("header too long to read alone")

// maxHeaderRead bounds the header readHeader reads.
const maxHeaderRead = 1 << 20

// readHeader returns the header of the message of size octets in src, as
// splitHeader cuts it, reading no more than it needs; errHeaderTooLong
// when that would take more than maxHeaderRead octets.
func readHeader(src messageReader, size int64) ([]byte, error) {
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
	// and only its header is read for the items that need no more; the
	// message is read into memory only for the items that parse its body.
	full := slices.ContainsFunc(items, func(it fetchItem) bool { return it.reads() == readsAll })
	partial := slices.ContainsFunc(items, func(it fetchItem) bool { return it.reads() != readsNothing })
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
			if src, err = is.s.store.open(is.key, r.e); err == nil {
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

// splitHeader returns the header of msg (the blank line after it
// included) and its body (RFC 5322 section 2.1).
func splitHeader(msg []byte) ([]byte, []byte) {
	if i := bytes.Index(msg, []byte("\r\n\r\n")); i >= 0 {
		return msg[:i+4], msg[i+4:]
	}
	if i := bytes.Index(msg, []byte("\n\n")); i >= 0 {
		return msg[:i+2], msg[i+2:]
	}
	if bytes.HasPrefix(msg, []byte("\r\n")) {
		return msg[:2], msg[2:]
	}
	return msg, nil
}

// headerField is one field of a header: its name and its lines.
type headerField struct {
	name string
	raw  []byte // the field's lines, line ends included
}

// headerFields splits a header into its fields, a bounded number of them.
func headerFields(h []byte) []headerField {
	var out []headerField
	for len(h) > 0 && len(out) < 1000 {
		end := 0
		for {
			nl := bytes.IndexByte(h[end:], '\n')
			if nl < 0 {
				end = len(h)
				break
			}
			end += nl + 1
			if end >= len(h) || (h[end] != ' ' && h[end] != '\t') {
				break
			}
		}
		raw := h[:end]
		h = h[end:]
		name, _, ok := bytes.Cut(raw, []byte{':'})
		if !ok || len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		out = append(out, headerField{name: strings.ToUpper(strings.TrimSpace(string(name))), raw: raw})
	}
	return out
}

// value returns the unfolded value of a field.
func (f headerField) value() string {
	_, v, _ := bytes.Cut(f.raw, []byte{':'})
	v = bytes.ReplaceAll(v, []byte("\r\n"), nil)
	v = bytes.ReplaceAll(v, []byte("\n"), nil)
	return strings.TrimSpace(string(v))
}

// headerValue returns the first field name of h, unfolded.
func headerValue(h []byte, name string) (string, bool) {
	for _, f := range headerFields(h) {
		if f.name == name {
			return f.value(), true
		}
	}
	return "", false
}

// sectionData returns the bytes of a BODY[section] (RFC 3501 section
// 6.4.5).
func sectionData(msg []byte, it fetchItem) []byte {
	entity := msg
	for i, n := range it.part {
		h, body := splitHeader(entity)
		parts := multipartParts(h, body)
		if parts == nil {
			// A part that is not multipart has one part, itself; its
			// header is the message's for the MIME specifier.
			if n != 1 || i != len(it.part)-1 {
				return nil
			}
			if it.spec == "MIME" {
				return h
			}
			if it.spec == "" {
				return body
			}
			entity = body
			break
		}
		if n > len(parts) {
			return nil
		}
		entity = parts[n-1]
		if i == len(it.part)-1 {
			ph, pb := splitHeader(entity)
			switch it.spec {
			case "MIME":
				return ph
			case "":
				return pb
			}
			// HEADER and TEXT of a part address its message/rfc822 body.
			entity = pb
		}
	}
	h, body := splitHeader(entity)
	switch it.spec {
	case "HEADER":
		return h
	case "TEXT":
		return body
	case "HEADER.FIELDS", "HEADER.FIELDS.NOT":
		var out []byte
		for _, f := range headerFields(h) {
			if slices.Contains(it.fields, f.name) == (it.spec == "HEADER.FIELDS") {
				out = append(out, f.raw...)
			}
		}
		return append(out, '\r', '\n')
	}
	return entity
}

// multipartParts returns the parts of a multipart body (RFC 2046 section
// 5.1.1), or nil when the header is not multipart's.
func multipartParts(h, body []byte) [][]byte {
	ct, _ := headerValue(h, "CONTENT-TYPE")
	mt, params, err := stdmime.ParseMediaType(ct)
	if err != nil || !strings.HasPrefix(mt, "multipart/") || params["boundary"] == "" {
		return nil
	}
	delim := []byte("--" + params["boundary"])
	var parts [][]byte
	rest := body
	start := -1
	for len(rest) > 0 && len(parts) < 1000 {
		line := rest
		nl := bytes.IndexByte(rest, '\n')
		if nl >= 0 {
			line = rest[:nl+1]
		}
		pos := len(body) - len(rest)
		trimmed := bytes.TrimRight(line, " \t\r\n")
		if bytes.HasPrefix(trimmed, delim) {
			if start >= 0 {
				end := pos
				if end > start && body[end-1] == '\n' {
					end--
					if end > start && body[end-1] == '\r' {
						end--
					}
				}
				parts = append(parts, body[start:end])
			}
			if bytes.Equal(trimmed, append(delim, '-', '-')) {
				return parts
			}
			start = pos + len(line)
		}
		rest = rest[len(line):]
	}
	if start >= 0 && start <= len(body) {
		parts = append(parts, body[start:])
	}
	return parts
}

// bodyStructure returns the BODY or BODYSTRUCTURE of an entity (RFC 3501
// section 7.4.2), extension data left out but for multipart's subtype.
func bodyStructure(entity []byte, ext bool, depth int) string {
	h, body := splitHeader(entity)
	ct, _ := headerValue(h, "CONTENT-TYPE")
	mt, params, err := stdmime.ParseMediaType(ct)
	if err != nil || !strings.Contains(mt, "/") {
		mt, params = "text/plain", map[string]string{"charset": "us-ascii"}
	}
	typ, sub, _ := strings.Cut(mt, "/")
	if parts := multipartParts(h, body); parts != nil && depth < maxIMAPDepth && len(parts) > 0 {
		var b strings.Builder
		b.WriteByte('(')
		for _, p := range parts {
			b.WriteString(bodyStructure(p, ext, depth+1))
		}
		b.WriteString(" " + quote(strings.ToUpper(sub), false) + ")")
		return b.String()
	}
	var ps []string
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ps = append(ps, quote(strings.ToUpper(k), false), quote(params[k], false))
	}
	plist := "NIL"
	if len(ps) > 0 {
		plist = "(" + strings.Join(ps, " ") + ")"
	}
	enc, ok := headerValue(h, "CONTENT-TRANSFER-ENCODING")
	if !ok {
		enc = "7BIT"
	}
	id, idOK := headerValue(h, "CONTENT-ID")
	idStr := "NIL"
	if idOK {
		idStr = quote(id, false)
	}
	s := "(" + quote(strings.ToUpper(typ), false) + " " + quote(strings.ToUpper(sub), false) + " " + plist + " " +
		idStr + " NIL " + quote(strings.ToUpper(enc), false) + " " + strconv.Itoa(len(body))
	switch {
	case typ == "text":
		s += " " + strconv.Itoa(lineCount(body))
	case typ == "message" && sub == "rfc822" && depth < maxIMAPDepth:
		// The enclosed message's envelope and structure, and its lines
		// (RFC 3501 section 7.4.2).
		s += " " + envelope(body, false) + " " + bodyStructure(body, ext, depth+1) + " " +
			strconv.Itoa(lineCount(body))
	}
	return s + ")"
}

// lineCount returns the number of lines of b, the last one counted even
// without its line end.
func lineCount(b []byte) int {
	n := bytes.Count(b, []byte("\n"))
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}

// envelope returns the ENVELOPE of a message (RFC 3501 section 7.4.2).
func envelope(msg []byte, utf8ok bool) string {
	h, _ := splitHeader(msg)
	fields := headerFields(h)
	get := func(name string) (string, bool) {
		for _, f := range fields {
			if f.name == name {
				return f.value(), true
			}
		}
		return "", false
	}
	nstr := func(name string) string {
		if v, ok := get(name); ok {
			return quote(v, utf8ok)
		}
		return "NIL"
	}
	addrs := func(name string) string {
		v, ok := get(name)
		if !ok {
			return "NIL"
		}
		list, err := mail.ParseAddressList(v)
		if err != nil || len(list) == 0 {
			return "NIL"
		}
		var b strings.Builder
		b.WriteByte('(')
		for _, ad := range list {
			local, domain, _ := strings.Cut(ad.Address, "@")
			name := "NIL"
			if ad.Name != "" {
				n := ad.Name
				if !utf8ok {
					n = stdmime.QEncoding.Encode("utf-8", n)
				}
				name = quote(n, utf8ok)
			}
			b.WriteString("(" + name + " NIL " + quote(local, utf8ok) + " " + quote(domain, utf8ok) + ")")
		}
		b.WriteByte(')')
		return b.String()
	}
	from := addrs("FROM")
	sender, replyTo := addrs("SENDER"), addrs("REPLY-TO")
	if sender == "NIL" {
		sender = from
	}
	if replyTo == "NIL" {
		replyTo = from
	}
	return "(" + strings.Join([]string{nstr("DATE"), nstr("SUBJECT"), from, sender, replyTo,
		addrs("TO"), addrs("CC"), addrs("BCC"), nstr("IN-REPLY-TO"), nstr("MESSAGE-ID")}, " ") + ")"
}

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
