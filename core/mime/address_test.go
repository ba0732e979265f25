package mime

import (
	"strings"
	"testing"

	"mailwire/core/errs"
)

func TestParseAddressList(t *testing.T) {
	tests := []struct {
		in   string
		want []Address
	}{
		{"a@b.c", []Address{{"", "a@b.c"}}},
		{"John Doe <john@example.com>", []Address{{"John Doe", "john@example.com"}}},
		{"\"Smith, John\" <j@x.org>, b@y.org", []Address{{"Smith, John", "j@x.org"}, {"", "b@y.org"}}},
		{"John Q. Public <jqp@x.org>", []Address{{"John Q. Public", "jqp@x.org"}}},
		{"=?utf-8?B?SsO2aG4=?= <j@x.org>", []Address{{"Jöhn", "j@x.org"}}},
		{"=?iso-8859-1?q?J=F6rg?= =?iso-8859-1?q?_M?= <j@x.org>", []Address{{"Jörg M", "j@x.org"}}},
		{"\"john doe\"@example.com", []Address{{"", "\"john doe\"@example.com"}}},
		{"\"john\"@example.com", []Address{{"", "john@example.com"}}},
		{"用户@例子.广告", []Address{{"", "用户@例子.广告"}}},
		{"Ünïcödé <ü@ä.de>", []Address{{"Ünïcödé", "ü@ä.de"}}},
		{"a@[192.0.2.1]", []Address{{"", "a@[192.0.2.1]"}}},
		{"a@b.c (comment (nested)), d@e.f", []Address{{"", "a@b.c"}, {"", "d@e.f"}}},
		{"undisclosed-recipients:;", nil},
		{"Team: a@b.c, Bob <d@e.f>;, g@h.i", []Address{{"", "a@b.c"}, {"Bob", "d@e.f"}, {"", "g@h.i"}}},
		{" , a@b.c ,", []Address{{"", "a@b.c"}}},
		{"<a@b.c>", []Address{{"", "a@b.c"}}},
		// Obsolete syntax (RFC 5322 section 4.4): comments and folding
		// white space around the dots are not part of the address
		// (appendix A.6.3).
		{"John Doe <jdoe@machine(comment).  example>", []Address{{"John Doe", "jdoe@machine.example"}}},
		{"kim@host(a comment). test", []Address{{"", "kim@host.test"}}},
		{"Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", []Address{{"Pete", "pete@silly.test"}}},
		{"first . last (x) @ mail . example , b@c.d", []Address{{"", "first.last@mail.example"}, {"", "b@c.d"}}},
		{"<a@b (c) .d>", []Address{{"", "a@b.d"}}},
	}
	for _, tt := range tests {
		got, err := ParseAddressList(tt.in)
		if err != nil {
			t.Errorf("ParseAddressList(%q): %v", tt.in, err)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("ParseAddressList(%q) = %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("ParseAddressList(%q)[%d] = %q, want %q", tt.in, i, got[i], tt.want[i])
			}
		}
	}
}

func TestParseAddressListRefuses(t *testing.T) {
	bad := []string{
		"a@evil.com@good.com",
		"<a@evil.com@good.com>",
		"John a@b.c",
		"\"unbalanced <a@b.c>",
		"Name <a@b.c",
		"Name a@b.c>",
		"a@b.c (unclosed",
		"a@b.c\r\nBcc: x@y.z",
		"a@b.c\n",
		"a\x00@b.c",
		"\"a\r\n\"@b.c",
		"\"a\x01\"@b.c",
		"@b.c",
		"a@",
		"a@b..c",
		".a@b.c",
		"<@route:a@b.c>",
		"a@[1.2.3.4",
		"a@[\x1e]",
		"a@[1 2]",
		"Name <>",
		"just words",
		"a@b.c d@e.f",
		"a@b. .c",
		"a@b.(c",
		"a@b (c) d@e.f",
		"\xff@b.c",
	}
	for _, s := range bad {
		if got, err := ParseAddressList(s); err == nil {
			t.Errorf("ParseAddressList(%q) = %q, want an error", s, got)
		} else if errs.KindOf(err) != errs.Arg {
			t.Errorf("ParseAddressList(%q): kind %d, want errs.Arg", s, errs.KindOf(err))
		}
	}
}

func TestParseAddress(t *testing.T) {
	if _, err := ParseAddress("a@b.c, d@e.f"); err == nil {
		t.Error("ParseAddress accepted two addresses")
	}
	if _, err := ParseAddress("g: a@b.c;"); err == nil {
		t.Error("ParseAddress accepted a group")
	}
	a, err := ParseAddress("B <b@c.d>")
	if err != nil || a != (Address{"B", "b@c.d"}) {
		t.Errorf("ParseAddress = %q, %v", a, err)
	}
}

func TestAddressString(t *testing.T) {
	tests := []struct {
		a    Address
		want string
	}{
		{Address{"", "a@b.c"}, "a@b.c"},
		{Address{"John Doe", "j@x.org"}, "John Doe <j@x.org>"},
		{Address{"Smith, John", "j@x.org"}, "\"Smith, John\" <j@x.org>"},
		{Address{"Say \"hi\"", "j@x.org"}, "\"Say \\\"hi\\\"\" <j@x.org>"},
		{Address{"Jöhn", "j@x.org"}, "=?utf-8?B?SsO2aG4=?= <j@x.org>"},
		{Address{"=?utf-8?q?x?=", "j@x.org"}, "=?utf-8?B?PT91dGYtOD9xP3g/PQ==?= <j@x.org>"},
		{Address{"Evil\r\nBcc: x@y", "j@x.org"}, "=?utf-8?B?RXZpbA0KQmNjOiB4QHk=?= <j@x.org>"},
		{Address{"", "a@b.c\r\nBcc: x@y"}, "a@b.cBcc: x@y"},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("%q.String() = %q, want %q", tt.a, got, tt.want)
		}
	}
}

func TestAddressRoundTrip(t *testing.T) {
	for _, a := range []Address{
		{"Jöhn Dœ, Jr.", "j@x.org"},
		{"日本語の名前がとても長い場合にはいくつかのエンコードされた単語に分割されます", "u@x.jp"},
		{"a \\ b \"c\"", "\"odd local\"@x.org"},
		{"", "ü@ä.de"},
	} {
		got, err := ParseAddress(a.String())
		if err != nil || got != a {
			t.Errorf("ParseAddress(%q) = %q, %v; want %q", a.String(), got, err, a)
		}
	}
}

func TestNeedsSMTPUTF8(t *testing.T) {
	if (Address{"Jöhn", "j@x.org"}).NeedsSMTPUTF8() {
		t.Error("non-ASCII display name needs no SMTPUTF8")
	}
	if !(Address{"", "ü@x.org"}).NeedsSMTPUTF8() {
		t.Error("non-ASCII local part needs SMTPUTF8")
	}
}

func FuzzParseAddressList(f *testing.F) {
	for _, s := range []string{
		"a@b.c", "John <j@x.org>, \"q, r\" <q@r.s>", "g: a@b.c;", "=?utf-8?B?SsO2aG4=?= <j@x.org>",
		"a@evil.com@good.com", "(c (d)) a@[1.2.3.4]", "\"\\\"\"@x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		list, err := ParseAddressList(s)
		if err != nil {
			return
		}
		for _, a := range list {
			again, err := ParseAddress(a.String())
			if err != nil {
				t.Fatalf("%q from %q does not parse back: %v", a.String(), s, err)
			}
			if again.Email != a.Email {
				t.Fatalf("email %q became %q", a.Email, again.Email)
			}
		}
	})
}

func TestReadAddressList(t *testing.T) {
	tests := []struct {
		in   string
		want string // the list as displayList gives it; "refused" when none
	}{
		{"A Name <a@x.example>, b@x.example", "A Name <a@x.example>, b@x.example"},
		// A missing comma: the mailboxes before it.
		{"Ann Lee <ann@one.example> Bob Roe <bob@two.example>", "Ann Lee <ann@one.example>"},
		{"ann@one.example bob@two.example", "ann@one.example"},
		{"ann@one.example (Ann) bob@two.example", "ann@one.example"},
		{"Ann <ann@one.example> bob@two.example", "Ann <ann@one.example>"},
		{"Ann <ann@one.example>, Bob <bob@two.example> Cy <cy@three.example>", "Ann <ann@one.example>, Bob <bob@two.example>"},
		{"Ann <ann@one.example>junk", "Ann <ann@one.example>"},
		// The null sender of a bounce.
		{"MAILER DAEMON <>", "MAILER DAEMON <>"},
		{"< >", "<>"},
		// Ambiguous: refused rather than guessed.
		{"victim@good.example <attacker@evil.example>", "refused"},
		{"ann@one.example Bob <bob@two.example>", "refused"},
		{"ann@one.example \"<x>\"", "refused"},
		{"a@evil.example@good.example", "refused"},
		{"a@evil.example @good.example", "refused"},
		{"a@evil.example(c)@good.example", "refused"},
		{"just words", "refused"},
		{"Ann <ann@one.example", "refused"},
		{"a@b\r\nBcc: c@d", "refused"},
	}
	for _, tt := range tests {
		got := "refused"
		if list, ok := readAddressList(tt.in); ok {
			got = displayList(list)
		}
		if got != tt.want {
			t.Errorf("readAddressList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseAddressListStaysStrict(t *testing.T) {
	for _, s := range []string{"Ann <a@x.example> Bob <b@x.example>", "a@x.example b@x.example", "Name <>"} {
		if _, err := ParseAddressList(s); err == nil {
			t.Errorf("ParseAddressList(%q) accepted what only received headers may hold", s)
		}
	}
}

// FuzzReadAddressList checks that what readAddressList reads from a
// received header is a list of addresses each of which parses back
// strictly to itself, or the null address.
func FuzzReadAddressList(f *testing.F) {
	for _, s := range []string{
		"A <a@x.example> B <b@x.example>", "a@x.example b@y.example", "MAILER DAEMON <>",
		"victim@good.example <attacker@evil.example>", "jdoe@machine(comment). example",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		list, ok := readAddressList(s)
		if !ok {
			return
		}
		for _, a := range list {
			if a.Email == "" {
				continue
			}
			again, err := ParseAddress(a.String())
			if err != nil || again.Email != a.Email {
				t.Fatalf("%q from %q reads back as %q, %v", a.String(), s, again.Email, err)
			}
			if !strings.Contains(s, a.Email) && !strings.ContainsAny(s, "( \t\"") {
				t.Fatalf("%q is not written in %q", a.Email, s)
			}
		}
	})
}
