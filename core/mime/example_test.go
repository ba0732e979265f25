package mime_test

import (
	"fmt"
	"strings"

	"mailwire/core/mime"
)

func ExampleMessage_WriteTo() {
	m := mime.New()
	m.Set("From", "Alice <alice@example.com>")
	m.AddTo("Bob <bob@example.org>")
	m.Set("Subject", "Grüße")
	m.Set("Date", "Mon, 02 Jan 2006 15:04:05 -0700")
	m.Set("MessageId", "1@example.com")
	m.Set("TextBody", "Hello Bob\n")
	var out strings.Builder
	m.WriteTo(&out)
	fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n"))
	// Output:
	// From: Alice <alice@example.com>
	// To: Bob <bob@example.org>
	// Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=
	// Date: Mon, 02 Jan 2006 15:04:05 -0700
	// Message-ID: <1@example.com>
	// MIME-Version: 1.0
	// Content-Type: text/plain; charset=utf-8
	// Content-Transfer-Encoding: 7bit
	//
	// Hello Bob
}

func ExampleParse() {
	raw := "From: =?utf-8?q?Ren=C3=A9e?= <renee@example.fr>\r\n" +
		"Subject: =?iso-8859-1?q?caf=E9?=\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour\r\n"
	m, err := mime.Parse(strings.NewReader(raw))
	if err != nil {
		panic(err)
	}
	defer m.Close()
	from, _ := m.Get("From")
	subject, _ := m.Get("Subject")
	body, _ := m.Get("TextBody")
	fmt.Printf("%s | %s | %q\n", from, subject, body)
	// Output: Renée <renee@example.fr> | café | "Bonjour\r\n"
}

func ExampleParseAddressList() {
	list, err := mime.ParseAddressList(`"Doe, Jane" <jane@example.com>, bob@example.org`)
	fmt.Println(list, err)
	_, err = mime.ParseAddressList("a@evil.com@good.com")
	fmt.Println(err)
	// Output:
	// ["Doe, Jane" <jane@example.com> bob@example.org] <nil>
	// mime: bad address: unexpected '@'
}
