package mime

import "encoding/base64"

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
		n := len(d.out)
		out, err := base64.StdEncoding.AppendDecode(d.out, p)
		if err == nil {
			d.out = out
			return
		}
		d.out = out[:n]
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
