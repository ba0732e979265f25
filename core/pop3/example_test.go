package pop3_test

import (
	"context"
	"fmt"
	"io"
	"os"

	"mailwire/core/pop3"
)

// Example fetches every message of a maildrop over implicit TLS, pipelined
// when the server allows it, and deletes each one once it is saved.
func Example() {
	var o pop3.Options
	o.Set("host", "pop.example.com") // port 995, implicit TLS by default
	o.Set("username", "tim")
	o.Set("password", "tanstaaf")
	c, err := pop3.Dial(context.Background(), o)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	n, err := c.Count()
	if err != nil {
		fmt.Println(err)
		return
	}
	ns := make([]int, n)
	for i := range ns {
		ns[i] = i + 1
	}
	uids := make([]string, n+1)
	for _, i := range ns {
		uids[i], _ = c.UID(i) // the UIDL listing is fetched once
	}
	// Each message is deleted once it was saved; one whose file could not be
	// written stays on the server.
	results, err := c.Fetch(ns, true, func(n int, r io.Reader) error {
		f, err := os.Create(uids[n] + ".eml")
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(f, r)
		return err
	})
	for i, r := range results {
		if r != nil {
			fmt.Println("message", ns[i], r)
		}
	}
	if err == nil {
		err = c.Quit() // the deletions take effect
	}
	fmt.Println(err)
}
