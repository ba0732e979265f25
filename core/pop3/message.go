package pop3

import (
	"io"

	"mailwire/core/mime"
)

// RetrieveMessage retrieves message n (RETR, RFC 1939 section 5) and
// parses it as it arrives, on the calling goroutine. A message that cannot
// be parsed is an error of kind errs.Parse; the other errors are those of
// RetrieveFunc.
func (c *Client) RetrieveMessage(n int) (*mime.Message, error) {
	return parsed(func(fn func(r io.Reader) error) error { return c.RetrieveFunc(n, fn) })
}

// TopMessage is RetrieveMessage for the header and the first lines of the
// body of message n (TOP, RFC 1939 section 7).
func (c *Client) TopMessage(n, lines int) (*mime.Message, error) {
	return parsed(func(fn func(r io.Reader) error) error { return c.TopFunc(n, lines, fn) })
}

// parsed runs fetch with a parser as its callback and returns the message
// after a successful fetch, nil otherwise.
func parsed(fetch func(fn func(r io.Reader) error) error) (*mime.Message, error) {
	var m *mime.Message
	err := fetch(func(r io.Reader) (err error) {
		m, err = mime.ParseFetched(r)
		return err
	})
	return mime.KeepFetched(m, err), err
}

// FetchMessages retrieves messages first, first+1, ... first+count-1 with
// Fetch (pipelined when the server offers PIPELINING, RFC 2449 section
// 6.6), parsing each as it arrives; with del set, each message that was
// retrieved and parsed is marked as deleted. It returns the parsed
// messages (nil where a message failed) and each message's result as
// Fetch does, and err: the session error, else the first message's error.
func (c *Client) FetchMessages(first, count int, del bool) (msgs []*mime.Message, results []error, err error) {
	ns := make([]int, max(count, 0))
	for i := range ns {
		ns[i] = first + i
	}
	msgs = make([]*mime.Message, len(ns))
	results, err = c.Fetch(ns, del, func(n int, r io.Reader) (err error) {
		msgs[n-first], err = mime.ParseFetched(r)
		return err
	})
	for i := range msgs {
		msgs[i] = mime.KeepFetched(msgs[i], results[i])
		if err == nil {
			err = results[i]
		}
	}
	return msgs, results, err
}
