package syntax

import (
	"net"
	"strings"
	"testing"
)

func TestIsDomain(t *testing.T) {
	tests := map[string]bool{
		"example.com": true, "localhost": true, "a-b.c9": true, "XN--bcher-kva.example": true,
		"bücher.example": true, "1.2.3.4": true, strings.Repeat("a", 63) + ".x": true,
		"": false, ".example.com": false, "example.com.": false, "a..b": false, "-a.b": false, "a-.b": false,
		"a_b.example": false, "a b": false, "exa!mple.com": false, "[1.2.3.4]": false, "a@b": false,
		strings.Repeat("a", 64) + ".x": false, strings.Repeat("a.", 128) + "a": false, "a\x00b": false,
	}
	for in, want := range tests {
		if got := IsDomain(in); got != want {
			t.Errorf("IsDomain(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestIsAddressLiteral(t *testing.T) {
	tests := map[string]bool{
		"[192.0.2.1]": true, "[IPv6:2001:db8::1]": true, "[IPv6:::ffff:192.0.2.1]": true,
		"[::1]": false, "[IPv6:192.0.2.1]": false, "[192.0.2]": false, "[192.0.2.256]": false,
		"192.0.2.1": false, "[]": false, "[x]": false, "[IPv6:2001:db8::1": false, "[tag:x]": false,
	}
	for in, want := range tests {
		if got := IsAddressLiteral(in); got != want {
			t.Errorf("IsAddressLiteral(%q) = %v, want %v", in, got, want)
		}
	}
	for ip, want := range map[string]string{"192.0.2.1": "[192.0.2.1]", "::ffff:192.0.2.1": "[192.0.2.1]",
		"2001:db8::1": "[IPv6:2001:db8::1]"} {
		got := AddressLiteral(net.ParseIP(ip))
		if got != want || !IsAddressLiteral(got) {
			t.Errorf("AddressLiteral(%s) = %q, want %q", ip, got, want)
		}
	}
}

func TestIsLocalPart(t *testing.T) {
	tests := map[string]bool{
		"alice": true, "a.b": true, "a+tag": true, "!#$%&'*+-/=?^_`{|}~": true, "ü": true,
		`""`: true, `"a b"`: true, `"a\"b"`: true, `"a\\b"`: true, `"a@b"`: true,
		"": false, ".a": false, "a.": false, "a..b": false, "a b": false, "a@b": false, "a(b)": false,
		`"`: false, `"a"b"`: false, `"a\"`: false, "\"a\rb\"": false, "\"a\\\x01\"": false, `a"b"`: false,
		strings.Repeat("a", MaxLocalPart+1): false,
	}
	for in, want := range tests {
		if got := IsLocalPart(in); got != want {
			t.Errorf("IsLocalPart(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestMailbox(t *testing.T) {
	tests := []struct {
		addr, local, domain string
		split, valid        bool
	}{
		{"alice@example.com", "alice", "example.com", true, true},
		{`"a@b"@example.com`, `"a@b"`, "example.com", true, true},
		{`"a\"@"@example.com`, `"a\"@"`, "example.com", true, true},
		{"user@[192.0.2.1]", "user", "[192.0.2.1]", true, true},
		{"ü@bücher.example", "ü", "bücher.example", true, true},
		{"a@evil.com@good.com", "a@evil.com", "good.com", true, false},
		{"postmaster", "", "", false, false},
		{"@example.com", "", "", false, false},
		{"alice@", "", "", false, false},
		{"alice@exa_mple.com", "alice", "exa_mple.com", true, false},
		{"alice@[1.2.3]", "alice", "[1.2.3]", true, false},
	}
	for _, tt := range tests {
		local, domain, ok := SplitMailbox(tt.addr)
		if local != tt.local || domain != tt.domain || ok != tt.split {
			t.Errorf("SplitMailbox(%q) = %q, %q, %v", tt.addr, local, domain, ok)
		}
		if got := IsMailbox(tt.addr); got != tt.valid {
			t.Errorf("IsMailbox(%q) = %v, want %v", tt.addr, got, tt.valid)
		}
	}
}

func TestIndexUnquoted(t *testing.T) {
	tests := []struct {
		s     string
		c     byte
		last  bool
		index int
	}{
		{`<a@b> X`, '>', false, 4},
		{`<"a>b"@c> X`, '>', false, 8},
		{`<"a\">"@c>`, '>', false, 9},
		{`<"a@b`, '>', false, -1},
		{`a@b@c`, '@', true, 3},
		{`"a@b"@c`, '@', true, 5},
		{`a@b`, '@', false, 1},
	}
	for _, tt := range tests {
		if got := IndexUnquoted(tt.s, tt.c, tt.last); got != tt.index {
			t.Errorf("IndexUnquoted(%q, %q, %v) = %d, want %d", tt.s, tt.c, tt.last, got, tt.index)
		}
	}
}

func TestXtext(t *testing.T) {
	for in, want := range map[string]string{"a+b=c d": "a+2Bb+3Dc+20d", "plain": "plain", "\x7f\xc3": "+7F+C3", "": ""} {
		if got := Xtext(in); got != want || !IsXtext(got) {
			t.Errorf("Xtext(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]bool{"+41": true, "abc+2B": true, "+4": false, "+4g": false, "+4a": false,
		"a=b": false, "a b": false, "é": false, "+": false} {
		if got := IsXtext(in); got != want {
			t.Errorf("IsXtext(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestIsNotify(t *testing.T) {
	for in, want := range map[string]bool{"NEVER": true, "never": true, "SUCCESS,FAILURE,DELAY": true, "delay": true,
		"": false, "NEVER,SUCCESS": false, "SUCCESS,SUCCESS": false, "SUCCESS,": false, "SUCCESS, DELAY": false} {
		if got := IsNotify(in); got != want {
			t.Errorf("IsNotify(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestASCII(t *testing.T) {
	if !IsASCII("a\x00\x7f") || IsASCII("é") || !IsPrintableASCII(" ~") || IsPrintableASCII("a\tb") || IsPrintableASCII("\x7f") {
		t.Error("IsASCII or IsPrintableASCII is wrong")
	}
}

// FuzzMailbox checks that the grammar never panics, that what the client
// encodes the server accepts, and that a valid mailbox splits into valid
// parts that join back into it.
func FuzzMailbox(f *testing.F) {
	for _, s := range []string{"a@b.c", `"a b"@c`, "a@[1.2.3.4]", "ü@ä", `"\`, "a@b@c", "+41", "[IPv6:::1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !IsXtext(Xtext(s)) {
			t.Fatalf("Xtext(%q) = %q is not xtext", s, Xtext(s))
		}
		local, domain, ok := SplitMailbox(s)
		if ok && local+"@"+domain != s {
			t.Fatalf("SplitMailbox(%q) = %q, %q", s, local, domain)
		}
		if IsMailbox(s) && (!ok || !IsLocalPart(local) || strings.ContainsAny(s, "\r\n\x00")) {
			t.Fatalf("IsMailbox(%q) but its parts are %q, %q", s, local, domain)
		}
		IsAddressLiteral(s)
	})
}
