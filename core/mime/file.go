package mime

import (
	"io"
	"os"

	"mailwire/core/errs"
)

// WriteFile creates the file at path and fills it with write; a partly
// written file is removed. The file's own errors are of kind errs.File;
// write's are returned as they are.
func WriteFile(path string, write func(w io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return errs.E(errs.File, err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = errs.E(errs.File, cerr)
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// Save writes the rendered message to a file (an .eml file), streaming.
// A partly written file is removed.
func (m *Message) Save(path string) error {
	return WriteFile(path, func(w io.Writer) error {
		_, err := m.WriteTo(w)
		return err
	})
}

// Load parses a message from a file (an .eml file), streaming; the caller
// must Close the result.
func Load(path string) (*Message, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errs.E(errs.File, err)
	}
	defer f.Close()
	m, err := Parse(f)
	if err != nil {
		return nil, err
	}
	return m, nil
}
