package session

import (
	"context"
	"path/filepath"
	"testing"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

type fakeConn struct{ cancelled, closed bool }

func (c *fakeConn) Capabilities() []string { return []string{"A", "B"} }
func (c *fakeConn) Quit() error            { return nil }
func (c *fakeConn) Close() error           { c.closed = true; return nil }
func (c *fakeConn) Cancel()                { c.cancelled = true }
func (c *fakeConn) Broken() error {
	if c.cancelled {
		return errs.New(errs.Cancelled, "cancelled")
	}
	return nil
}

type fakeTokens struct{}

func (fakeTokens) Token(context.Context) (string, error)           { return "t", nil }
func (fakeTokens) Refresh(context.Context, string) (string, error) { return "t", nil }

// fakeOptions is a Protocol whose Dial hands out conn.
type fakeOptions struct {
	set  map[string]string
	conn *fakeConn
	log  *wire.Log
	env  Env
}

func (o *fakeOptions) Set(name, value string) error { o.set[name] = value; return nil }
func (o *fakeOptions) Dial(ctx context.Context, e Env) (*fakeConn, error) {
	o.log, o.env = e.Log, e
	e.Progress(5, 0)
	return o.conn, nil
}

// A session keeps log_file for itself, refuses changes while connected,
// arms Cancel while a command runs and drops a connection an error ended.
func TestSession(t *testing.T) {
	o := &fakeOptions{set: map[string]string{}, conn: &fakeConn{}}
	var s Session[*fakeConn]
	s.Init("fake", o)
	defer s.Close()
	if err := s.Set("Log_File", filepath.Join(t.TempDir(), "x.log")); err != nil || len(o.set) != 0 {
		t.Fatalf("log_file: %v, options %v", err, o.set)
	}
	s.UseTokens(fakeTokens{})
	if err := s.UseTokens(nil); err != nil {
		t.Fatal(err)
	}
	var done, total int64
	s.SetProgress(func(d, t int64) { done, total = d, t })
	if err := s.Connect(); err != nil || o.log == nil || done != 5 || total != -1 {
		t.Fatalf("Connect: %v, log %v, progress %d/%d", err, o.log, done, total)
	}
	if o.env.Tokens != nil {
		t.Error("UseTokens(nil) did not remove the token source")
	}
	if err := s.Set("host", "x"); errs.KindOf(err) != errs.State {
		t.Errorf("Set while connected: %v", err)
	}
	if caps, err := s.Capabilities(); caps != "A\nB" || err != nil {
		t.Errorf("Capabilities = %q, %v", caps, err)
	}
	err := s.Run(func(c *fakeConn) error {
		s.Cancel()
		return errs.New(errs.Cancelled, "cancelled")
	})
	if errs.KindOf(err) != errs.Cancelled || !o.conn.cancelled || !o.conn.closed || s.Connected() {
		t.Errorf("Run: %v, cancelled %v, closed %v, connected %v", err, o.conn.cancelled, o.conn.closed, s.Connected())
	}
	if err := s.Run(func(*fakeConn) error { return nil }); errs.KindOf(err) != errs.State {
		t.Errorf("Run when not connected: %v", err)
	}
	if err := s.Quit(); err != nil {
		t.Errorf("Quit when not connected: %v", err)
	}
}
