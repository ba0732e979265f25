package mime

import (
	"strings"
	"testing"
)

// Trace parses the Received fields once, and again after a change.
func TestTraceCache(t *testing.T) {
	m, err := Parse(strings.NewReader("Received: from a.test by b.test\r\n  with ESMTP; Mon, 1 Jan 2024 00:00:00 +0000\r\nSubject: x\r\n\r\nbody\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	hops := m.Trace()
	if len(hops) != 1 || hops[0].From != "a.test" || hops[0].With != "ESMTP" || strings.Contains(hops[0].Raw, "  ") {
		t.Fatalf("hops %+v", hops)
	}
	if &m.Trace()[0] != &hops[0] {
		t.Error("Trace parsed the fields again without a change")
	}
	m.Set("Received", "from c.test by d.test; Tue, 2 Jan 2024 00:00:00 +0000")
	if got := m.Trace(); len(got) > 0 && &got[0] == &hops[0] {
		t.Error("Trace kept the fields of the message before Set")
	}
}
