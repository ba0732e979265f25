package server

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// readerMessage is a messageReader that is not in memory as the store
// keeps it: readHeader reads it in pieces, as it reads a file.
type readerMessage struct{ *bytes.Reader }

func (readerMessage) Close() error { return nil }

// TestReadHeader checks that readHeader returns the header splitHeader
// cuts, or errHeaderTooLong past maxHeaderRead, the same whether it reads
// the message in pieces (a file) or finds it in memory (cutHeader).
func TestReadHeader(t *testing.T) {
	long := "X-Long: " + strings.Repeat("a", 40<<10) + "\r\n"
	tests := []struct {
		name, msg string
		tooLong   bool
	}{
		{"crlf", "Subject: a\r\n\r\nbody\r\n\r\nmore\r\n", false},
		{"lf", "Subject: a\n\nbody\n", false},
		{"lf then crlf", "Subject: a\n\nbody\r\n\r\nmore", false},
		{"no body", "Subject: a\r\n", false},
		{"empty header", "\r\nbody\r\n", false},
		{"empty", "", false},
		{"across pieces", long + "\r\nbody", false},
		{"blank line split by a piece", strings.Repeat("x", 16<<10-2) + "\r\n\r\nbody", false},
		{"long, then blank", strings.Repeat(long, maxHeaderRead/len(long)-1) + "\r\nbody", false},
		{"too long", strings.Repeat(long, maxHeaderRead/len(long)+1) + "\r\nbody", true},
		{"no blank line, over the bound", strings.Repeat(long, maxHeaderRead/len(long)+1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := []byte(tt.msg)
			want, _ := splitHeader(msg)
			for _, src := range []messageReader{
				readerMessage{bytes.NewReader(msg)},
				bytesMessage{bytes.NewReader(msg), msg},
			} {
				h, err := readHeader(src, int64(len(msg)))
				if tt.tooLong {
					if err != errHeaderTooLong {
						t.Errorf("%T: %d octets, %v; want errHeaderTooLong", src, len(h), err)
					}
					continue
				}
				if err != nil || !bytes.Equal(h, want) {
					t.Errorf("%T: %d octets %.40q, %v; want %d octets %.40q", src, len(h), h, err, len(want), want)
				}
				if _, mem := src.(bytesMessage); mem && cap(h) != len(h) {
					t.Errorf("%T: an append to the header would write into the stored message", src)
				}
			}
		})
	}
}

// TestViewSpans checks viewSpans against a look at every message of the
// view, for random views and sets, by sequence number and by UID.
func TestViewSpans(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 2000; round++ {
		var view []uint32
		for u := uint32(1); u < 60; u++ {
			if rng.IntN(3) > 0 {
				view = append(view, u)
			}
		}
		view = view[:rng.IntN(len(view)+1)]
		var parts []string
		for range 1 + rng.IntN(5) {
			a, b := strconv.Itoa(1+rng.IntN(70)), strconv.Itoa(1+rng.IntN(70))
			if rng.IntN(4) == 0 {
				b = "*"
			}
			switch rng.IntN(3) {
			case 0:
				parts = append(parts, a)
			default:
				parts = append(parts, a+":"+b)
			}
		}
		spec := strings.Join(parts, ",")
		for _, uid := range []bool{false, true} {
			star := uint32(len(view))
			if uid && len(view) > 0 {
				star = view[len(view)-1]
			} else if uid {
				star = 0
			}
			set, err := parseSeqSet(spec, star)
			if err != nil {
				t.Fatal(spec, err)
			}
			var want, got []int
			for i, u := range view {
				n := uint32(i + 1)
				if uid {
					n = u
				}
				if set.contains(n) {
					want = append(want, i)
				}
			}
			for _, sp := range viewSpans(view, set, uid) {
				for i := sp[0]; i < sp[1]; i++ {
					got = append(got, i)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("view %v, set %s (uid %v): %v, want %v", view, spec, uid, got, want)
			}
		}
	}
}
