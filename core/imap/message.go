package imap

import (
	"io"

	"mailwire/core/mime"
)

// FetchMessage fetches the message with uid (UID FETCH BODY.PEEK[], RFC
// 3501 section 6.4.5) and parses it as FetchMessages does. A message that cannot
// be parsed is an error of kind errs.Parse.
func (c *Client) FetchMessage(uid uint32) (*mime.Message, error) {
	var m *mime.Message
	err := c.fetchOne(uid, func(r io.Reader) (err error) {
		m, err = parseFetched(r)
		return err
	}, true)
	return mime.KeepFetched(m, err), err
}

// FetchMessages fetches the messages with uids, pipelined (Fetch), parsing
// each as it arrives (a message of up to 1 MiB is read into memory in one
// allocation of its size and parsed there, its content kept without a
// copy); a UID may appear more than once. It returns the
// parsed messages (nil where one failed), each message's result, and err:
// the session error, else the first message's error.
func (c *Client) FetchMessages(uids []uint32) (msgs []*mime.Message, results []error, err error) {
	msgs = make([]*mime.Message, len(uids))
	index := map[uint32][]int{}
	for i, u := range uids {
		index[u] = append(index[u], i)
	}
	next := map[uint32]int{}
	results, err = c.fetch(uids, func(uid uint32, r io.Reader) (perr error) {
		i := index[uid][next[uid]]
		next[uid]++
		msgs[i], perr = parseFetched(r)
		return perr
	}, true)
	for i := range msgs {
		msgs[i] = mime.KeepFetched(msgs[i], results[i])
		if err == nil {
			err = results[i]
		}
	}
	return msgs, results, err
}

// parseFetched parses a message as Fetch hands it over: where it is when
// it was read into memory, else as it streams.
func parseFetched(r io.Reader) (*mime.Message, error) {
	if m, ok := r.(*memReader); ok {
		return mime.ParseFetchedBytes(m.b)
	}
	return mime.ParseFetched(r)
}
