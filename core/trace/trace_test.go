package trace

import (
	"strings"
	"testing"
)

func TestKeywordRoundTrip(t *testing.T) {
	want := map[string]struct {
		proto string
		flags int
	}{
		"SMTP": {"SMTP", 0}, "ESMTP": {"ESMTP", 0}, "ESMTPA": {"ESMTP", Auth}, "ESMTPS": {"ESMTP", TLS},
		"ESMTPSA": {"ESMTP", TLS | Auth}, "LMTP": {"LMTP", 0}, "LMTPA": {"LMTP", Auth}, "LMTPS": {"LMTP", TLS},
		"LMTPSA": {"LMTP", TLS | Auth}, "UTF8SMTP": {"ESMTP", UTF8}, "UTF8SMTPA": {"ESMTP", UTF8 | Auth},
		"UTF8SMTPS": {"ESMTP", UTF8 | TLS}, "UTF8SMTPSA": {"ESMTP", UTF8 | TLS | Auth}, "UTF8LMTP": {"LMTP", UTF8},
		"UTF8LMTPA": {"LMTP", UTF8 | Auth}, "UTF8LMTPS": {"LMTP", UTF8 | TLS}, "UTF8LMTPSA": {"LMTP", UTF8 | TLS | Auth},
	}
	for kw, w := range want {
		got, ok := Keyword(strings.ToLower(w.proto), w.flags)
		if !ok || got != kw {
			t.Errorf("Keyword(%s, %d) = %q %v, want %q", w.proto, w.flags, got, ok, kw)
		}
		for _, spelled := range []string{kw, strings.ToLower(kw)} {
			if f, ok := Flags(spelled); !ok || f != w.flags {
				t.Errorf("Flags(%q) = %d %v", spelled, f, ok)
			}
			if p, ok := Protocol(spelled); !ok || p != w.proto {
				t.Errorf("Protocol(%q) = %q %v", spelled, p, ok)
			}
		}
	}
	if len(want) != len(keywords) {
		t.Errorf("%d keywords registered, test knows %d", len(keywords), len(want))
	}
}

func TestKeywordRefusals(t *testing.T) {
	for _, c := range []struct {
		proto string
		flags int
	}{{"SMTP", TLS}, {"SMTP", Auth}, {"SMTP", UTF8}, {"X", 0}, {"", 0}, {"ESMTP", 8}, {"ESMTP", -1}, {"LMTP", 16 | TLS}} {
		if kw, ok := Keyword(c.proto, c.flags); ok {
			t.Errorf("Keyword(%q, %d) = %q, want none", c.proto, c.flags, kw)
		}
	}
	for _, kw := range []string{"LSMTPS", "LSMTPA", "", "ESMTPAS", "ESMTP ", "HTTP", "UTF8ESMTP"} {
		if _, ok := Flags(kw); ok {
			t.Errorf("Flags(%q) ok", kw)
		}
		if _, ok := Protocol(kw); ok {
			t.Errorf("Protocol(%q) ok", kw)
		}
	}
}

func TestParseReal(t *testing.T) {
	tests := []struct {
		name, in                    string
		from, by, with, id, forAddr string
		year                        int
	}{
		{"dovecot lmtp", "from vm ([127.0.0.1])\r\n\tby dovecot.test with LMTP\r\n\tid wi1EHuTuDGsKRgAAg+zDdQ\r\n\t(envelope-from <bob@example.test>)\r\n\tfor <alice@dovecot.test>; Mon, 30 Nov 2026 03:35:00 +0000",
			"vm", "dovecot.test", "LMTP", "wi1EHuTuDGsKRgAAg+zDdQ", "alice@dovecot.test", 2026},
		{"dovecot lmtps", "from vm ([127.0.0.1]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) by dovecot.test with LMTPS id x1; Mon, 30 Nov 2026 03:35:00 +0000",
			"vm", "dovecot.test", "LMTPS", "x1", "", 2026},
		{"exim", "from [127.0.0.1] (helo=vm)\n\tby mta.test with esmtpsa  (TLS1.3) tls TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n\t(Exim 4.96)\n\t(envelope-from <bob@example.test>)\n\tid 1xXsBx-0005DM-0Q\n\tfor alice@dovecot.test;\n\tMon, 30 Nov 2026 03:36:37 +0000",
			"[127.0.0.1]", "mta.test", "esmtpsa", "1xXsBx-0005DM-0Q", "alice@dovecot.test", 2026},
		{"postfix", "from mail.example.com (mail.example.com [192.0.2.1]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256) (No client certificate requested) by mx.example.org (Postfix) with ESMTPS id 4ABC123 for <u@example.org>; Tue, 3 Mar 2026 10:00:00 +0100 (CET)",
			"mail.example.com", "mx.example.org", "ESMTPS", "4ABC123", "u@example.org", 2026},
		{"microsoft", "from AM0PR01MB1234.eurprd01.prod.exchangelabs.com (2603:10a6:208:1::1) by AM0PR01MB5678.eurprd01.prod.exchangelabs.com (2603:10a6:20b:2::2) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7000.1; Mon, 1 Jan 2024 00:00:00 +0000",
			"AM0PR01MB1234.eurprd01.prod.exchangelabs.com", "AM0PR01MB5678.eurprd01.prod.exchangelabs.com", "Microsoft SMTP Server", "15.20.7000.1", "", 2024},
		{"opensmtpd", "from vm (localhost [127.0.0.1]) by mta.test (OpenSMTPD) with ESMTP id 38ea757d; Mon, 30 Nov 2026 03:36:37 +0000",
			"vm", "mta.test", "ESMTP", "38ea757d", "", 2026},
		{"upper case clauses, no date", "FROM a BY b WITH LMTPSA", "a", "b", "LMTPSA", "", "", 0},
	}
	for _, tt := range tests {
		r, err := Parse(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if r.From != tt.from || r.By != tt.by || r.With != tt.with || r.ID != tt.id || r.For != tt.forAddr || r.Date.Year() != tt.year && tt.year != 0 {
			t.Errorf("%s: got %+v", tt.name, r)
		}
	}
}

func TestFormatParse(t *testing.T) {
	r := Received{From: "client.test", FromComment: "([127.0.0.1])", By: "mailwire.test", With: "ESMTPSA", ID: "abc", For: "alice@x.test"}
	s := r.String()
	want := "from client.test ([127.0.0.1]) by mailwire.test with ESMTPSA id abc for <alice@x.test>;"
	if s != want {
		t.Fatalf("String() = %q, want %q", s, want)
	}
	back, err := Parse(s)
	if err != nil || back.From != r.From || back.With != r.With || back.For != r.For || back.FromComment != r.FromComment {
		t.Fatalf("Parse(String()) = %+v, %v", back, err)
	}
	if f, ok := back.Flags(); !ok || f != TLS|Auth {
		t.Fatalf("Flags = %d %v", f, ok)
	}
	folded := r.Folded()
	if want := "from client.test ([127.0.0.1])\r\n by mailwire.test with ESMTPSA id abc\r\n for <alice@x.test>;"; folded != want {
		t.Fatalf("Folded() = %q, want %q", folded, want)
	}
	if back, err := Parse(folded); err != nil || back.By != r.By || back.For != r.For || back.ID != r.ID {
		t.Fatalf("Parse(Folded()) = %+v, %v", back, err)
	}
	if f := (Received{By: "mx.test", With: "SMTP"}).Folded(); f != "by mx.test with SMTP;" {
		t.Fatalf("Folded() without from = %q", f)
	}
}

func TestParseGarbage(t *testing.T) {
	for _, in := range []string{"", ";", "((((", "\"unterminated", "<<<", "from", "x y z; not a date"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q): want an error", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("from a ([1.2.3.4]) by b with ESMTPSA id c for <d@e>; Mon, 1 Jan 2024 00:00:00 +0000")
	f.Add("from [127.0.0.1] (helo=vm) by mta.test with esmtpsa (TLS1.3) id x for y;")
	f.Add("(((\\)\"<;;")
	f.Fuzz(func(t *testing.T, in string) {
		r, err := Parse(in)
		if err != nil {
			return
		}
		// A formatted value parses back to the same clauses.
		if r.From == "" || strings.ContainsAny(r.From+r.By+r.With+r.ID+r.For, " ;()<>\"") {
			return
		}
		back, err := Parse(Received{From: r.From, By: r.By, With: r.With, ID: r.ID, For: r.For}.String())
		if err != nil || back.From != r.From || back.By != r.By || back.With != r.With {
			t.Fatalf("%q: %+v then %+v (%v)", in, r, back, err)
		}
	})
}
