package mime

import (
	"bytes"
	"encoding/binary"
)

// Byte classes of the text scan.
const (
	clPlain = iota // printable ASCII, space, tab
	clHigh         // 8-bit
	clCtrl         // other control characters
	clCR
)

var textClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c == '\r':
			t[c] = clCR
		case c >= 0x80:
			t[c] = clHigh
		case (c < 0x20 && c != '\t') || c == 0x7f:
			t[c] = clCtrl
		}
	}
	return t
}()

// update scans p, which continues what was scanned before, a line at a
// time.
func (s *textStats) update(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.segment(p)
			break
		}
		s.segment(p[:i])
		if s.prev != '\r' {
			s.bare = true
		}
		s.endLine()
		s.prev = '\n'
		p = p[i+1:]
	}
	s.endsCRLF = s.prev == '\n' && s.cur == 0
}

// segment scans a piece of a line without LF. A CR inside it is bare; one
// at its end is bare unless an LF follows.
func (s *textStats) segment(seg []byte) {
	if len(seg) == 0 {
		return
	}
	if s.prev == '\r' {
		s.bare = true
	}
	crs := s.classify(seg)
	if crs > 0 && bytes.IndexByte(seg[:len(seg)-1], '\r') >= 0 {
		s.bare = true
	}
	s.cur += int64(len(seg) - crs)
	s.prev = seg[len(seg)-1]
	if crs == len(seg) {
		return
	}
	for j := len(seg) - 1; j >= 0; j-- {
		if seg[j] != '\r' {
			s.last = seg[j]
			break
		}
	}
	for j := 0; j < len(seg) && len(s.head) < 5; j++ {
		if seg[j] != '\r' {
			s.head = append(s.head, seg[j])
			s.from = s.from || string(s.head) == "From "
		}
	}
}

// classify counts the 8-bit and control bytes of seg and returns its
// number of CRs, skipping eight bytes at a time where all are printable.
func (s *textStats) classify(seg []byte) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	crs, i := 0, 0
	for ; i+8 <= len(seg); i += 8 {
		x := binary.LittleEndian.Uint64(seg[i:])
		// A byte below 0x20 or above 0x7e sets its high bit in one of
		// these; borrows and carries only cause a closer look.
		if ((x-0x20*lo)|(x+0x01*lo)|x)&hi == 0 {
			continue
		}
		crs += s.classifyBytes(seg[i : i+8])
	}
	return crs + s.classifyBytes(seg[i:])
}

func (s *textStats) classifyBytes(b []byte) int {
	crs := 0
	for _, c := range b {
		switch textClass[c] {
		case clHigh:
			s.nonASCII++
		case clCtrl:
			s.ctrl++
			if c == 0 {
				s.nul++
			}
		case clCR:
			crs++
		}
	}
	return crs
}
