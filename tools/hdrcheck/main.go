// Command hdrcheck fails when include/mailwire.h and the built library
// disagree: a function exported by the library but missing from the header,
// declared in the header but not exported, or declared with another
// signature than the one cgo generated; and any exported symbol that is not
// part of the API.
//
//	go run ./tools/hdrcheck build/obj/libmailwire.h include/mailwire.h build/libmailwire.so
package main

import (
	"debug/elf"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

var (
	generated = regexp.MustCompile(`(?m)^extern[ \t]+([^;()\n]*?)\b(mw_\w+)\s*\(([^)]*)\)\s*;`)
	public    = regexp.MustCompile(`MW_API\s+([^;()]*?)\s*MW_CALL\s+(mw_\w+)\s*\(([^)]*)\)\s*;`)
	comment   = regexp.MustCompile(`(?s)/\*.*?\*/`)
	ident     = regexp.MustCompile(`^[A-Za-z_]\w*$`)
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: hdrcheck GENERATED.h PUBLIC.h [LIBRARY.so]")
		os.Exit(2)
	}
	gen := decls(os.Args[1], generated)
	pub := decls(os.Args[2], public)
	var bad []string
	for name, sig := range gen {
		switch p, ok := pub[name]; {
		case !ok:
			bad = append(bad, name+": exported by the library but missing from the header")
		case p != sig:
			bad = append(bad, fmt.Sprintf("%s: header says %q, library has %q", name, p, sig))
		}
	}
	for name := range pub {
		if _, ok := gen[name]; !ok {
			bad = append(bad, name+": declared in the header but not exported by the library")
		}
	}
	if len(os.Args) > 3 {
		bad = append(bad, symbols(os.Args[3], pub)...)
	}
	sort.Strings(bad)
	for _, b := range bad {
		fmt.Fprintln(os.Stderr, "hdrcheck:", b)
	}
	if len(bad) > 0 {
		os.Exit(1)
	}
	fmt.Printf("hdrcheck: %d functions, header and library agree\n", len(pub))
}

// decls maps each function name to its normalised signature.
func decls(path string, re *regexp.Regexp) map[string]string {
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hdrcheck:", err)
		os.Exit(2)
	}
	src := comment.ReplaceAllString(string(b), " ")
	m := map[string]string{}
	for _, d := range re.FindAllStringSubmatch(src, -1) {
		var params []string
		for _, p := range strings.Split(d[3], ",") {
			params = append(params, normType(p, true))
		}
		m[d[2]] = normType(d[1], false) + "(" + strings.Join(params, ",") + ")"
	}
	return m
}

// normType drops a parameter's name, spells cgo's const typedefs out and
// removes blanks, so "mw_cchar* keyword" and "const char *keyword" compare
// equal.
func normType(s string, param bool) string {
	s = strings.NewReplacer("*", " * ", "mw_cchar", "const char", "mw_cvoid", "const void", "mw_cint", "const int").Replace(s)
	f := strings.Fields(s)
	if param && len(f) > 1 && ident.MatchString(f[len(f)-1]) && f[len(f)-1] != "void" {
		f = f[:len(f)-1]
	}
	// cgo spells long long as "long long int".
	return strings.ReplaceAll(strings.Join(f, ""), "longlongint", "longlong")
}

// symbols checks that the library exports exactly the API.
func symbols(path string, pub map[string]string) []string {
	f, err := elf.Open(path)
	if err != nil {
		return []string{"cannot read " + path + ": " + err.Error()}
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		return []string{"no dynamic symbols in " + path + ": " + err.Error()}
	}
	var bad []string
	for _, s := range syms {
		if s.Section == elf.SHN_UNDEF || elf.ST_BIND(s.Info) != elf.STB_GLOBAL {
			continue
		}
		if _, ok := pub[s.Name]; !ok {
			bad = append(bad, s.Name+": exported symbol that the header does not declare")
		}
	}
	return bad
}
