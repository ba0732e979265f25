package mime

import (
	"encoding/base64"
	"encoding/binary"
)

// b64Table maps a base64 character to its value, or -1.
var b64Table = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	return t
}()

// b64Quad maps a base64 character to its value shifted into place for each
// position of a group of four; any other character has bit 31 set.
var b64Quad = func() (t [4][256]uint32) {
	for i := range 256 {
		v := uint32(b64Table[i])
		for pos := range 4 {
			if b64Table[i] < 0 {
				t[pos][i] = 1 << 31
			} else {
				t[pos][i] = v << (18 - 6*pos)
			}
		}
	}
	return t
}()

// appendB64Clean decodes p, whose length is a multiple of 4, when it holds
// only alphabet characters with at most "=" or "==" at its end; ok is
// false, and dst unchanged, for any other input.
func appendB64Clean(dst, p []byte) ([]byte, bool) {
	if len(p) == 0 {
		return dst, true
	}
	body, tail := p[:len(p)-4], p[len(p)-4:]
	n := len(dst)
	need := len(body)/4*3 + 4
	if cap(dst)-n < need {
		grown := make([]byte, n, 2*cap(dst)+need)
		copy(grown, dst)
		dst = grown
	}
	out := dst[n : n+need]
	var bad uint32
	o := 0
	for len(body) >= 8 && len(out) >= o+8 {
		q := body[:8:8]
		x := b64Quad[0][q[0]] | b64Quad[1][q[1]] | b64Quad[2][q[2]] | b64Quad[3][q[3]]
		y := b64Quad[0][q[4]] | b64Quad[1][q[5]] | b64Quad[2][q[6]] | b64Quad[3][q[7]]
		bad |= x | y
		binary.BigEndian.PutUint64(out[o:o+8], uint64(x)<<40|uint64(y)<<16)
		o += 6
		body = body[8:]
	}
	for len(body) >= 4 {
		q := body[:4:4]
		x := b64Quad[0][q[0]] | b64Quad[1][q[1]] | b64Quad[2][q[2]] | b64Quad[3][q[3]]
		bad |= x
		binary.BigEndian.PutUint32(out[o:o+4], x<<8)
		o += 3
		body = body[4:]
	}
	if bad&(1<<31) != 0 {
		return dst[:n], false
	}
	dst, err := base64.StdEncoding.AppendDecode(dst[:n+o], tail)
	if err != nil {
		return dst[:n], false
	}
	return dst, true
}

// b64Decoder decodes base64 (RFC 2045 section 6.8) leniently and
// incrementally: characters outside the alphabet are ignored, padding ends
// a group early, and decoding resumes after padding.
type b64Decoder struct {
	acc uint32
	n   int
	out []byte
}

func newB64Decoder() *b64Decoder { return &b64Decoder{} }

// feed decodes p, appending to d.out. Clean input, as nearly all mail
// has, takes the fast path of encoding/base64.
func (d *b64Decoder) feed(p []byte) {
	if d.n == 0 && len(p)%4 == 0 {
		out, ok := appendB64Clean(d.out, p)
		if ok {
			d.out = out
			return
		}
	}
	for _, c := range p {
		v := b64Table[c]
		if v < 0 {
			if c == '=' {
				d.flushPartial()
			}
			continue
		}
		d.acc = d.acc<<6 | uint32(v)
		d.n++
		if d.n == 4 {
			d.out = append(d.out, byte(d.acc>>16), byte(d.acc>>8), byte(d.acc))
			d.acc, d.n = 0, 0
		}
	}
}

// feedTo decodes p as feed does, appending to dst instead of d.out.
func (d *b64Decoder) feedTo(dst, p []byte) []byte {
	keep := d.out
	d.out = dst
	d.feed(p)
	dst = d.out
	d.out = keep
	return dst
}

// flushPartial emits the bytes of an incomplete group (2 or 3 characters).
func (d *b64Decoder) flushPartial() {
	switch d.n {
	case 2:
		d.out = append(d.out, byte(d.acc>>4))
	case 3:
		d.out = append(d.out, byte(d.acc>>10), byte(d.acc>>2))
	}
	d.acc, d.n = 0, 0
}

// take returns the bytes decoded so far and forgets them.
func (d *b64Decoder) take() []byte {
	out := d.out
	d.out = d.out[:0]
	return out
}

// finish flushes an incomplete final group and returns what is left.
func (d *b64Decoder) finish() []byte {
	d.flushPartial()
	return d.out
}
