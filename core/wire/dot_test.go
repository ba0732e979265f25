package wire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math/rand"
	"strings"
	"testing"
)

func stuff(t *testing.T, in string, chunk int) string {
	t.Helper()
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	d := NewDotWriter(bw)
	b := []byte(in)
	for len(b) > 0 {
		n := chunk
		if n > len(b) {
			n = len(b)
		}
		if _, err := d.Write(b[:n]); err != nil {
			t.Fatal(err)
		}
		b = b[n:]
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	bw.Flush()
	if d.N != int64(out.Len()) {
		t.Fatalf("N = %d, wrote %d", d.N, out.Len())
	}
	return out.String()
}

func TestDotWriter(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ".\r\n"},
		{"a", "a\r\n.\r\n"},
		{"a\r\n", "a\r\n.\r\n"},
		{".", "..\r\n.\r\n"},
		{".\r\n", "..\r\n.\r\n"},
		{"a\n.\nb", "a\r\n..\r\nb\r\n.\r\n"},
		{"a\r.\rb", "a\r\n..\r\nb\r\n.\r\n"},
		{"a\n.\r\nb", "a\r\n..\r\nb\r\n.\r\n"},
		{"a\r\n.\nb", "a\r\n..\r\nb\r\n.\r\n"},
		{"x\r\n\r\n.\r\n", "x\r\n\r\n..\r\n.\r\n"},
		{"\r\r\n\n", "\r\n\r\n\r\n.\r\n"},
		{"..a\r\n...", "...a\r\n....\r\n.\r\n"},
		{"a.b\r\n", "a.b\r\n.\r\n"},
	}
	for _, tt := range tests {
		for _, chunk := range []int{1, 2, 3, 1000} {
			if got := stuff(t, tt.in, chunk); got != tt.want {
				t.Errorf("stuff(%q, chunk %d) = %q, want %q", tt.in, chunk, got, tt.want)
			}
		}
	}
}

func TestCRLFWriterDoesNotStuff(t *testing.T) {
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	d := NewCRLFWriter(bw)
	d.Write([]byte(".a\n.\rb"))
	d.Close()
	bw.Flush()
	if got, want := out.String(), ".a\r\n.\r\nb\r\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func unstuff(in string, strict bool, size int) (string, string, error) {
	br := bufio.NewReaderSize(strings.NewReader(in), size)
	d := NewDotReader(br, strict)
	out, err := io.ReadAll(d)
	rest, _ := io.ReadAll(br)
	return string(out), string(rest), err
}

func TestDotReaderStrict(t *testing.T) {
	tests := []struct {
		in, want, rest string
		bad            bool
	}{
		{"a\r\n.\r\nNEXT", "a\r\n", "NEXT", false},
		{".\r\n", "", "", false},
		{"..\r\n.\r\n", ".\r\n", "", false},
		{"..x\r\n.\r\n", ".x\r\n", "", false},
		// Smuggling probes: none of these ends the data early.
		{"a\n.\nMAIL FROM:<x>\r\n.\r\n", "a\n.\nMAIL FROM:<x>\r\n", "", true},
		{"a\r\n.\nRSET\r\n.\r\n", "a\r\n.\nRSET\r\n", "", true},
		{"a\n.\r\nRSET\r\n.\r\n", "a\n.\r\nRSET\r\n", "", true},
		{"a\r.\rRSET\r\n.\r\n", "a\r.\rRSET\r\n", "", true},
		{"a\r\n.\r\r\n.\r\n", "a\r\n\r\r\n", "", true},
	}
	for _, tt := range tests {
		for _, size := range []int{16, 4096} {
			got, rest, err := unstuff(tt.in, true, size)
			if tt.bad != errors.Is(err, ErrBareLineEnd) || !tt.bad && err != nil {
				t.Errorf("%q size %d: err = %v, want bad=%v", tt.in, size, err, tt.bad)
			}
			if rest != tt.rest || !tt.bad && got != tt.want {
				t.Errorf("%q size %d: got %q rest %q, want %q rest %q", tt.in, size, got, rest, tt.want, tt.rest)
			}
		}
	}
}

func TestDotReaderLenient(t *testing.T) {
	got, rest, err := unstuff("a\n..b\r\n.\nX", false, 4096)
	if err != nil || got != "a\r\n.b\r\n" || rest != "X" {
		t.Fatalf("got %q rest %q err %v", got, rest, err)
	}
	if _, _, err := unstuff("a\r\nb", false, 4096); err == nil {
		t.Fatal("want an error for data without its terminator")
	}
}

func TestDotRoundTrip(t *testing.T) {
	long := strings.Repeat("x", 5000)
	for _, in := range []string{"", "a", ".", "..\r\n.", long + "\r\n." + long, "a\r\n\r\n"} {
		wire := stuff(t, in, 7)
		got, rest, err := unstuff(wire, true, 64)
		want := strings.NewReplacer("\r\n", "\r\n").Replace(in)
		if !strings.HasSuffix(want, "\r\n") && want != "" {
			want += "\r\n"
		}
		if err != nil || got != want || rest != "" {
			t.Errorf("round trip %q: got %q err %v", in[:min(len(in), 20)], got[:min(len(got), 20)], err)
		}
	}
}

func FuzzDotRoundTrip(f *testing.F) {
	for _, s := range []string{"", ".", "a\n.\nb", "\r\r\n.\r", "..\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		wire := stuff(t, in, 3)
		got, rest, err := unstuff(wire, true, 32)
		if err != nil || rest != "" {
			t.Fatalf("%q: err %v rest %q", in, err, rest)
		}
		// What arrives is the input with every line end made CRLF.
		norm := strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(in, "\r\n", "\n"), "\r", "\n"), "\n", "\r\n")
		if norm != "" && !strings.HasSuffix(norm, "\r\n") {
			norm += "\r\n"
		}
		if got != norm {
			t.Fatalf("%q: got %q want %q", in, got, norm)
		}
	})
}

func TestCheckLine(t *testing.T) {
	for _, s := range []string{"a\rb", "a\nb", "a\x00b"} {
		if CheckLine("x", s) == nil {
			t.Errorf("CheckLine(%q) = nil", s)
		}
	}
	if err := CheckLine("x", "fine value"); err != nil {
		t.Error(err)
	}
}

// refUnstuff is the reference for DotReader: it takes the data a line at a
// time, as RFC 5321 section 4.5.2 and RFC 1939 section 3 describe it. It
// returns the unstuffed data, the bytes after the terminator, whether a
// strict reader finds a bare CR or LF, and whether the terminator came.
func refUnstuff(in string, strict bool) (out, rest string, bad, ended bool) {
	var b strings.Builder
	bol := true
	for {
		i := strings.IndexByte(in, '\n')
		if i < 0 {
			return b.String(), "", bad, false
		}
		body, crlf := in[:i], false
		in = in[i+1:]
		if strings.HasSuffix(body, "\r") {
			body, crlf = body[:len(body)-1], true
		}
		atStart := bol
		if strict {
			if !crlf || strings.IndexByte(body, '\r') >= 0 {
				bad = true
			}
			bol = crlf
		}
		if atStart && body == "." && (crlf || !strict) {
			return b.String(), in, bad, true
		}
		if atStart && strings.HasPrefix(body, ".") {
			body = body[1:]
		}
		b.WriteString(body)
		b.WriteString("\r\n")
	}
}

// chunkReader gives its data in pieces of random size.
type chunkReader struct {
	data []byte
	rnd  *rand.Rand
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.data), 1+c.rnd.Intn(200))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// readRandom reads d in calls of random size.
func readRandom(d io.Reader, rnd *rand.Rand) ([]byte, error) {
	var out []byte
	buf := make([]byte, 300)
	for {
		n, err := d.Read(buf[:1+rnd.Intn(len(buf))])
		out = append(out, buf[:n]...)
		if err != nil {
			return out, err
		}
	}
}

func FuzzDotReaderReference(f *testing.F) {
	for _, s := range []string{
		"", "a\r\n.\r\nX", "a\n..b\r\n.\nX", "a\r\n.\r\r\n.\r\n", "x\r\ny\r\n\r\n..\r\n.\r\n",
		"a\n.\nMAIL\r\n.\r\n", strings.Repeat("abc\r\n", 40) + ".\r\n", strings.Repeat("z", 70) + "\r\n.\r\n",
	} {
		f.Add([]byte(s), false, uint16(16), int64(1))
		f.Add([]byte(s), true, uint16(40), int64(2))
	}
	f.Fuzz(func(t *testing.T, in []byte, strict bool, size uint16, seed int64) {
		rnd := rand.New(rand.NewSource(seed))
		br := bufio.NewReaderSize(&chunkReader{data: in, rnd: rnd}, 16+int(size%512))
		d := NewDotReader(br, strict)
		got, err := readRandom(d, rnd)
		rest, _ := io.ReadAll(br)
		want, wantRest, bad, ended := refUnstuff(string(in), strict)
		switch {
		case !ended:
			if err == nil || err == io.EOF || errors.Is(err, ErrBareLineEnd) {
				t.Fatalf("%q: err %v, want an error for data without its end", in, err)
			}
			if !strings.HasPrefix(string(got), want) {
				t.Fatalf("%q: got %q, want a prefix %q", in, got, want)
			}
			return
		case bad && !errors.Is(err, ErrBareLineEnd), !bad && err != io.EOF:
			t.Fatalf("%q strict=%v: err %v, want bad=%v", in, strict, err, bad)
		}
		if string(got) != want || string(rest) != wantRest || d.N != int64(len(got)) {
			t.Fatalf("%q strict=%v size %d: got %q rest %q N %d, want %q rest %q",
				in, strict, br.Size(), got, rest, d.N, want, wantRest)
		}
	})
}

func BenchmarkDotReader(b *testing.B) {
	var msg bytes.Buffer
	for msg.Len() < 50<<10 {
		msg.WriteString("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod t\r\n")
	}
	msg.WriteString(".\r\n")
	data := msg.Bytes()
	src := bytes.NewReader(data)
	br := bufio.NewReaderSize(src, 64<<10)
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		src.Reset(data)
		br.Reset(src)
		d := NewDotReader(br, false)
		for {
			if _, err := d.Read(buf); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
		}
	}
}
