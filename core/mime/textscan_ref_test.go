package mime

import (
	"strings"
	"testing"
)

// updateRef is the byte-at-a-time scan that update must agree with; it scans p, which continues what was scanned before.
func (s *textStats) updateRef(p []byte) {
	for _, c := range p {
		if c == '\n' {
			if s.prev != '\r' {
				s.bare = true
			}
			s.endLine()
			s.prev = c
			continue
		}
		if s.prev == '\r' {
			s.bare = true
		}
		s.prev = c
		if c == '\r' {
			continue
		}
		if c >= 0x80 {
			s.nonASCII++
		} else if (c < 0x20 && c != '\t') || c == 0x7f {
			s.ctrl++
		}
		s.cur++
		s.last = c
		if len(s.head) < 5 {
			s.head = append(s.head, c)
			s.from = s.from || string(s.head) == "From "
		}
	}
	s.endsCRLF = s.prev == '\n' && s.cur == 0
}

func refScan(b []byte) *textStats {
	s := &textStats{}
	s.updateRef(b)
	s.done()
	return s
}

// scanPieces scans b in pieces of n bytes, as the parser feeds it.
func scanPieces(b []byte, n int) *textStats {
	s := &textStats{}
	for len(b) > n {
		s.update(b[:n])
		b = b[n:]
	}
	s.update(b)
	s.done()
	return s
}

func sameStats(a, b *textStats) bool {
	return a.nonASCII == b.nonASCII && a.ctrl == b.ctrl && a.maxLine == b.maxLine && a.cur == b.cur &&
		a.bare == b.bare && a.from == b.from && a.trailingWS == b.trailingWS && a.endsCRLF == b.endsCRLF
}

func TestTextScan(t *testing.T) {
	long := strings.Repeat("abcdefgh", 20)
	for _, in := range []string{
		"", "a", "\r", "\n", "\r\n", "\r\r\n", "a\rb\r\n", "abc\r", "From me\r\n", "x\r\nFrom \r\n",
		"Fr\rom x", "trailing \r\n", "tab\t\r\n", "\x7f\x00\x1b", "ünï\r\ncödé", long + "\r\n" + long,
		long + "\r" + long, long + "é" + long + "\x01\r\n", "a\n\rb", "\r\n\r\n", "end \t",
		"From", "From \r\n" + long + "\r", strings.Repeat("x", 999) + "\r\n",
	} {
		want := refScan([]byte(in))
		for _, n := range []int{1, 2, 3, 7, 8, 9, 64, 1 << 20} {
			if got := scanPieces([]byte(in), n); !sameStats(got, want) {
				t.Errorf("%q in pieces of %d: %+v, want %+v", in, n, got, want)
			}
		}
	}
}

func FuzzTextScan(f *testing.F) {
	f.Add([]byte("From x\r\nab\rc\n\xff"), 3)
	f.Add([]byte("plain text line\r\n"), 8)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		n = 1 + (n&0xffff)%(len(b)+1)
		want := refScan(b)
		if got := scanPieces(b, n); !sameStats(got, want) {
			t.Errorf("%q in pieces of %d: %+v, want %+v", b, n, got, want)
		}
	})
}

func BenchmarkScanText(b *testing.B) {
	in := []byte(strings.Repeat("the quick brown fox jumps over the lazy dog, mail message server\r\n", 30))
	b.SetBytes(int64(len(in)))
	b.Run("lines", func(b *testing.B) {
		for b.Loop() {
			scanText(in)
		}
	})
	b.Run("bytes", func(b *testing.B) {
		for b.Loop() {
			refScan(in)
		}
	})
}
