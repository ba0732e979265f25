package imap

import (
	"strings"

	"mailwire/core/errs"
)

// Mailbox is the state of the selected mailbox as the server reported it
// (RFC 3501 section 6.3.1, RFC 7162 section 3.1.2).
type Mailbox struct {
	Name           string
	ReadOnly       bool
	Exists         uint32 // messages, kept up to date by EXISTS and EXPUNGE
	Recent         uint32
	UIDValidity    uint32
	UIDNext        uint32
	HighestModSeq  uint64 // CONDSTORE; 0 when the server keeps none
	Flags          []string
	PermanentFlags []string
}

// Folder is one mailbox of a LIST response (RFC 3501 section 7.2.2, RFC
// 6154, RFC 5819).
type Folder struct {
	Name       string            // UTF-8
	Delimiter  string            // the hierarchy delimiter; "" when the server has none
	Flags      []string          // the name attributes: \Noselect, \HasChildren, \Sent...
	SpecialUse string            // the special-use attribute (\Sent, \Trash...), or ""
	Status     map[string]uint64 // MESSAGES, UNSEEN... from LIST-STATUS, when offered
}

// specialUses are the attributes of RFC 6154 section 2.
var specialUses = []string{`\All`, `\Archive`, `\Drafts`, `\Flagged`, `\Junk`, `\Sent`, `\Trash`, `\Important`}

// statusItems are the STATUS items asked for (RFC 3501 section 6.3.10).
var statusItems = "MESSAGES UIDNEXT UIDVALIDITY UNSEEN"

// authed fails unless the session is logged in and connected.
func (c *Client) authed() error {
	if err := c.ready(); err != nil {
		return err
	}
	if c.state != authenticated && c.state != selected {
		return errs.New(errs.State, "imap: not logged in")
	}
	return nil
}

// inMailbox fails unless a mailbox is selected.
func (c *Client) inMailbox() error {
	if err := c.authed(); err != nil {
		return err
	}
	if c.state != selected {
		return errs.New(errs.State, "imap: no folder is selected (select one first)")
	}
	return nil
}

// List returns every mailbox (LIST "" "*", RFC 3501 section 6.3.8), with
// the special-use attributes (RFC 6154 section 5.1) and the status of each
// (RFC 5819) when the server offers them.
func (c *Client) List() ([]Folder, error) {
	if err := c.authed(); err != nil {
		return nil, err
	}
	cmd := c.command("LIST")
	cmd.str("")
	cmd.str("*")
	var ret []string
	if c.Has("SPECIAL-USE") {
		ret = append(ret, "SPECIAL-USE")
	}
	status := c.Has("LIST-STATUS")
	if status {
		ret = append(ret, "STATUS ("+c.statusItems()+")")
	}
	if len(ret) > 0 {
		cmd.raw("RETURN (" + strings.Join(ret, " ") + ")")
	}
	var folders []Folder
	index := map[string]int{}
	_, err := c.run(cmd, func(r *response) error {
		switch r.name {
		case "LIST":
			f, err := c.parseList(r.args)
			if err != nil {
				return err
			}
			if len(folders) == maxFolders {
				return protoErr("more than 100000 folders in a LIST response")
			}
			index[f.Name] = len(folders)
			folders = append(folders, f)
		case "STATUS":
			name, st, err := c.parseStatus(r.args)
			if err != nil {
				return err
			}
			if i, ok := index[name]; ok && status {
				folders[i].Status = st
			}
		}
		return nil
	})
	return folders, err
}

// statusItems returns the STATUS items, with HIGHESTMODSEQ under CONDSTORE.
func (c *Client) statusItems() string {
	if c.Has("CONDSTORE") {
		return statusItems + " HIGHESTMODSEQ"
	}
	return statusItems
}

// parseList reads "(attributes) delimiter name [extended]" (RFC 3501
// section 7.2.2, RFC 5258 section 3).
func (c *Client) parseList(args []value) (Folder, error) {
	var f Folder
	if len(args) < 3 || args[0].kind != vList || (args[1].kind != vString && args[1].kind != vNil) {
		return f, protoErr("malformed LIST response")
	}
	f.Flags = atoms(args[0].list)
	for _, a := range f.Flags {
		for _, su := range specialUses {
			if strings.EqualFold(a, su) && f.SpecialUse == "" {
				f.SpecialUse = su
			}
		}
	}
	f.Delimiter = args[1].s
	name, err := c.mailboxName(args[2])
	f.Name = name
	return f, err
}

// mailboxName reads a mailbox name from the server: modified UTF-7, or
// UTF-8 once enabled; INBOX in any case is INBOX (RFC 3501 section 5.1).
func (c *Client) mailboxName(v value) (string, error) {
	s, ok := v.str()
	if !ok || s == "" {
		return "", protoErr("missing mailbox name")
	}
	if strings.EqualFold(s, "INBOX") {
		return "INBOX", nil
	}
	if c.utf8Names() {
		return s, nil
	}
	return DecodeMailbox(s)
}

// parseStatus reads "name (item value ...)" (RFC 3501 section 7.2.4).
func (c *Client) parseStatus(args []value) (string, map[string]uint64, error) {
	if len(args) != 2 || args[1].kind != vList || len(args[1].list)%2 != 0 {
		return "", nil, protoErr("malformed STATUS response")
	}
	name, err := c.mailboxName(args[0])
	if err != nil {
		return "", nil, err
	}
	st := map[string]uint64{}
	l := args[1].list
	for i := 0; i+1 < len(l); i += 2 {
		n, ok := l[i+1].number()
		if l[i].kind != vAtom || !ok {
			return "", nil, protoErr("malformed STATUS response")
		}
		st[strings.ToUpper(l[i].s)] = n
	}
	return name, st, nil
}

// Status returns the MESSAGES, UIDNEXT, UIDVALIDITY and UNSEEN counts of
// a mailbox (STATUS, RFC 3501 section 6.3.10), and HIGHESTMODSEQ under
// CONDSTORE (RFC 7162 section 3.1.6).
func (c *Client) Status(name string) (map[string]uint64, error) {
	if err := c.authed(); err != nil {
		return nil, err
	}
	cmd := c.command("STATUS")
	cmd.mailbox(name)
	cmd.raw("(" + c.statusItems() + ")")
	var st map[string]uint64
	_, err := c.run(cmd, func(r *response) error {
		if r.name == "STATUS" {
			_, s, err := c.parseStatus(r.args)
			if err != nil {
				return err
			}
			st = s
		}
		return nil
	})
	if err == nil && st == nil {
		return nil, c.fail(protoErr("STATUS without a STATUS response"))
	}
	return st, err
}

// Create creates a mailbox (CREATE, RFC 3501 section 6.3.3).
func (c *Client) Create(name string) error { return c.simple("CREATE", name) }

// Delete deletes a mailbox (DELETE, RFC 3501 section 6.3.4).
func (c *Client) Delete(name string) error { return c.simple("DELETE", name) }

// Rename renames a mailbox (RENAME, RFC 3501 section 6.3.5).
func (c *Client) Rename(from, to string) error { return c.simple("RENAME", from, to) }

// Subscribe adds a mailbox to the subscriptions (RFC 3501 section 6.3.6).
func (c *Client) Subscribe(name string) error { return c.simple("SUBSCRIBE", name) }

// simple runs a command whose arguments are mailbox names.
func (c *Client) simple(verb string, names ...string) error {
	if err := c.authed(); err != nil {
		return err
	}
	cmd := c.command(verb)
	for _, n := range names {
		cmd.mailbox(n)
	}
	_, err := c.run(cmd, nil)
	return err
}

// Select opens a mailbox (SELECT, or EXAMINE when readOnly; RFC 3501
// section 6.3.1, 6.3.2), with CONDSTORE when the server offers it (RFC
// 7162 section 3.1.8). A failed SELECT leaves no mailbox selected.
func (c *Client) Select(name string, readOnly bool) (Mailbox, error) {
	if err := c.authed(); err != nil {
		return Mailbox{}, err
	}
	verb := "SELECT"
	if readOnly {
		verb = "EXAMINE"
	}
	cmd := c.command(verb)
	cmd.mailbox(name)
	if c.Has("CONDSTORE") {
		cmd.raw("(CONDSTORE)")
	}
	if cmd.err != nil {
		return Mailbox{}, cmd.err
	}
	c.state, c.mbox = authenticated, Mailbox{ReadOnly: readOnly}
	if _, err := c.run(cmd, nil); err != nil {
		c.mbox = Mailbox{}
		return Mailbox{}, err
	}
	c.mbox.Name, c.state = name, selected
	return c.Selected(), nil
}

// Selected returns the state of the selected mailbox; its Name is empty
// when none is selected.
func (c *Client) Selected() Mailbox {
	m := c.mbox
	m.Flags = append([]string(nil), m.Flags...)
	m.PermanentFlags = append([]string(nil), m.PermanentFlags...)
	return m
}

// Unseen returns the number of messages of the selected mailbox without
// the \Seen flag (SEARCH UNSEEN, with RETURN (COUNT) under ESEARCH, RFC
// 4731).
func (c *Client) Unseen() (int, error) {
	if err := c.inMailbox(); err != nil {
		return 0, err
	}
	if c.esearch() {
		n, _, err := c.search("UNSEEN", "COUNT")
		return n, err
	}
	_, uids, err := c.search("UNSEEN", "")
	return len(uids), err
}

// Noop sends NOOP (RFC 3501 section 6.1.2): the server reports changes of
// the selected mailbox.
func (c *Client) Noop() error {
	if err := c.ready(); err != nil {
		return err
	}
	_, err := c.run(c.command("NOOP"), nil)
	return err
}

// ID exchanges identification with the server (RFC 2971): fields are sent
// as a list of name and value strings, and the server's are returned
// (nil when it sends NIL).
func (c *Client) ID(fields map[string]string) (map[string]string, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if !c.Has("ID") {
		return nil, errs.New(errs.Unsupported, "imap: the server does not offer ID")
	}
	cmd := c.command("ID")
	if len(fields) == 0 {
		cmd.raw("NIL")
	} else {
		cmd.openList()
		for k, v := range fields {
			cmd.str(k)
			cmd.str(v)
		}
		cmd.closeList()
	}
	var got map[string]string
	_, err := c.run(cmd, func(r *response) error {
		if r.name == "ID" && len(r.args) == 1 && r.args[0].kind == vList {
			got = map[string]string{}
			l := r.args[0].list
			for i := 0; i+1 < len(l) && i < 60; i += 2 {
				k, _ := l[i].str()
				v, _ := l[i+1].str()
				got[k] = v
			}
		}
		return nil
	})
	return got, err
}
