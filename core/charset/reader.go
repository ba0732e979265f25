package charset

import "io"

// reader decodes a stream. It holds at most len(in) undecoded bytes and the
// UTF-8 they decode to (at most three bytes each), whatever the input.
type reader struct {
	r      io.Reader
	d      decoder
	in     [4096]byte
	lo, hi int    // undecoded input is in[lo:hi]
	out    []byte // decoded output; out[pos:] is not yet returned
	pos    int
	err    error // sticky error of r, io.EOF at the end
}

// maxEmptyReads bounds the reads that return neither bytes nor an error.
const maxEmptyReads = 100

func newReader(d decoder, r io.Reader) *reader {
	return &reader{r: r, d: d}
}

// Read implements io.Reader.
func (r *reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for empty := 0; r.pos == len(r.out); {
		if r.lo < r.hi {
			r.decode()
			if r.pos < len(r.out) {
				break
			}
		}
		if r.err != nil {
			return 0, r.err
		}
		if r.fill() {
			empty = 0
		} else if empty++; empty >= maxEmptyReads {
			return 0, io.ErrNoProgress
		}
	}
	n := copy(p, r.out[r.pos:])
	r.pos += n
	return n, nil
}

// decode converts the buffered input to r.out, keeping an incomplete final
// sequence unless the input has ended.
func (r *reader) decode() {
	out, n := decodeInto(r.out[:0], r.d, r.in[r.lo:r.hi], r.err != nil)
	r.out, r.pos = out, 0
	r.lo += n
}

// fill moves the undecoded tail to the front of the buffer and reads more. It
// reports whether the read returned any bytes or an error.
func (r *reader) fill() bool {
	r.hi = copy(r.in[:], r.in[r.lo:r.hi])
	r.lo = 0
	n, err := r.r.Read(r.in[r.hi:])
	r.hi += n
	if err != nil {
		r.err = err
	}
	return n > 0 || err != nil
}
