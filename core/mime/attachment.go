package mime

import (
	"bytes"
	"io"
	stdmime "mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"mailwire/core/errs"
	"mailwire/core/syntax"
)

// Attachment is a part of a message that is neither its text nor its HTML
// body: a file, an inline image, a nested message.
type Attachment struct {
	name, ctype, cid, disp string
	src                    source
	part                   *part // set for parsed attachments
}

// source is the content of a part, decoded.
type source interface {
	open() (io.ReadCloser, error)
	size() (int64, error)
}

// memSource is content held in memory.
type memSource []byte

func (s memSource) open() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(s)), nil
}
func (s memSource) size() (int64, error) { return int64(len(s)), nil }

// fileSource is content in a file, read only when needed.
type fileSource string

func (s fileSource) open() (io.ReadCloser, error) {
	f, err := os.Open(string(s))
	if err != nil {
		return nil, errs.E(errs.File, err)
	}
	return f, nil
}

func (s fileSource) size() (int64, error) {
	st, err := os.Stat(string(s))
	if err != nil {
		return 0, errs.E(errs.File, err)
	}
	return st.Size(), nil
}

// Name returns the decoded file name (RFC 2231, or RFC 2047 inside name= or
// filename= as some clients write it); it may be empty.
func (a *Attachment) Name() string { return a.name }

// ContentType returns the media type without parameters, e.g. "image/png".
func (a *Attachment) ContentType() string { return a.ctype }

// ContentID returns the Content-ID (RFC 2392) without angle brackets.
func (a *Attachment) ContentID() string { return a.cid }

// Disposition returns "attachment" or "inline" (RFC 2183 section 2).
func (a *Attachment) Disposition() string { return a.disp }

// Size returns the decoded size in bytes, or -1 when it cannot be known.
func (a *Attachment) Size() int64 {
	n, err := a.src.size()
	if err != nil {
		return -1
	}
	return n
}

// Open returns the decoded content.
func (a *Attachment) Open() (io.ReadCloser, error) { return a.src.open() }

// Data returns the decoded content in memory.
func (a *Attachment) Data() ([]byte, error) {
	if b, ok := a.src.(memSource); ok {
		return bytes.Clone([]byte(b)), nil
	}
	r, err := a.src.open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, errs.E(errs.File, err)
	}
	return b, nil
}

// CopyTo copies the decoded content into dst, which must be exactly Size()
// bytes long: the content is copied once, with no buffer in between. A
// size that differs from len(dst) gives errs.File.
func (a *Attachment) CopyTo(dst []byte) error {
	if b, ok := a.src.(memSource); ok {
		if len(b) != len(dst) {
			return errs.New(errs.File, "mime: attachment size changed")
		}
		copy(dst, b)
		return nil
	}
	r, err := a.src.open()
	if err != nil {
		return err
	}
	defer r.Close()
	if _, err := io.ReadFull(r, dst); err != nil {
		return errs.E(errs.File, err)
	}
	var one [1]byte
	if n, _ := r.Read(one[:]); n != 0 {
		return errs.New(errs.File, "mime: attachment size changed")
	}
	return nil
}

// Save writes the decoded content to path. When path is an existing
// directory the file is SafeFileName(Name()) inside it, so a hostile name
// never leads outside the directory. A partly written file is removed.
func (a *Attachment) Save(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, SafeFileName(a.name))
	}
	r, err := a.src.open()
	if err != nil {
		return err
	}
	defer r.Close()
	return WriteFile(path, func(w io.Writer) error {
		_, err := io.Copy(w, r)
		return errs.E(errs.File, err)
	})
}

// Message parses a message/rfc822 part (RFC 2046 section 5.2.1) and returns
// the nested message; the caller must Close it. Other parts give errs.Arg.
func (a *Attachment) Message() (*Message, error) {
	if a.ctype != "message/rfc822" && a.ctype != "message/global" {
		return nil, errs.New(errs.Arg, "mime: attachment is not a message")
	}
	r, err := a.src.open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return Parse(r)
}

// AttachFile adds a file attachment. The file must be a readable regular
// file now; its content is read, streamed, only when the message is
// rendered. name defaults to the base name of path and contentType to the
// type of its extension, else application/octet-stream.
func (m *Message) AttachFile(path, name, contentType string) error {
	a, err := fileAttachment(path, name, contentType)
	if err != nil {
		return err
	}
	a.disp = "attachment"
	m.compose()
	m.changed()
	m.atts = append(m.atts, a)
	return nil
}

// AttachData adds an attachment holding a copy of data.
func (m *Message) AttachData(data []byte, name, contentType string) error {
	ct, err := checkAttachment(name, contentType)
	if err != nil {
		return err
	}
	m.compose()
	m.changed()
	m.atts = append(m.atts, &Attachment{
		name: name, ctype: ct, disp: "attachment",
		src: memSource(bytes.Clone(data)),
	})
	return nil
}

// EmbedFile adds an inline part with a Content-ID (RFC 2392) for "cid:"
// references in the HTML body; it goes into a multipart/related with the
// body (RFC 2387).
func (m *Message) EmbedFile(path, contentID string) error {
	cid := strings.TrimSuffix(strings.TrimPrefix(contentID, "<"), ">")
	// It goes on one header line that cannot be folded (RFC 5322 section
	// 2.1.1 allows 998 octets): keep it well inside.
	if cid == "" || len(cid) > maxContentID || !syntax.IsPrintableASCII(cid) || strings.ContainsAny(cid, " <>\"") {
		return errs.New(errs.Arg, "mime: bad content ID (printable ASCII without spaces, at most 250 characters)")
	}
	a, err := fileAttachment(path, "", "")
	if err != nil {
		return err
	}
	a.cid, a.disp = cid, "inline"
	m.compose()
	m.changed()
	m.inline = append(m.inline, a)
	return nil
}

func fileAttachment(path, name, contentType string) (*Attachment, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, errs.E(errs.File, err)
	}
	if !st.Mode().IsRegular() {
		return nil, errs.New(errs.File, "mime: not a regular file: "+path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, errs.E(errs.File, err)
	}
	f.Close()
	if name == "" {
		name = filepath.Base(path)
	}
	ct, err := checkAttachment(name, contentType)
	if err != nil {
		return nil, err
	}
	return &Attachment{name: name, ctype: ct, src: fileSource(path)}, nil
}

// checkAttachment refuses names with control characters and malformed
// content types, and fills in the content type from the name.
func checkAttachment(name, contentType string) (string, error) {
	if strings.ContainsAny(name, "\r\n\x00") || len(name) > 1024 {
		return "", errs.New(errs.Arg, "mime: bad attachment name")
	}
	if contentType == "" {
		return typeByName(name), nil
	}
	ct := strings.ToLower(strings.TrimSpace(contentType))
	if !validMediaType(ct) {
		return "", errs.New(errs.Arg, "mime: bad content type")
	}
	return ct, nil
}

// maxContentID bounds a Content-ID, which is never folded.
const maxContentID = 250

// validMediaType reports whether s is type "/" subtype, both tokens
// (RFC 2045 section 5.1) of at most 127 characters (RFC 6838 section 4.2).
func validMediaType(s string) bool {
	t, sub, ok := strings.Cut(s, "/")
	return ok && isToken(t) && isToken(sub) && len(t) <= 127 && len(sub) <= 127
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?=", c) >= 0 {
			return false
		}
	}
	return true
}

// builtinTypes gives the common types the same on every system.
var builtinTypes = map[string]string{
	".txt": "text/plain", ".htm": "text/html", ".html": "text/html", ".csv": "text/csv",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".svg": "image/svg+xml", ".webp": "image/webp", ".pdf": "application/pdf",
	".zip": "application/zip", ".json": "application/json", ".xml": "application/xml",
	".eml": "message/rfc822", ".ics": "text/calendar",
	".doc": "application/msword", ".xls": "application/vnd.ms-excel",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// typeByName returns the media type for a file name's extension.
func typeByName(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if t, ok := builtinTypes[ext]; ok {
		return t
	}
	if t := stdmime.TypeByExtension(ext); t != "" {
		t, _, _ = strings.Cut(t, ";")
		if t = strings.ToLower(strings.TrimSpace(t)); validMediaType(t) {
			return t
		}
	}
	return "application/octet-stream"
}

// reservedNames are device names Windows reserves in any directory.
var reservedNames = map[string]bool{"con": true, "prn": true, "aux": true, "nul": true}

func init() {
	for i := 1; i <= 9; i++ {
		reservedNames["com"+strconv.Itoa(i)] = true
		reservedNames["lpt"+strconv.Itoa(i)] = true
	}
}

// SafeFileName turns an attachment name into a name that is safe in any
// directory: directories, "..", control characters and the characters and
// device names Windows reserves are removed. It is never empty.
func SafeFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`<>:"|?*`, r) || r == 0xFFFD {
			return '_'
		}
		return r
	}, strings.ToValidUTF8(name, "_"))
	name = strings.TrimRight(strings.TrimLeft(name, " ."), " .")
	base, _, _ := strings.Cut(name, ".")
	if reservedNames[strings.ToLower(strings.TrimSpace(base))] {
		name = "_" + name
	}
	if len(name) > 200 {
		name = truncateUTF8(name, 200)
	}
	if name == "" {
		return "attachment"
	}
	return name
}

func truncateUTF8(s string, n int) string {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

func (s fileSource) path() string { return string(s) }
