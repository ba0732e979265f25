package mime

import (
	"strings"
	"testing"
)

// A blank X-Priority is a normal priority, not a crash.
func TestPriorityBlank(t *testing.T) {
	for _, v := range []string{"", " ", "\t"} {
		m, err := Parse(strings.NewReader("X-Priority:" + v + "\r\nSubject: x\r\n\r\nbody\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := m.Get("Priority"); !ok || got != "normal" {
			t.Errorf("X-Priority %q: Priority %q %v, want normal", v, got, ok)
		}
		m.Close()
	}
}

// A parsed binary part that holds a NUL is rendered quoted-printable, never
// as 7bit or 8bit with the NUL in it (RFC 2045 section 2.7).
func TestNULNeverIdentity(t *testing.T) {
	raw := "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" +
		"Content-Type: application/x-thing\r\nContent-Transfer-Encoding: binary\r\n\r\na\x00b\r\n--b--\r\n"
	m, err := Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var out strings.Builder
	if _, err := m.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.IndexByte(s, 0) >= 0 || !strings.Contains(s, "Content-Transfer-Encoding: quoted-printable") {
		t.Errorf("rendered with a raw NUL or not quoted-printable:\n%q", s)
	}
}

// A multipart without a boundary is read as text, and rendered as text:
// never a multipart type over a quoted-printable body (RFC 2045 section 6.4).
func TestMultipartWithoutBoundaryRendersAsText(t *testing.T) {
	m, err := Parse(strings.NewReader("MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\na bare\rCR\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var out strings.Builder
	if _, err := m.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); strings.Contains(s, "multipart/") {
		t.Errorf("still a multipart type:\n%q", s)
	}
}
