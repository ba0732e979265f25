package mime

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corpusCase is the expected reading of one corpus file; atts are
// name|type|size|content-id|disposition.
type corpusCase struct {
	file   string
	shape  string
	fields map[string]string
	atts   []string
}

var corpus = []corpusCase{
	{"alternative.eml", "alternative(text/plain,text/html)", map[string]string{
		"From":     "Renée Dupont <renee@example.fr>",
		"To":       `Bob <bob@example.org>, "Smith, Carol" <carol@example.org>`,
		"Cc":       "undisclosed-recipients:;",
		"Subject":  "Réunion de l’équipe demain",
		"TextBody": "Bonjour à tous,\r\n\r\nLa réunion est déplacée à demain. Cette ligne est assez longue pour être coupée.",
		"HtmlBody": "<p>Bonjour à tous,</p>",
	}, nil},
	{"related.eml", "mixed(related(alternative(text/plain,text/html),image/png),application/pdf)", map[string]string{
		"From":     "Shop <news@shop.example>",
		"TextBody": "Thank you for your order.\r\n",
		"HtmlBody": "<img src=\"cid:logo@shop\"><p>Thank you for your order.</p>\r\n",
	}, []string{"|image/png|264|logo@shop|inline", "invoice.pdf|application/pdf|22||attachment"}},
	{"rfc2231.eml", "mixed(text/plain,application/octet-stream,text/csv)", map[string]string{
		"TextBody": "See attached.",
	}, []string{
		"résumé de la réunion du lundi.txt|application/octet-stream|6||attachment",
		"数据.csv|text/csv|8||attachment",
	}},
	{"rfc2047-names.eml", "mixed(text/plain,application/vnd.ms-excel,image/jpeg)", map[string]string{
		"From":     "Иван Петров <ivan@example.ru>",
		"Subject":  "Отчёт",
		"TextBody": "Отчёт во вложении.\r\n",
	}, []string{"Отчёт 2024.xls|application/vnd.ms-excel|3||attachment", "föto.jpg|image/jpeg|8||attachment"}},
	{"nested-rfc822.eml", "mixed(text/plain,message/rfc822)", map[string]string{
		"Subject":  "Fwd: Cafe",
		"TextBody": "Forwarding this.",
	}, []string{"Cafe.eml|message/rfc822|483||attachment"}},
	{"broken-boundary.eml", "mixed(text/plain,application/zip,text/html)", map[string]string{
		"TextBody": "first part",
		"HtmlBody": "<b>never closed</b>\r\n",
	}, []string{"a.zip|application/zip|13||attachment"}},
	{"wrong-boundary.eml", "text/plain", map[string]string{
		"Subject":  "wrong boundary",
		"TextBody": "", // all preamble (RFC 2046 section 5.1.1)
	}, nil},
	{"latin1.eml", "text/plain", map[string]string{
		"From":     "François “Frank” <f@example.fr>",
		"Subject":  "À bientôt",
		"TextBody": "Cordialement – François € 100\r\n",
	}, nil},
	{"koi8r.eml", "text/plain", map[string]string{
		"From":     "Петров <p@example.ru>",
		"Subject":  "Привет",
		"TextBody": "Привет, мир!\r\n",
	}, nil},
	{"shiftjis.eml", "alternative(text/plain,text/html)", map[string]string{
		"Subject":  "日本語",
		"TextBody": "こんにちは、世界",
		"HtmlBody": "<p>こんにちは</p>",
	}, nil},
	{"iso2022jp.eml", "text/plain", map[string]string{
		"From":     "山田 <yamada@example.jp>",
		"Subject":  "会議の件",
		"TextBody": "明日の会議は十時からです。\r\n",
	}, nil},
	{"malformed.eml", "mixed(text/plain,application/octet-stream,text/plain)", map[string]string{
		"Subject":  "malformed types",
		"TextBody": "body of a part with a malformed type",
	}, []string{"data.bin|application/octet-stream|8||attachment", "|text/plain|20||attachment"}},
	{"awkward-sender.eml", "text/plain", map[string]string{
		"From":     "Ann Lee <ann@one.example>",
		"To":       "kim@host.test",
		"TextBody": "Hello.\r\n",
	}, nil},
	{"named-html.eml", "text/html", map[string]string{
		"From":     "shop@shop.example",
		"Subject":  "Rechnung für Januar",
		"HtmlBody": "<p>Ihre Rechnung für Januar.</p>\r\n",
	}, nil},
	{"relabelled.eml", "mixed(text/plain,text/plain,application/octet-stream)", map[string]string{
		"TextBody": "This text was never base64, whatever its label says.\r\nGrüße\r\n",
	}, []string{"log.txt|text/plain|18||inline", "Отчёт.bin|application/octet-stream|3||attachment"}},
}

func describe(a *Attachment) string {
	return strings.Join([]string{a.Name(), a.ContentType(), strconv.FormatInt(a.Size(), 10), a.ContentID(), a.Disposition()}, "|")
}

func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/corpus/*.eml")
	if len(files) != len(corpus) {
		t.Errorf("%d corpus files, %d cases", len(files), len(corpus))
	}
	for _, c := range corpus {
		f, err := os.Open(filepath.Join("testdata/corpus", c.file))
		must(t, err)
		m, err := Parse(f)
		f.Close()
		must(t, err)
		if got := shape(m.root); got != c.shape {
			t.Errorf("%s: structure %s, want %s", c.file, got, c.shape)
		}
		for k, want := range c.fields {
			if got, _ := m.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", c.file, k, got, want)
			}
		}
		var got []string
		for _, a := range m.Attachments() {
			got = append(got, describe(a))
		}
		if strings.Join(got, "\n") != strings.Join(c.atts, "\n") {
			t.Errorf("%s: attachments\n%q\nwant\n%q", c.file, got, c.atts)
		}
		m.Close()
	}
}

func TestNestedMessage(t *testing.T) {
	f, err := os.Open("testdata/corpus/nested-rfc822.eml")
	must(t, err)
	defer f.Close()
	m, err := Parse(f)
	must(t, err)
	defer m.Close()
	atts := m.Attachments()
	if _, err := (&Attachment{ctype: "image/png", src: memSource(nil)}).Message(); err == nil {
		t.Error("Message() on an image")
	}
	inner, err := atts[0].Message()
	must(t, err)
	defer inner.Close()
	for k, want := range map[string]string{"From": "Carol <carol@example.org>", "Subject": "Café", "TextBody": "Un café?"} {
		if got, _ := inner.Get(k); got != want {
			t.Errorf("inner %s = %q, want %q", k, got, want)
		}
	}
	if a := inner.Attachments(); len(a) != 1 || a[0].Name() != "note.txt" {
		t.Errorf("inner attachments %v", a)
	}
}

func TestHeadersRaw(t *testing.T) {
	f, err := os.Open("testdata/corpus/alternative.eml")
	must(t, err)
	defer f.Close()
	m, err := Parse(f)
	must(t, err)
	got := m.Headers("received")
	if len(got) != 2 || !strings.HasPrefix(got[0], "from mx2.example.org") || !strings.HasPrefix(got[1], "from client.example.com") {
		t.Errorf("Received = %q", got)
	}
	if got := m.Headers("Subject"); len(got) != 1 || got[0] != "=?UTF-8?Q?R=C3=A9union_de_l=E2=80=99=C3=A9quipe?= =?UTF-8?Q?_demain?=" {
		t.Errorf("Subject raw = %q", got)
	}
	if got := m.Headers("Content-Type"); len(got) != 1 || !strings.HasPrefix(got[0], "multipart/alternative") {
		t.Errorf("Content-Type raw = %q", got)
	}
}
