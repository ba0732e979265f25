package wire

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailwire/core/errs"
)

// A LogOption gives the file's log, which also calls the callback, the
// callback's alone, or none; a file that cannot be opened is errs.File.
func TestLogOption(t *testing.T) {
	var l LogOption
	defer l.Close()
	if l.Current() != nil {
		t.Fatal("a log without file or callback")
	}
	var got []string
	l.SetFunc(func(line string) { got = append(got, line) })
	l.Current().Note("one")
	path := filepath.Join(t.TempDir(), "x.log")
	if err := l.Set(path); err != nil {
		t.Fatal(err)
	}
	l.Current().Note("two")
	if l.File() != l.Current() || strings.Join(got, "|") != "* one|* two" {
		t.Errorf("callback got %q", got)
	}
	if b, _ := os.ReadFile(path); !strings.HasSuffix(string(b), "* two\n") {
		t.Errorf("file has %q", b)
	}
	if err := l.Set(filepath.Join(path, "no", "x.log")); errs.KindOf(err) != errs.File {
		t.Errorf("bad path: %v", err)
	}
	if l.File() != nil {
		t.Error("a refused path left a file open")
	}
}
