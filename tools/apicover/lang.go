package main

import "strings"

// A lang knows how comments and string literals look in one language, so
// that code can be read without its comments.
type lang struct {
	line   []string    // line comment starts
	block  [][2]string // block comment start and end
	quotes string      // string and character delimiters
	// backslash is true when a backslash escapes the next character inside
	// a literal (C, C#, PHP); Pascal doubles the quote instead.
	backslash bool
	// verbatim is the prefix of a literal without escapes (C#'s @"...").
	verbatim string
}

var (
	langC      = lang{line: []string{"//"}, block: [][2]string{{"/*", "*/"}}, quotes: `"'`, backslash: true, verbatim: `@"`}
	langPHP    = lang{line: []string{"//", "#"}, block: [][2]string{{"/*", "*/"}}, quotes: `"'`, backslash: true}
	langPascal = lang{line: []string{"//"}, block: [][2]string{{"{", "}"}, {"(*", "*)"}}, quotes: `'`}
)

// code returns src with every comment blanked out; line breaks stay where
// they were, so that lines keep their numbers, and string literals stay.
func (l lang) code(src string) string {
	var out strings.Builder
	for i := 0; i < len(src); {
		if n := l.comment(src[i:]); n > 0 {
			for _, c := range src[i : i+n] {
				if c == '\n' {
					out.WriteByte('\n')
				}
			}
			out.WriteByte(' ')
			i += n
			continue
		}
		n := l.literal(src[i:])
		if n == 0 {
			n = 1
		}
		out.WriteString(src[i : i+n])
		i += n
	}
	return out.String()
}

// comment returns the length of the comment that starts s, or 0.
func (l lang) comment(s string) int {
	for _, p := range l.line {
		if strings.HasPrefix(s, p) {
			if end := strings.IndexByte(s, '\n'); end >= 0 {
				return end
			}
			return len(s)
		}
	}
	for _, b := range l.block {
		if strings.HasPrefix(s, b[0]) {
			if end := strings.Index(s[len(b[0]):], b[1]); end >= 0 {
				return len(b[0]) + end + len(b[1])
			}
			return len(s)
		}
	}
	return 0
}

// literal returns the length of the string or character literal that
// starts s, or 0.
func (l lang) literal(s string) int {
	if l.verbatim != "" && strings.HasPrefix(s, l.verbatim) {
		q := l.verbatim[len(l.verbatim)-1]
		for i := len(l.verbatim); i < len(s); i++ {
			if s[i] == q {
				if i+1 < len(s) && s[i+1] == q {
					i++
					continue
				}
				return i + 1
			}
		}
		return len(s)
	}
	if len(s) == 0 || strings.IndexByte(l.quotes, s[0]) < 0 {
		return 0
	}
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch {
		case l.backslash && s[i] == '\\':
			i++
		case s[i] == q:
			return i + 1
		case s[i] == '\n' && !l.backslash:
			return i // an unterminated Pascal literal ends with its line
		}
	}
	return len(s)
}
