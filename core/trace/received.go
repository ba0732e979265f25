package trace

import (
	"errors"
	"net/mail"
	"strings"
	"time"
)

// Received is one Received header value (RFC 5321 section 4.4): one hop.
type Received struct {
	From        string // the "from" domain or address literal as written
	FromComment string // the comment after it, usually "(host [ip])" or "(helo=x)"
	By          string
	Via         string
	With        string // the transmission type, e.g. "ESMTPSA" (as written)
	ID          string
	For         string // the address in the "for" clause, without < >
	Date        time.Time
	DateText    string // the date as written after the last ';'
}

// maxReceived bounds the input Parse looks at; real values are a few
// hundred bytes.
const maxReceived = 64 << 10

// Parse parses a Received header value, unfolded or not. It is lenient in
// what real servers write: comments anywhere (also nested), clauses in any
// order and case, Exim's words after the keyword, Microsoft's multi-word
// "with Microsoft SMTP Server", a missing date. It fails only when no clause
// at all is found.
func Parse(value string) (Received, error) {
	var r Received
	if len(value) > maxReceived {
		value = value[:maxReceived]
	}
	body, date := splitDate(value)
	r.DateText = date
	if date != "" {
		if t, err := mail.ParseDate(date); err == nil {
			r.Date = t
		}
	}
	toks := tokenize(body)
	found := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.comment {
			continue
		}
		clause := strings.ToLower(t.text)
		if !isClause(clause) || i+1 >= len(toks) || toks[i+1].comment {
			continue
		}
		val := toks[i+1].text
		i++
		switch clause {
		case "from":
			r.From = val
			if i+1 < len(toks) && toks[i+1].comment {
				r.FromComment = toks[i+1].text
			}
		case "by":
			r.By = val
		case "via":
			r.Via = val
		case "with":
			// Microsoft writes "with Microsoft SMTP Server (...)": take
			// atoms up to a comment or the next clause.
			for i+1 < len(toks) && !toks[i+1].comment && !isClause(strings.ToLower(toks[i+1].text)) && strings.HasPrefix(val, "Microsoft") {
				i++
				val += " " + toks[i].text
			}
			r.With = val
		case "id":
			r.ID = val
		case "for":
			r.For = strings.TrimSuffix(strings.TrimPrefix(val, "<"), ">")
		}
		found = true
	}
	if !found {
		return r, errors.New("trace: no from, by, via, with, id or for clause in the Received value")
	}
	return r, nil
}

func isClause(s string) bool {
	switch s {
	case "from", "by", "via", "with", "id", "for":
		return true
	}
	return false
}

// splitDate splits at the last ';' outside comments and quotes.
func splitDate(v string) (body, date string) {
	depth, quoted, last := 0, false, -1
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && (depth > 0 || quoted):
			i++
		case quoted:
			quoted = c != '"'
		case c == '"' && depth == 0:
			quoted = true
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case c == ';' && depth == 0:
			last = i
		}
	}
	if last < 0 {
		return v, ""
	}
	return v[:last], strings.TrimSpace(unfold(v[last+1:]))
}

func unfold(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

type token struct {
	text    string
	comment bool
}

// tokenize splits into atoms, quoted strings, angle addresses and comments
// (kept whole, parentheses included, nesting honoured).
func tokenize(s string) []token {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '(':
			j, depth := i, 0
			for ; j < len(s); j++ {
				if s[j] == '\\' {
					j++
					continue
				}
				if s[j] == '(' {
					depth++
				} else if s[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			end := min(j+1, len(s))
			toks = append(toks, token{unfold(s[i:end]), true})
			i = end
		case c == '<':
			j := strings.IndexByte(s[i:], '>')
			end := len(s)
			if j >= 0 {
				end = i + j + 1
			}
			toks = append(toks, token{s[i:end], false})
			i = end
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			end := min(j+1, len(s))
			toks = append(toks, token{s[i:end], false})
			i = end
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n(<\"", rune(s[j])) {
				j++
			}
			toks = append(toks, token{s[i:j], false})
			i = j
		}
	}
	return toks
}

// String formats the value as RFC 5321 section 4.4 orders it, one clause
// per present field, the date after "; " in RFC 5322 form.
func (r Received) String() string { return r.format(" ") }

// Folded returns the value as String does, folded for a header field (RFC
// 5322 section 2.2.3): the "by" and "for" clauses start new lines, so that
// the lines keep under 78 characters as far as the names in them allow.
// Unfolded, it is String's value.
func (r Received) Folded() string { return r.format("\r\n ") }

// format writes the clauses, with fold before the "by" and "for" clauses
// that follow another.
func (r Received) format(fold string) string {
	var b strings.Builder
	add := func(name, v string) {
		if v == "" {
			return
		}
		switch {
		case b.Len() > 0 && (name == "by" || name == "for"):
			b.WriteString(fold)
		case b.Len() > 0:
			b.WriteByte(' ')
		}
		b.WriteString(name)
		b.WriteByte(' ')
		b.WriteString(v)
	}
	add("from", r.From)
	if r.From != "" && r.FromComment != "" {
		b.WriteString(" " + r.FromComment)
	}
	add("by", r.By)
	add("via", r.Via)
	add("with", r.With)
	add("id", r.ID)
	if r.For != "" {
		add("for", "<"+r.For+">")
	}
	b.WriteString(";")
	if !r.Date.IsZero() {
		b.WriteString(" " + r.Date.Format(time.RFC1123Z))
	} else if r.DateText != "" {
		b.WriteString(" " + r.DateText)
	}
	return b.String()
}

// Flags returns the flags of the hop's keyword, ok false when the "with"
// value is not a registered keyword.
func (r Received) Flags() (int, bool) { return Flags(r.With) }
