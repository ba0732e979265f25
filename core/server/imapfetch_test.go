package server

import (
	"bytes"
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
