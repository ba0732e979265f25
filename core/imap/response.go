package imap

import (
	"bytes"
	"strconv"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

// Bounds on what a server may make the client hold or do (SECURITY.md
// section 6). A response that breaks one is an error of kind errs.Protocol
// and ends the session: the client can no longer tell where the next
// response begins.
const (
	maxLine            = 64 << 10  // one line of a response, CRLF included (the reader's buffer)
	maxString          = 1 << 20   // one literal held in memory (a folder name, an ID value...)
	maxHeld            = 8 << 20   // the literals of one response held in memory
	maxValues          = 200_000   // atoms, strings and lists in one response
	maxDepth           = 16        // nesting of parenthesized lists
	maxBody            = 1<<32 - 1 // a message literal, which is streamed (RFC 3501 number)
	maxNumber          = 1<<63 - 1 // a number of RFC 9051's number64
	maxFolders         = 100_000   // LIST responses of one command
	maxSearch          = 1 << 21   // UIDs of one search
	maxTagged          = 40        // the length of a tag the server may echo
	defaultMaxUntagged = 1 << 20   // untagged responses while one command runs
)

// vkind is the type of a value of a response.
type vkind byte

const (
	vAtom     vkind = iota + 1 // an atom or a number
	vString                    // a quoted string or a literal held in memory
	vNil                       // NIL
	vList                      // a parenthesized list
	vStreamed                  // a literal handed to a sink and not kept
	vKept                      // a message literal kept in memory by the sink, s its number
)

// value is one element of a response (RFC 3501 section 4).
type value struct {
	kind vkind
	s    string
	list []value
}

// isAtom reports whether v is the atom name, in any case.
func (v value) isAtom(name string) bool { return v.kind == vAtom && strings.EqualFold(v.s, name) }

// number returns v as a number (RFC 3501 section 4.2, RFC 9051 number64).
func (v value) number() (uint64, bool) {
	if v.kind != vAtom {
		return 0, false
	}
	return parseNumber(v.s)
}

// parseNumber reads 1 to 19 digits.
func parseNumber(s string) (uint64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil && n <= maxNumber
}

// str returns v as an astring or nstring: an atom or a string; NIL gives
// "" and false.
func (v value) str() (string, bool) {
	if v.kind == vAtom || v.kind == vString {
		return v.s, true
	}
	return "", false
}

// response is one server response (RFC 3501 section 7).
type response struct {
	tag      string  // "*" untagged, "+" continuation, or the tag of a command
	num      uint64  // the number before the name of "* 3 EXISTS"
	hasNum   bool    // num is set
	name     string  // upper case: OK, NO, BAD, BYE, PREAUTH, CAPABILITY, EXISTS, FETCH...
	code     string  // the response code of a status response, upper case ("UIDNEXT")
	codeArgs []value // its arguments
	text     string  // the human-readable text of a status or continuation response
	args     []value // the data of an untagged response
}

// status reports whether r is a status response (RFC 3501 section 7.1).
func (r *response) status() bool {
	switch r.name {
	case "OK", "NO", "BAD", "BYE", "PREAUTH":
		return true
	}
	return false
}

// literalFunc handles a literal that follows a message item (BODY[],
// RFC822, BINARY[]) in a FETCH response: it reads exactly n bytes from
// the parser's connection (see parser.literal) and returns the value to
// keep in the list. items are the list's elements so far.
type literalFunc func(items []value, n int64) (value, error)

// parser reads responses from a connection within the bounds above.
type parser struct {
	conn   *wire.Conn
	line   []byte // the current line, copied
	pos    int
	values int   // values of the current response
	held   int64 // literal bytes held for the current response
	fetch  bool  // parsing the item list of a FETCH response
	onBody literalFunc
}

func protoErr(msg string) error { return errs.New(errs.Protocol, "imap: "+msg) }

// errAt is a syntax error in the current line.
func (p *parser) errAt(what string) error {
	return protoErr(what + " in the server's response " + errs.Quote(string(p.line)))
}

// readLine reads the next line into p.line.
func (p *parser) readLine() error {
	b, err := p.conn.ReadLineBytes()
	if err != nil {
		return err
	}
	p.line = append(p.line[:0], b...)
	p.pos = 0
	return nil
}

func (p *parser) eol() bool { return p.pos >= len(p.line) }

func (p *parser) peek() byte {
	if p.eol() {
		return 0
	}
	return p.line[p.pos]
}

// sp reads one space.
func (p *parser) sp() error {
	if p.peek() != ' ' {
		return p.errAt("missing space")
	}
	p.pos++
	return nil
}

// rest returns what is left of the line.
func (p *parser) rest() string {
	s := string(p.line[p.pos:])
	p.pos = len(p.line)
	return s
}

// word reads the characters up to a space or the end of the line.
func (p *parser) word() string {
	i := bytes.IndexByte(p.line[p.pos:], ' ')
	if i < 0 {
		return p.rest()
	}
	s := string(p.line[p.pos : p.pos+i])
	p.pos += i
	return s
}

// read reads one response.
func (p *parser) read() (*response, error) {
	p.values, p.held, p.fetch = 0, 0, false
	if err := p.readLine(); err != nil {
		return nil, err
	}
	r := &response{}
	if p.peek() == '+' { // continue-req (RFC 3501 section 7.5)
		p.pos++
		r.tag = "+"
		if p.peek() == ' ' {
			p.pos++
		}
		r.text = p.rest()
		return r, nil
	}
	r.tag = p.word()
	if r.tag == "" || len(r.tag) > maxTagged {
		return nil, p.errAt("bad tag")
	}
	if err := p.sp(); err != nil {
		return nil, err
	}
	if r.tag == "*" && isDigit(p.peek()) {
		n, ok := parseNumber(p.word())
		if !ok {
			return nil, p.errAt("bad number")
		}
		r.num, r.hasNum = n, true
		if err := p.sp(); err != nil {
			return nil, err
		}
	}
	r.name = strings.ToUpper(p.atomWord())
	if r.name == "" {
		return nil, p.errAt("missing response name")
	}
	switch {
	case r.tag != "*":
		if r.name != "OK" && r.name != "NO" && r.name != "BAD" {
			return nil, p.errAt("tagged response that is not OK, NO or BAD")
		}
		return r, p.respText(r)
	case r.hasNum:
		return r, p.numbered(r)
	case r.status():
		return r, p.respText(r)
	}
	if !p.eol() {
		if err := p.sp(); err != nil {
			return nil, err
		}
	}
	var err error
	r.args, err = p.values0()
	return r, err
}

// atomWord reads the name of a response: letters, digits, "-" and "=".
func (p *parser) atomWord() string {
	start := p.pos
	for !p.eol() {
		c := p.line[p.pos]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || isDigit(c) || c == '-' || c == '=' || c == '.') {
			break
		}
		p.pos++
	}
	return string(p.line[start:p.pos])
}

// numbered reads the rest of "* n EXISTS", "* n EXPUNGE", "* n RECENT"
// and "* n FETCH (...)" (RFC 3501 section 7.3, 7.4).
func (p *parser) numbered(r *response) error {
	switch r.name {
	case "EXISTS", "EXPUNGE", "RECENT":
		if !p.eol() {
			return p.errAt("unexpected data")
		}
		return nil
	case "FETCH":
		if err := p.sp(); err != nil {
			return err
		}
		if p.peek() != '(' {
			return p.errAt("FETCH without a list")
		}
		p.fetch = true
		v, err := p.value(0)
		if err != nil {
			return err
		}
		r.args = []value{v}
		if !p.eol() {
			return p.errAt("unexpected data after the FETCH list")
		}
		return nil
	}
	return p.errAt("unknown numbered response")
}

// respText reads "[code args] text" (RFC 3501 section 7.1). A code whose
// arguments are not values is kept with its raw text as one atom.
func (p *parser) respText(r *response) error {
	if p.eol() {
		return nil
	}
	if err := p.sp(); err != nil {
		return err
	}
	if p.peek() == '[' {
		end := bytes.IndexByte(p.line[p.pos:], ']')
		if end < 0 {
			return p.errAt("response code without ]")
		}
		inner := string(p.line[p.pos+1 : p.pos+end])
		p.pos += end + 1
		code, args, _ := strings.Cut(inner, " ")
		r.code = strings.ToUpper(code)
		if args != "" {
			sub := &parser{line: []byte(args)}
			vs, err := sub.values0()
			if err != nil {
				vs = []value{{kind: vAtom, s: args}}
			}
			r.codeArgs = vs
		}
		if p.peek() == ' ' {
			p.pos++
		}
	}
	r.text = p.rest()
	return nil
}

// values0 reads values separated by spaces to the end of the response.
func (p *parser) values0() ([]value, error) {
	var vs []value
	for !p.eol() {
		if len(vs) > 0 {
			if err := p.sp(); err != nil {
				return nil, err
			}
			if p.eol() { // a trailing space, which some servers send
				break
			}
		}
		v, err := p.value(0)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// value reads one value at nesting depth.
func (p *parser) value(depth int) (value, error) {
	if p.values++; p.values > maxValues {
		return value{}, protoErr("more than " + strconv.Itoa(maxValues) + " values in one response")
	}
	switch c := p.peek(); c {
	case '(':
		return p.list(depth)
	case '"':
		return p.quoted()
	case '{':
		n, err := p.literalLen()
		if err != nil {
			return value{}, err
		}
		return p.heldLiteral(n)
	case 0, ' ', ')':
		return value{}, p.errAt("missing value")
	}
	s, err := p.atom()
	if err != nil {
		return value{}, err
	}
	if strings.EqualFold(s, "NIL") {
		return value{kind: vNil}, nil
	}
	return value{kind: vAtom, s: s}, nil
}

// list reads a parenthesized list. In a FETCH response, a literal that
// follows a message item goes to onBody.
func (p *parser) list(depth int) (value, error) {
	if depth >= maxDepth {
		return value{}, protoErr("lists nested deeper than " + strconv.Itoa(maxDepth) + " in a response")
	}
	p.pos++
	v := value{kind: vList}
	for {
		if p.eol() {
			return value{}, p.errAt("list not closed")
		}
		if p.peek() == ')' {
			p.pos++
			return v, nil
		}
		if len(v.list) > 0 {
			if err := p.sp(); err != nil {
				return value{}, err
			}
		}
		var x value
		var err error
		if p.fetch && depth == 0 && p.peek() == '{' && len(v.list) > 0 && isBodyItem(v.list[len(v.list)-1]) {
			var n int64
			if n, err = p.literalLen(); err == nil {
				x, err = p.streamLiteral(v.list, n)
			}
		} else {
			x, err = p.value(depth + 1)
		}
		if err != nil {
			return value{}, err
		}
		v.list = append(v.list, x)
	}
}

// isBodyItem reports whether v names a FETCH item whose value is message
// data (RFC 3501 section 7.4.2, RFC 3516).
func isBodyItem(v value) bool {
	if v.kind != vAtom {
		return false
	}
	s := strings.ToUpper(v.s)
	return strings.HasPrefix(s, "BODY[") || strings.HasPrefix(s, "BINARY[") || s == "RFC822" || s == "RFC822.TEXT"
}

// quoted reads a quoted string (RFC 3501 section 4.3).
func (p *parser) quoted() (value, error) {
	p.pos++
	var b []byte
	for {
		if p.eol() {
			return value{}, p.errAt("quoted string not closed")
		}
		c := p.line[p.pos]
		p.pos++
		switch c {
		case '"':
			return value{kind: vString, s: string(b)}, nil
		case '\\':
			if p.eol() || (p.peek() != '"' && p.peek() != '\\') {
				return value{}, p.errAt("bad escape in a quoted string")
			}
			c = p.line[p.pos]
			p.pos++
		case 0:
			return value{}, p.errAt("NUL in a quoted string")
		}
		b = append(b, c)
	}
}

// literalLen reads "{n}" at the end of a line (RFC 3501 section 4.3).
func (p *parser) literalLen() (int64, error) {
	end := bytes.IndexByte(p.line[p.pos:], '}')
	if end < 0 || p.pos+end+1 != len(p.line) {
		return 0, p.errAt("literal length not at the end of the line")
	}
	n, ok := parseNumber(string(p.line[p.pos+1 : p.pos+end]))
	if !ok {
		return 0, p.errAt("bad literal length")
	}
	if n > maxBody {
		return 0, protoErr("literal of " + strconv.FormatUint(n, 10) + " bytes is larger than 4 GiB")
	}
	p.pos = len(p.line)
	return int64(n), nil
}

// heldLiteral reads a literal of n bytes into memory, within maxString and
// maxHeld, and the line that continues the response.
func (p *parser) heldLiteral(n int64) (value, error) {
	if n > maxString || p.held+n > maxHeld {
		return value{}, protoErr("literal of " + strconv.FormatInt(n, 10) + " bytes is larger than the client holds for a response")
	}
	p.held += n
	b := make([]byte, n)
	if err := p.conn.ReadFull(b); err != nil {
		return value{}, err
	}
	if err := p.readLine(); err != nil {
		return value{}, err
	}
	return value{kind: vString, s: string(b)}, nil
}

// streamLiteral hands a message literal to onBody (or drops it when there
// is none) and reads the line that continues the response.
func (p *parser) streamLiteral(items []value, n int64) (value, error) {
	var v value
	var err error
	if p.onBody != nil {
		v, err = p.onBody(items, n)
	} else {
		v, err = value{kind: vStreamed}, p.conn.Discard(n)
	}
	if err != nil {
		return value{}, err
	}
	if err := p.readLine(); err != nil {
		return value{}, err
	}
	return v, nil
}

// atom reads an atom, a number, a flag ("\Seen", "\*") or a FETCH item
// name with its section ("BODY[HEADER.FIELDS (TO)]<0>"), whose brackets
// may hold spaces and parentheses.
func (p *parser) atom() (string, error) {
	start := p.pos
	for !p.eol() {
		c := p.line[p.pos]
		if c == '[' {
			end := bytes.IndexByte(p.line[p.pos:], ']')
			if end < 0 {
				return "", p.errAt("section without ]")
			}
			p.pos += end + 1
			continue
		}
		if c <= ' ' || c == 0x7f || c == '(' || c == ')' || c == '{' || c == '"' {
			break
		}
		p.pos++
	}
	if p.pos == start {
		return "", p.errAt("unexpected character")
	}
	return string(p.line[start:p.pos]), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
