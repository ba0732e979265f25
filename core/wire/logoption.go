package wire

import (
	"fmt"

	"mailwire/core/errs"
)

// LogOption is the protocol log a handle gives its connections: the file
// of its log_file option, a callback of the host (the C API's mw_set_log),
// both, or none. It is changed only while no connection uses it.
type LogOption struct {
	file *Log              // the log_file's
	fn   func(line string) // the callback, nil when none
	cb   *Log              // the callback's when there is no log_file
}

// Set opens the log file at path (appending), closing the previous one;
// "" turns the file off. A file that cannot be opened is errs.File.
func (l *LogOption) Set(path string) error {
	if err := CheckLine("log_file", path); err != nil {
		return err
	}
	l.Close()
	if path == "" {
		return nil
	}
	lg, err := OpenLog(path)
	if err != nil {
		return errs.E(errs.File, fmt.Errorf("log_file: %w", err))
	}
	l.file = lg
	return nil
}

// SetFunc sets the callback (nil removes it).
func (l *LogOption) SetFunc(fn func(line string)) { l.fn, l.cb = fn, nil }

// Current returns the log for a new connection: the file's, which also
// calls the callback, the callback's alone, or nil.
func (l *LogOption) Current() *Log {
	switch {
	case l.file != nil:
		l.file.SetFunc(l.fn)
		return l.file
	case l.fn != nil:
		if l.cb == nil {
			l.cb = NewFuncLog(l.fn)
		}
		return l.cb
	}
	return nil
}

// File returns the log file alone (nil when none), for connections shared
// by threads, where a host callback could be called on the wrong thread.
func (l *LogOption) File() *Log { return l.file }

// Close closes the log file.
func (l *LogOption) Close() {
	if l.file != nil {
		l.file.Close()
		l.file = nil
	}
}
