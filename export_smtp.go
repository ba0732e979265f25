package main

/*
#include <stdlib.h>
#include "mailwire.h"

static inline void mw_progress_call(mw_progress_fn fn, void *user, long long done, long long total) {
	fn(user, done, total);
}

static inline void mw_log_call(mw_log_fn fn, void *user, const char *line) {
	fn(user, line);
}
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"mailwire/core/errs"
	"mailwire/core/mime"
	"mailwire/core/smtp"
	"mailwire/core/wire"
)

// progress is a host callback; it is only called on the calling thread.
type progress struct {
	fn   C.mw_progress_fn
	user unsafe.Pointer
}

// fire calls the callback, if one is set. Clients call it through a
// closure over their handle's progress field, so that mw_set_progress takes
// effect at once, also on an open connection.
func (p *progress) fire(done, total int64) {
	if p.fn == nil {
		return
	}
	if total <= 0 {
		total = -1
	}
	C.mw_progress_call(p.fn, p.user, C.longlong(done), C.longlong(total))
}

// logOption opens the protocol log named by a log_file option, and holds
// the handle's log callback (mw_set_log).
type logOption struct {
	path string
	log  *wire.Log         // the log_file's
	fn   func(line string) // the callback, nil when none
	cb   *wire.Log         // the callback's when there is no log_file
}

// current returns the log for a new connection: the log_file's, which also
// calls the callback, the callback's alone, or nil.
func (l *logOption) current() *wire.Log {
	switch {
	case l.log != nil:
		l.log.SetFunc(l.fn)
		return l.log
	case l.fn != nil:
		if l.cb == nil {
			l.cb = wire.NewFuncLog(l.fn)
		}
		return l.cb
	}
	return nil
}

// setFunc sets the callback; the session is not connected.
func (l *logOption) setFunc(fn func(line string)) { l.fn, l.cb = fn, nil }

// logFunc returns a function that passes a line to the host's callback, or
// nil for a NULL callback.
func logFunc(fn C.mw_log_fn, user unsafe.Pointer) func(string) {
	if fn == nil {
		return nil
	}
	return func(line string) {
		cs := C.CString(line)
		defer C.free(unsafe.Pointer(cs))
		C.mw_log_call(fn, user, cs)
	}
}

func (l *logOption) set(path string) error {
	if err := wire.CheckLine("log_file", path); err != nil {
		return err
	}
	l.close()
	l.path = path
	if path == "" {
		return nil
	}
	lg, err := wire.OpenLog(path)
	if err != nil {
		return errs.E(errs.File, fmt.Errorf("log_file: %w", err))
	}
	l.log = lg
	return nil
}

func (l *logOption) close() {
	if l.log != nil {
		l.log.Close()
		l.log = nil
	}
}

// smtpClient is the value behind an SMTP handle.
type smtpClient struct {
	session[*smtp.Client]
	opts    smtp.Options
	results []smtp.Result
	// lastCode and lastText are the server's last reply, kept after the
	// connection ends (a refused greeting, a 421) for mw_smtp_reply_code
	// and mw_smtp_reply.
	lastCode int
	lastText string
}

// keep records the server's last reply: c's when there is a client, else
// the reply that err carries (none when the connection failed before one).
func (s *smtpClient) keep(c *smtp.Client, err error) {
	if c != nil {
		s.lastCode, s.lastText = c.LastReply()
		return
	}
	s.lastCode, s.lastText = 0, ""
	var e *smtp.Error
	if errors.As(err, &e) {
		s.lastCode, s.lastText = e.Code, e.Message
	}
}

// run is session.run, keeping the last reply.
func (s *smtpClient) run(o *object, fn func(c *smtp.Client) error) error {
	return s.session.run(o, func(c *smtp.Client) error {
		err := fn(c)
		s.keep(c, err)
		return err
	})
}

// quit is session.quit, keeping the last reply (that to QUIT).
func (s *smtpClient) quit(o *object) error {
	c := s.client
	err := s.session.quit(o)
	if c != nil {
		s.keep(c, err)
	}
	return err
}

// lastReply is the server's last reply: the open connection's, or the one
// kept when it ended.
func (s *smtpClient) lastReply() (int, string) {
	if s.connected() {
		return s.client.LastReply()
	}
	return s.lastCode, s.lastText
}

func withSMTP(h C.int, fn func(o *object, s *smtpClient) error) C.int {
	return with(h, kindSMTP, fn)
}

//export mwgo_smtp_new
func mwgo_smtp_new() (rc C.int) {
	defer guard(&rc)
	return register(kindSMTP, &smtpClient{session: session[*smtp.Client]{proto: "smtp"}})
}

//export mwgo_smtp_set
func mwgo_smtp_set(h C.int, option, value *C.mw_cchar) C.int {
	return withSMTP(h, func(_ *object, s *smtpClient) error {
		name, v, err := optionArgs(option, value)
		if err != nil {
			return err
		}
		return s.setOption(name, v, s.opts.Set)
	})
}

func optionArgs(option, value *C.mw_cchar) (string, string, error) {
	name, err := arg((*C.char)(option), "option")
	if err != nil {
		return "", "", err
	}
	v, err := arg((*C.char)(value), "value")
	return strings.ToLower(strings.TrimSpace(name)), v, err
}

//export mwgo_smtp_connect
func mwgo_smtp_connect(h C.int) C.int {
	return withSMTP(h, func(o *object, s *smtpClient) error {
		err := s.connect(o, func(ctx context.Context, log *wire.Log, progress func(done, total int64)) (*smtp.Client, error) {
			opts := s.opts
			opts.Log, opts.Progress = log, progress
			return smtp.Dial(ctx, opts)
		})
		s.keep(s.client, err)
		return err
	})
}

// envelope is what a message asks of the SMTP transaction.
func envelope(m *mime.Message) (smtp.Envelope, error) {
	env := smtp.Envelope{From: m.EnvelopeFrom(), To: m.Recipients(), UTF8: m.NeedsSMTPUTF8(), EightBit: m.Needs8BitMIME()}
	if env.From == "" {
		return env, errs.New(errs.Arg, "the message has no From (or Sender) address")
	}
	if len(env.To) == 0 {
		return env, errs.New(errs.Arg, "the message has no recipient (To, Cc or Bcc)")
	}
	size, err := m.Size()
	if err != nil {
		return env, err
	}
	env.Size = size
	return env, nil
}

// sendMessage runs send on message handle mh and leaves the results and the
// error on it.
func sendMessage(mh C.int, send func(env smtp.Envelope, m *mime.Message) ([]smtp.Result, error)) ([]smtp.Result, error) {
	mo, x, err := acquire[*message](mh, kindMessage)
	if err != nil {
		return nil, err
	}
	defer mo.release()
	x.results = nil
	env, err := envelope(x.m)
	if err == nil {
		x.results, err = send(env, x.m)
	}
	mo.setErr(err)
	return x.results, err
}

//export mwgo_smtp_send
func mwgo_smtp_send(h, msg C.int) C.int {
	return withSMTP(h, func(o *object, s *smtpClient) error {
		return s.run(o, func(c *smtp.Client) (err error) {
			s.results, err = sendMessage(msg, func(env smtp.Envelope, m *mime.Message) ([]smtp.Result, error) {
				return c.Send(env, m)
			})
			return err
		})
	})
}

//export mwgo_smtp_send_many
func mwgo_smtp_send_many(h C.int, msgs *C.mw_cint, count C.int) C.int {
	return withSMTP(h, func(o *object, s *smtpClient) error {
		return s.run(o, func(c *smtp.Client) error {
			handles, err := sendHandles(msgs, count)
			if err != nil || len(handles) == 0 {
				return err
			}
			b, err := acquireBatch(handles)
			if err != nil {
				return err
			}
			defer b.release()
			err = b.send(c)
			s.results = b.last()
			return err
		})
	})
}

// sendHandles views the caller's array of count message handles.
func sendHandles(msgs *C.mw_cint, count C.int) ([]C.int, error) {
	switch {
	case count < 0:
		return nil, errs.New(errs.Arg, "count must not be negative")
	case count == 0:
		return nil, nil
	case msgs == nil:
		return nil, errs.New(errs.Arg, "msgs is NULL")
	}
	return unsafe.Slice((*C.int)(unsafe.Pointer(msgs)), int(count)), nil
}

// sendBatch is the messages of one mw_smtp_send_many call. A handle that
// appears more than once is taken once and its message sent each time.
type sendBatch struct {
	handles []C.int
	objs    map[C.int]*object
	msgs    map[C.int]*message
	envs    map[C.int]smtp.Envelope
	envErr  map[C.int]error
	out     []smtp.Outcome
}

// acquireBatch takes every distinct message handle, or none: a bad or busy
// handle fails the call before anything is sent.
func acquireBatch(handles []C.int) (*sendBatch, error) {
	b := &sendBatch{handles: handles, objs: map[C.int]*object{}, msgs: map[C.int]*message{},
		envs: map[C.int]smtp.Envelope{}, envErr: map[C.int]error{}}
	for i, h := range handles {
		if _, ok := b.objs[h]; ok {
			continue
		}
		o, x, err := acquire[*message](h, kindMessage)
		if err != nil {
			b.release()
			return nil, errs.E(errs.KindOf(err), fmt.Errorf("msgs[%d]: %w", i, err))
		}
		b.objs[h], b.msgs[h] = o, x
	}
	return b, nil
}

func (b *sendBatch) release() {
	for _, o := range b.objs {
		o.release()
	}
}

// send computes each message's envelope once, sends the batch and leaves
// each message's results and error on its handle.
func (b *sendBatch) send(c *smtp.Client) error {
	items := make([]smtp.Item, 0, len(b.handles))
	pos := make([]int, 0, len(b.handles)) // index in handles of each item
	for h, x := range b.msgs {
		x.results = nil
		env, err := envelope(x.m)
		b.envs[h], b.envErr[h] = env, err
	}
	for i, h := range b.handles {
		if b.envErr[h] == nil {
			items = append(items, smtp.Item{Env: b.envs[h], Body: b.msgs[h].m})
			pos = append(pos, i)
		}
	}
	b.out = make([]smtp.Outcome, len(b.handles))
	for h, err := range b.envErr {
		b.objs[h].setErr(err)
	}
	out, err := c.SendMany(items)
	for j, i := range pos {
		b.out[i] = out[j]
	}
	bad := 0
	for i, h := range b.handles {
		if e := b.envErr[h]; e != nil {
			b.out[i].Err = e
		}
		if b.out[i].Err != nil {
			bad++
		}
		b.msgs[h].results = b.out[i].Results
		b.objs[h].setErr(b.out[i].Err)
	}
	if err == nil && bad > 0 {
		err = errs.New(errs.Partial, strconv.Itoa(bad)+" of "+strconv.Itoa(len(b.handles))+
			" messages were not accepted by every recipient (see each message)")
	}
	return err
}

// last returns the results of the batch's last message.
func (b *sendBatch) last() []smtp.Result {
	if len(b.out) == 0 {
		return nil
	}
	return b.out[len(b.out)-1].Results
}

// results returns the recipient results kept on an SMTP or message handle.
func results(h C.int, fn func(r []smtp.Result) error) C.int {
	o := find(h)
	if o != nil && o.kind == kindMessage {
		return withMessage(h, func(x *message) error { return fn(x.results) })
	}
	return withSMTP(h, func(_ *object, s *smtpClient) error { return fn(s.results) })
}

//export mwgo_smtp_result_count
func mwgo_smtp_result_count(h C.int) C.int {
	var n int
	rc := results(h, func(r []smtp.Result) error { n = len(r); return nil })
	if rc < 0 {
		return rc
	}
	return C.int(n)
}

//export mwgo_smtp_result
func mwgo_smtp_result(h C.int, i C.int, field *C.mw_cchar) (p *C.mw_cchar) {
	results(h, func(r []smtp.Result) error {
		f, err := arg((*C.char)(field), "field")
		if err != nil {
			return err
		}
		if i < 0 || int(i) >= len(r) {
			return errs.New(errs.NotFound, fmt.Sprintf("no result %d (the last send has %d)", int(i), len(r)))
		}
		var v string
		switch strings.ToLower(f) {
		case "address":
			v = r[i].Address
		case "code":
			v = strconv.Itoa(r[i].Code)
		case "enhanced":
			v = r[i].Enhanced
		case "text":
			v = r[i].Text
		default:
			return errs.New(errs.Arg, "unknown result field "+strconv.Quote(f)+" (address, code, enhanced, text)")
		}
		p = (*C.mw_cchar)(find(h).keep(v))
		return nil
	})
	return p
}

//export mwgo_smtp_reply_code
func mwgo_smtp_reply_code(h C.int) C.int {
	var n int
	rc := withSMTP(h, func(_ *object, s *smtpClient) error {
		n, _ = s.lastReply()
		return nil
	})
	if rc < 0 {
		return rc
	}
	return C.int(n)
}

//export mwgo_smtp_reply
func mwgo_smtp_reply(h C.int) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindSMTP, func(_ *object, s *smtpClient) (string, bool, error) {
		_, text := s.lastReply()
		return text, true, nil
	}))
}

//export mwgo_smtp_capabilities
func mwgo_smtp_capabilities(h C.int) *C.mw_cchar {
	return (*C.mw_cchar)(withString(h, kindSMTP, func(_ *object, s *smtpClient) (string, bool, error) {
		return s.capabilities()
	}))
}

//export mwgo_smtp_disconnect
func mwgo_smtp_disconnect(h C.int) C.int {
	return withSMTP(h, func(o *object, s *smtpClient) error { return s.quit(o) })
}

//export mwgo_send
func mwgo_send(url *C.mw_cchar, msg C.int) (rc C.int) {
	defer guard(&rc)
	u, err := arg((*C.char)(url), "url")
	if err != nil {
		return code(err)
	}
	u, logPath := cutQuery(u, "log_file")
	opts, perr := smtp.ParseURL(u)
	var res error
	if _, res = sendMessage(msg, func(env smtp.Envelope, m *mime.Message) ([]smtp.Result, error) {
		if perr != nil {
			return nil, perr
		}
		var logs logOption
		if err := logs.set(logPath); err != nil {
			return nil, err
		}
		defer logs.close()
		opts.Log = logs.log
		c, err := smtp.Dial(context.Background(), opts)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		r, err := c.Send(env, m)
		if !errs.Gone(err) {
			c.Quit()
		}
		return r, err
	}); res != nil {
		return code(res)
	}
	return 0
}

// cutQuery removes the query parameter name from a URL and returns its
// value: options that the export layer handles itself, such as log_file.
// A URL that does not parse is returned as it is, for ParseURL to refuse.
func cutQuery(raw, name string) (string, string) {
	u, err := neturl.Parse(raw)
	if err != nil {
		return raw, ""
	}
	q := u.Query()
	v := q.Get(name)
	if !q.Has(name) {
		return raw, ""
	}
	q.Del(name)
	u.RawQuery = q.Encode()
	return u.String(), v
}

//export mwgo_set_progress
func mwgo_set_progress(h C.int, fn C.mw_progress_fn, user unsafe.Pointer) C.int {
	p := progress{fn: fn, user: user}
	o := find(h)
	if o != nil && o.kind == kindPOP3 {
		return withPOP3(h, func(_ *object, c *pop3Client) error { c.progress = p; return nil })
	}
	if o != nil && o.kind == kindIMAP {
		return withIMAP(h, func(_ *object, c *imapClient) error { c.progress = p; return nil })
	}
	return withSMTP(h, func(_ *object, s *smtpClient) error {
		s.progress = p
		return nil
	})
}

//export mwgo_set_log
func mwgo_set_log(h C.int, fn C.mw_log_fn, user unsafe.Pointer) C.int {
	f := logFunc(fn, user)
	o := find(h)
	if o != nil && o.kind == kindPOP3 {
		return withPOP3(h, func(_ *object, c *pop3Client) error { return c.setLog(f) })
	}
	if o != nil && o.kind == kindIMAP {
		return withIMAP(h, func(_ *object, c *imapClient) error { return c.setLog(f) })
	}
	return withSMTP(h, func(_ *object, s *smtpClient) error { return s.setLog(f) })
}

//export mwgo_cancel
func mwgo_cancel(h C.int) (rc C.int) {
	defer guard(&rc)
	o := find(h)
	switch {
	case o == nil:
		return code(errHandle(h, nil, 0))
	case o.kind != kindSMTP && o.kind != kindPOP3 && o.kind != kindIMAP && o.kind != kindPool:
		return code(errHandle(h, o, kindSMTP))
	}
	o.cmu.Lock()
	cancel := o.cancel
	o.cmu.Unlock()
	if cancel != nil {
		cancel()
	}
	return 0
}

// smtpPool is the value behind a pool handle, shared by many threads.
type smtpPool struct {
	mu     sync.Mutex
	opts   smtp.PoolOptions
	logs   logOption
	pool   *smtp.Pool
	ctx    context.Context
	cancel context.CancelFunc
}

func (p *smtpPool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		p.cancel()
	}
	if p.pool != nil {
		p.pool.Close()
	}
	p.logs.close()
	return nil
}

// start makes the pool on the first send and returns the context of sends.
func (p *smtpPool) start() (*smtp.Pool, context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pool == nil {
		opts := p.opts.Options
		opts.Log = p.logs.log
		p.pool = smtp.NewPool(opts, p.opts.MaxConnections, p.opts.IdleTimeout)
	}
	if p.ctx == nil {
		p.ctx, p.cancel = context.WithCancel(context.Background())
	}
	return p.pool, p.ctx
}

// cancelAll aborts every send in flight; later sends start afresh.
func (p *smtpPool) cancelAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		p.cancel()
		p.ctx, p.cancel = nil, nil
	}
}

//export mwgo_pool_new
func mwgo_pool_new() (rc C.int) {
	defer guard(&rc)
	p := &smtpPool{opts: smtp.NewPoolOptions()}
	h := register(kindPool, p)
	find(h).setCancel(p.cancelAll)
	return h
}

//export mwgo_pool_set
func mwgo_pool_set(h C.int, option, value *C.mw_cchar) C.int {
	return with(h, kindPool, func(_ *object, p *smtpPool) error {
		name, v, err := optionArgs(option, value)
		if err != nil {
			return err
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.pool != nil {
			return errs.New(errs.State, "pool: options are set before the first send")
		}
		if name == "log_file" {
			return p.logs.set(v)
		}
		return p.opts.Set(name, v)
	})
}

//export mwgo_pool_send
func mwgo_pool_send(h, msg C.int) (rc C.int) {
	defer guard(&rc)
	var sendErr error
	rc = with(h, kindPool, func(_ *object, p *smtpPool) error {
		pool, ctx := p.start()
		_, sendErr = sendMessage(msg, func(env smtp.Envelope, m *mime.Message) ([]smtp.Result, error) {
			return pool.Send(ctx, env, m)
		})
		return sendErr
	})
	return rc
}
