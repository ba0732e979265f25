// Command comgen writes bindings/com/mailwirecom_dual.c from the type
// library's source, bindings/com/mailwire.idl: for every member of every
// dual interface, the vtable function that early-bound hosts (VB6, VBA,
// C++, .NET through tlbimp) call, which packs its arguments into Variants
// and runs the same member through the object's IDispatch::Invoke with the
// member's DISPID, so that both ways of calling share one implementation.
// It also checks that the IDL's MwError enum holds every MW_E_* code of
// include/mailwire.h with its value. With -check it fails when the file is
// not what it would write.
//
//	go run ./tools/comgen bindings/com/mailwire.idl include/mailwire.h bindings/com/mailwirecom_dual.c
//	go run ./tools/comgen -check bindings/com/mailwire.idl include/mailwire.h bindings/com/mailwirecom_dual.c
//
// The IDL is written one member to a line:
//
//	[id(3), propget, helpstring("...")] HRESULT Subject([out, retval] BSTR *value);
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
)

var (
	ifaceRe  = regexp.MustCompile(`(?m)^\s*interface\s+(\w+)\s*:\s*IDispatch\s*\{`)
	memberRe = regexp.MustCompile(`^\s*\[(.*)\]\s*HRESULT\s+(\w+)\((.*)\);\s*$`)
	idRe     = regexp.MustCompile(`\bid\((\d+)\)`)
	paramRe  = regexp.MustCompile(`^\[([^\]]*)\]\s*(\w+)\s*(\**)\s*(\w+)$`)
	enumRe   = regexp.MustCompile(`(?m)^\s*(MW_E_\w+)\s*=\s*(-?\d+)`)
	defineRe = regexp.MustCompile(`(?m)^#define\s+(MW_E_\w+)\s+(-?\d+)`)
	quotedRe = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	splitRe  = regexp.MustCompile(`,\s*\[`)
)

// param is one parameter of a member: its C type and name, and whether it
// is the [out, retval] result.
type param struct {
	typ, name string
	retval    bool
}

// member is one vtable entry of a dual interface.
type member struct {
	name   string
	id     string
	kind   string // "", "propget", "propput" or "propputref"
	params []param
}

type iface struct {
	name    string
	members []member
}

func main() {
	check := flag.Bool("check", false, "fail when OUT is not up to date instead of writing it")
	flag.Usage = func() { fmt.Fprintln(os.Stderr, "usage: comgen [-check] IDL HEADER OUT") }
	flag.Parse()
	if flag.NArg() != 3 {
		flag.Usage()
		os.Exit(2)
	}
	idl, err := os.ReadFile(flag.Arg(0))
	if err == nil {
		var hdr []byte
		if hdr, err = os.ReadFile(flag.Arg(1)); err == nil {
			err = checkCodes(string(idl), string(hdr))
		}
	}
	var ifaces []iface
	if err == nil {
		ifaces, err = parse(string(idl))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "comgen:", err)
		os.Exit(1)
	}
	out := generate(flag.Arg(0), ifaces)
	if *check {
		old, _ := os.ReadFile(flag.Arg(2))
		if !bytes.Equal(old, out) {
			fmt.Fprintf(os.Stderr, "comgen: %s is not up to date with %s (run make windows)\n", flag.Arg(2), flag.Arg(0))
			os.Exit(1)
		}
		return
	}
	if err := os.WriteFile(flag.Arg(2), out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "comgen:", err)
		os.Exit(1)
	}
}

// checkCodes reports the MW_E_* codes of the header that the IDL's enum
// lacks or gives another value, and those it has that the header does not.
func checkCodes(idl, hdr string) error {
	want := map[string]string{}
	for _, m := range defineRe.FindAllStringSubmatch(hdr, -1) {
		want[m[1]] = m[2]
	}
	got := map[string]string{}
	for _, m := range enumRe.FindAllStringSubmatch(idl, -1) {
		got[m[1]] = m[2]
	}
	var bad []string
	for name, v := range want {
		if got[name] != v {
			bad = append(bad, fmt.Sprintf("%s is %s in the header, %q in the IDL", name, v, got[name]))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			bad = append(bad, name+" is in the IDL, not in the header")
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("enum MwError and mailwire.h disagree: %s", strings.Join(bad, "; "))
	}
	return nil
}

// parse reads the dual interfaces of the IDL, in order.
func parse(idl string) ([]iface, error) {
	var out []iface
	locs := ifaceRe.FindAllStringSubmatchIndex(idl, -1)
	for _, loc := range locs {
		it := iface{name: idl[loc[2]:loc[3]]}
		body := idl[loc[1]:]
		end := strings.Index(body, "};")
		if end < 0 {
			return nil, fmt.Errorf("interface %s has no end", it.name)
		}
		for _, line := range strings.Split(body[:end], "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			m, err := parseMember(line)
			if err != nil {
				return nil, fmt.Errorf("interface %s: %v", it.name, err)
			}
			it.members = append(it.members, m)
		}
		out = append(out, it)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no dual interface found")
	}
	return out, nil
}

// parseMember reads one member line.
func parseMember(line string) (member, error) {
	sm := memberRe.FindStringSubmatch(line)
	if sm == nil {
		return member{}, fmt.Errorf("cannot read %q (one member to a line)", strings.TrimSpace(line))
	}
	attrs := quotedRe.ReplaceAllString(sm[1], `""`)
	m := member{name: sm[2]}
	id := idRe.FindStringSubmatch(attrs)
	if id == nil {
		return m, fmt.Errorf("%s has no id()", m.name)
	}
	m.id = id[1]
	for _, a := range strings.Split(attrs, ",") {
		switch a = strings.TrimSpace(a); a {
		case "propget", "propput", "propputref":
			m.kind = a
		}
	}
	if strings.TrimSpace(sm[3]) == "" {
		return m, nil
	}
	for _, p := range splitRe.Split(sm[3], -1) {
		p = strings.TrimSpace(p)
		if !strings.HasPrefix(p, "[") {
			p = "[" + p
		}
		pm := paramRe.FindStringSubmatch(p)
		if pm == nil {
			return m, fmt.Errorf("%s: cannot read parameter %q", m.name, p)
		}
		typ := pm[2]
		if pm[3] != "" {
			typ += " " + pm[3]
		}
		m.params = append(m.params, param{typ: typ, name: pm[4], retval: strings.Contains(pm[1], "retval")})
	}
	return m, nil
}

// vartypes maps an IDL type (as an argument) to the Variant that carries it.
var vartypes = map[string][2]string{
	"BSTR":         {"VT_BSTR", "V_BSTR(&a[%d]) = %s;"},
	"long":         {"VT_I4", "V_I4(&a[%d]) = %s;"},
	"VARIANT_BOOL": {"VT_BOOL", "V_BOOL(&a[%d]) = %s;"},
}

// ctype is the C type of an IDL type in widl's header.
func ctype(t string) string {
	if strings.HasPrefix(t, "long") {
		return "LONG" + strings.TrimPrefix(t, "long")
	}
	return t
}

// resultType is the VARTYPE the result is converted to.
func resultType(t string) (string, error) {
	switch strings.TrimSuffix(t, " *") {
	case "BSTR":
		return "VT_BSTR", nil
	case "long":
		return "VT_I4", nil
	case "VARIANT_BOOL":
		return "VT_BOOL", nil
	case "VARIANT":
		return "VT_VARIANT", nil
	}
	if strings.HasSuffix(t, " **") {
		return "VT_DISPATCH", nil
	}
	return "", fmt.Errorf("no result type for %s", t)
}

func fnName(it iface, m member) string {
	switch m.kind {
	case "propget":
		return it.name + "_get_" + m.name + "_"
	case "propput":
		return it.name + "_put_" + m.name + "_"
	case "propputref":
		return it.name + "_putref_" + m.name + "_"
	}
	return it.name + "_" + m.name + "_"
}

var flagsOf = map[string]string{
	"": "DISPATCH_METHOD", "propget": "DISPATCH_PROPERTYGET",
	"propput": "DISPATCH_PROPERTYPUT", "propputref": "DISPATCH_PROPERTYPUTREF",
}

// dispatchFns are IDispatch's methods with their parameters after self.
var dispatchFns = [][3]string{
	{"QueryInterface", "REFIID riid, void **out", "riid, out"},
	{"AddRef", "", ""},
	{"Release", "", ""},
	{"GetTypeInfoCount", "UINT *n", "n"},
	{"GetTypeInfo", "UINT i, LCID lcid, ITypeInfo **out", "i, lcid, out"},
	{"GetIDsOfNames", "REFIID riid, LPOLESTR *names, UINT n, LCID lcid, DISPID *ids", "riid, names, n, lcid, ids"},
	{"Invoke", "DISPID id, REFIID riid, LCID lcid, WORD flags, DISPPARAMS *params, VARIANT *result, " +
		"EXCEPINFO *excep, UINT *argerr", "id, riid, lcid, flags, params, result, excep, argerr"},
}

func generate(src string, ifaces []iface) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `/* mailwirecom_dual.c: the vtables of the dual interfaces of %s.
 * Generated by tools/comgen from that file; do not edit.
 *
 * Each member packs its arguments into Variants (in calling order) and
 * runs through mwcom_vcall, which invokes the object's IDispatch with the
 * member's DISPID and turns the result, or a raised error, into what a
 * vtable caller expects.  The IDispatch part of every vtable is the one
 * implementation in mailwirecom.c. */
#include <initguid.h>
#include "mailwire_tlb.h"
#include "mailwirecom_dual.h"
`, src)
	for _, it := range ifaces {
		fmt.Fprintf(&b, "\n/* %s */\n\n", it.name)
		for _, d := range dispatchFns {
			ret, call := "HRESULT", "return "
			if d[0] == "AddRef" || d[0] == "Release" {
				ret = "ULONG"
			}
			params := it.name + " *self"
			if d[1] != "" {
				params += ", " + d[1]
			}
			args := "(IDispatch *)self"
			if d[2] != "" {
				args += ", " + d[2]
			}
			fmt.Fprintf(&b, "static %s STDMETHODCALLTYPE %s_%s_(%s) {\n    %smwcom_dispatch.%s(%s);\n}\n\n",
				ret, it.name, d[0], params, call, d[0], args)
		}
		for _, m := range it.members {
			writeMember(&b, it, m)
		}
		fmt.Fprintf(&b, "static const %sVtbl vtbl_%s = {\n", it.name, it.name)
		for _, d := range dispatchFns {
			fmt.Fprintf(&b, "    %s_%s_,\n", it.name, d[0])
		}
		for _, m := range it.members {
			fmt.Fprintf(&b, "    %s,\n", fnName(it, m))
		}
		fmt.Fprintf(&b, "};\n\nconst struct mwcom_dual mwcom_dual_%s = {&IID_%s, &vtbl_%s};\n", it.name, it.name, it.name)
	}
	return b.Bytes()
}

func writeMember(b *bytes.Buffer, it iface, m member) {
	params := []string{it.name + " *self"}
	var pack []string
	rt, ret := "VT_EMPTY", "NULL"
	n := 0
	for _, p := range m.params {
		params = append(params, ctype(p.typ)+" "+p.name)
		if strings.HasSuffix(params[len(params)-1], "* "+p.name) {
			params[len(params)-1] = ctype(p.typ) + p.name
		}
		if p.retval {
			var err error
			if rt, err = resultType(p.typ); err != nil {
				fmt.Fprintln(os.Stderr, "comgen:", it.name, m.name, err)
				os.Exit(1)
			}
			ret = p.name
			continue
		}
		switch {
		case p.typ == "VARIANT":
			pack = append(pack, fmt.Sprintf("a[%d] = %s;", n, p.name))
		case strings.HasSuffix(p.typ, " *"):
			pack = append(pack, fmt.Sprintf("V_VT(&a[%d]) = VT_DISPATCH; V_DISPATCH(&a[%d]) = (IDispatch *)%s;", n, n, p.name))
		default:
			vt, ok := vartypes[p.typ]
			if !ok {
				fmt.Fprintln(os.Stderr, "comgen:", it.name, m.name, "cannot pass", p.typ)
				os.Exit(1)
			}
			pack = append(pack, fmt.Sprintf("V_VT(&a[%d]) = %s; ", n, vt[0])+fmt.Sprintf(vt[1], n, p.name))
		}
		n++
	}
	fmt.Fprintf(b, "static HRESULT STDMETHODCALLTYPE %s(%s) {\n", fnName(it, m), strings.Join(params, ", "))
	args := "NULL"
	if n > 0 {
		fmt.Fprintf(b, "    VARIANT a[%d];\n", n)
		for _, p := range pack {
			fmt.Fprintf(b, "    %s\n", p)
		}
		args = "a"
	}
	fmt.Fprintf(b, "    return mwcom_vcall(self, %s, %s, %d, %s, %s, %s);\n}\n\n", m.id, flagsOf[m.kind], n, args, rt, ret)
}
