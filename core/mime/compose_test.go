package mime

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"mailwire/core/errs"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func render(t testing.TB, m *Message) string {
	t.Helper()
	var b bytes.Buffer
	n, err := m.WriteTo(&b)
	must(t, err)
	if n != int64(b.Len()) {
		t.Fatalf("WriteTo returned %d, wrote %d", n, b.Len())
	}
	return b.String()
}

func fixed(t testing.TB) *Message {
	m := New()
	must(t, m.Set("From", "Alice <alice@example.com>"))
	must(t, m.AddTo("bob@example.org"))
	must(t, m.Set("Date", "Mon, 02 Jan 2006 15:04:05 -0700"))
	must(t, m.Set("MessageId", "abc@example.com"))
	return m
}

func TestWriteToExact(t *testing.T) {
	m := fixed(t)
	must(t, m.Set("Subject", "Hi"))
	must(t, m.Set("TextBody", "Hello\n"))
	must(t, m.AddBcc("hidden@example.net"))
	want := "From: Alice <alice@example.com>\r\n" +
		"To: bob@example.org\r\n" +
		"Date: Mon, 02 Jan 2006 15:04:05 -0700\r\n" +
		"Message-ID: <abc@example.com>\r\n" +
		"Subject: Hi\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 7bit\r\n" +
		"\r\n" +
		"Hello\r\n"
	if got := render(t, m); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteToQPWithoutFinalNewline(t *testing.T) {
	m := fixed(t)
	must(t, m.Set("TextBody", "Grüße\n.dot\nFrom me"))
	got := render(t, m)
	want := "Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe\r\n=2Edot\r\n=46rom me=\r\n"
	if !strings.HasSuffix(got, want) {
		t.Errorf("got:\n%q\nwant suffix:\n%q", got, want)
	}
}

func TestGeneratedDateAndID(t *testing.T) {
	m := New()
	must(t, m.Set("From", "a@example.com"))
	first := render(t, m)
	id, ok := m.Get("MessageId")
	if !ok || !regexp.MustCompile(`^<[0-9a-f]{24}@example\.com>$`).MatchString(id) {
		t.Errorf("Message-ID = %q", id)
	}
	if _, ok := m.Get("Date"); !ok {
		t.Error("no Date generated")
	}
	if second := render(t, m); !strings.Contains(second, "Message-ID: "+id+"\r\n") || !strings.Contains(first, id) {
		t.Error("Message-ID not kept across renders")
	}
}

func TestSetRefuses(t *testing.T) {
	tests := []struct{ name, value string }{
		{"Subject", "a\r\nBcc: x@y.z"},
		{"Subject", "a\nb"},
		{"Subject", "a\rb"},
		{"X-Custom", "a\x00b"},
		{"X Custom", "v"},
		{"X-Custom:", "v"},
		{"", "v"},
		{"X-Ünï", "v"},
		{"Content-Type", "text/html"},
		{"mime-version", "2.0"},
		{"Content-Transfer-Encoding", "8bit"},
		{"From", "a@evil.com@good.com"},
		{"From", "Name <a@b.c>\r\nBcc: x@y.z"},
		{"Sender", "a@b.c, d@e.f"},
		{"Priority", "urgent"},
		{"Date", "yesterday"},
		{"MessageId", "no at sign"},
		{"MessageId", "<a@b> <c@d>"},
		{"TextBody", "nul\x00"},
	}
	for _, tt := range tests {
		err := New().Set(tt.name, tt.value)
		if errs.KindOf(err) != errs.Arg {
			t.Errorf("Set(%q, %q) = %v, want errs.Arg", tt.name, tt.value, err)
		}
	}
	m := New()
	for _, f := range []func(string) error{m.AddTo, m.AddCc, m.AddBcc} {
		if errs.KindOf(f("a@b.c\r\nX: y")) != errs.Arg || errs.KindOf(f("")) != errs.Arg {
			t.Error("Add* accepted a bad list")
		}
	}
	if errs.KindOf(m.AttachData(nil, "a\r\nb.txt", "")) != errs.Arg {
		t.Error("AttachData accepted CR/LF in the name")
	}
	if errs.KindOf(m.AttachData(nil, "a.txt", "text/plain\r\nX: y")) != errs.Arg {
		t.Error("AttachData accepted a bad content type")
	}
	if errs.KindOf(m.AttachFile("/nonexistent/file", "", "")) != errs.File {
		t.Error("AttachFile accepted a missing file")
	}
	if errs.KindOf(m.AttachFile(t.TempDir(), "", "")) != errs.File {
		t.Error("AttachFile accepted a directory")
	}
	if errs.KindOf(m.EmbedFile(writeFile(t, "x.png", "x"), "a b")) != errs.Arg {
		t.Error("EmbedFile accepted a bad content ID")
	}
}

func TestGetSet(t *testing.T) {
	m := New()
	must(t, m.Set("from", "Jöhn <j@x.org>"))
	must(t, m.Set("ReplyTo", "r@x.org"))
	must(t, m.Set("ReadReceiptTo", "n@x.org"))
	must(t, m.Set("Organization", "Ünïon"))
	must(t, m.Set("Priority", "HIGH"))
	must(t, m.Set("X-Mailer", "Mailwire"))
	must(t, m.AddTo("a@x.org, B <b@x.org>"))
	must(t, m.AddTo("A@X.org, c@x.org"))
	must(t, m.AddCc("d@x.org"))
	must(t, m.AddBcc("b@X.ORG, secret@x.org"))
	checks := map[string]string{
		"From": "Jöhn <j@x.org>", "REPLYTO": "r@x.org", "ReadReceiptTo": "n@x.org",
		"Disposition-Notification-To": "n@x.org", "Organization": "Ünïon", "Priority": "high",
		"X-Priority": "1 (Highest)", "Importance": "high", "x-mailer": "Mailwire",
		"To": "a@x.org, B <b@x.org>, A@X.org, c@x.org", "Bcc": "b@X.ORG, secret@x.org",
	}
	for k, want := range checks {
		if got, ok := m.Get(k); !ok || got != want {
			t.Errorf("Get(%q) = %q, %v; want %q", k, got, ok, want)
		}
	}
	want := []string{"a@x.org", "b@x.org", "c@x.org", "d@x.org", "secret@x.org"}
	if got := m.Recipients(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Recipients() = %q, want %q", got, want)
	}
	if got := m.EnvelopeFrom(); got != "j@x.org" {
		t.Errorf("EnvelopeFrom() = %q", got)
	}
	must(t, m.Set("Sender", "s@x.org"))
	if got := m.EnvelopeFrom(); got != "s@x.org" {
		t.Errorf("EnvelopeFrom() with Sender = %q", got)
	}
	must(t, m.Set("Organization", ""))
	if _, ok := m.Get("Organization"); ok {
		t.Error("empty value did not remove the field")
	}
	if m.NeedsSMTPUTF8() {
		t.Error("NeedsSMTPUTF8 with ASCII addresses")
	}
	must(t, m.AddCc("ü@x.org"))
	if !m.NeedsSMTPUTF8() {
		t.Error("NeedsSMTPUTF8 missed a UTF-8 local part")
	}
	if strings.Contains(render(t, m), "secret") {
		t.Error("Bcc rendered")
	}
}

// headerBlock returns the lines of the top-level header.
func headerBlock(msg string) []string {
	h, _, _ := strings.Cut(msg, "\r\n\r\n")
	return strings.Split(h, "\r\n")
}

var fieldLine = regexp.MustCompile(`^[!-9;-~]+:( |$)`)

// checkLines asserts the line rules of RFC 5322 section 2.1.1 and that
// every header line is a field or a continuation holding more than white
// space.
func checkLines(t *testing.T, msg string) {
	t.Helper()
	if strings.Contains(strings.ReplaceAll(msg, "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(msg, "\r\n", ""), "\r") {
		t.Error("bare CR or LF in output")
	}
	for _, l := range strings.Split(msg, "\r\n") {
		if len(l) > 998 {
			t.Errorf("line of %d bytes", len(l))
		}
	}
	for _, l := range headerBlock(msg) {
		cont := strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")
		if cont && strings.TrimSpace(l) == "" {
			t.Errorf("white-space-only continuation line")
		}
		if !cont && !fieldLine.MatchString(l) {
			t.Errorf("line %q is neither a field nor a continuation", l)
		}
		if len(l) > 78 && strings.ContainsAny(strings.TrimLeft(l, " \t"), " \t") {
			t.Errorf("line of %d characters could have been folded: %q", len(l), l)
		}
	}
}

func TestHeaderInjection(t *testing.T) {
	m := fixed(t)
	must(t, m.Set("Subject", "ok"))
	_ = m.Set("Subject", "x\r\nBcc: victim@example.com")
	_ = m.Set("X-Custom", "x\nX-Injected: 1")
	_ = m.AddTo("\"Evil\r\nX-Injected: 1\" <a@b.c>")
	_ = m.AddTo("a@b.c>\r\nX-Injected: 1")
	must(t, m.AttachData([]byte("x"), "evil\".txt; x=\"y", ""))
	must(t, m.AttachData([]byte("x"), "ünï\"\\;=?x?= name.txt", "text/plain"))
	must(t, m.Set("TextBody", "body\r\nX-Injected: no, this is body"))
	out := render(t, m)
	checkLines(t, out)
	for _, l := range strings.Split(out, "\r\n") {
		if strings.HasPrefix(l, "Bcc:") || strings.HasPrefix(l, "X-Injected: 1") {
			t.Errorf("injected line %q", l)
		}
	}
	p, err := Parse(strings.NewReader(out))
	must(t, err)
	defer p.Close()
	names := []string{}
	for _, a := range p.Attachments() {
		names = append(names, a.Name())
	}
	if strings.Join(names, "|") != "evil\".txt; x=\"y|ünï\"\\;=?x?= name.txt" {
		t.Errorf("attachment names = %q", names)
	}
}

func TestFolding(t *testing.T) {
	subjects := []string{
		strings.Repeat("word ", 60),
		strings.Repeat("wörd ", 60),
		strings.Repeat("x", 300) + " tail",
		"short " + strings.Repeat("日本語", 50) + " end",
		strings.Repeat("a  b\t", 40),
	}
	for _, s := range subjects {
		m := fixed(t)
		must(t, m.Set("Subject", s))
		must(t, m.Set("X-Long", s))
		must(t, m.AddTo(strings.Repeat("Some Body <some.body@example.com>, ", 10)+"Ünï Cödé <u@x.org>"))
		out := render(t, m)
		checkLines(t, out)
		p, err := Parse(strings.NewReader(out))
		must(t, err)
		want := strings.TrimRight(s, " \t")
		for _, k := range []string{"Subject", "X-Long"} {
			if got, _ := p.Get(k); got != want {
				t.Errorf("%s came back as %q, want %q", k, got, want)
			}
		}
		if got, _ := p.Get("To"); !strings.HasSuffix(got, "Ünï Cödé <u@x.org>") {
			t.Errorf("To came back as %q", got)
		}
	}
}

func TestFoldUnfold(t *testing.T) {
	for _, v := range []string{
		strings.Repeat("ab ", 100), strings.Repeat("a", 100) + " b", " " + strings.Repeat("x ", 50) + "   ",
	} {
		folded := fold("X: "+v, 1)
		if got := strings.ReplaceAll(folded, "\r\n", ""); got != "X: "+v {
			t.Errorf("unfold(fold(%q)) = %q", v, got)
		}
	}
}

func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	must(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestSizeMatchesWriteTo(t *testing.T) {
	big := strings.Repeat("binary\x00\xff data ", 10000)
	cases := []func(m *Message){
		func(m *Message) {},
		func(m *Message) { must(t, m.Set("TextBody", "plain")) },
		func(m *Message) { must(t, m.Set("HtmlBody", "<b>ünï</b>")) },
		func(m *Message) {
			must(t, m.Set("TextBody", strings.Repeat("Ünïcödé text ", 500)))
			must(t, m.Set("HtmlBody", "<img src=\"cid:logo\">"))
			must(t, m.EmbedFile(writeFile(t, "logo.png", "\x89PNG"), "<logo>"))
			must(t, m.AttachFile(writeFile(t, "data.bin", big), "", ""))
			must(t, m.AttachFile(writeFile(t, "empty.txt", ""), "renamed ü.txt", "text/plain"))
			must(t, m.AttachData([]byte(big[:57*3]), "exact.bin", ""))
		},
	}
	for i, setup := range cases {
		m := fixed(t)
		setup(m)
		size, err := m.Size()
		must(t, err)
		out := render(t, m)
		if size != int64(len(out)) {
			t.Errorf("case %d: Size() = %d, WriteTo wrote %d", i, size, len(out))
		}
		checkLines(t, out)
	}
}

func TestStructure(t *testing.T) {
	tests := []struct {
		setup func(m *Message)
		want  string
	}{
		{func(m *Message) {}, "text/plain"},
		{func(m *Message) { must(t, m.Set("HtmlBody", "<p>x</p>")) }, "text/html"},
		{func(m *Message) {
			must(t, m.Set("TextBody", "x"))
			must(t, m.Set("HtmlBody", "<p>x</p>"))
		}, "alternative(text/plain,text/html)"},
		{func(m *Message) {
			must(t, m.Set("HtmlBody", "<img src=cid:a>"))
			must(t, m.EmbedFile(writeFile(t, "a.gif", "GIF"), "a"))
		}, "related(text/html,image/gif)"},
		{func(m *Message) {
			must(t, m.AttachData([]byte("x"), "a.pdf", ""))
		}, "mixed(application/pdf)"},
		{func(m *Message) {
			must(t, m.Set("TextBody", "x"))
			must(t, m.Set("HtmlBody", "<img src=cid:a>"))
			must(t, m.EmbedFile(writeFile(t, "a.gif", "GIF"), "a"))
			must(t, m.AttachData([]byte("x"), "a.pdf", ""))
		}, "mixed(related(alternative(text/plain,text/html),image/gif),application/pdf)"},
	}
	for _, tt := range tests {
		m := fixed(t)
		tt.setup(m)
		p, err := Parse(strings.NewReader(render(t, m)))
		must(t, err)
		if got := shape(p.root); got != tt.want {
			t.Errorf("structure %s, want %s", got, tt.want)
		}
	}
}

// shape describes a part tree as "sub(child,...)" or the media type.
func shape(p *part) string {
	if len(p.kids) == 0 {
		return p.mtype
	}
	s := make([]string, len(p.kids))
	for i, k := range p.kids {
		s[i] = shape(k)
	}
	return strings.TrimPrefix(p.mtype, "multipart/") + "(" + strings.Join(s, ",") + ")"
}

func TestAttachMessage(t *testing.T) {
	inner := "From: a@b.c\r\nSubject: inner\r\n\r\nInner body\r\n"
	m := fixed(t)
	must(t, m.Set("TextBody", "see attached"))
	must(t, m.AttachData([]byte(inner), "fwd.eml", ""))
	must(t, m.AttachData([]byte("no final line break"), "odd.eml", "message/rfc822"))
	out := render(t, m)
	if !strings.Contains(out, "Content-Transfer-Encoding: 7bit\r\n\r\n"+inner+"\r\n--") {
		t.Errorf("message/rfc822 not written as 7bit:\n%s", out)
	}
	if size, _ := m.Size(); size != int64(len(out)) {
		t.Errorf("Size() = %d, wrote %d", size, len(out))
	}
	p := parseString(t, out)
	atts := p.Attachments()
	if len(atts) != 2 || atts[1].ContentType() != "message/rfc822" {
		t.Fatalf("attachments %v", atts)
	}
	for i, want := range []string{"inner", ""} {
		nested, err := atts[i].Message()
		must(t, err)
		if got, _ := nested.Get("Subject"); got != want {
			t.Errorf("nested %d Subject = %q, want %q", i, got, want)
		}
		nested.Close()
	}
}
