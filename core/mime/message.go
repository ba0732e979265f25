// Package mime composes and parses Internet messages: RFC 5322 headers and
// addresses, MIME structure (RFC 2045, RFC 2046), encoded words (RFC 2047)
// and parameter values (RFC 2231).
package mime

import (
	"net/mail"
	"os"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/syntax"
)

// Message is an Internet message being composed or one that was parsed.
// A Message is not safe for concurrent use.
type Message struct {
	hdr header // top-level fields except MIME-Version and Content-*

	text, html       string // composed bodies, CRLF line endings
	hasText, hasHTML bool
	atts             []*Attachment // composed attachments
	inline           []*Attachment // composed inline parts (EmbedFile)

	root   *part // the parsed body; nil once composed
	parsed *parsedView
	spools []string // temp files removed by Close

	cache  *renderState   // what rendering decided; nil after a change
	env    *envelope      // the envelope; nil after a change
	bodies [2]*bodySource // text and HTML for rendering; nil after a change
	hops   []Hop          // the parsed Received fields; nil after a change
}

// New returns an empty message.
func New() *Message { return &Message{} }

// canonical maps the names of Set and Get to header field names.
var canonical = map[string]string{
	"from": "From", "sender": "Sender", "replyto": "Reply-To", "reply-to": "Reply-To",
	"to": "To", "cc": "Cc", "bcc": "Bcc", "subject": "Subject", "date": "Date",
	"messageid": "Message-ID", "message-id": "Message-ID", "organization": "Organization",
	"readreceiptto": "Disposition-Notification-To", "disposition-notification-to": "Disposition-Notification-To",
}

// addressFields are the fields that hold address lists.
var addressFields = map[string]bool{
	"From": true, "Sender": true, "Reply-To": true, "To": true, "Cc": true, "Bcc": true,
	"Disposition-Notification-To": true,
}

// owned are the fields the library writes itself.
var owned = map[string]bool{"content-type": true, "mime-version": true, "content-transfer-encoding": true}

// Set sets a message property or header field; an empty value removes it.
// Names are case-insensitive: From, Sender, ReplyTo, To, Cc, Bcc, Subject,
// TextBody, HtmlBody, Priority ("high", "normal", "low"), ReadReceiptTo
// (RFC 8098 Disposition-Notification-To), Date, MessageId, Organization;
// any other valid field name (RFC 5322 section 3.6.8) is a custom header.
// CR, LF or NUL in a header value, an invalid name, or a field the library
// owns (Content-Type, MIME-Version, Content-Transfer-Encoding) give errs.Arg.
func (m *Message) Set(name, value string) error {
	m.cache, m.hops = nil, nil
	key := strings.ToLower(name)
	if key == "textbody" || key == "htmlbody" {
		m.env = nil
		return m.setBody(key, value)
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return errs.New(errs.Arg, "mime: CR, LF or NUL in header value")
	}
	if key == "priority" {
		return m.setPriority(value)
	}
	field, known := canonical[key]
	if !known {
		if !validFieldName(name) || owned[key] {
			return errs.New(errs.Arg, "mime: bad or reserved header name "+strings.ToValidUTF8(stripControls(name), "?"))
		}
		field = name
	}
	if addressFields[field] {
		m.env = nil
	}
	if value == "" {
		m.hdr.del(field)
		return nil
	}
	v, err := encodeField(field, value)
	if err != nil {
		return err
	}
	m.hdr.set(field, v)
	return nil
}

// encodeField turns a UTF-8 value into the raw field body of field.
func encodeField(field, value string) (string, error) {
	switch {
	case addressFields[field]:
		list, err := parseAddressList(value, false)
		if err != nil {
			return "", err
		}
		if len(list) == 0 || (field == "Sender" && len(list) != 1) {
			return "", errs.New(errs.Arg, "mime: "+field+" needs an address")
		}
		return joinAddresses(list), nil
	case field == "Date":
		if _, err := mail.ParseDate(value); err != nil {
			return "", errs.E(errs.Arg, err)
		}
		return value, nil
	case field == "Message-ID":
		return formatMessageID(value)
	}
	return encodeUnstructured(value), nil
}

// formatMessageID checks a msg-id (RFC 5322 section 3.6.4) and adds the
// angle brackets when they are missing.
func formatMessageID(v string) (string, error) {
	id := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "<"), ">")
	if id == "" || !syntax.IsPrintableASCII(id) || strings.ContainsAny(id, " <>\"") || !strings.Contains(id, "@") {
		return "", errs.New(errs.Arg, "mime: bad Message-ID")
	}
	return "<" + id + ">", nil
}

func joinAddresses(list []Address) string {
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// priorities maps Priority values to X-Priority and Importance.
var priorities = map[string][2]string{
	"high":   {"1 (Highest)", "high"},
	"normal": {"3 (Normal)", "normal"},
	"low":    {"5 (Lowest)", "low"},
}

func (m *Message) setPriority(v string) error {
	if v == "" {
		m.hdr.del("X-Priority")
		m.hdr.del("Importance")
		return nil
	}
	p, ok := priorities[strings.ToLower(v)]
	if !ok {
		return errs.New(errs.Arg, "mime: priority must be high, normal or low")
	}
	m.hdr.set("X-Priority", p[0])
	m.hdr.set("Importance", p[1])
	return nil
}

func (m *Message) setBody(key, value string) error {
	if strings.IndexByte(value, 0) >= 0 {
		return errs.New(errs.Arg, "mime: NUL in body")
	}
	m.compose()
	v := normalizeCRLF(value)
	if key == "textbody" {
		m.text, m.hasText = v, value != ""
		m.bodies[0] = nil
	} else {
		m.html, m.hasHTML = v, value != ""
		m.bodies[1] = nil
	}
	return nil
}

// normalizeCRLF turns bare CR, bare LF and CRLF into CRLF
// (RFC 5322 section 2.3).
func normalizeCRLF(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/40)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\r':
			b.WriteString("\r\n")
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case '\n':
			b.WriteString("\r\n")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Get returns a message property or header field, decoded to UTF-8, and
// whether it is present. The names are those of Set; address fields come
// as a decoded "Name <a@b>, ..." list, read as readAddressList does (a list
// that lacks a comma gives the mailboxes before the gap, a bounce's null
// sender is "<>"), or, when no address can be read without guessing, as
// the decoded text of the field; any other name returns the first
// occurrence of that header field with encoded words decoded (RFC 2047).
func (m *Message) Get(name string) (string, bool) {
	key := strings.ToLower(name)
	switch key {
	case "textbody", "htmlbody":
		return m.body(key == "htmlbody")
	case "priority":
		return m.priority()
	}
	field, ok := canonical[key]
	if !ok {
		field = name
	}
	v, ok := m.rawField(field)
	if !ok {
		return "", false
	}
	if addressFields[field] {
		if list, ok := readAddressList(unfoldValue(v)); ok && len(list) > 0 {
			return displayList(list), true
		}
	}
	if field == "Message-ID" || field == "Date" {
		return strings.TrimSpace(v), true
	}
	return DecodeHeader(v), true
}

// rawField looks in the message header, then in the header of a parsed
// body (Content-* fields).
func (m *Message) rawField(name string) (string, bool) {
	if v, ok := m.hdr.get(name); ok {
		return v, true
	}
	if m.root != nil {
		return m.root.header.get(name)
	}
	return "", false
}

func unfoldValue(v string) string { return sanitizeValue(v) }

func displayList(list []Address) string {
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = a.display()
	}
	return strings.Join(s, ", ")
}

func (m *Message) priority() (string, bool) {
	v, ok := m.hdr.get("X-Priority")
	if !ok {
		return "", false
	}
	switch v = strings.TrimSpace(v); {
	case v == "":
	case v[0] == '1' || v[0] == '2':
		return "high", true
	case v[0] == '4' || v[0] == '5':
		return "low", true
	}
	return "normal", true
}

// Headers returns the raw values (unfolded, not decoded) of every
// occurrence of the field name, in message order.
func (m *Message) Headers(name string) []string {
	out := m.hdr.all(name)
	if m.root != nil {
		out = append(out, m.root.header.all(name)...)
	}
	return out
}

// AddTo adds a comma-separated list of addresses to To (RFC 5322 section
// 3.6.3).
func (m *Message) AddTo(list string) error { return m.addAddresses("To", list) }

// AddCc adds a comma-separated list of addresses to Cc.
func (m *Message) AddCc(list string) error { return m.addAddresses("Cc", list) }

// AddBcc adds a comma-separated list of addresses to Bcc, which is never
// rendered (RFC 5322 section 3.6.3).
func (m *Message) AddBcc(list string) error { return m.addAddresses("Bcc", list) }

func (m *Message) addAddresses(field, list string) error {
	m.changed()
	addrs, err := parseAddressList(list, false)
	if err != nil {
		return err
	}
	if len(addrs) == 0 {
		return errs.New(errs.Arg, "mime: no address given")
	}
	v := joinAddresses(addrs)
	if cur, ok := m.hdr.get(field); ok && strings.TrimSpace(cur) != "" {
		v = cur + ", " + v
	}
	m.hdr.set(field, v)
	return nil
}

// addresses reads the address lists of every occurrence of a field as
// readAddressList does, ignoring those it cannot read.
func (m *Message) addresses(field string) []Address {
	var out []Address
	for _, v := range m.hdr.all(field) {
		if list, ok := readAddressList(unfoldValue(v)); ok {
			out = append(out, list...)
		}
	}
	return out
}

// EnvelopeFrom returns the addr-spec for MAIL FROM (RFC 5321 section
// 3.3): that of Sender when set, else the first From address.
func (m *Message) EnvelopeFrom() string { return m.envelope().from }

// Recipients returns the addr-specs of To, Cc and Bcc, de-duplicated
// case-insensitively, in order.
func (m *Message) Recipients() []string {
	return append([]string(nil), m.envelope().rcpts...)
}

// NeedsSMTPUTF8 reports whether an envelope or header address has a
// non-ASCII addr-spec (RFC 6531).
func (m *Message) NeedsSMTPUTF8() bool { return m.envelope().utf8 }

// Close removes the temporary files that hold large parts of a parsed
// message. Attachments of the message cannot be read afterwards.
func (m *Message) Close() error {
	var first error
	for _, p := range m.spools {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) && first == nil {
			first = errs.E(errs.File, err)
		}
	}
	m.spools = nil
	return first
}
