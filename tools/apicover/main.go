// Command apicover fails when a binding does not reach a function of the C
// API and bindings/coverage.txt does not say why.
//
// Every function that include/mailwire.h declares (MW_API ... MW_CALL mw_...)
// must be reached by the library code of every binding (bindings/csharp,
// php with its src/, delphi, com, and cxx: the C++ wrapper
// include/mailwire.hpp): named outside its declaration, in code (comments and the binding's tests and examples do
// not count). A function a binding cannot reach is listed in
// bindings/coverage.txt, one line per function and binding, with the reason
// and the alternative the binding offers:
//
//	mw_set_log com: scripting hosts take no C callbacks; use the log_file option
//
// A line is itself an error when its function no longer exists, when the
// binding does reach it after all, or when it has no reason.
//
//	go run ./tools/apicover [ROOT]
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// A binding is one host's folder under bindings/ and the rules to read it.
type binding struct {
	name string
	dir  string
	// subdirs are folders under dir that hold library code too (PHP's
	// PSR-4 classes under src/); other folders are not read.
	subdirs []string
	// exts are the source files that hold the binding's library code.
	exts []string
	// declFiles hold only declarations (a generated FFI header): skipped.
	declFiles []string
	// declLine matches a line that declares an entry point (a DllImport, an
	// external function); names on it are not uses.
	declLine *regexp.Regexp
	lang     lang
}

// bindings lists every host. Files whose names start with "test" or
// "example" (any case) are tests and examples, not the binding.
var bindings = []binding{
	{name: "csharp", dir: "bindings/csharp", exts: []string{".cs"}, declLine: regexp.MustCompile(`\bextern\b`), lang: langC},
	{name: "php", dir: "bindings/php", subdirs: []string{"src"}, exts: []string{".php"}, lang: langPHP},
	{name: "delphi", dir: "bindings/delphi", exts: []string{".pas"}, declLine: regexp.MustCompile(`(?i)\bexternal\b`), lang: langPascal},
	// The shim's MW_FUNCS table in mailwirecom.h only declares.
	{name: "com", dir: "bindings/com", exts: []string{".c"}, declFiles: []string{"mailwirecom.h"}, lang: langC},
	// The C++ wrapper, include/mailwire.hpp, beside the header it wraps.
	{name: "cxx", dir: "include", exts: []string{".hpp"}, lang: langC},
}

const (
	header     = "include/mailwire.h"
	exceptions = "bindings/coverage.txt"
)

var (
	exportRe  = regexp.MustCompile(`MW_API\s+[^;()]*?\bMW_CALL\s+(mw_\w+)\s*\(`)
	cComment  = regexp.MustCompile(`(?s)/\*.*?\*/`)
	nameRe    = regexp.MustCompile(`\bmw_\w+\b`)
	exceptRe  = regexp.MustCompile(`^(mw_\w+)\s+([a-z]+):\s*(.*)$`)
	testNames = regexp.MustCompile(`(?i)^(test|example)`)
)

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	report, problems, err := check(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "apicover:", err)
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "apicover:", p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(os.Stderr, "apicover: %d problem(s): reach the function from the binding, or say why in %s\n",
			len(problems), exceptions)
		os.Exit(1)
	}
	fmt.Println(report)
}

// check compares the header's functions with what each binding reaches and
// with the exception lines. It returns a one-line summary and the problems.
func check(root string) (string, []string, error) {
	src, err := os.ReadFile(filepath.Join(root, header))
	if err != nil {
		return "", nil, err
	}
	exports := map[string]bool{}
	for _, m := range exportRe.FindAllStringSubmatch(cComment.ReplaceAllString(string(src), " "), -1) {
		exports[m[1]] = true
	}
	if len(exports) == 0 {
		return "", nil, fmt.Errorf("%s declares no functions", header)
	}
	excepted, problems, err := readExceptions(root, exports)
	if err != nil {
		return "", nil, err
	}
	summary := []string{fmt.Sprintf("%d functions", len(exports))}
	for _, b := range bindings {
		reached, err := b.reached(root)
		if err != nil {
			return "", nil, err
		}
		n, skipped := 0, 0
		for _, f := range sorted(exports) {
			key := f + " " + b.name
			switch {
			case reached[f] && excepted[key]:
				problems = append(problems, fmt.Sprintf("%s: %s reaches %s, so its line in %s must go", key, b.name, f, exceptions))
			case reached[f]:
				n++
			case excepted[key]:
				skipped++
			default:
				problems = append(problems, fmt.Sprintf("%s: not reached by the %s binding (%s)", key, b.name, b.dir))
			}
		}
		summary = append(summary, fmt.Sprintf("%s %d reached, %d excepted", b.name, n, skipped))
	}
	return "apicover: " + strings.Join(summary, "; "), problems, nil
}

// readExceptions reads bindings/coverage.txt: "mw_name binding: reason"
// lines; blank lines and lines starting with # are skipped.
func readExceptions(root string, exports map[string]bool) (map[string]bool, []string, error) {
	b, err := os.ReadFile(filepath.Join(root, exceptions))
	if err != nil {
		return nil, nil, err
	}
	known := map[string]bool{}
	for _, bd := range bindings {
		known[bd.name] = true
	}
	excepted := map[string]bool{}
	var problems []string
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		where := fmt.Sprintf("%s:%d", exceptions, i+1)
		m := exceptRe.FindStringSubmatch(line)
		switch {
		case m == nil:
			problems = append(problems, where+`: not "mw_name binding: reason"`)
		case !exports[m[1]]:
			problems = append(problems, fmt.Sprintf("%s: %s is not a function of %s any more", where, m[1], header))
		case !known[m[2]]:
			problems = append(problems, fmt.Sprintf("%s: no binding named %q", where, m[2]))
		case strings.TrimSpace(m[3]) == "":
			problems = append(problems, where+": the reason is missing")
		case excepted[m[1]+" "+m[2]]:
			problems = append(problems, where+": said twice")
		default:
			excepted[m[1]+" "+m[2]] = true
		}
	}
	return excepted, problems, nil
}

// reached returns the mw_ names the binding's library code uses, in its
// folder and in its subdirs.
func (b binding) reached(root string) (map[string]bool, error) {
	names := map[string]bool{}
	files := 0
	for _, sub := range append([]string{"."}, b.subdirs...) {
		n, err := b.read(filepath.Join(root, b.dir, sub), names)
		if err != nil {
			return nil, err
		}
		files += n
	}
	if files == 0 {
		return nil, fmt.Errorf("%s: no source files", b.dir)
	}
	return names, nil
}

// read adds the mw_ names used by the source files of one folder (not its
// subfolders) to names and returns how many files it read.
func (b binding) read(dir string, names map[string]bool) (int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) && filepath.Base(dir) != "." {
		return 0, nil // a subfolder the binding does not have (yet)
	}
	if err != nil {
		return 0, err
	}
	files := 0
	for _, e := range entries {
		if e.IsDir() || !b.source(e.Name()) {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return 0, err
		}
		files++
		for _, line := range strings.Split(b.lang.code(string(src)), "\n") {
			if b.declLine != nil && b.declLine.MatchString(line) {
				continue
			}
			for _, n := range nameRe.FindAllString(line, -1) {
				names[n] = true
			}
		}
	}
	return files, nil
}

// source tells whether a file in the binding's folder is library code.
func (b binding) source(name string) bool {
	if testNames.MatchString(name) {
		return false
	}
	for _, d := range b.declFiles {
		if name == d {
			return false
		}
	}
	for _, x := range b.exts {
		if strings.HasSuffix(name, x) {
			return true
		}
	}
	return false
}

func sorted(m map[string]bool) []string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}
