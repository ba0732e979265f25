package sasl_test

import (
	"fmt"

	"mailwire/core/sasl"
)

// Example runs a SCRAM-SHA-256 exchange between a client and the embedded
// server, the way the SMTP client and server pass base64 lines to each
// other.
func Example() {
	passwords := map[string]string{"alice": "correct horse"}
	srv, _ := sasl.NewServer("SCRAM-SHA-256", "mx.example.com", func(u string) (string, bool) {
		p, ok := passwords[u]
		return p, ok
	})
	cl, _ := sasl.Choose(sasl.Options{Offered: []string{"PLAIN", "SCRAM-SHA-256"}, Username: "alice", Password: "correct horse"})
	mech, resp, _ := cl.Start()
	fmt.Println("AUTH", mech)
	for {
		challenge, done, err := srv.Next(resp)
		if done {
			fmt.Println("server:", err, srv.Username())
			break
		}
		if resp, err = cl.Next(challenge); err != nil {
			fmt.Println("client:", err)
			return
		}
	}
	fmt.Println("server verified:", cl.(sasl.Completer).Complete() == nil)
	// Output:
	// AUTH SCRAM-SHA-256
	// server: <nil> alice
	// server verified: true
}
