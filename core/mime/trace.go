package mime

import (
	"strings"

	"mailwire/core/trace"
)

// Hop is one Received field of a message (RFC 5321 section 4.4): its value
// with each run of white space made one space, and what trace.Parse read
// from it (a value with no clause leaves the fields empty).
type Hop struct {
	Raw string
	trace.Received
}

// Trace returns the Received fields in header order, the newest first,
// each parsed once until the message changes.
func (m *Message) Trace() []Hop {
	if m.hops != nil {
		return m.hops
	}
	list := m.Headers("Received")
	m.hops = make([]Hop, len(list))
	for i, raw := range list {
		r, _ := trace.Parse(raw)
		m.hops[i] = Hop{Raw: strings.Join(strings.Fields(raw), " "), Received: r}
	}
	return m.hops
}
