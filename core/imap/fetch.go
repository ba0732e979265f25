package imap

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"

	"mailwire/core/errs"
)

// fetchBatch is how many UIDs one UID FETCH asks for: the server streams
// their messages back to back, with no round trip between them.
const fetchBatch = 500

// checkUID refuses UID 0 (RFC 3501 section 2.3.1.1: UIDs start at 1).
func checkUID(uid uint32) error {
	if uid == 0 {
		return errs.New(errs.Arg, "imap: UID 0 does not exist (UIDs start at 1)")
	}
	return nil
}

// uidSet joins UIDs for a command.
func uidSet(uids []uint32) string {
	var b strings.Builder
	for i, u := range uids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatUint(uint64(u), 10))
	}
	return b.String()
}

// fetchUID returns the UID item of a FETCH list so far, or 0.
func fetchUID(items []value) uint32 {
	for i := 0; i+1 < len(items); i += 2 {
		if items[i].isAtom("UID") {
			if n, ok := items[i+1].number(); ok && n <= maxBody {
				return uint32(n)
			}
		}
	}
	return 0
}

// Fetch retrieves the messages uids of the selected mailbox (UID FETCH
// BODY.PEEK[], RFC 3501 section 6.4.5, 6.4.8: the \Seen flag is not set)
// and calls fn with each one as it streams from the socket, on the calling
// goroutine; fn need not read to the end and must not call methods of c.
// Up to 500 UIDs go in one command, so the server sends their messages
// back to back.
//
// It returns one result per UID, in the order of uids: nil, fn's error,
// errs.NotFound for a UID the server did not return (expunged, or never
// there), or the command's NO. err is non-nil only when the session
// failed: not connected, or the connection was lost on the way.
//
// A message streams from the socket through fn. A message that
// arrives before its UID (the server sends the UID item after the body) is
// kept until the UID says whose it is: in memory while the response holds
// at most 8 MiB of them, else in a temporary file, so that memory stays
// flat whatever the message size.
func (c *Client) Fetch(uids []uint32, fn func(uid uint32, r io.Reader) error) (results []error, err error) {
	return c.fetch(uids, fn, false)
}

// fetch is Fetch; with whole set, every message of up to memLiteral bytes
// is read into memory before fn sees it (for parsing, which then needs no
// copy), otherwise only those that arrive before their UID.
func (c *Client) fetch(uids []uint32, fn func(uid uint32, r io.Reader) error, whole bool) (results []error, err error) {
	results = make([]error, len(uids))
	if err := c.inMailbox(); err != nil {
		return fill(results, err), err
	}
	for _, u := range uids {
		if err := checkUID(u); err != nil {
			return fill(results, err), err
		}
	}
	for start := 0; start < len(uids); start += fetchBatch {
		end := min(start+fetchBatch, len(uids))
		if err := c.fetchBatch(uids[start:end], results[start:end], fn, whole); err != nil {
			fill(results[start:], err)
			return results, err
		}
	}
	return results, nil
}

// fill sets every nil result to err.
func fill(results []error, err error) []error {
	for i := range results {
		if results[i] == nil {
			results[i] = err
		}
	}
	return results
}

// fetchBatch runs one UID FETCH for uids.
func (c *Client) fetchBatch(uids []uint32, results []error, fn func(uid uint32, r io.Reader) error, whole bool) error {
	want := map[uint32][]int{}
	for i, u := range uids {
		want[u] = append(want[u], i)
	}
	done := make([]bool, len(uids))
	deliver := func(uid uint32, r io.Reader) error {
		for _, i := range want[uid] {
			if !done[i] {
				done[i] = true
				results[i] = fn(uid, r)
				return nil
			}
		}
		return nil // unsolicited or repeated: dropped
	}
	var spooled []*os.File
	defer func() {
		for _, f := range spooled {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	var kept [][]byte
	c.p.onBody = func(items []value, n int64) (value, error) {
		uid := fetchUID(items)
		if n <= memLiteral && (uid != 0 && whole || uid == 0 && c.p.held+n <= maxHeld) {
			b, err := c.readLiteral(n)
			if err != nil {
				return value{}, err
			}
			if uid != 0 {
				return value{kind: vStreamed}, deliver(uid, newMemReader(b))
			}
			c.p.held += n
			kept = append(kept, b)
			return value{kind: vKept, s: strconv.Itoa(len(kept) - 1)}, nil
		}
		if uid == 0 {
			f, err := c.spool(n)
			if err != nil {
				return value{}, err
			}
			spooled = append(spooled, f)
			return value{kind: vStreamed, s: f.Name()}, nil
		}
		lr := &literalReader{c: c, n: n, total: n}
		err := deliver(uid, lr)
		if err == nil {
			err = lr.drain()
		}
		return value{kind: vStreamed}, err
	}
	defer func() { c.p.onBody = nil }()
	cmd := c.command("UID FETCH")
	cmd.raw(uidSet(uids))
	cmd.raw("(UID BODY.PEEK[])")
	_, err := c.run(cmd, func(r *response) error {
		if r.name != "FETCH" || len(r.args) != 1 {
			return nil
		}
		items := r.args[0].list
		uid := fetchUID(items)
		for i := 0; i+1 < len(items); i += 2 {
			v := items[i+1]
			if isBodyItem(items[i]) && v.kind == vKept && uid != 0 {
				k, _ := strconv.Atoi(v.s)
				deliver(uid, newMemReader(kept[k]))
				kept[k] = nil
			}
			if isBodyItem(items[i]) && v.kind == vStreamed && v.s != "" && uid != 0 {
				f, err := os.Open(v.s)
				if err != nil {
					return errs.E(errs.File, err)
				}
				err = deliver(uid, f)
				f.Close()
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
	if errs.Gone(err) || c.broken != nil {
		return err
	}
	for i := range uids {
		if done[i] {
			continue
		}
		if err != nil {
			results[i] = err
		} else {
			results[i] = errs.New(errs.NotFound, "imap: no message with UID "+strconv.FormatUint(uint64(uids[i]), 10))
		}
	}
	return nil
}

// memLiteral is the largest message literal read into memory whole, in one
// allocation of its size, rather than streamed: as large as a part the
// MIME parser keeps in memory (mime.Parse).
const memLiteral = 1 << 20

// memReader is a message literal read into memory, as Fetch hands it to
// its function; FetchMessages parses it where it is (mime.ParseBytes).
type memReader struct {
	bytes.Reader
	b []byte
}

func newMemReader(b []byte) *memReader {
	r := &memReader{b: b}
	r.Reset(b)
	return r
}

// readLiteral reads a literal of n bytes into memory.
func (c *Client) readLiteral(n int64) ([]byte, error) {
	if c.broken != nil {
		return nil, c.broken
	}
	b := make([]byte, n)
	for done := 0; done < len(b); {
		k := min(len(b)-done, 256<<10)
		if err := c.conn.ReadFull(b[done : done+k]); err != nil {
			return nil, c.fail(c.conn.Err(err))
		}
		done += k
		if f := c.opts.Progress; f != nil {
			f(int64(done), n)
		}
	}
	return b, nil
}

// spool keeps a message literal whose UID is not known yet in a temporary
// file.
func (c *Client) spool(n int64) (*os.File, error) {
	f, err := os.CreateTemp("", "mailwire-imap-*")
	if err != nil {
		return nil, errs.E(errs.File, err)
	}
	lr := &literalReader{c: c, n: n, total: n}
	if _, err := io.Copy(f, lr); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, errs.E(errs.File, err)
	}
	f.Close()
	return f, nil
}

// literalReader reads the n bytes of a literal from the connection.
type literalReader struct {
	c        *Client
	n, total int64
	buf      []byte
}

func (r *literalReader) Read(p []byte) (int, error) {
	if r.c.broken != nil {
		return 0, r.c.broken
	}
	if r.n == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	if len(p) > 32<<10 {
		p = p[:32<<10]
	}
	if err := r.c.conn.ReadFull(p); err != nil {
		return 0, r.c.fail(r.c.conn.Err(err))
	}
	r.n -= int64(len(p))
	if f := r.c.opts.Progress; f != nil {
		f(r.total-r.n, r.total)
	}
	return len(p), nil
}

// drain reads what fn left of the literal.
func (r *literalReader) drain() error {
	if r.c.broken != nil {
		return r.c.broken
	}
	if r.n == 0 {
		return nil
	}
	if err := r.c.conn.Discard(r.n); err != nil {
		return r.c.fail(r.c.conn.Err(err))
	}
	r.n = 0
	return nil
}

// FetchOne retrieves one message (see Fetch) and calls fn with it.
func (c *Client) FetchOne(uid uint32, fn func(r io.Reader) error) error {
	return c.fetchOne(uid, fn, false)
}

func (c *Client) fetchOne(uid uint32, fn func(r io.Reader) error, whole bool) error {
	results, err := c.fetch([]uint32{uid}, func(_ uint32, r io.Reader) error { return fn(r) }, whole)
	if err != nil {
		return err
	}
	return results[0]
}

// FetchTo copies one message to w as the server sends it and returns its
// size.
func (c *Client) FetchTo(uid uint32, w io.Writer) (int64, error) {
	var n int64
	err := c.FetchOne(uid, func(r io.Reader) (err error) {
		n, err = io.Copy(w, r)
		return err
	})
	return n, err
}

// Flags returns the flags of a message (UID FETCH FLAGS, RFC 3501 section
// 6.4.5); errs.NotFound when the server has no message with that UID.
func (c *Client) Flags(uid uint32) ([]string, error) {
	if err := c.inMailbox(); err != nil {
		return nil, err
	}
	if err := checkUID(uid); err != nil {
		return nil, err
	}
	cmd := c.command("UID FETCH")
	cmd.raw(strconv.FormatUint(uint64(uid), 10))
	cmd.raw("(UID FLAGS)")
	var flags []string
	_, err := c.run(cmd, func(r *response) error {
		if r.name != "FETCH" || len(r.args) != 1 || fetchUID(r.args[0].list) != uid {
			return nil
		}
		items := r.args[0].list
		for i := 0; i+1 < len(items); i += 2 {
			if items[i].isAtom("FLAGS") && items[i+1].kind == vList {
				flags = atoms(items[i+1].list)
			}
		}
		return nil
	})
	if err == nil && flags == nil {
		err = errs.New(errs.NotFound, "imap: no message with UID "+strconv.FormatUint(uint64(uid), 10))
	}
	return flags, err
}

// checkFlags checks flags for STORE and APPEND: each a flag keyword or a
// system flag ("\Seen"), as atoms (RFC 3501 section 9); \Recent and \* are
// refused, since a client cannot set them.
func checkFlags(flags []string) (string, error) {
	for _, f := range flags {
		name := strings.TrimPrefix(f, `\`)
		if !isAtom(name) || strings.EqualFold(f, `\Recent`) {
			return "", errs.New(errs.Arg, "imap: "+errs.Quote(f)+" is not a flag")
		}
	}
	return "(" + strings.Join(flags, " ") + ")", nil
}

// Store changes the flags of a message (UID STORE, RFC 3501 section
// 6.4.6): mode > 0 adds them, < 0 removes them, 0 replaces them. The
// server's FETCH echo is not asked for (.SILENT).
func (c *Client) Store(uid uint32, flags []string, mode int) error {
	if err := c.inMailbox(); err != nil {
		return err
	}
	if err := checkUID(uid); err != nil {
		return err
	}
	list, err := checkFlags(flags)
	if err != nil {
		return err
	}
	item := "FLAGS.SILENT"
	switch {
	case mode > 0:
		item = "+" + item
	case mode < 0:
		item = "-" + item
	}
	cmd := c.command("UID STORE")
	cmd.raw(strconv.FormatUint(uint64(uid), 10))
	cmd.raw(item)
	cmd.raw(list)
	_, err = c.run(cmd, nil)
	return err
}

// copyUID returns the destination UID of a COPYUID code (RFC 4315 section
// 3) for one message, or 0.
func copyUID(r *response) uint32 {
	if r == nil || r.code != "COPYUID" || len(r.codeArgs) != 3 {
		return 0
	}
	n, ok := parseNumber(r.codeArgs[2].s)
	if !ok || n > maxBody {
		return 0
	}
	return uint32(n)
}

// Copy copies a message to another mailbox (UID COPY, RFC 3501 section
// 6.4.7) and returns its UID there under UIDPLUS (RFC 4315), else 0.
func (c *Client) Copy(uid uint32, folder string) (uint32, error) {
	return c.transfer("UID COPY", uid, folder)
}

func (c *Client) transfer(verb string, uid uint32, folder string) (uint32, error) {
	if err := c.inMailbox(); err != nil {
		return 0, err
	}
	if err := checkUID(uid); err != nil {
		return 0, err
	}
	cmd := c.command(verb)
	cmd.raw(strconv.FormatUint(uint64(uid), 10))
	cmd.mailbox(folder)
	var got uint32
	r, err := c.run(cmd, func(r *response) error {
		if n := copyUID(r); n != 0 {
			got = n // MOVE sends it untagged (RFC 6851 section 4.3)
		}
		return nil
	})
	if n := copyUID(r); n != 0 {
		got = n
	}
	return got, err
}

// Move moves a message to another mailbox: UID MOVE when the server offers
// MOVE (RFC 6851), else UID COPY, the \Deleted flag, and UID EXPUNGE of
// that message under UIDPLUS (RFC 4315 section 2.1), else EXPUNGE, which
// also removes every other message flagged \Deleted in the mailbox (RFC
// 3501 section 6.4.3). It returns the message's UID in the other mailbox
// when the server says it, else 0.
func (c *Client) Move(uid uint32, folder string) (uint32, error) {
	if c.Has("MOVE") {
		return c.transfer("UID MOVE", uid, folder)
	}
	got, err := c.Copy(uid, folder)
	if err != nil {
		return 0, err
	}
	if err := c.Store(uid, []string{`\Deleted`}, 1); err != nil {
		return got, err
	}
	cmd := c.command("EXPUNGE")
	if c.Has("UIDPLUS") {
		cmd = c.command("UID EXPUNGE")
		cmd.raw(strconv.FormatUint(uint64(uid), 10))
	}
	_, err = c.run(cmd, nil)
	return got, err
}

// Expunge removes the messages flagged \Deleted from the selected mailbox
// (EXPUNGE, RFC 3501 section 6.4.3).
func (c *Client) Expunge() error {
	if err := c.inMailbox(); err != nil {
		return err
	}
	_, err := c.run(c.command("EXPUNGE"), nil)
	return err
}

// Append adds a message of size bytes, which write produces, to a mailbox
// (APPEND, RFC 3501 section 6.3.11) with flags, as a literal: without a
// round trip under LITERAL+ (RFC 7888), else after the server's "+". It
// returns the new message's UID under UIDPLUS (APPENDUID, RFC 4315 section
// 3), else 0. write must produce exactly size bytes; otherwise the
// connection is dropped, since the server cannot tell where the message
// ends.
func (c *Client) Append(folder string, flags []string, size int64, write func(w io.Writer) error) (uint32, error) {
	if err := c.authed(); err != nil {
		return 0, err
	}
	if size < 0 || size > maxBody {
		return 0, errs.New(errs.TooBig, "imap: a message must be smaller than 4 GiB")
	}
	cmd := c.command("APPEND")
	cmd.mailbox(folder)
	if len(flags) > 0 {
		list, err := checkFlags(flags)
		if err != nil {
			return 0, err
		}
		cmd.raw(list)
	}
	cmd.put(" ", " ")
	cmd.literal(size, write)
	r, err := c.run(cmd, nil)
	if err != nil || r.code != "APPENDUID" || len(r.codeArgs) != 2 {
		return 0, err
	}
	n, ok := r.codeArgs[1].number()
	if !ok || n > maxBody {
		return 0, nil
	}
	return uint32(n), nil
}
