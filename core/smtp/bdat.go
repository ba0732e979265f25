package smtp

import (
	"bufio"
	"errors"
	"io"
	"strconv"

	"mailwire/core/wire"
)

// chunkSize is the largest BDAT chunk. Chunks are buffered because the
// count must be exact and line-end normalisation changes lengths.
const chunkSize = 256 << 10

// errChunkRefused stops the body when the server refused a chunk.
var errChunkRefused = errors.New("smtp: BDAT chunk refused")

// chunker cuts the body into BDAT chunks (RFC 3030 section 2). With wait
// set (no PIPELINING) it reads the reply to each chunk before the next.
type chunker struct {
	c       *Client
	buf     []byte
	sent    int
	wait    bool
	refused *reply
}

// Write buffers p, sending a full chunk when more data follows it, so that
// the last chunk is never empty unless the body is.
func (k *chunker) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if len(k.buf) == cap(k.buf) {
			if err := k.emit(false); err != nil {
				return n - len(p), err
			}
		}
		m := copy(k.buf[len(k.buf):cap(k.buf)], p)
		k.buf = k.buf[:len(k.buf)+m]
		p = p[m:]
	}
	return n, nil
}

// emit writes "BDAT n [LAST]" and the chunk.
func (k *chunker) emit(last bool) error {
	line := "BDAT " + strconv.Itoa(len(k.buf))
	if last {
		line += " LAST"
	}
	k.c.conn.WriteLine(line)
	if _, err := k.c.conn.Write(k.buf); err != nil {
		return err
	}
	k.buf = k.buf[:0]
	k.sent++
	if !k.wait || last {
		return nil
	}
	if err := k.c.conn.Flush(); err != nil {
		return err
	}
	r, err := k.c.read(k.c.o.dataTimeout())
	if err != nil {
		return err
	}
	if r.Code/100 != 2 {
		k.refused = r
		return errChunkRefused
	}
	return nil
}

// writeChunks sends the body as BDAT chunks, the last one marked LAST. Line
// ends are normalised to CRLF, except for a binary body (RFC 3030 section
// 3), and nothing is dot-stuffed.
func (c *Client) writeChunks(t *txn, body io.WriterTo, wait bool) (*chunker, error) {
	if cap(c.chunk) < chunkSize {
		c.chunk = make([]byte, 0, chunkSize)
	}
	k := &chunker{c: c, buf: c.chunk[:0], wait: wait}
	t.dataSent = true
	if t.env.Binary {
		_, err := body.WriteTo(c.progress(k, t.env.Size))
		if err == nil {
			err = k.emit(true)
		}
		return k, err
	}
	if c.chunkW == nil {
		c.chunkW = bufio.NewWriterSize(k, 32<<10)
	}
	bw := c.chunkW
	bw.Reset(k)
	defer bw.Reset(nil)
	cw := wire.NewCRLFWriter(bw)
	_, err := body.WriteTo(c.progress(cw, t.env.Size))
	if err == nil {
		err = cw.EndLine()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = k.emit(true)
	}
	return k, err
}

// bdatPipelined sends the whole message behind MAIL and RCPT in one stream
// (RFC 3030 section 4.2 with RFC 2920), then reads every reply in order,
// the final one(s) included.
func (c *Client) bdatPipelined(t *txn, body io.WriterTo) error {
	k, err := c.writeChunks(t, body, false)
	if err != nil {
		return c.abort(err)
	}
	if err := c.conn.Flush(); err != nil {
		return c.fail(err)
	}
	return c.readBDAT(t, k.sent)
}

// bdatLockstep sends the chunks one by one, waiting for each reply.
func (c *Client) bdatLockstep(t *txn, body io.WriterTo) error {
	k, err := c.writeChunks(t, body, true)
	if k.refused != nil {
		t.setAccepted(k.refused)
		return k.refused.err()
	}
	if err != nil {
		return c.abort(err)
	}
	if err := c.conn.Flush(); err != nil {
		return c.fail(err)
	}
	return c.finish(t)
}
