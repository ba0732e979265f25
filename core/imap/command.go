package imap

import (
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"mailwire/core/errs"
)

// maxQuoted is the longest string sent quoted; a longer one goes as a
// literal.
const maxQuoted = 1024

// command is a command being built. Every string a caller gives goes on
// the wire as a quoted string or a literal (RFC 3501 section 4.3), never
// as bare text; the atoms are the library's own or checked to be atoms.
// The first error is kept and returned by run before anything is written.
type command struct {
	c     *Client
	name  string
	segs  []segment
	text  strings.Builder // the current segment's text
	shown strings.Builder // what the protocol log shows of it
	err   error
	tag   string // set by run before anything is written
	open  bool   // a list was just opened: no space before the next value
}

// segment is the text of a command up to a literal, and the literal (RFC
// 3501 section 4.3); the last segment has no literal.
type segment struct {
	text, shown string
	n           int64                   // the literal's length; -1 for none
	write       func(w io.Writer) error // writes the literal's n bytes
}

// command starts a command with its name ("SELECT", "UID FETCH").
func (c *Client) command(name string) *command {
	cmd := &command{c: c, name: name}
	cmd.put(name, name)
	return cmd
}

func (cmd *command) put(text, shown string) {
	cmd.text.WriteString(text)
	cmd.shown.WriteString(shown)
}

// fail keeps the first error.
func (cmd *command) fail(err error) error {
	if cmd.err == nil {
		cmd.err = err
	}
	return err
}

// sep returns the space before the next value: none after "(".
func (cmd *command) sep() string {
	if cmd.open {
		cmd.open = false
		return ""
	}
	return " "
}

// raw appends " " and text that the library made.
func (cmd *command) raw(text string) {
	sp := cmd.sep()
	cmd.put(sp+text, sp+text)
}

// openList appends " (" and closeList ")": the values between are
// separated by spaces.
func (cmd *command) openList() {
	sp := cmd.sep()
	cmd.put(sp+"(", sp+"(")
	cmd.open = true
}

func (cmd *command) closeList() {
	cmd.open = false
	cmd.put(")", ")")
}

// atom appends an atom (RFC 3501 section 9: no space, control character,
// "(", ")", "{", "%", "*", '"', "\" or "]"), such as an extension name.
func (cmd *command) atom(s string) error {
	if !isAtom(s) {
		return cmd.fail(errs.New(errs.Arg, "imap: "+errs.Quote(s)+" is not an IMAP atom"))
	}
	cmd.raw(s)
	return nil
}

// isAtom reports whether s is a non-empty atom (RFC 3501 section 9).
func isAtom(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`(){%*"\]`, c) >= 0 {
			return false
		}
	}
	return true
}

// str appends a string, quoted when it can be and as a literal otherwise
// (RFC 3501 section 4.3). CR, LF and NUL are refused (errs.Arg): a string
// with them can only be a literal8, and no caller value needs one.
func (cmd *command) str(s string) error { return cmd.string(s, false) }

// secret is str for a password: the protocol log shows "<secret>".
func (cmd *command) secret(s string) error { return cmd.string(s, true) }

func (cmd *command) string(s string, secret bool) error {
	if i := strings.IndexAny(s, "\r\n\x00"); i >= 0 {
		return cmd.fail(errs.New(errs.Arg, "imap: a string contains a forbidden character ("+strconv.QuoteRune(rune(s[i]))+")"))
	}
	shown := s
	if secret {
		shown = "<secret>"
	}
	sp := cmd.sep()
	if cmd.quotable(s) {
		q := quote(s)
		if secret {
			shown = `"<secret>"`
		} else {
			shown = q
		}
		cmd.put(sp+q, sp+shown)
		return nil
	}
	cmd.put(sp, sp)
	cmd.literal(int64(len(s)), func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	})
	return nil
}

// quotable reports whether s may go as a quoted string: 7-bit, or UTF-8
// once UTF8=ACCEPT or IMAP4rev2 is enabled (RFC 6855 section 3), and short.
func (cmd *command) quotable(s string) bool {
	if len(s) > maxQuoted {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return cmd.c.utf8Names() && utf8.ValidString(s)
		}
	}
	return true
}

// quote returns s as a quoted string.
func quote(s string) string {
	var b strings.Builder
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

// mailbox appends a mailbox name (RFC 3501 section 5.1): INBOX in any
// case as INBOX, other names in modified UTF-7 (section 5.1.3), or UTF-8
// once enabled (RFC 6855 section 3).
func (cmd *command) mailbox(name string) error {
	if name == "" {
		return cmd.fail(errs.New(errs.Arg, "imap: empty folder name"))
	}
	if strings.ContainsAny(name, "\r\n\x00") {
		return cmd.fail(errs.New(errs.Arg, "imap: the folder name contains CR, LF or NUL"))
	}
	if strings.EqualFold(name, "INBOX") {
		return cmd.str("INBOX")
	}
	if !cmd.c.utf8Names() {
		enc, err := EncodeMailbox(name)
		if err != nil {
			return cmd.fail(err)
		}
		name = enc
	} else if !utf8.ValidString(name) {
		return cmd.fail(errs.New(errs.Arg, "imap: the folder name is not valid UTF-8"))
	}
	return cmd.str(name)
}

// literal ends the current segment with a literal of n bytes that write
// produces (RFC 3501 section 4.3); the text after it starts a new segment.
func (cmd *command) literal(n int64, write func(w io.Writer) error) {
	cmd.segs = append(cmd.segs, segment{text: cmd.text.String(), shown: cmd.shown.String(), n: n, write: write})
	cmd.text.Reset()
	cmd.shown.Reset()
}

// finish closes the last segment.
func (cmd *command) finish() []segment {
	return append(cmd.segs, segment{text: cmd.text.String(), shown: cmd.shown.String(), n: -1})
}

// nonSync reports whether a literal of n bytes may go without waiting for
// the server's continuation: LITERAL+ (RFC 7888 section 4), or LITERAL-
// for up to 4096 bytes (section 5).
func (c *Client) nonSync(n int64) bool {
	return c.Has("LITERAL+") || (c.Has("LITERAL-") && n <= 4096)
}

// run sends cmd and reads responses up to its tagged one. onData sees
// every untagged response after the session's state took it in. It
// returns the tagged response; a NO or BAD is an *Error. A literal waits
// for the server's "+" unless it may go without (nonSync); a tagged
// response instead of the "+" ends the command there.
func (c *Client) run(cmd *command, onData func(r *response) error) (*response, error) {
	if cmd.err != nil {
		return nil, cmd.err
	}
	if err := c.ready(); err != nil {
		return nil, err
	}
	segs := cmd.finish()
	tag := c.nextTag()
	cmd.tag = tag
	segs[0].text, segs[0].shown = tag+" "+segs[0].text, tag+" "+segs[0].shown
	count := 0
	for _, s := range segs {
		if s.n < 0 {
			c.conn.WriteSecretLine(s.text, s.shown)
			break
		}
		sync := !c.nonSync(s.n)
		mark := "{" + strconv.FormatInt(s.n, 10) + "+}"
		if sync {
			mark = "{" + strconv.FormatInt(s.n, 10) + "}"
		}
		c.conn.WriteSecretLine(s.text+mark, s.shown+mark)
		if sync {
			if err := c.fail(c.conn.Flush()); err != nil {
				return nil, err
			}
			r, err := c.await(tag, &count, onData)
			if err != nil || r.tag != "+" {
				return c.result(cmd, r, err)
			}
		}
		if err := c.writeLiteral(s); err != nil {
			return nil, err
		}
	}
	if err := c.fail(c.conn.Flush()); err != nil {
		return nil, err
	}
	r, err := c.untilTagged(tag, &count, onData)
	return c.result(cmd, r, err)
}

// writeLiteral writes a literal's bytes, which must be exactly as many as
// announced: otherwise the server would read the rest of the command as
// part of it, so the connection is dropped.
func (c *Client) writeLiteral(s segment) error {
	w := &countWriter{w: c.conn, max: s.n, progress: c.opts.Progress}
	err := s.write(w)
	if err == nil && w.n != s.n {
		err = errs.New(errs.Internal, "imap: the literal is "+strconv.FormatInt(w.n, 10)+" bytes, not the "+strconv.FormatInt(s.n, 10)+" announced")
	}
	if err != nil {
		c.conn.Close()
		if c.broken == nil {
			c.broken = err
		}
		return err
	}
	return nil
}

// countWriter counts what goes through it and refuses more than max.
type countWriter struct {
	w        io.Writer
	n, max   int64
	progress func(done, total int64)
}

func (w *countWriter) Write(p []byte) (int, error) {
	if w.n+int64(len(p)) > w.max {
		return 0, errs.New(errs.Internal, "imap: the literal is longer than announced")
	}
	n, err := w.w.Write(p)
	w.n += int64(n)
	if w.progress != nil && w.max > 64<<10 {
		w.progress(w.n, w.max)
	}
	return n, err
}

// await reads responses until the server's "+" (a literal may follow, or
// a SASL challenge) or the command's tagged response, and returns it.
func (c *Client) await(tag string, count *int, onData func(r *response) error) (*response, error) {
	for {
		r, err := c.read()
		if err != nil {
			return nil, err
		}
		switch {
		case r.tag == "+" || r.tag == tag:
			return r, nil
		case r.tag != "*":
			return nil, c.fail(protoErr("tagged response " + errs.Quote(r.tag) + " for a command never sent"))
		}
		if err := c.untagged(r, count, onData); err != nil {
			return nil, err
		}
	}
}

// untilTagged reads responses until the tagged one of tag.
func (c *Client) untilTagged(tag string, count *int, onData func(r *response) error) (*response, error) {
	for {
		r, err := c.read()
		if err != nil {
			return nil, err
		}
		switch {
		case r.tag == tag:
			return r, nil
		case r.tag == "+":
			return nil, c.fail(protoErr("continuation request " + errs.Quote(r.text) + " that no command asked for"))
		case r.tag != "*":
			return nil, c.fail(protoErr("tagged response " + errs.Quote(r.tag) + " for a command never sent"))
		}
		if err := c.untagged(r, count, onData); err != nil {
			return nil, err
		}
	}
}

// untagged takes in one untagged response, within maxUntagged per command.
func (c *Client) untagged(r *response, count *int, onData func(r *response) error) error {
	if *count++; *count > c.maxUntagged {
		return c.fail(protoErr("more than " + strconv.Itoa(c.maxUntagged) + " untagged responses to one command"))
	}
	c.handle(r)
	if onData != nil {
		if err := onData(r); err != nil {
			return c.fail(err)
		}
	}
	return nil
}

// result turns the tagged response into the result of cmd.
func (c *Client) result(cmd *command, r *response, err error) (*response, error) {
	if err != nil {
		return nil, err
	}
	c.handle(r)
	if r.name == "OK" {
		return r, nil
	}
	return r, &Error{Command: cmd.name, Status: r.name, Code: r.code, Text: r.text}
}
