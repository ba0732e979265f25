package smtp

import (
	"fmt"
	"strconv"
	"strings"

	"mailwire/core/errs"
)

// maxReplyLines bounds a multi-line reply (RFC 5321 section 4.2.1 sets no
// limit; a hostile server must not get our memory).
const maxReplyLines = 100

// Error is a refusal from the server: its reply code, the enhanced status
// code when the server sent one (RFC 3463; zeros otherwise) and its text.
type Error struct {
	Code     int
	Enhanced [3]int
	Message  string
	auth     bool // the reply came during AUTH (RFC 4954 section 6)
}

// Error renders the reply as the server sent it, with the package prefix.
func (e *Error) Error() string {
	if e.Enhanced[0] != 0 {
		return fmt.Sprintf("smtp: %d %s %s", e.Code, enhancedString(e.Enhanced), e.Message)
	}
	return fmt.Sprintf("smtp: %d %s", e.Code, e.Message)
}

// Temporary reports whether the refusal is transient (4xx, RFC 5321 section
// 4.2.1): the same command may succeed later.
func (e *Error) Temporary() bool { return e.Code/100 == 4 }

// ErrKind classifies the reply for the C API: 421 ends the session, 5xx
// during AUTH is an authentication failure, an x.3.4 status says the
// message is too big (RFC 3463 section 3.4), other 4xx are temporary and 5xx
// permanent.
func (e *Error) ErrKind() errs.Kind {
	switch {
	case e.Code == 421:
		return errs.Closed
	case e.auth && e.Code/100 == 5:
		return errs.Auth
	case e.Enhanced[1] == 3 && e.Enhanced[2] == 4 || e.Code == 552 && e.Enhanced[0] == 0:
		return errs.TooBig
	case e.Code/100 == 4:
		return errs.Temporary
	}
	return errs.Refused
}

// enhancedString renders an enhanced status code as "5.1.1", or "".
func enhancedString(c [3]int) string {
	if c[0] == 0 {
		return ""
	}
	b := make([]byte, 0, 11)
	b = strconv.AppendInt(b, int64(c[0]), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(c[1]), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(c[2]), 10)
	return string(b)
}

// reply is one server reply (RFC 5321 section 4.2).
type reply struct {
	Code     int
	Enhanced [3]int
	Lines    []string // text of each line, without code and enhanced code
	one      [1]string
}

// Text joins the lines of the reply with spaces.
func (r *reply) Text() string { return strings.Join(r.Lines, " ") }

// err returns the reply as an *Error.
func (r *reply) err() *Error {
	return &Error{Code: r.Code, Enhanced: r.Enhanced, Message: r.Text()}
}

// result returns the reply as a per-recipient Result.
func (r *reply) result(addr string) Result {
	return Result{Address: addr, Code: r.Code, Enhanced: enhancedString(r.Enhanced), Text: r.Text()}
}

// parseLine splits one reply line "250-text" / "250 text" / "250" into its
// code, whether more lines follow, and the text (RFC 5321 section 4.2).
func parseLine(line []byte) (code int, more bool, text string, err error) {
	return parseLineIn(line, nil)
}

// texts keeps the texts of recent reply lines, so that the same reply
// read again ("250 2.1.5 Ok" to every RCPT) makes no new string.
type texts struct {
	s    [4]string
	next int
}

// of returns b as a string, the one kept when it is the same.
func (t *texts) of(b []byte) string {
	if t == nil {
		return string(b)
	}
	for _, s := range t.s {
		if s == string(b) {
			return s
		}
	}
	s := string(b)
	t.s[t.next] = s
	t.next = (t.next + 1) % len(t.s)
	return s
}

// parseLineIn is parseLine taking the text from kept.
func parseLineIn(line []byte, kept *texts) (code int, more bool, text string, err error) {
	if len(line) < 3 || line[0] < '2' || line[0] > '5' || !digit(line[1]) || !digit(line[2]) {
		return 0, false, "", protoErr("malformed reply line", line)
	}
	code = int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0')
	if len(line) == 3 {
		return code, false, "", nil
	}
	switch line[3] {
	case '-':
		more = true
	case ' ':
	default:
		return 0, false, "", protoErr("malformed reply line", line)
	}
	return code, more, kept.of(line[4:]), nil
}

func digit(c byte) bool { return c >= '0' && c <= '9' }

// protoErr is a malformed-reply error of kind errs.Protocol; it quotes the
// start of the offending line.
func protoErr(msg string, line []byte) error {
	return errs.New(errs.Protocol, "smtp: "+msg+": "+errs.Quote(string(line)))
}

// readReply reads one possibly multi-line reply through next, which returns
// one line without its line end. Every line must carry the same code, and
// a reply has at most maxReplyLines lines. With enhanced set, an enhanced
// status code whose class matches the reply code is parsed and removed from
// each line's text (RFC 2034 section 4); its absence is tolerated.
func readReply(next func() ([]byte, error), enhanced bool) (*reply, error) {
	return readReplyIn(next, enhanced, nil)
}

// readReplyIn is readReply taking the texts from kept.
func readReplyIn(next func() ([]byte, error), enhanced bool, kept *texts) (*reply, error) {
	r := &reply{}
	r.Lines = r.one[:0] // most replies are one line: no second allocation
	for n := 0; ; n++ {
		if n == maxReplyLines {
			return nil, errs.New(errs.Protocol, "smtp: reply longer than 100 lines")
		}
		line, err := next()
		if err != nil {
			return nil, err
		}
		code, more, text, err := parseLineIn(line, kept)
		if err != nil {
			return nil, err
		}
		if n > 0 && code != r.Code {
			return nil, protoErr("inconsistent codes in a multi-line reply", line)
		}
		r.Code = code
		if enhanced {
			text = r.takeEnhanced(text, n == 0)
		}
		r.Lines = append(r.Lines, text)
		if !more {
			return r, nil
		}
	}
}

// takeEnhanced strips a leading "c.s.d " status code from text and keeps
// the first one found.
func (r *reply) takeEnhanced(text string, first bool) string {
	code, rest, ok := splitEnhanced(text)
	if !ok || code[0] != r.Code/100 {
		return text
	}
	if first || r.Enhanced[0] == 0 {
		r.Enhanced = code
	}
	return rest
}

// splitEnhanced parses "class.subject.detail" at the start of text (RFC
// 3463 section 2: class 2, 4 or 5; subject and detail up to three digits).
func splitEnhanced(text string) (code [3]int, rest string, ok bool) {
	word, rest, _ := strings.Cut(text, " ")
	for i := range code {
		n := 0
		for n < len(word) && n < 4 && digit(word[n]) {
			code[i] = code[i]*10 + int(word[n]-'0')
			n++
		}
		if n == 0 || n > 3 || (i == 0 && n != 1) {
			return [3]int{}, text, false
		}
		word = word[n:]
		if i < 2 {
			if len(word) == 0 || word[0] != '.' {
				return [3]int{}, text, false
			}
			word = word[1:]
		}
	}
	if len(word) != 0 || (code[0] != 2 && code[0] != 4 && code[0] != 5) {
		return [3]int{}, text, false
	}
	return code, rest, true
}
