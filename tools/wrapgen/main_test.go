package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// The committed export_wrappers.c is what the header gives.
func TestCommittedFileUpToDate(t *testing.T) {
	hdr, err := os.ReadFile("../../include/mailwire.h")
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(string(hdr))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../export_wrappers.c")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("export_wrappers.c is out of date: go run ./tools/wrapgen include/mailwire.h export_wrappers.c")
	}
}

// Each return type gets its refused value, and the call forwards every
// parameter by name.
func TestWrappers(t *testing.T) {
	for _, c := range []struct{ decl, want string }{
		{"MW_API int MW_CALL mw_a(void);",
			"MW_API int MW_CALL mw_a(void) {\n    MW_ENTER(MW_E_STATE);\n    return mwgo_a();\n}"},
		{"MW_API long long MW_CALL mw_b(int h, int number);",
			"MW_API long long MW_CALL mw_b(int h, int number) {\n    MW_ENTER(MW_E_STATE);\n    return mwgo_b(h, number);\n}"},
		{"MW_API const char *MW_CALL mw_c(int msg, const char *name);",
			"MW_API const char *MW_CALL mw_c(int msg, const char *name) {\n    MW_ENTER(NULL);\n    return mwgo_c(msg, name);\n}"},
		{"MW_API   const char*   MW_CALL mw_errmsg( int handle );",
			"MW_API const char *MW_CALL mw_errmsg(int handle) {\n    MW_ENTER(MWC_FORK_TEXT);\n    return mwgo_errmsg(handle);\n}"},
		{"MW_API void MW_CALL mw_d(void *p);",
			"MW_API void MW_CALL mw_d(void *p) {\n    MW_ENTER_VOID();\n    mwgo_d(p);\n}"},
		{"/* MW_API int MW_CALL mw_gone(void); */ MW_API int MW_CALL mw_e(int smtp, const int *msgs,\n int count);",
			"MW_API int MW_CALL mw_e(int smtp, const int *msgs, int count) {\n    MW_ENTER(MW_E_STATE);\n    return mwgo_e(smtp, msgs, count);\n}"},
	} {
		out, err := generate(c.decl)
		if err != nil {
			t.Errorf("%q: %v", c.decl, err)
			continue
		}
		if !strings.Contains(string(out), "\n"+c.want+"\n") {
			t.Errorf("%q gives\n%s\nwant\n%s", c.decl, out, c.want)
		}
		if strings.Contains(string(out), "mw_gone") {
			t.Errorf("%q: a declaration in a comment was wrapped", c.decl)
		}
	}
}

// What the generator cannot wrap safely is an error, not a guess.
func TestRefusesWhatItCannotWrap(t *testing.T) {
	for _, decl := range []string{
		"MW_API int MW_CALL mw_a(int);",                 // unnamed parameter
		"MW_API int MW_CALL mw_a(const char *);",        // unnamed pointer
		"MW_API double MW_CALL mw_a(void);",             // no refused value for double
		"MW_API char *MW_CALL mw_a(void);",              // nor for a caller-owned pointer
		"int mw_not_api(void); /* no MW_API at all */ ", // nothing to wrap
	} {
		if out, err := generate(decl); err == nil {
			t.Errorf("%q: no error; generated\n%s", decl, out)
		}
	}
}
