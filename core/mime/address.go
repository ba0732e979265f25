package mime

import (
	"strings"
	"unicode/utf8"

	"mailwire/core/errs"
	"mailwire/core/syntax"
)

// Address is a mailbox (RFC 5322 section 3.4): an optional display name and
// an addr-spec. Email holds the addr-spec in its canonical form: the local
// part is quoted only when it is not a dot-atom.
type Address struct{ Name, Email string }

// maxAddressInput bounds the length of an address list handed to the parser.
const maxAddressInput = 1 << 20

// ParseAddress parses a single mailbox (RFC 5322 section 3.4), either a bare
// addr-spec or a display name followed by an angle-addr.
func ParseAddress(s string) (Address, error) {
	list, err := parseAddressList(s, false)
	if err != nil {
		return Address{}, err
	}
	if len(list) != 1 {
		return Address{}, errs.New(errs.Arg, "mime: expected exactly one address")
	}
	return list[0], nil
}

// ParseAddressList parses a comma-separated address-list (RFC 5322 section
// 3.4). It is strict: ambiguous input such as "a@evil.com@good.com",
// unbalanced quotes, brackets or comments and any CR, LF or NUL are refused
// with errs.Arg. Display names may be RFC 2047 encoded words; local parts and
// domains may be UTF-8 (RFC 6532). Groups (RFC 5322 section 3.4) are accepted
// and flattened into their members.
func ParseAddressList(s string) ([]Address, error) {
	return parseAddressList(s, true)
}

// readAddressList reads the address list of a header field of a received
// message, where a demanding reader wants the sender even from a header
// that breaks RFC 5322. It returns what ParseAddressList returns when that
// accepts s; otherwise it forgives two kinds of damage and reports false
// for anything else:
//
//   - A missing comma after a complete mailbox ("A <a@x> B <b@x>",
//     "a@x b@x"): the mailboxes read up to there are the list; what
//     follows is not read (Python's email and enmime do the same).
//   - The null address "<>" of a bounce, as Email "" (RFC 5321 section
//     4.5.5 uses it for MAIL FROM).
//
// It stays strict where a guess could pass a domain check: a bare
// addr-spec is a mailbox only when it ends at white space or a comment and
// nothing after it holds "<" or starts with "@" or ".", so
// "victim@good.example <attacker@evil.example>" (is the first part a
// display name?) and "a@evil.example@good.example" give no address, and
// every address it returns is exactly as written.
func readAddressList(s string) ([]Address, bool) {
	if list, err := parseAddressList(s, true); err == nil {
		return list, true
	}
	if len(s) > maxAddressInput || strings.ContainsAny(s, "\r\n\x00") || !utf8.ValidString(s) {
		return nil, false
	}
	p := &addrParser{s: s, groups: true, lenient: true}
	list, err := p.list()
	return list, err == nil
}

func parseAddressList(s string, groups bool) ([]Address, error) {
	if len(s) > maxAddressInput {
		return nil, errs.New(errs.Arg, "mime: address list too long")
	}
	if strings.ContainsAny(s, "\r\n\x00") {
		return nil, errs.New(errs.Arg, "mime: CR, LF or NUL in address")
	}
	if !utf8.ValidString(s) {
		return nil, errs.New(errs.Arg, "mime: address is not valid UTF-8")
	}
	p := &addrParser{s: s, groups: groups}
	return p.list()
}

// addrParser is a recursive-descent parser over one address-list.
type addrParser struct {
	s       string
	i       int
	groups  bool
	lenient bool // reading a received header: see readAddressList
}

func (p *addrParser) fail(msg string) error {
	return errs.New(errs.Arg, "mime: bad address: "+msg)
}

func (p *addrParser) eof() bool { return p.i >= len(p.s) }

func (p *addrParser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.i]
}

// list parses address *("," address), skipping empty elements
// (RFC 5322 section 4.4, obs-addr-list).
func (p *addrParser) list() ([]Address, error) { return p.elements(false) }

// elements parses addresses separated by ",", skipping empty ones, up to
// the end or, in a group, up to the ";" that ends its mailbox-list (RFC
// 5322 section 3.4); a group missing its ";" at the end of a header is
// accepted.
func (p *addrParser) elements(inGroup bool) ([]Address, error) {
	var out []Address
	for {
		if err := p.skipCFWS(); err != nil {
			return nil, err
		}
		switch {
		case p.eof():
			return out, nil
		case inGroup && p.peek() == ';':
			p.i++
			return out, nil
		case p.peek() == ',':
			p.i++
			continue
		}
		got, err := p.address(inGroup)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
		if err := p.skipCFWS(); err != nil {
			return nil, err
		}
		if c := p.peek(); !p.eof() && c != ',' && !(inGroup && c == ';') {
			if p.lenient {
				return out, nil // a missing comma: see readAddressList
			}
			return nil, p.fail("unexpected " + quoteByte(c))
		}
	}
}

func quoteByte(c byte) string { return "'" + string(rune(c)) + "'" }

// address parses a mailbox or, outside a group, a group.
func (p *addrParser) address(inGroup bool) ([]Address, error) {
	start := p.i
	if a, ok := p.tryAddrSpec(); ok {
		return []Address{a}, nil
	}
	p.i = start
	name, err := p.phrase()
	if err != nil {
		return nil, err
	}
	switch p.peek() {
	case '<':
		a, err := p.angleAddr()
		if err != nil {
			return nil, err
		}
		a.Name = name
		return []Address{a}, nil
	case ':':
		if inGroup || !p.groups {
			return nil, p.fail("group not allowed here")
		}
		p.i++
		return p.elements(true)
	}
	if p.eof() {
		return nil, p.fail("missing addr-spec")
	}
	return nil, p.fail("unexpected " + quoteByte(p.peek()))
}

// tryAddrSpec parses a bare addr-spec that must be followed by the end of
// the element (",", ";" or the end of input).
func (p *addrParser) tryAddrSpec() (Address, bool) {
	email, err := p.addrSpec()
	if err != nil {
		return Address{}, false
	}
	end := p.i
	if p.skipCFWS() != nil {
		return Address{}, false
	}
	if c := p.peek(); !p.eof() && c != ',' && !(c == ';' && p.groups) && !p.endsMailbox(end) {
		return Address{}, false
	}
	return Address{Email: email}, true
}

// endsMailbox reports, when reading leniently, whether the bare addr-spec
// that ends at end is followed by something that cannot make it part of
// another address: it must end at white space or a comment, and the rest
// must neither start with "@" or "." nor hold an angle-addr that would make
// the addr-spec a display name.
func (p *addrParser) endsMailbox(end int) bool {
	if !p.lenient || p.i == end {
		return false
	}
	c := p.peek()
	return c != '@' && c != '.' && !strings.Contains(p.s[p.i:], "<")
}

// angleAddr parses "<" addr-spec ">" (RFC 5322 section 3.4).
func (p *addrParser) angleAddr() (Address, error) {
	p.i++ // '<'
	if p.lenient {
		if err := p.skipCFWS(); err != nil {
			return Address{}, err
		}
		if p.peek() == '>' {
			p.i++
			return Address{}, nil // the null address: see readAddressList
		}
	}
	email, err := p.addrSpec()
	if err != nil {
		return Address{}, err
	}
	if err := p.skipCFWS(); err != nil {
		return Address{}, err
	}
	if p.peek() != '>' {
		return Address{}, p.fail("missing '>'")
	}
	p.i++
	return Address{Email: email}, nil
}

// addrSpec parses local-part "@" domain (RFC 5322 section 3.4.1) and returns
// its canonical text.
func (p *addrParser) addrSpec() (string, error) {
	if err := p.skipCFWS(); err != nil {
		return "", err
	}
	local, err := p.localPart()
	if err != nil {
		return "", err
	}
	if err := p.skipCFWS(); err != nil {
		return "", err
	}
	if p.peek() != '@' {
		return "", p.fail("missing '@'")
	}
	p.i++
	if err := p.skipCFWS(); err != nil {
		return "", err
	}
	domain, err := p.domain()
	if err != nil {
		return "", err
	}
	return formatLocal(local) + "@" + domain, nil
}

func (p *addrParser) localPart() (string, error) {
	if p.peek() == '"' {
		s, err := p.quotedString()
		if err != nil {
			return "", err
		}
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] == 0x7f {
				return "", p.fail("control character in local part")
			}
		}
		return s, nil
	}
	s := p.dotAtom()
	if s == "" {
		return "", p.fail("empty local part")
	}
	return s, nil
}

func (p *addrParser) domain() (string, error) {
	if p.peek() == '[' {
		end := strings.IndexByte(p.s[p.i:], ']')
		if end < 0 {
			return "", p.fail("unbalanced '['")
		}
		lit := p.s[p.i : p.i+end+1]
		if !isDtext(lit[1 : len(lit)-1]) {
			return "", p.fail("bad domain literal")
		}
		p.i += end + 1
		return lit, nil
	}
	d := p.dotAtom()
	if d == "" {
		return "", p.fail("empty domain")
	}
	return d, nil
}

// isDtext reports whether s is dtext (RFC 5322 section 3.4.1, RFC 6532
// section 3.2): printable ASCII other than "[", "]" and "\", or UTF-8.
func isDtext(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c <= ' ' || c == 0x7f || c == '[' || c == ']' || c == '\\') {
			return false
		}
	}
	return true
}

// dotAtom reads 1*atext *("." 1*atext) and returns it; it returns "" when
// the text is not well formed, leaving the position after what was read.
// Comments and folding white space around the dots, the obsolete syntax of
// local parts and domains (RFC 5322 section 4.4, obs-local-part and
// obs-domain), are accepted and left out of the result, so that
// "jdoe@machine(comment). example" is jdoe@machine.example (appendix
// A.6.3). White space that is not followed by a dot ends the dot-atom.
func (p *addrParser) dotAtom() string {
	start := p.i
	var obs []byte // the text without CFWS, once some was skipped
	for {
		from := p.i
		if p.atom() == 0 {
			return ""
		}
		end := p.i
		if obs != nil {
			obs = append(obs, p.s[from:end]...)
		}
		if p.peek() != '.' && !p.obsDot() {
			p.i = end
			if obs != nil {
				return string(obs)
			}
			return p.s[start:end]
		}
		dot := p.i
		p.i++
		if err := p.skipCFWS(); err != nil {
			return ""
		}
		if obs == nil && (dot != end || p.i != dot+1) {
			obs = append([]byte(nil), p.s[start:end]...)
		}
		if obs != nil {
			obs = append(obs, '.')
		}
	}
}

// obsDot skips CFWS when a "." follows it (RFC 5322 section 4.4) and
// reports whether one does.
func (p *addrParser) obsDot() bool {
	if c := p.peek(); c != ' ' && c != '\t' && c != '(' {
		return false
	}
	if p.skipCFWS() != nil {
		return false
	}
	return p.peek() == '.'
}

// atom advances over atext (RFC 5322 section 3.2.3, RFC 6532 section 3.2)
// and returns the number of bytes read.
func (p *addrParser) atom() int {
	start := p.i
	for !p.eof() && syntax.IsAtext(p.s[p.i]) {
		p.i++
	}
	return p.i - start
}

// quotedString parses a quoted-string (RFC 5322 section 3.2.4) and returns
// its content with quoted-pairs resolved.
func (p *addrParser) quotedString() (string, error) {
	p.i++ // '"'
	var b strings.Builder
	for !p.eof() {
		c := p.s[p.i]
		p.i++
		switch c {
		case '"':
			return b.String(), nil
		case '\\':
			if p.eof() {
				return "", p.fail("unbalanced quote")
			}
			b.WriteByte(p.s[p.i])
			p.i++
		default:
			b.WriteByte(c)
		}
	}
	return "", p.fail("unbalanced quote")
}

// phrase parses a display name: words (atoms, quoted strings, and "." as in
// obs-phrase) separated by CFWS, with RFC 2047 encoded words decoded.
func (p *addrParser) phrase() (string, error) {
	var words []string
	var quoted []bool
	for {
		if err := p.skipCFWS(); err != nil {
			return "", err
		}
		switch c := p.peek(); {
		case c == '"':
			s, err := p.quotedString()
			if err != nil {
				return "", err
			}
			words, quoted = append(words, s), append(quoted, true)
		case c == '.' || (syntax.IsAtext(c) && !p.eof()):
			start := p.i
			for !p.eof() && (syntax.IsAtext(p.s[p.i]) || p.s[p.i] == '.') {
				p.i++
			}
			words, quoted = append(words, p.s[start:p.i]), append(quoted, false)
		default:
			if len(words) == 0 && c != '<' {
				return "", p.fail("missing display name or address")
			}
			return joinPhrase(words, quoted), nil
		}
	}
}

// joinPhrase joins phrase words with single spaces, decoding encoded words;
// adjacent encoded words are joined without the space (RFC 2047 section 6.2).
func joinPhrase(words []string, quoted []bool) string {
	var b strings.Builder
	prevEncoded := false
	for i, w := range words {
		enc := !quoted[i] && isEncodedWord(w)
		if i > 0 && !(enc && prevEncoded) {
			b.WriteByte(' ')
		}
		b.WriteString(DecodeHeader(w))
		prevEncoded = enc
	}
	return b.String()
}

// skipCFWS skips white space and comments (RFC 5322 section 3.2.2); nested
// comments are bounded.
func (p *addrParser) skipCFWS() error {
	for !p.eof() {
		switch p.s[p.i] {
		case ' ', '\t':
			p.i++
		case '(':
			if err := p.comment(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

func (p *addrParser) comment() error {
	depth := 0
	for !p.eof() {
		c := p.s[p.i]
		p.i++
		switch c {
		case '\\':
			p.i++
		case '(':
			depth++
			if depth > 32 {
				return p.fail("comments nested too deep")
			}
		case ')':
			depth--
			if depth == 0 {
				return nil
			}
		}
	}
	return p.fail("unbalanced comment")
}

// formatLocal returns local as a dot-atom when it is one, else as a
// quoted-string (RFC 5322 section 3.4.1).
func formatLocal(local string) string {
	if syntax.IsDotAtom(local) {
		return local
	}
	return quote(local)
}

// quote returns s as a quoted-string, escaping '"' and '\'.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// String returns the address in header form (RFC 5322 section 3.4): the
// display name as atoms, a quoted-string, or RFC 2047 encoded words when it
// is not ASCII, followed by the angle-addr.
func (a Address) String() string {
	email := stripControls(a.Email)
	if a.Name == "" {
		return email
	}
	return encodePhrase(a.Name) + " <" + email + ">"
}

// display returns the address for reading: the display name decoded, quoted
// only when it holds specials, so that the result parses back.
func (a Address) display() string {
	if a.Name == "" {
		if a.Email == "" {
			return "<>" // the null address of a bounce
		}
		return a.Email
	}
	name := a.Name
	if !isPhraseAtoms(name) || strings.Contains(name, "=?") {
		name = quote(name)
	}
	return name + " <" + a.Email + ">"
}

// NeedsSMTPUTF8 reports whether the addr-spec holds non-ASCII characters and
// so needs the SMTPUTF8 extension (RFC 6531).
func (a Address) NeedsSMTPUTF8() bool { return !syntax.IsASCII(a.Email) }

// encodePhrase formats a display name (RFC 5322 section 3.2.5): atoms as
// they are, printable ASCII as a quoted-string, anything else as RFC 2047
// B-encoded words (safe in a phrase, RFC 2047 section 5).
func encodePhrase(name string) string {
	if isPhraseAtoms(name) && syntax.IsASCII(name) && !strings.Contains(name, "=?") {
		return name
	}
	if syntax.IsPrintableASCII(name) && !strings.Contains(name, "=?") {
		return quote(name)
	}
	return strings.Join(encodeWords(name, 'B'), " ")
}

// isPhraseAtoms reports whether s is atext words separated by single spaces.
func isPhraseAtoms(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && !syntax.IsAtext(s[i]) {
			return false
		}
	}
	return true
}

func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
