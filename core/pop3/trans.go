package pop3

import (
	"errors"
	"io"
	"strconv"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

// inTransaction fails unless the session is logged in and connected.
func (c *Client) inTransaction() error {
	if err := c.ready(); err != nil {
		return err
	}
	if c.state != transaction {
		return errs.New(errs.State, "pop3: not in the transaction state")
	}
	return nil
}

// Count returns the number of messages in the maildrop (STAT, RFC 1939
// section 5). It is asked once: message numbers stay fixed for the session,
// so messages deleted since still count, and numbers 1 to Count are valid
// arguments for the other methods.
func (c *Client) Count() (int, error) {
	if err := c.inTransaction(); err != nil {
		return 0, err
	}
	if c.statDone {
		return c.count, nil
	}
	text, err := c.cmd("STAT")
	if err != nil {
		return 0, err
	}
	n, _, err := parseStat(text)
	if err != nil {
		return 0, c.fail(err)
	}
	c.count, c.statDone = n, true
	return n, nil
}

// checkMsg fails with errs.NotFound unless n is a message number of the
// maildrop that is not marked as deleted (RFC 1939 section 5).
func (c *Client) checkMsg(n int) error {
	count, err := c.Count()
	if err != nil {
		return err
	}
	if n < 1 || n > count {
		return errs.New(errs.NotFound, "pop3: no message "+strconv.Itoa(n)+" (the maildrop has "+strconv.Itoa(count)+")")
	}
	if c.deleted[n] {
		return errs.New(errs.NotFound, "pop3: message "+strconv.Itoa(n)+" is marked as deleted")
	}
	return nil
}

// Size returns the size in octets of message n as LIST reports it (RFC 1939
// section 5). The whole scan listing is fetched once and cached.
func (c *Client) Size(n int) (int64, error) {
	if err := c.checkMsg(n); err != nil {
		return 0, err
	}
	if err := c.loadSizes(); err != nil {
		return 0, err
	}
	if c.sizes[n] < 0 {
		return 0, errs.New(errs.NotFound, "pop3: message "+strconv.Itoa(n)+" is not in the LIST reply")
	}
	return c.sizes[n], nil
}

// loadSizes fetches the scan listing (LIST without argument) once.
func (c *Client) loadSizes() error {
	if c.sizes != nil {
		return nil
	}
	if _, err := c.cmd("LIST"); err != nil {
		return err
	}
	sizes := make([]int64, c.count+1)
	for i := range sizes {
		sizes[i] = -1
	}
	err := c.readListing(maxListing, "LIST", func(line string) error {
		n, size, err := parseScan(line)
		if err == nil && n > c.count {
			err = protoErr("LIST names message " + strconv.Itoa(n) + " beyond the STAT count")
		}
		if err == nil {
			sizes[n] = size
		}
		return err
	})
	if err != nil {
		return err
	}
	c.sizes = sizes
	return nil
}

// UID returns the unique id of message n (UIDL, RFC 1939 section 7). The
// whole listing is fetched once and cached. A server without UIDL gives an
// error of kind errs.Unsupported.
func (c *Client) UID(n int) (string, error) {
	if err := c.checkMsg(n); err != nil {
		return "", err
	}
	if err := c.loadUIDs(); err != nil {
		return "", err
	}
	if c.uids[n] == "" {
		return "", errs.New(errs.NotFound, "pop3: message "+strconv.Itoa(n)+" is not in the UIDL reply")
	}
	return c.uids[n], nil
}

// loadUIDs fetches the unique-id listing (UIDL without argument) once.
func (c *Client) loadUIDs() error {
	if c.uids != nil {
		return nil
	}
	if c.uidlErr != nil {
		return c.uidlErr
	}
	if _, err := c.cmd("UIDL"); err != nil {
		return c.uidlRefused(err)
	}
	uids := make([]string, c.count+1)
	err := c.readListing(maxListing, "UIDL", func(line string) error {
		n, uid, err := parseUIDLine(line)
		if err == nil && n > c.count {
			err = protoErr("UIDL names message " + strconv.Itoa(n) + " beyond the STAT count")
		}
		if err == nil {
			uids[n] = uid
		}
		return err
	})
	if err != nil {
		return err
	}
	c.uids = uids
	return nil
}

// uidlRefused turns a permanent -ERR to UIDL into errs.Unsupported and
// remembers it.
func (c *Client) uidlRefused(err error) error {
	var pe *Error
	if !errors.As(err, &pe) || pe.ErrKind() != errs.Refused {
		return err
	}
	c.uidlErr = errs.E(errs.Unsupported, errors.New("pop3: the server does not support UIDL: "+pe.Message))
	return c.uidlErr
}

// Retrieve copies message n into w (RETR, RFC 1939 section 5), unstuffed,
// with CRLF line ends, as it arrives: memory use does not grow with the
// message. It returns the number of bytes written. Options.Progress is
// called with total set to the LIST size.
func (c *Client) Retrieve(n int, w io.Writer) (int64, error) {
	if err := c.checkMsg(n); err != nil {
		return 0, err
	}
	total := c.progressTotal(n)
	if _, err := c.cmd("RETR", strconv.Itoa(n)); err != nil {
		return 0, err
	}
	return c.copyBody(w, total)
}

// RetrieveFunc retrieves message n (RETR, RFC 1939 section 5) and calls fn
// with it as it arrives, unstuffed, with CRLF line ends, on the calling
// goroutine: a parser can read straight from the connection. fn need not
// read to the end and must not call methods of c that talk to the server
// (errs.State). A lost connection is returned in preference to fn's error.
// Options.Progress is called with total set to the LIST size.
func (c *Client) RetrieveFunc(n int, fn func(r io.Reader) error) error {
	if err := c.checkMsg(n); err != nil {
		return err
	}
	total := c.progressTotal(n)
	if _, err := c.cmd("RETR", strconv.Itoa(n)); err != nil {
		return err
	}
	return c.readBody(total, fn)
}

// progressTotal returns the LIST size of message n when a progress
// callback wants it, else -1.
func (c *Client) progressTotal(n int) int64 {
	if c.opts.Progress != nil && c.loadSizes() == nil && c.sizes[n] >= 0 {
		return c.sizes[n]
	}
	return -1
}

// Top copies the header and the first lines of the body of message n into
// w (TOP, RFC 1939 section 7). A refusal from a server whose CAPA does not
// list TOP is an error of kind errs.Unsupported.
func (c *Client) Top(n, lines int, w io.Writer) (int64, error) {
	if err := c.top(n, lines); err != nil {
		return 0, err
	}
	return c.copyBody(w, -1)
}

// TopFunc is Top with the reply handed to fn as it arrives, as
// RetrieveFunc does (RFC 1939 section 7).
func (c *Client) TopFunc(n, lines int, fn func(r io.Reader) error) error {
	if err := c.top(n, lines); err != nil {
		return err
	}
	return c.readBody(-1, fn)
}

// top sends TOP n lines and reads its status.
func (c *Client) top(n, lines int) error {
	if lines < 0 {
		return errs.New(errs.Arg, "pop3: TOP needs a line count >= 0")
	}
	if err := c.checkMsg(n); err != nil {
		return err
	}
	if _, err := c.cmd("TOP", strconv.Itoa(n), strconv.Itoa(lines)); err != nil {
		var pe *Error
		if errors.As(err, &pe) && c.capaOK && !c.hasCap("TOP") {
			err = errs.E(errs.Unsupported, errors.New("pop3: the server does not support TOP: "+pe.Message))
		}
		return err
	}
	return nil
}

// Delete marks message n as deleted (DELE, RFC 1939 section 5); the server
// removes it at Quit.
func (c *Client) Delete(n int) error {
	if err := c.checkMsg(n); err != nil {
		return err
	}
	if _, err := c.cmd("DELE", strconv.Itoa(n)); err != nil {
		return err
	}
	c.markDeleted(n)
	return nil
}

func (c *Client) markDeleted(n int) {
	if c.deleted == nil {
		c.deleted = map[int]bool{}
	}
	c.deleted[n] = true
}

// Reset unmarks every message marked as deleted (RSET, RFC 1939 section 5).
func (c *Client) Reset() error {
	if err := c.inTransaction(); err != nil {
		return err
	}
	if _, err := c.cmd("RSET"); err != nil {
		return err
	}
	c.deleted = nil
	return nil
}

// Noop does nothing but keeps the session alive (NOOP, RFC 1939 section 5).
func (c *Client) Noop() error {
	if err := c.inTransaction(); err != nil {
		return err
	}
	_, err := c.cmd("NOOP")
	return err
}

// bodyReader reads a multi-line reply (RFC 1939 section 3) through a
// lenient wire.DotReader and reports progress.
type bodyReader struct {
	c           *Client
	d           *wire.DotReader
	done, total int64
	progress    func(done, total int64) // nil: not reported
}

func (c *Client) newBodyReader() *bodyReader {
	return &bodyReader{c: c, d: c.conn.DotReader()}
}

// Read fills p with as many lines as have already arrived, so that a
// caller is not called once per line.
func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.read(p)
	if n > 0 && b.progress != nil {
		b.done += int64(n)
		b.progress(b.done, b.total)
	}
	return n, err
}

func (b *bodyReader) read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := b.d.Read(p[n:])
		n += m
		if err == io.EOF && n > 0 {
			return n, nil
		}
		if err != nil && err != io.EOF {
			err = b.c.fail(err)
		}
		if err != nil {
			return n, err
		}
		if b.c.conn.Buffered() == 0 {
			break
		}
	}
	return n, nil
}

// readBody hands a multi-line reply to fn, with progress reported against
// total, then reads and drops what fn left. A lost connection wins over
// fn's error.
func (c *Client) readBody(total int64, fn func(r io.Reader) error) error {
	r := c.newBodyReader()
	r.total, r.progress = total, c.opts.Progress
	c.inPipe = true
	err := fn(r)
	c.inPipe = false
	if _, derr := io.Copy(io.Discard, r); derr != nil {
		return derr
	}
	if c.broken != nil {
		return c.broken
	}
	return err
}

// copyBody streams a multi-line reply into w. When w fails, the rest of the
// reply is read and dropped so that the session stays usable.
func (c *Client) copyBody(w io.Writer, total int64) (int64, error) {
	var done int64
	err := c.readBody(total, func(r io.Reader) error {
		buf := make([]byte, 32<<10)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				m, werr := w.Write(buf[:n])
				done += int64(m)
				if werr == nil && m < n {
					werr = io.ErrShortWrite
				}
				if werr != nil {
					return errs.E(errs.File, werr)
				}
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
	})
	return done, err
}
