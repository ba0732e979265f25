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
// parameter by name, directly and through the struct of the handoff.
func TestWrappers(t *testing.T) {
	for _, c := range []struct{ decl, want string }{
		{"MW_API int MW_CALL mw_a(void);", `
struct mwc_a_a {
    int ret;
};

static void mwc_r_a(void *p) {
    struct mwc_a_a *a = p;
    a->ret = mwgo_a();
}

MW_API int MW_CALL mw_a(void) {
    MW_ENTER(MW_E_STATE);
    if (MWC_HANDOFF()) {
        struct mwc_a_a a = {0};
        mwc_handoff(mwc_r_a, &a);
        return a.ret;
    }
    return mwgo_a();
}
`},
		{"MW_API long long MW_CALL mw_b(int h, int number);", `
struct mwc_a_b {
    int h;
    int number;
    long long ret;
};

static void mwc_r_b(void *p) {
    struct mwc_a_b *a = p;
    a->ret = mwgo_b(a->h, a->number);
}

MW_API long long MW_CALL mw_b(int h, int number) {
    MW_ENTER(MW_E_STATE);
    if (MWC_HANDOFF()) {
        struct mwc_a_b a = {h, number};
        mwc_handoff(mwc_r_b, &a);
        return a.ret;
    }
    return mwgo_b(h, number);
}
`},
		{"MW_API const char *MW_CALL mw_c(int msg, const char *name);", `
struct mwc_a_c {
    int msg;
    const char *name;
    const char *ret;
};
`},
		{"MW_API const char *MW_CALL mw_c(int msg, const char *name);", `
    MW_ENTER(NULL);
    if (MWC_HANDOFF()) {
        struct mwc_a_c a = {msg, name};
        mwc_handoff(mwc_r_c, &a);
        return a.ret;
    }
    return mwgo_c(msg, name);
}
`},
		{"MW_API   const char*   MW_CALL mw_errmsg( int handle );", `
MW_API const char *MW_CALL mw_errmsg(int handle) {
    MW_ENTER(MWC_FORK_TEXT);
`},
		{"MW_API void MW_CALL mw_d(void *p);", `
struct mwc_a_d {
    void *p;
};

static void mwc_r_d(void *p) {
    struct mwc_a_d *a = p;
    mwgo_d(a->p);
}

MW_API void MW_CALL mw_d(void *p) {
    MW_ENTER_VOID();
    if (MWC_HANDOFF()) {
        struct mwc_a_d a = {p};
        mwc_handoff(mwc_r_d, &a);
        return;
    }
    mwgo_d(p);
}
`},
		{"MW_API void MW_CALL mw_f(void);", `
static void mwc_r_f(void *p) {
    (void)p;
    mwgo_f();
}

MW_API void MW_CALL mw_f(void) {
    MW_ENTER_VOID();
    if (MWC_HANDOFF()) {
        mwc_handoff(mwc_r_f, NULL);
        return;
    }
    mwgo_f();
}
`},
		{"/* MW_API int MW_CALL mw_gone(void); */ MW_API int MW_CALL mw_e(int smtp, const int *msgs,\n int count);", `
    a->ret = mwgo_e(a->smtp, a->msgs, a->count);
`},
	} {
		out, err := generate(c.decl)
		if err != nil {
			t.Errorf("%q: %v", c.decl, err)
			continue
		}
		if !strings.Contains(string(out), c.want) {
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
