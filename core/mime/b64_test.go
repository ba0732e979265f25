package mime

import (
	"bytes"
	"encoding/base64"
	"testing"
)

// checkB64Clean compares appendB64Clean with encoding/base64 on p.
func checkB64Clean(t *testing.T, p []byte) {
	prefix := []byte("kept")
	got, ok := appendB64Clean(bytes.Clone(prefix), p)
	want, err := base64.StdEncoding.AppendDecode(bytes.Clone(prefix), p)
	switch {
	case ok && (err != nil || !bytes.Equal(got, want)):
		t.Errorf("%q: decoded %q, encoding/base64 %q (%v)", p, got, want, err)
	case !ok && !bytes.Equal(got, prefix):
		t.Errorf("%q: refused but changed dst to %q", p, got)
	case !ok && len(p)%4 == 0 && err == nil && !bytes.ContainsAny(p, "\r\n"):
		t.Errorf("%q: refused what encoding/base64 decodes", p)
	}
}

func TestB64Clean(t *testing.T) {
	long := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0, 0xff, 0x7e, 0x81}, 100))
	for _, in := range []string{
		"", "QQ==", "QUI=", "QUJD", "QUJDRA==", long, long[:len(long)-4] + "QQ==",
		"Q===", "====", "QU=D", "QUJD!UJD", "QUJD\r\nQUJD", "QQ==QUJD", "QUJ\x80", long[:len(long)-8] + "*AAAAAAA",
	} {
		checkB64Clean(t, []byte(in))
	}
}

func FuzzB64Clean(f *testing.F) {
	f.Add([]byte("QUJDRA=="))
	f.Add([]byte("QUJD!UJD"))
	f.Fuzz(func(t *testing.T, p []byte) {
		checkB64Clean(t, p[:len(p)/4*4])
	})
}

func BenchmarkB64Decode(b *testing.B) {
	enc := []byte(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("0123456789abcdefghij"), 1200)))
	b.SetBytes(int64(len(enc)))
	dst := make([]byte, 0, len(enc))
	b.Run("clean", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		for b.Loop() {
			appendB64Clean(dst[:0], enc)
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		for b.Loop() {
			base64.StdEncoding.AppendDecode(dst[:0], enc)
		}
	})
}
