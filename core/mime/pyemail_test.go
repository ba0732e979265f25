package mime

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// pyemailData is where Debian's libpython3.11-testsuite installs CPython's
// email test messages; MW_PYEMAIL_DATA names another directory and makes
// the test fail, instead of skip, when the messages or Python are missing.
const pyemailData = "/usr/lib/python3.11/test/test_email/data"

// pyReading is what one parser read from one message; a nil Subject or
// Text means the message has none.
type pyReading struct {
	File     string   `json:"file"`
	Subject  *string  `json:"subject"`
	FromName string   `json:"from_name"`
	FromAddr string   `json:"from_addr"`
	Atts     []string `json:"atts"`
	Text     *string  `json:"text"`
}

// pyKnown lists every field on which Mailwire reads CPython's test messages
// differently from Python's email package (policy.default), as "file
// field", each with the reason Mailwire's reading is the better one.
var pyKnown = map[string]string{
	"msg_05.txt from-name":    `"From: foo" has no domain: Mailwire keeps the text and makes no address of it`,
	"msg_05.txt from-address": `Python calls "foo" an address; without a domain it reaches no one and passes no domain check`,
	"msg_15.txt attachments":  "the alternative reuses the outer boundary; Mailwire still finds the GIF after it, Python loses it",
	"msg_15.txt text":         "quoted-printable: white space at the end of an encoded line is removed (RFC 2045 section 6.7, rule 3)",
	"msg_25.txt text":         "multipart without a boundary parameter: an invalid Content-Type is text/plain (RFC 2045 section 5.2), so the bounce stays readable; Python shows nothing",
	"msg_39.txt attachments":  "nested multiparts reuse one boundary; Mailwire finds all six patches by their structure, Python two",
	"msg_41.txt text":         "multipart/alternative without a boundary parameter: read as text/plain (RFC 2045 section 5.2) rather than nothing",
	"msg_43.txt from-address": `"MAILER DAEMON <>" is a bounce's null sender: Mailwire gives no address, Python the string "<>", which is none`,
}

// TestPythonEmail reads every msg_*.txt of CPython's email test data with
// Mailwire and with Python's email package (testdata/pyemail.py) and
// compares what a caller reads: the decoded Subject, the first From's name
// and address, the attachments' names and the text body. Every difference
// must be listed in pyKnown, and every entry there must still differ.
//
// It reads through this package's Message, as the exported functions do:
// they only marshal what Get and Attachments return, and the C suite
// covers that path, while a failure here points straight at the parser
// and reproduces with "go test -run TestPythonEmail ./core/mime".
func TestPythonEmail(t *testing.T) {
	dir, required := os.LookupEnv("MW_PYEMAIL_DATA")
	if !required {
		dir = pyemailData
	}
	files, _ := filepath.Glob(filepath.Join(dir, "msg_*.txt"))
	python := pythonFor(dir)
	if len(files) == 0 || python == "" {
		if required {
			t.Fatalf("no msg_*.txt in %s or no Python to read them", dir)
		}
		t.Skip("CPython's email test data is not installed (Debian: libpython3.11-testsuite)")
	}
	want := readWithPython(t, python, files)
	if len(want) != len(files) {
		t.Fatalf("Python read %d of %d messages", len(want), len(files))
	}
	used := map[string]bool{}
	for i, f := range files {
		got := readWithMailwire(t, f)
		for _, d := range diffReadings(got, want[i]) {
			key := got.File + " " + d.field
			used[key] = true
			if _, ok := pyKnown[key]; !ok {
				t.Errorf("%s: %s: Mailwire %s, Python %s", got.File, d.field, d.mw, d.py)
			}
		}
	}
	for key := range pyKnown {
		if !used[key] {
			t.Errorf("%s: listed as a difference but both now agree", key)
		}
	}
}

// pythonFor returns the interpreter whose test data dir is: /usr/bin/python3.11
// for /usr/lib/python3.11/..., else python3 from PATH.
func pythonFor(dir string) string {
	if v, _, ok := strings.Cut(strings.TrimPrefix(dir, "/usr/lib/"), "/"); ok && strings.HasPrefix(v, "python3") {
		if p := "/usr/bin/" + v; fileExists(p) {
			return p
		}
	}
	p, _ := exec.LookPath("python3")
	return p
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// readWithPython runs testdata/pyemail.py over files.
func readWithPython(t *testing.T, python string, files []string) []pyReading {
	cmd := exec.Command(python, append([]string{"testdata/pyemail.py"}, files...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s testdata/pyemail.py: %v", python, err)
	}
	var list []pyReading
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r pyReading
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("pyemail.py output: %v", err)
		}
		list = append(list, r)
	}
	return list
}

// readWithMailwire reads the same fields through Message.Get and
// Attachments, as a caller of the library sees them.
func readWithMailwire(t *testing.T, path string) pyReading {
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	m, err := Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer m.Close()
	r := pyReading{File: filepath.Base(path), Atts: []string{}}
	if s, ok := m.Get("Subject"); ok {
		r.Subject = &s
	}
	if from, ok := m.Get("From"); ok {
		if list, ok := readAddressList(from); ok && len(list) > 0 {
			r.FromName, r.FromAddr = list[0].Name, list[0].Email
		} else {
			r.FromName = from
		}
	}
	if s, ok := m.Get("TextBody"); ok {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		r.Text = &s
	}
	for _, a := range m.Attachments() {
		r.Atts = append(r.Atts, a.Name())
	}
	return r
}

type fieldDiff struct{ field, mw, py string }

// diffReadings compares the fields of two readings. Line endings in the
// text body are compared as LF, and an empty text body is no text body:
// a reader shows nothing for both.
func diffReadings(mw, py pyReading) []fieldDiff {
	for _, r := range []*pyReading{&mw, &py} {
		if r.Text != nil && *r.Text == "" {
			r.Text = nil
		}
	}
	var out []fieldDiff
	add := func(field, a, b string) {
		if a != b {
			out = append(out, fieldDiff{field, a, b})
		}
	}
	add("subject", optional(mw.Subject), optional(py.Subject))
	add("from-name", strconv.Quote(mw.FromName), strconv.Quote(py.FromName))
	add("from-address", strconv.Quote(mw.FromAddr), strconv.Quote(py.FromAddr))
	add("attachments", quoteList(mw.Atts), quoteList(py.Atts))
	add("text", optional(mw.Text), optional(py.Text))
	return out
}

func optional(s *string) string {
	if s == nil {
		return "none"
	}
	return strconv.Quote(*s)
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
