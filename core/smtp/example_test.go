package smtp_test

import (
	"context"
	"log"
	"strings"

	"mailwire/core/smtp"
)

// Example sends one message through a submission server with STARTTLS and
// AUTH, and prints each recipient's result.
func Example() {
	o, err := smtp.ParseURL("smtp://user:secret@mail.example.com:587?auth=auto")
	if err != nil {
		log.Fatal(err)
	}
	c, err := smtp.Dial(context.Background(), o)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Quit()
	msg := "From: a@example.com\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nHello.\r\n"
	res, err := c.Send(smtp.Envelope{From: "a@example.com", To: []string{"b@example.org"}}, strings.NewReader(msg))
	for _, r := range res {
		log.Printf("%s: %d %s %s", r.Address, r.Code, r.Enhanced, r.Text)
	}
	if err != nil {
		log.Fatal(err)
	}
}
