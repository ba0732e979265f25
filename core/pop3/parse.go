package pop3

import (
	"strings"

	"mailwire/core/errs"
)

// Bounds on what a server may make us hold (SECURITY.md section 6).
var (
	maxListing = 1_000_000 // lines of a LIST or UIDL listing, and the STAT count
	maxCapa    = 1000      // lines of a CAPA listing
)

const (
	maxUID       = 255     // RFC 1939 section 7 allows 70; real servers stay well below this
	maxSize      = 1 << 50 // a message size beyond this is a lie
	maxTimestamp = 512
)

// Error is a -ERR reply (RFC 1939 section 3). Code is its response code
// (RFC 2449 section 8, RFC 3206), such as "AUTH", "IN-USE", "SYS/TEMP",
// "SYS/PERM" or "LOGIN-DELAY", and empty when there is none.
type Error struct {
	Message string
	Code    string
	auth    bool // the reply refused an authentication command
}

// Error returns the server's text.
func (e *Error) Error() string { return "pop3: server replied -ERR " + e.Message }

// ErrKind classifies the reply: [IN-USE], [SYS/TEMP] and [LOGIN-DELAY] are
// temporary (RFC 2449 section 8.1, RFC 3206 section 4), [AUTH] and a refused
// login are authentication failures (RFC 3206 section 5), anything else is a
// permanent refusal.
func (e *Error) ErrKind() errs.Kind {
	switch {
	case e.Code == "IN-USE" || e.Code == "LOGIN-DELAY" || strings.HasPrefix(e.Code, "SYS/TEMP"):
		return errs.Temporary
	case e.Code == "AUTH" || strings.HasPrefix(e.Code, "AUTH/"):
		return errs.Auth
	case strings.HasPrefix(e.Code, "SYS/"):
		return errs.Refused
	case e.auth:
		return errs.Auth
	}
	return errs.Refused
}

// newError builds the Error of a -ERR reply text, parsing a leading
// "[CODE]" (RFC 2449 section 8).
func newError(text string) *Error {
	e := &Error{Message: text}
	if rest, ok := strings.CutPrefix(text, "["); ok {
		if code, _, ok := strings.Cut(rest, "]"); ok && code != "" && !strings.ContainsAny(code, " []") {
			e.Code = strings.ToUpper(code)
		}
	}
	return e
}

// parseStatus splits a status line (RFC 1939 section 3): "+OK" or "-ERR",
// alone or followed by a space and text. It returns the text, and an *Error
// for -ERR. Anything else is an error of kind errs.Protocol.
func parseStatus(line string) (string, error) {
	if text, ok := cutIndicator(line, "+OK"); ok {
		return text, nil
	}
	if text, ok := cutIndicator(line, "-ERR"); ok {
		return "", newError(text)
	}
	return "", protoErr("malformed status line " + errs.Quote(line))
}

// cutIndicator returns what follows ind and one space or tab in line.
func cutIndicator(line, ind string) (string, bool) {
	rest, ok := strings.CutPrefix(line, ind)
	if !ok {
		return "", false
	}
	if rest == "" {
		return "", true
	}
	if rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	return rest[1:], true
}

// parseNumber parses a non-negative decimal number of at most max, digits
// only (RFC 1939 section 3: no sign, no space).
func parseNumber(s string, max int64) (int64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
		if n > max {
			return 0, false
		}
	}
	return n, true
}

// parseStat parses the text of a STAT reply, "nn mm" (RFC 1939 section 5),
// where anything after the size is ignored.
func parseStat(text string) (count int, size int64, err error) {
	f := strings.Fields(text)
	if len(f) < 2 {
		return 0, 0, protoErr("malformed STAT reply " + errs.Quote(text))
	}
	n, ok1 := parseNumber(f[0], int64(maxListing))
	sz, ok2 := parseNumber(f[1], maxSize)
	if !ok1 || !ok2 {
		return 0, 0, protoErr("bad message count or size in STAT reply " + errs.Quote(text))
	}
	return int(n), sz, nil
}

// parseScan parses a scan listing line, "msg size" (RFC 1939 section 5,
// LIST); anything after the size is ignored.
func parseScan(line string) (int, int64, error) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return 0, 0, protoErr("malformed LIST line " + errs.Quote(line))
	}
	n, ok1 := parseNumber(f[0], int64(maxListing))
	sz, ok2 := parseNumber(f[1], maxSize)
	if !ok1 || !ok2 || n == 0 {
		return 0, 0, protoErr("bad message number or size in LIST line " + errs.Quote(line))
	}
	return int(n), sz, nil
}

// parseUIDLine parses a unique-id listing line, "msg uid" (RFC 1939
// section 7): the id is printable ASCII without spaces.
func parseUIDLine(line string) (int, string, error) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return 0, "", protoErr("malformed UIDL line " + errs.Quote(line))
	}
	n, ok := parseNumber(f[0], int64(maxListing))
	uid := f[1]
	if !ok || n == 0 || !validUID(uid) {
		return 0, "", protoErr("malformed UIDL line " + errs.Quote(line))
	}
	return int(n), uid, nil
}

func validUID(s string) bool {
	if s == "" || len(s) > maxUID {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// timestamp returns the APOP timestamp of a greeting, "<...>" (RFC 1939
// section 7), or "" when there is none.
func timestamp(greeting string) string {
	i := strings.IndexByte(greeting, '<')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(greeting[i:], '>')
	if j < 2 || j >= maxTimestamp {
		return ""
	}
	ts := greeting[i : i+j+1]
	if strings.ContainsAny(ts[1:len(ts)-1], "<> \t") {
		return ""
	}
	return ts
}

// protoErr is an error of kind errs.Protocol with the package prefix.
func protoErr(msg string) error { return errs.New(errs.Protocol, "pop3: "+msg) }
