// Package server is Mailwire's embedded mail server for tests and
// development: SMTP (RFC 5321) and submission (RFC 6409) with STARTTLS,
// AUTH, PIPELINING, CHUNKING, SIZE, 8BITMIME, BINARYMIME, SMTPUTF8, DSN and
// ENHANCEDSTATUSCODES; SMTP with implicit TLS (RFC 8314); LMTP (RFC 2033);
// POP3 (RFC 1939) with STLS, APOP, SASL and UIDL, plain or with implicit
// TLS; and IMAP (RFC 3501) with folders, flags, UIDs kept across restarts,
// SEARCH, APPEND, COPY and MOVE with UIDPLUS, IDLE woken by deliveries,
// CONDSTORE, STARTTLS and SASL, plain or with implicit TLS. It listens on loopback by default, relays nothing and keeps
// mail in memory or in Maildir folders.
//
// Mail for any address goes to the mailbox named by its local part, lower
// cased: alice@example.com and Alice@test both reach "alice". POP3 users see
// the mailbox of their user name; IMAP users see it as INBOX, beside their
// folders. Two local-part prefixes let a client test
// per-recipient results: a recipient whose local part starts with "reject"
// gets 550 5.1.1, one that starts with "tempfail" gets 450 4.2.0.
//
// Every stored copy starts with a Received header whose "with" clause is
// the RFC 3848 / RFC 6531 keyword of the session (ESMTPSA, LMTPA, ...).
package server

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

// Server is an embedded mail server. Its methods may be called from any
// goroutine.
type Server struct {
	cfg         Config
	ids         *ids
	store       store
	tls         *tls.Config
	caPEM       []byte
	smtpDialect *dialect
	popDialect  *dialect
	imapDialect *dialect
	imap        imapState // IMAP's folder states and IDLE watchers

	mu        sync.Mutex
	started   bool
	stopped   bool
	listeners map[string]net.Listener
	ports     map[string]int
	conns     map[*wire.Conn]struct{}
	sessions  int
	locks     map[string]bool // POP3 mailboxes in use (RFC 1939 section 8)
	wg        sync.WaitGroup
}

// New returns a server for cfg; zero fields take their defaults. Nothing
// listens before Start.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	return &Server{cfg: cfg, ids: newIDs(), smtpDialect: smtpDialect(cfg.Hostname), popDialect: popDialect(), imapDialect: imapDialect()}
}

// Start opens the store, prepares TLS and listens on every enabled service.
// It returns when the server accepts connections. Calling it a second time
// is an error of kind errs.State.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errs.New(errs.State, "server: already started")
	}
	s.started = true
	if err := s.prepare(); err != nil {
		return err
	}
	s.listeners = map[string]net.Listener{}
	s.ports = map[string]int{}
	s.conns = map[*wire.Conn]struct{}{}
	s.locks = map[string]bool{}
	for _, svc := range Services {
		if err := s.listen(svc); err != nil {
			s.closeListeners()
			s.stopped = true
			return err
		}
	}
	for svc, l := range s.listeners {
		s.wg.Add(1)
		go s.accept(svc, l)
	}
	return nil
}

// prepare opens the store and builds the TLS configuration.
func (s *Server) prepare() error {
	s.prepareIMAP()
	if s.cfg.Store == "" {
		s.store = newMemStore(s.ids)
	} else {
		md, err := newMaildir(s.cfg.Store, s.cfg.Hostname, s.ids)
		if err != nil {
			return errs.E(errs.File, fmt.Errorf("server: store: %w", err))
		}
		s.store = md
	}
	tc, caPEM, err := tlsConfig(s.cfg)
	if err != nil {
		return err
	}
	s.tls, s.caPEM = tc, caPEM
	if s.cfg.CAOut != "" {
		if err := os.WriteFile(s.cfg.CAOut, caPEM, 0o644); err != nil {
			return errs.E(errs.File, fmt.Errorf("server: ca_out: %w", err))
		}
	}
	return nil
}

// prepareIMAP empties IMAP's caches of folder states.
func (s *Server) prepareIMAP() {
	s.imap.folders = map[string]*folderState{}
	s.imap.watchers = map[string]map[chan struct{}]struct{}{}
	s.imap.provisioned = map[string]bool{}
}

func (s *Server) listen(svc string) error {
	port, set := s.cfg.Ports[svc]
	if set && port < 0 {
		return nil
	}
	addr := net.JoinHostPort(s.cfg.Addr, strconv.Itoa(port))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return errs.E(errs.Connect, fmt.Errorf("server: %s: %w", svc, err))
	}
	s.listeners[svc] = l
	s.ports[svc] = l.Addr().(*net.TCPAddr).Port
	return nil
}

func (s *Server) closeListeners() {
	for _, l := range s.listeners {
		l.Close()
	}
}

// Port returns the port of service ("smtp", "submission", "smtps", "lmtp",
// "pop3", "pop3s", "imap", "imaps"), or 0 when it is off, unknown or not started.
func (s *Server) Port(service string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ports[strings.ToLower(service)]
}

// Addr returns the listen address.
func (s *Server) Addr() string { return s.cfg.Addr }

// Hostname returns the name the server greets with.
func (s *Server) Hostname() string { return s.cfg.Hostname }

// MessageCount returns the number of messages in mailbox (a local part,
// case-insensitive), or in all mailboxes when it is "".
func (s *Server) MessageCount(mailbox string) int {
	st := s.getStore()
	if st == nil {
		return 0
	}
	return st.count(mailboxName(mailbox))
}

// Messages returns the stored messages of mailbox ("" = all), Received
// header included, oldest first.
func (s *Server) Messages(mailbox string) [][]byte {
	st := s.getStore()
	if st == nil {
		return nil
	}
	return st.messages(mailboxName(mailbox))
}

// Message returns message i (0-based, in the order of Messages) of mailbox
// ("" = all), reading only that one, and how many messages there are; ok is
// false when there is no message i.
func (s *Server) Message(mailbox string, i int) (msg []byte, n int, ok bool) {
	st := s.getStore()
	if st == nil {
		return nil, 0, false
	}
	for _, name := range st.names(mailboxName(mailbox)) {
		es, _ := st.list(name)
		if !ok && i >= n && i < n+len(es) {
			b, err := st.read(name, es[i-n])
			msg, ok = b, err == nil
		}
		n += len(es)
	}
	return msg, n, ok
}

func (s *Server) getStore() store {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store
}

// CACertPEM returns the PEM certificate clients should trust: the generated
// CA, or the configured certificate file. It is nil before Start.
func (s *Server) CACertPEM() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.caPEM...)
}

// Stop closes the listeners and every open session, and waits until all
// of the server's goroutines have ended. It may be called more than once.
func (s *Server) Stop() error {
	s.mu.Lock()
	if !s.started || s.stopped {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.stopped = true
	s.closeListeners()
	for c := range s.conns {
		c.Cancel()
	}
	s.ports = map[string]int{}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

func (s *Server) accept(svc string, l net.Listener) {
	defer s.wg.Done()
	for {
		nc, err := l.Accept()
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				continue
			}
			return
		}
		s.wg.Add(1)
		go s.serve(svc, nc)
	}
}

// track registers a connection, so that Stop can close it; it fails after
// Stop.
func (s *Server) track(c *wire.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c *wire.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.Close()
}

// serve runs one session. Sessions over MaxSessions get a temporary
// refusal and are closed.
func (s *Server) serve(svc string, nc net.Conn) {
	defer s.wg.Done()
	if svc == "smtps" || svc == "pop3s" || svc == "imaps" {
		nc = tls.Server(nc, s.tls)
	}
	c := wire.NewConn(nc, wire.Server, s.cfg.IdleTimeout, nil)
	c.MaxLine = maxCommandLine
	if !s.track(c) {
		c.Close()
		return
	}
	defer s.untrack(c)
	run, d := func() { s.serveSMTP(svc, c) }, s.smtpDialect
	switch {
	case strings.HasPrefix(svc, "pop3"):
		run, d = func() { s.servePOP3(c) }, s.popDialect
	case strings.HasPrefix(svc, "imap"):
		c.MaxLine = maxIMAPLine
		run, d = func() { s.serveIMAP(c) }, s.imapDialect
	}
	if !s.admit() {
		c.WriteLine(d.busy)
		c.Flush()
		return
	}
	defer s.release()
	run()
}

func (s *Server) admit() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessions >= s.cfg.MaxSessions {
		return false
	}
	s.sessions++
	return true
}

func (s *Server) release() {
	s.mu.Lock()
	s.sessions--
	s.mu.Unlock()
}

// lock marks a POP3 mailbox in use; it fails when it already is.
func (s *Server) lock(mailbox string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locks[mailbox] {
		return false
	}
	s.locks[mailbox] = true
	return true
}

func (s *Server) unlock(mailbox string) {
	s.mu.Lock()
	delete(s.locks, mailbox)
	s.mu.Unlock()
}

// password returns the password of user; user names are case-sensitive.
func (s *Server) password(user string) (string, bool) {
	p, ok := s.cfg.Users[user]
	return p, ok
}
