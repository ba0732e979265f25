package main

import (
	"os"
	"path/filepath"
)

// refill empties the Maildir folders new and cur of maildir and links
// every file of snap into new under a name starting with prefix, so that
// Dovecot sees new messages (Maildir names must be unique).
func refill(snap, maildir, prefix string) error {
	for _, sub := range []string{"new", "cur"} {
		old, err := filepath.Glob(filepath.Join(maildir, sub, "*"))
		if err != nil {
			return err
		}
		for _, f := range old {
			os.Remove(f)
		}
	}
	files, err := os.ReadDir(snap)
	if err != nil {
		return err
	}
	for _, f := range files {
		src := filepath.Join(snap, f.Name())
		dst := filepath.Join(maildir, "new", prefix+f.Name())
		if err := os.Link(src, dst); err != nil {
			return err
		}
	}
	return nil
}
