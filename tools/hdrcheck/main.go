// Command hdrcheck fails when include/mailwire.h and the built library
// disagree: a Go export (mwgo_x, wrapped by the public mw_x of
// export_wrappers.c) without its function in the header, a function of the
// header without its Go export, or one declared with another signature than
// the one cgo generated; and any exported symbol that is not part of the
// API.
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
	generated = regexp.MustCompile(`(?m)^extern[ \t]+([^;()\n]*?)\b(mwgo_\w+)\s*\(([^)]*)\)\s*;`)
	public    = regexp.MustCompile(`MW_API\s+([^;()]*?)\s*MW_CALL\s+(mw_\w+)\s*\(([^)]*)\)\s*;`)
	comment   = regexp.MustCompile(`(?s)/\*.*?\*/`)
	ident     = regexp.MustCompile(`^[A-Za-z_]\w*$`)
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: hdrcheck GENERATED.h PUBLIC.h [LIBRARY.so]")
		os.Exit(2)
	}
	gen := map[string]string{}
	for name, sig := range decls(os.Args[1], generated) {
		gen["mw_"+strings.TrimPrefix(name, "mwgo_")] = sig
	}
	pub := decls(os.Args[2], public)
	var bad []string
	for name, sig := range gen {
		switch p, ok := pub[name]; {
		case !ok:
			bad = append(bad, name+": exported by the Go code (as mwgo_) but missing from the header")
		case p != sig:
			bad = append(bad, fmt.Sprintf("%s: header says %q, library has %q", name, p, sig))
		}
	}
	for name := range pub {
		if _, ok := gen[name]; !ok {
			bad = append(bad, name+": declared in the header but the Go code exports no mwgo_ function for it")
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
	s = strings.NewReplacer("*", " * ", "mw_cchar", "const char", "mw_cvoid", "const void", "mw_cint", "const int", "mw_cllong", "const long long").Replace(s)
	f := strings.Fields(s)
	if param && len(f) > 1 && ident.MatchString(f[len(f)-1]) && f[len(f)-1] != "void" {
		f = f[:len(f)-1]
	}
	// cgo spells long long as "long long int".
	return strings.ReplaceAll(strings.Join(f, ""), "longlongint", "longlong")
}

// symbols checks that the library exports exactly the API: the wrappers
// of export_wrappers.c, not the Go functions behind them.
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
	exported := map[string]bool{}
	for _, s := range syms {
		if s.Section == elf.SHN_UNDEF || elf.ST_BIND(s.Info) != elf.STB_GLOBAL {
			continue
		}
		exported[s.Name] = true
		if _, ok := pub[s.Name]; !ok {
			bad = append(bad, s.Name+": exported symbol that the header does not declare")
		}
	}
	for name := range pub {
		if !exported[name] {
			bad = append(bad, name+": declared in the header but not exported by "+path)
		}
	}
	return bad
}
