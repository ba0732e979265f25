package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// tree is a small repository: a header with mw_a and mw_b, and bindings
// that reach both (each in its own way of calling).
func tree() map[string]string {
	return map[string]string{
		header: `/* mw_comment is not a function */
MW_API int MW_CALL mw_a(void);
MW_API const char *MW_CALL mw_b(int h);
typedef void (MW_CALL *mw_cb_fn)(void *user);
`,
		exceptions: "# nothing\n",
		"bindings/csharp/Native.cs": `[DllImport(Lib)] internal static extern int mw_a();
[DllImport(Lib)] internal static extern IntPtr mw_b(int h);
class X { int F() { return Native.mw_a() + S(Native.mw_b(1)).Length; } }
`,
		"bindings/php/Lib.php":       "<?php\n$ffi->mw_a();\n$f = 'mw_b'; // by name\n",
		"bindings/php/gen.h":         "int mw_a(void);",
		"bindings/delphi/Mw.pas":     "function mw_a: Integer; cdecl; external Lib name 'mw_a';\nfunction mw_b(H: Integer): PAnsiChar; cdecl; external Lib name 'mw_b';\nbegin X := mw_a; Y := mw_b(X); end.\n",
		"bindings/com/shim.c":        "int f(void) { return mw.mw_a() + !mw.mw_b(0); }\n",
		"bindings/com/mailwirecom.h": "X(int, mw_a, (void)) X(int, mw_b, (int)) X(int, mw_c, (void))\n",
		"include/mailwire.hpp":       "inline int a() { return mw_a(); } // mw_b\ninline const char *b(int h) { return mw_b(h); }\n",
	}
}

func write(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestCheck(t *testing.T) {
	newExport := func(f map[string]string) { f[header] += "MW_API int MW_CALL mw_c(int h);\n" }
	reachCEverywhereButCom := func(f map[string]string) {
		newExport(f)
		f["bindings/csharp/More.cs"] = "class Y { void G() { Native.mw_c(1); } }"
		f["bindings/php/More.php"] = "<?php $ffi->mw_c(1);"
		f["bindings/delphi/Mw.pas"] += "begin mw_c(1); end.\n"
		f["include/mailwire.hpp"] += "inline int c(int h) { return mw_c(h); }\n"
	}
	tests := []struct {
		name  string
		edit  func(map[string]string)
		wants []string // substrings of the problems, in order
	}{
		{"every binding reaches every function", func(map[string]string) {}, nil},
		{"a new function that no binding reaches", newExport, []string{
			"mw_c com: not reached", "mw_c csharp: not reached", "mw_c cxx: not reached", "mw_c delphi: not reached", "mw_c php: not reached"}},
		{"a new function that one binding misses", reachCEverywhereButCom, []string{"mw_c com: not reached"}},
		{"a reasoned exception", func(f map[string]string) {
			reachCEverywhereButCom(f)
			f[exceptions] += "mw_c com: scripts cannot take it; use the option instead\n"
		}, nil},
		{"an exception for a function the binding reaches", func(f map[string]string) {
			f[exceptions] += "mw_a php: not needed\n"
		}, []string{"mw_a php: php reaches mw_a, so its line in bindings/coverage.txt must go"}},
		{"an exception for a function that is gone", func(f map[string]string) {
			f[exceptions] += "mw_gone com: was a callback\n"
		}, []string{"bindings/coverage.txt:2: mw_gone is not a function"}},
		{"bad exception lines", func(f map[string]string) {
			reachCEverywhereButCom(f)
			f[exceptions] += "mw_c com:\nmw_c vb: no such binding\nmw_c com reason without a colon\nmw_c com: once\nmw_c com: twice\n"
		}, []string{
			"coverage.txt:2: the reason is missing", `coverage.txt:3: no binding named "vb"`,
			`coverage.txt:4: not "mw_name binding: reason"`, "coverage.txt:6: said twice"}},
		{"comments, declarations, tests and examples do not count", func(f map[string]string) {
			newExport(f)
			f["bindings/csharp/Native.cs"] += "[DllImport(Lib)] internal static extern int mw_c(int h); // see mw_c\n/* mw_c */\n"
			f["bindings/csharp/Tests.cs"] = "Native.mw_c(1);"
			f["bindings/php/Lib.php"] += "# mw_c\n/* mw_c(1) */\n$s = \"// not a comment\"; $ffi->mw_a();\n"
			f["bindings/php/example.php"] = "<?php $ffi->mw_c(1);"
			f["bindings/php/gen.h"] += "int mw_c(int);"
			f["bindings/delphi/Mw.pas"] += "{ mw_c } (* mw_c *) // mw_c\nfunction mw_c(H: Integer): Integer; cdecl; external Lib name 'mw_c';\n"
			f["bindings/delphi/test.dpr"] = "begin mw_c(1); end."
			f["include/mailwire.hpp"] += "/* mw_c(h) */ // mw_c\n"
		}, []string{"mw_c com: not reached", "mw_c csharp: not reached", "mw_c cxx: not reached", "mw_c delphi: not reached", "mw_c php: not reached"}},
		{"library code in a subfolder the binding names counts, in others not", func(f map[string]string) {
			newExport(f)
			f["bindings/csharp/More.cs"] = "class Y { void G() { Native.mw_c(1); } }"
			f["bindings/php/src/Smtp.php"] = "<?php $f = 'mw_c';"
			f["bindings/delphi/sub/Mw2.pas"] = "begin mw_c(1); end.\n"
			f["bindings/php/vendor/x/Y.php"] = "<?php $ffi->mw_c(1);"
		}, []string{"mw_c com: not reached", "mw_c cxx: not reached", "mw_c delphi: not reached"}},
		{"a subfolder does not hide a miss", func(f map[string]string) {
			newExport(f)
			f["bindings/php/src/Smtp.php"] = "<?php // mw_c\n$ffi->mw_a();"
		}, []string{"mw_c com: not reached", "mw_c csharp: not reached", "mw_c cxx: not reached", "mw_c delphi: not reached", "mw_c php: not reached"}},
		{"a comment marker inside a string literal", func(f map[string]string) {
			reachCEverywhereButCom(f)
			f["bindings/com/shim.c"] += "const char *u = \"smtp://x\"; int g(void) { return mw.mw_c(1); }\n"
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := tree()
			tt.edit(files)
			_, problems, err := check(write(t, files))
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(problems)
			if len(problems) != len(tt.wants) {
				t.Fatalf("problems:\n%s\nwant %d", strings.Join(problems, "\n"), len(tt.wants))
			}
			for i, w := range tt.wants {
				if !strings.Contains(problems[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, problems[i], w)
				}
			}
		})
	}
}

func TestSummary(t *testing.T) {
	files := tree()
	files[header] += "MW_API int MW_CALL mw_c(int h);\n"
	for _, b := range []string{"csharp", "php", "delphi", "com", "cxx"} {
		files[exceptions] += "mw_c " + b + ": a reason\n"
	}
	report, problems, err := check(write(t, files))
	if err != nil || problems != nil {
		t.Fatal(err, problems)
	}
	want := "apicover: 3 functions; csharp 2 reached, 1 excepted; php 2 reached, 1 excepted; " +
		"delphi 2 reached, 1 excepted; com 2 reached, 1 excepted; cxx 2 reached, 1 excepted"
	if report != want {
		t.Errorf("report = %q, want %q", report, want)
	}
}

func TestCode(t *testing.T) {
	tests := []struct {
		lang lang
		src  string
		want string
	}{
		{langC, "a // b\nc /* d\ne */ f", "a  \nc \n  f"},
		{langC, `s = "/* x */"; t = '"'; u = "a\"//"; v`, `s = "/* x */"; t = '"'; u = "a\"//"; v`},
		{langC, `p = @"C:\"; q /* r */`, `p = @"C:\"; q  `},
		{langPHP, "a # b\n$c = 'd # e'; /* f */ g", "a  \n$c = 'd # e';   g"},
		{langPascal, "a { b } c (* d *) e // f\ns := 'it''s { not }';", "a   c   e  \ns := 'it''s { not }';"},
	}
	for _, tt := range tests {
		if got := tt.lang.code(tt.src); got != tt.want {
			t.Errorf("code(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
	if bindings[3].source("mailwirecom.h") || !bindings[0].source("Clients.cs") ||
		bindings[0].source("Tests.cs") || bindings[1].source("example.php") {
		t.Error("source picks the wrong files")
	}
}
