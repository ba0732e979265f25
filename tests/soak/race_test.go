// Package soak holds the Go variant of the concurrency soak: run it with
// -race. SOAK_SECONDS sets how long the senders run (default 5).
package soak

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"mailwire/core/pop3"
	"mailwire/core/server"
	"mailwire/core/session"
	"mailwire/core/smtp"
	"mailwire/core/wire"
)

const workers = 8

func duration(t *testing.T) time.Duration {
	s := os.Getenv("SOAK_SECONDS")
	if s == "" {
		return 5 * time.Second
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("SOAK_SECONDS=%q: want a positive number", s)
	}
	return time.Duration(n) * time.Second
}

// startServer starts the embedded server with users u0..u7 and pool, and
// writes its CA to a file the clients trust.
func startServer(t *testing.T) (*server.Server, string) {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.Users = map[string]string{"pool": "secret"}
	for i := 0; i < workers; i++ {
		cfg.Users[fmt.Sprintf("u%d", i)] = "secret"
	}
	ca := t.TempDir() + "/ca.pem"
	cfg.CAOut = ca
	cfg.Ports = map[string]int{"submission": -1, "smtps": -1, "lmtp": -1, "pop3s": -1}
	srv := server.New(cfg)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return srv, ca
}

func message(id string) []byte {
	return []byte("From: soak@soak.test\r\nTo: x@soak.test\r\nSubject: race\r\nMessage-ID: <" + id +
		">\r\n\r\nLine one.\r\n..A line that starts with a dot.\r\n")
}

var messageID = regexp.MustCompile(`(?mi)^Message-ID: <([^>]+)>`)

type harness struct {
	srv  *server.Server
	smtp smtp.Options
	pop3 pop3.Options
}

// send sends ids to mailbox on one connection.
func (h *harness) send(mailbox string, ids []string) error {
	c, err := smtp.Dial(context.Background(), h.smtp)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, id := range ids {
		env := smtp.Envelope{From: "soak@soak.test", To: []string{mailbox + "@soak.test"}}
		if _, err := c.Send(env, bytes.NewReader(message(id))); err != nil {
			return fmt.Errorf("send %s: %w", id, err)
		}
	}
	return c.Quit()
}

// fetch retrieves and deletes every message of user and returns their
// Message-IDs.
func (h *harness) fetch(user string) ([]string, error) {
	o := h.pop3
	o.Username = user
	c, err := pop3.Dial(context.Background(), o)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	n, err := c.Count()
	if err != nil {
		return nil, err
	}
	var ids []string
	for i := 1; i <= n; i++ {
		var b bytes.Buffer
		if _, err := c.Retrieve(i, &b); err != nil {
			return nil, fmt.Errorf("RETR %d: %w", i, err)
		}
		m := messageID.FindSubmatch(b.Bytes())
		if m == nil || !bytes.Contains(b.Bytes(), []byte("\r\n..A line that starts with a dot.\r\n")) {
			return nil, fmt.Errorf("RETR %d: message altered:\n%s", i, b.Bytes())
		}
		ids = append(ids, string(m[1]))
		if err := c.Delete(i); err != nil {
			return nil, err
		}
	}
	return ids, c.Quit()
}

// worker sends batches of five to its own mailbox and fetches them back
// until the deadline; it returns the number of round trips.
func (h *harness) worker(id int, until time.Time) (int, error) {
	user := fmt.Sprintf("u%d", id)
	total := 0
	for seq := 0; time.Now().Before(until); seq += 5 {
		ids := make([]string, 5)
		for i := range ids {
			ids[i] = fmt.Sprintf("%s.%d@soak.test", user, seq+i)
		}
		if err := h.send(user, ids); err != nil {
			return total, err
		}
		got, err := h.fetch(user)
		if err != nil {
			return total, err
		}
		if fmt.Sprint(got) != fmt.Sprint(ids) {
			return total, fmt.Errorf("%s: fetched %v, sent %v", user, got, ids)
		}
		total += len(ids)
	}
	return total, nil
}

// TestConcurrentSendFetch runs eight goroutines, each with its own clients
// and mailbox, plus four goroutines sharing one pool, against one server.
func TestConcurrentSendFetch(t *testing.T) {
	srv, ca := startServer(t)
	tlsOpts := wire.TLSOptions{CAFile: ca, ServerName: "localhost"}
	h := &harness{
		srv: srv,
		smtp: smtp.Options{ClientOptions: session.ClientOptions{Host: "127.0.0.1", Port: srv.Port("smtp"),
			Security: wire.StartTLS, SecuritySet: true, Timeout: 20 * time.Second, TLS: tlsOpts}},
		pop3: pop3.Options{ClientOptions: session.ClientOptions{Host: "127.0.0.1", Port: srv.Port("pop3"),
			Security: wire.StartTLS, SecuritySet: true, Password: "secret", Timeout: 20 * time.Second, TLS: tlsOpts}},
	}
	until := time.Now().Add(duration(t))
	pool := smtp.NewPool(h.smtp, 2, time.Second)
	defer pool.Close()

	var wg sync.WaitGroup
	counts := make([]int, workers)
	errs := make([]error, workers+4)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			counts[i], errs[i] = h.worker(i, until)
		}(i)
	}
	pooled := make([]int, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for n := 0; time.Now().Before(until); n++ {
				env := smtp.Envelope{From: "soak@soak.test", To: []string{"pool@soak.test"}}
				id := fmt.Sprintf("pool.%d.%d@soak.test", i, n)
				if _, err := pool.Send(context.Background(), env, bytes.NewReader(message(id))); err != nil {
					errs[workers+i] = err
					return
				}
				pooled[i]++
			}
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	sum, pool3 := 0, 0
	for i, n := range counts {
		if n == 0 {
			t.Errorf("worker %d made no round trip", i)
		}
		sum += n
	}
	for _, n := range pooled {
		pool3 += n
	}
	if got := srv.MessageCount("pool"); got != pool3 {
		t.Errorf("pool mailbox holds %d messages, %d were sent", got, pool3)
	}
	if got := srv.MessageCount(""); got != pool3 {
		t.Errorf("%d messages left in the server, want only the pool's %d", got, pool3)
	}
	t.Logf("%d messages sent and fetched back by %d workers, %d sent through the pool", sum, workers, pool3)
}
