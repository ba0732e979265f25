package wire

import (
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Log is a protocol log: one line per command and reply, prefixed "C: " or
// "S: ". Secrets never reach it: commands that carry them are written with
// Conn.WriteSecretLine, and SASL exchanges are logged as "<secret>".
type Log struct {
	mu  sync.Mutex
	w   io.Writer
	f   *os.File
	fn  func(line string)
	buf []byte
}

// NewLog logs to w.
func NewLog(w io.Writer) *Log { return &Log{w: w} }

// NewFuncLog logs to fn: one call per line, without the timestamp and the
// line end.
func NewFuncLog(fn func(line string)) *Log { return &Log{fn: fn} }

// SetFunc makes the log also call fn (nil: no more) with each line, as
// NewFuncLog's does. It must not be called while the log is in use.
func (l *Log) SetFunc(fn func(line string)) { l.fn = fn }

// OpenLog appends to the file at path, creating it (mode 0600: a log shows
// addresses and server details).
func OpenLog(path string) (*Log, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return &Log{w: f, f: f}, nil
}

// Line writes one log line: a timestamp, prefix, then b with control
// characters other than tab, and bytes that are not UTF-8, shown as '?'.
func (l *Log) Line(prefix string, b []byte) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = time.Now().AppendFormat(l.buf[:0], "15:04:05.000 ")
	start := len(l.buf)
	l.buf = append(l.buf, prefix...)
	for _, c := range b {
		if c < 0x20 && c != '\t' || c == 0x7f {
			c = '?'
		}
		l.buf = append(l.buf, c)
	}
	if !utf8.Valid(l.buf[start:]) {
		l.buf = append(l.buf[:start], strings.ToValidUTF8(string(l.buf[start:]), "?")...)
	}
	if l.fn != nil {
		l.fn(string(l.buf[start:]))
	}
	if l.w != nil {
		l.buf = append(l.buf, '\n')
		l.w.Write(l.buf)
	}
}

// Note writes a free-form line, such as "TLS established".
func (l *Log) Note(s string) { l.Line("* ", []byte(s)) }

// Close closes the log file, if the log owns one.
func (l *Log) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	return l.f.Close()
}
