package server

import (
	"bytes"
	stdmime "mime"
	"net/mail"
	"slices"
	"strconv"
	"strings"
)

// splitHeader returns the header of msg (the blank line after it
// included) and its body (RFC 5322 section 2.1).
func splitHeader(msg []byte) ([]byte, []byte) {
	if i := bytes.Index(msg, []byte("\r\n\r\n")); i >= 0 {
		return msg[:i+4], msg[i+4:]
	}
	if i := bytes.Index(msg, []byte("\n\n")); i >= 0 {
		return msg[:i+2], msg[i+2:]
	}
	if bytes.HasPrefix(msg, []byte("\r\n")) {
		return msg[:2], msg[2:]
	}
	return msg, nil
}

// headerField is one field of a header: its name and its lines.
type headerField struct {
	name string
	raw  []byte // the field's lines, line ends included
}

// headerFields splits a header into its fields, a bounded number of them.
func headerFields(h []byte) []headerField {
	var out []headerField
	for len(h) > 0 && len(out) < 1000 {
		end := 0
		for {
			nl := bytes.IndexByte(h[end:], '\n')
			if nl < 0 {
				end = len(h)
				break
			}
			end += nl + 1
			if end >= len(h) || (h[end] != ' ' && h[end] != '\t') {
				break
			}
		}
		raw := h[:end]
		h = h[end:]
		name, _, ok := bytes.Cut(raw, []byte{':'})
		if !ok || len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		out = append(out, headerField{name: strings.ToUpper(strings.TrimSpace(string(name))), raw: raw})
	}
	return out
}

// value returns the unfolded value of a field.
func (f headerField) value() string {
	_, v, _ := bytes.Cut(f.raw, []byte{':'})
	v = bytes.ReplaceAll(v, []byte("\r\n"), nil)
	v = bytes.ReplaceAll(v, []byte("\n"), nil)
	return strings.TrimSpace(string(v))
}

// headerValue returns the first field name of h, unfolded.
func headerValue(h []byte, name string) (string, bool) {
	for _, f := range headerFields(h) {
		if f.name == name {
			return f.value(), true
		}
	}
	return "", false
}

// sectionData returns the bytes of a BODY[section] (RFC 3501 section
// 6.4.5).
func sectionData(msg []byte, it fetchItem) []byte {
	entity := msg
	for i, n := range it.part {
		h, body := splitHeader(entity)
		parts := multipartParts(h, body)
		if parts == nil {
			// A part that is not multipart has one part, itself; its
			// header is the message's for the MIME specifier.
			if n != 1 || i != len(it.part)-1 {
				return nil
			}
			if it.spec == "MIME" {
				return h
			}
			if it.spec == "" {
				return body
			}
			entity = body
			break
		}
		if n > len(parts) {
			return nil
		}
		entity = parts[n-1]
		if i == len(it.part)-1 {
			ph, pb := splitHeader(entity)
			switch it.spec {
			case "MIME":
				return ph
			case "":
				return pb
			}
			// HEADER and TEXT of a part address its message/rfc822 body.
			entity = pb
		}
	}
	h, body := splitHeader(entity)
	switch it.spec {
	case "HEADER":
		return h
	case "TEXT":
		return body
	case "HEADER.FIELDS", "HEADER.FIELDS.NOT":
		var out []byte
		for _, f := range headerFields(h) {
			if slices.Contains(it.fields, f.name) == (it.spec == "HEADER.FIELDS") {
				out = append(out, f.raw...)
			}
		}
		return append(out, '\r', '\n')
	}
	return entity
}

// multipartParts returns the parts of a multipart body (RFC 2046 section
// 5.1.1), or nil when the header is not multipart's.
func multipartParts(h, body []byte) [][]byte {
	ct, _ := headerValue(h, "CONTENT-TYPE")
	mt, params, err := stdmime.ParseMediaType(ct)
	if err != nil || !strings.HasPrefix(mt, "multipart/") || params["boundary"] == "" {
		return nil
	}
	delim := []byte("--" + params["boundary"])
	var parts [][]byte
	rest := body
	start := -1
	for len(rest) > 0 && len(parts) < 1000 {
		line := rest
		nl := bytes.IndexByte(rest, '\n')
		if nl >= 0 {
			line = rest[:nl+1]
		}
		pos := len(body) - len(rest)
		trimmed := bytes.TrimRight(line, " \t\r\n")
		if bytes.HasPrefix(trimmed, delim) {
			if start >= 0 {
				end := pos
				if end > start && body[end-1] == '\n' {
					end--
					if end > start && body[end-1] == '\r' {
						end--
					}
				}
				parts = append(parts, body[start:end])
			}
			if bytes.Equal(trimmed, append(delim, '-', '-')) {
				return parts
			}
			start = pos + len(line)
		}
		rest = rest[len(line):]
	}
	if start >= 0 && start <= len(body) {
		parts = append(parts, body[start:])
	}
	return parts
}

// bodyStructure returns the BODY or BODYSTRUCTURE of an entity (RFC 3501
// section 7.4.2), extension data left out but for multipart's subtype.
func bodyStructure(entity []byte, ext bool, depth int) string {
	h, body := splitHeader(entity)
	ct, _ := headerValue(h, "CONTENT-TYPE")
	mt, params, err := stdmime.ParseMediaType(ct)
	if err != nil || !strings.Contains(mt, "/") {
		mt, params = "text/plain", map[string]string{"charset": "us-ascii"}
	}
	typ, sub, _ := strings.Cut(mt, "/")
	if parts := multipartParts(h, body); parts != nil && depth < maxIMAPDepth && len(parts) > 0 {
		var b strings.Builder
		b.WriteByte('(')
		for _, p := range parts {
			b.WriteString(bodyStructure(p, ext, depth+1))
		}
		b.WriteString(" " + quote(strings.ToUpper(sub), false) + ")")
		return b.String()
	}
	var ps []string
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ps = append(ps, quote(strings.ToUpper(k), false), quote(params[k], false))
	}
	plist := "NIL"
	if len(ps) > 0 {
		plist = "(" + strings.Join(ps, " ") + ")"
	}
	enc, ok := headerValue(h, "CONTENT-TRANSFER-ENCODING")
	if !ok {
		enc = "7BIT"
	}
	id, idOK := headerValue(h, "CONTENT-ID")
	idStr := "NIL"
	if idOK {
		idStr = quote(id, false)
	}
	s := "(" + quote(strings.ToUpper(typ), false) + " " + quote(strings.ToUpper(sub), false) + " " + plist + " " +
		idStr + " NIL " + quote(strings.ToUpper(enc), false) + " " + strconv.Itoa(len(body))
	switch {
	case typ == "text":
		s += " " + strconv.Itoa(lineCount(body))
	case typ == "message" && sub == "rfc822" && depth < maxIMAPDepth:
		// The enclosed message's envelope and structure, and its lines
		// (RFC 3501 section 7.4.2).
		s += " " + envelope(body, false) + " " + bodyStructure(body, ext, depth+1) + " " +
			strconv.Itoa(lineCount(body))
	}
	return s + ")"
}

// lineCount returns the number of lines of b, the last one counted even
// without its line end.
func lineCount(b []byte) int {
	n := bytes.Count(b, []byte("\n"))
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}

// envelope returns the ENVELOPE of a message (RFC 3501 section 7.4.2).
func envelope(msg []byte, utf8ok bool) string {
	h, _ := splitHeader(msg)
	fields := headerFields(h)
	get := func(name string) (string, bool) {
		for _, f := range fields {
			if f.name == name {
				return f.value(), true
			}
		}
		return "", false
	}
	nstr := func(name string) string {
		if v, ok := get(name); ok {
			return quote(v, utf8ok)
		}
		return "NIL"
	}
	addrs := func(name string) string {
		v, ok := get(name)
		if !ok {
			return "NIL"
		}
		list, err := mail.ParseAddressList(v)
		if err != nil || len(list) == 0 {
			return "NIL"
		}
		var b strings.Builder
		b.WriteByte('(')
		for _, ad := range list {
			local, domain, _ := strings.Cut(ad.Address, "@")
			name := "NIL"
			if ad.Name != "" {
				n := ad.Name
				if !utf8ok {
					n = stdmime.QEncoding.Encode("utf-8", n)
				}
				name = quote(n, utf8ok)
			}
			b.WriteString("(" + name + " NIL " + quote(local, utf8ok) + " " + quote(domain, utf8ok) + ")")
		}
		b.WriteByte(')')
		return b.String()
	}
	from := addrs("FROM")
	sender, replyTo := addrs("SENDER"), addrs("REPLY-TO")
	if sender == "NIL" {
		sender = from
	}
	if replyTo == "NIL" {
		replyTo = from
	}
	return "(" + strings.Join([]string{nstr("DATE"), nstr("SUBJECT"), from, sender, replyTo,
		addrs("TO"), addrs("CC"), addrs("BCC"), nstr("IN-REPLY-TO"), nstr("MESSAGE-ID")}, " ") + ")"
}
