package smtp

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"

	"mailwire/core/errs"
	"mailwire/core/sasl"
	"mailwire/core/session"
	"mailwire/core/wire"
)

// Session is a Client as an API handle holds it (session.Session): the
// options of the next connection, the recipient results of the last send
// and the server's last reply, which outlive the connection (a refused
// greeting, a 421).
type Session struct {
	session.Session[*Client]
	Options  Options
	Results  []Result // of the last send
	lastCode int
	lastText string
}

// NewSession returns a disconnected session with the default options.
func NewSession() *Session {
	s := &Session{}
	s.Init("smtp", &s.Options)
	return s
}

// Dial connects with o and what the session adds (session.Protocol).
func (o Options) Dial(ctx context.Context, e session.Env) (*Client, error) {
	o.Use(e)
	return Dial(ctx, o)
}

// Connect is session.Session.Connect, keeping the server's reply to a
// failed connect.
func (s *Session) Connect() error {
	err := s.Session.Connect()
	s.keep(s.Conn(), err)
	return err
}

// Run is session.Session.Run, keeping the server's last reply.
func (s *Session) Run(fn func(c *Client) error) error {
	return s.Session.Run(func(c *Client) error {
		err := fn(c)
		s.keep(c, err)
		return err
	})
}

// Quit is session.Session.Quit, keeping the reply to QUIT.
func (s *Session) Quit() error {
	c := s.Conn()
	err := s.Session.Quit()
	if c != nil {
		s.keep(c, err)
	}
	return err
}

// LastReply is the server's last reply: the open connection's, or the one
// kept when it ended.
func (s *Session) LastReply() (int, string) {
	if c := s.Conn(); c != nil {
		return c.LastReply()
	}
	return s.lastCode, s.lastText
}

// keep records the server's last reply: c's when there is a client, else
// the reply that err carries (none when the connection failed before one).
func (s *Session) keep(c *Client, err error) {
	if c != nil {
		s.lastCode, s.lastText = c.LastReply()
		return
	}
	s.lastCode, s.lastText = 0, ""
	var e *Error
	if errors.As(err, &e) {
		s.lastCode, s.lastText = e.Code, e.Message
	}
}

// LazyPool is a Pool made at its first send from the options set before
// it, with a context of its own that Cancel ends: the pool an API handle
// holds, shared by any number of goroutines.
type LazyPool struct {
	mu     sync.Mutex
	opts   PoolOptions
	logs   wire.LogOption
	pool   *Pool
	ctx    context.Context
	cancel context.CancelFunc
}

// NewLazyPool returns a pool with the default options and no connection.
func NewLazyPool() *LazyPool { return &LazyPool{opts: NewPoolOptions()} }

// Set sets an option (PoolOptions.Set, and log_file) before the first send.
func (p *LazyPool) Set(name, value string) error {
	return p.change("options are set", func() error {
		if strings.ToLower(strings.TrimSpace(name)) == "log_file" {
			return p.logs.Set(value)
		}
		return p.opts.Set(name, value)
	})
}

// UseTokens sets the OAuth 2.0 token source before the first send.
func (p *LazyPool) UseTokens(src sasl.TokenSource) error {
	return p.change("the OAuth2 object is set", func() error { p.opts.Tokens = src; return nil })
}

func (p *LazyPool) change(what string, fn func() error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pool != nil {
		return errs.New(errs.State, "pool: "+what+" before the first send")
	}
	return fn()
}

// Send sends m on a pooled connection (Pool.SendMessage), making the pool
// on the first send. Its connections log to the log_file only: a host
// callback would be called on whichever thread a connection serves.
func (p *LazyPool) Send(m Message) ([]Result, error) {
	pool, ctx := p.start()
	return pool.SendMessage(ctx, m)
}

// start makes the pool on the first send and returns the context of sends.
func (p *LazyPool) start() (*Pool, context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pool == nil {
		opts := p.opts.Options
		opts.Log = p.logs.File()
		p.pool = NewPool(opts, p.opts.MaxConnections, p.opts.IdleTimeout)
	}
	if p.ctx == nil {
		p.ctx, p.cancel = context.WithCancel(context.Background())
	}
	return p.pool, p.ctx
}

// Cancel aborts every send in flight; later sends start afresh.
func (p *LazyPool) Cancel() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		p.cancel()
		p.ctx, p.cancel = nil, nil
	}
}

// Close aborts the sends in flight and closes the connections and the log.
func (p *LazyPool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		p.cancel()
	}
	if p.pool != nil {
		p.pool.Close()
	}
	p.logs.Close()
	return nil
}

// SendURL sends m once over a connection made from a URL (ParseURL), with
// the query parameter log_file naming a protocol log, and closes it: QUIT
// unless the connection was lost. A message without a sender or recipient
// is refused first.
func SendURL(raw string, m Message) ([]Result, error) {
	it, err := MessageItem(m)
	if err != nil {
		return nil, err
	}
	raw, logPath := cutQuery(raw, "log_file")
	opts, err := ParseURL(raw)
	if err != nil {
		return nil, err
	}
	var logs wire.LogOption
	if err := logs.Set(logPath); err != nil {
		return nil, err
	}
	defer logs.Close()
	opts.Log = logs.File()
	c, err := Dial(context.Background(), opts)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	r, err := c.Send(it.Env, it.Body)
	if !errs.Gone(err) {
		c.Quit()
	}
	return r, err
}

// cutQuery removes the query parameter name from a URL and returns its
// value. A URL that does not parse is returned as it is, for ParseURL to
// refuse.
func cutQuery(raw, name string) (string, string) {
	u, err := url.Parse(raw)
	if err != nil {
		return raw, ""
	}
	q := u.Query()
	if !q.Has(name) {
		return raw, ""
	}
	v := q.Get(name)
	q.Del(name)
	u.RawQuery = q.Encode()
	return u.String(), v
}
