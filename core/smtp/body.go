package smtp

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"mailwire/core/wire"
)

// chunkSize is the largest BDAT chunk. Chunks are buffered because the
// count must be exact and line-end normalisation changes lengths.
const chunkSize = 256 << 10

// errChunkRefused stops the body when the server refused a chunk.
var errChunkRefused = errors.New("smtp: BDAT chunk refused")

// wireBody is a body that has its whole content at hand in wire form:
// lines that all end in CRLF (*mime.Message, for a small message held in
// memory). WireBytes returns nil when it has not; the bytes must be what
// WriteTo would write.
type wireBody interface {
	WireBytes() []byte
}

// wireBytes returns the content of t as it goes on the wire when its body
// has it at hand; nil otherwise, for a binary body (RFC 3030 section 3),
// which is sent as it is, and for one large enough that the progress
// callback wants to hear of it in steps.
func (c *Client) wireBytes(t *txn) []byte {
	wb, ok := t.body.(wireBody)
	if !ok || t.env.Binary {
		return nil
	}
	raw := wb.WireBytes()
	if c.o.Progress != nil && len(raw) > progressStep {
		return nil
	}
	return raw
}

// dotStuffFree reports whether no line of b starts with a dot (RFC 5321
// section 4.5.2).
func dotStuffFree(b []byte) bool {
	return len(b) > 0 && b[0] != '.' && !bytes.Contains(b, crlfDot)
}

var crlfDot, dotEnd = []byte("\n."), []byte(".\r\n")

// writeDot writes the body in the DATA form: line ends normalised to CRLF,
// leading dots doubled, CRLF "." CRLF at the end (RFC 5321 section 4.5.2).
// A body in wire form without a leading dot goes out as it is.
func (c *Client) writeDot(t *txn) error {
	if raw := c.wireBytes(t); raw != nil && dotStuffFree(raw) {
		c.conn.Write(raw)
		if _, err := c.conn.Write(dotEnd); err != nil {
			return err
		}
		c.report(int64(len(raw)), t.env.Size)
		return nil
	}
	dw := c.conn.DotWriter()
	if _, err := t.body.WriteTo(c.progress(dw, t.env.Size)); err != nil {
		return err
	}
	return dw.Close()
}

// chunker cuts a body into BDAT chunks (RFC 3030 section 2) and hands each
// to emit, the last one marked.
type chunker struct {
	buf  []byte
	emit func(chunk []byte, last bool) error
}

// Write buffers p, emitting a full chunk when more data follows it, so that
// the last chunk is never empty unless the body is.
func (k *chunker) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if len(k.buf) == cap(k.buf) {
			if err := k.emit(k.buf, false); err != nil {
				return n - len(p), err
			}
			k.buf = k.buf[:0]
		}
		m := copy(k.buf[len(k.buf):cap(k.buf)], p)
		k.buf = k.buf[:len(k.buf)+m]
		p = p[m:]
	}
	return n, nil
}

// writeChunks cuts the body of t into chunks for emit. Line ends are
// normalised to CRLF, except in a binary body (RFC 3030 section 3), and
// nothing is dot-stuffed.
func (c *Client) writeChunks(t *txn, emit func(chunk []byte, last bool) error) error {
	if raw := c.wireBytes(t); raw != nil && len(raw) <= chunkSize {
		// Already in wire form: one chunk, without copying it.
		if err := emit(raw, true); err != nil {
			return err
		}
		c.report(int64(len(raw)), t.env.Size)
		return nil
	}
	if cap(c.chunk) < chunkSize {
		c.chunk = make([]byte, 0, chunkSize)
	}
	k := &chunker{buf: c.chunk[:0], emit: emit}
	if t.env.Binary {
		if _, err := t.body.WriteTo(c.progress(k, t.env.Size)); err != nil {
			return err
		}
		return emit(k.buf, true)
	}
	if c.chunkW == nil {
		c.chunkW = bufio.NewWriterSize(k, 32<<10)
	}
	bw := c.chunkW
	bw.Reset(k)
	defer bw.Reset(nil)
	cw := wire.NewCRLFWriter(bw)
	_, err := t.body.WriteTo(c.progress(cw, t.env.Size))
	if err == nil {
		err = cw.EndLine()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return err
	}
	return emit(k.buf, true)
}

// progressWriter reports the body bytes written.
type progressWriter struct {
	w           io.Writer
	fn          func(done, total int64)
	done, total int64
}

// progressStep is the most data between two progress calls, so a large
// write (a message rendered in one piece) still reports as it goes.
const progressStep = 64 << 10

func (p *progressWriter) Write(b []byte) (int, error) {
	written := 0
	for len(b) > 0 {
		chunk := b
		if len(chunk) > progressStep {
			chunk = chunk[:progressStep]
		}
		n, err := p.w.Write(chunk)
		written += n
		p.done += int64(n)
		p.fn(p.done, p.total)
		if err != nil {
			return written, err
		}
		b = b[n:]
	}
	return written, nil
}

// report calls the progress callback, if there is one, with the whole
// body written.
func (c *Client) report(done, total int64) {
	if c.o.Progress != nil {
		c.o.Progress(done, total)
	}
}

// progress wraps w with the progress callback, if there is one.
func (c *Client) progress(w io.Writer, total int64) io.Writer {
	if c.o.Progress == nil {
		return w
	}
	return &progressWriter{w: w, fn: c.o.Progress, total: total}
}
