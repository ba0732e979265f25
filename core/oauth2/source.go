package oauth2

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

// MinValidity is how long a token handed out stays valid at least: a token
// closer to its expiry is refreshed first, so that it does not expire
// between the call and the server's check.
const MinValidity = 60 * time.Second

// Token is an access token and what came with it (RFC 6749 section 5.1).
type Token struct {
	AccessToken  string
	TokenType    string
	RefreshToken string // the one to keep: the server may rotate it (section 6)
	Scope        string
	Expiry       time.Time // zero when the server did not say
}

// Source holds the credentials of one client and the token they gave. Its
// methods may be called from any goroutine.
type Source struct {
	// fetch is held, as a one-slot semaphore, while a request is made: the
	// requests of a Source run one at a time, and a caller that waits for
	// one can give up when its context ends.
	fetch chan struct{}

	mu      sync.Mutex // guards what follows; never held during a request
	cfg     Config
	tok     Token
	dev     device
	oerr    oauthError // the last error the server sent; zero after a success
	logs    wire.LogOption
	client  *http.Client // made from cfg on first use; nil after a TLS or timeout change
	stop    context.Context
	stopAll context.CancelFunc

	// now and slowStep are fixed by tests.
	now      func() time.Time
	slowStep time.Duration
}

// New returns a Source with no options set.
func New() *Source {
	s := &Source{fetch: make(chan struct{}, 1), now: time.Now, slowStep: slowDownStep}
	s.stop, s.stopAll = context.WithCancel(context.Background())
	return s
}

// Set sets an option by its C API name (case-insensitive): the options of
// Config.Set, and refresh_token, access_token, expires_at (Unix seconds
// of access_token's expiry) and log_file (append a log of the requests,
// secrets as "<secret>"). An option that changes whose token this is
// (provider, tenant, token_url, client_id, client_secret, scope, grant,
// refresh_token) forgets the access token. Errors are as Config.Set's, and
// errs.File when log_file cannot be opened.
func (s *Source) Set(name, value string) error {
	if err := wire.CheckLine(name, value); err != nil {
		return err
	}
	name = strings.ToLower(strings.TrimSpace(name))
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	switch name {
	case "refresh_token":
		err = checkTokenText(name, value)
		if err == nil {
			s.tok.RefreshToken = value
		}
	case "access_token":
		err = checkTokenText(name, value)
		if err == nil {
			// expires_at may come first, for this token: keep it then.
			exp := s.tok.Expiry
			if s.tok.AccessToken != "" {
				exp = time.Time{}
			}
			s.tok = Token{AccessToken: value, TokenType: "Bearer", RefreshToken: s.tok.RefreshToken, Expiry: exp}
		}
		return err
	case "expires_at":
		err = s.setExpiresAt(value)
	case "log_file":
		err = s.logs.Set(value)
	default:
		err = s.cfg.Set(name, value)
		if err == nil && (name == "ca_file" || name == "tls_verify" || name == "timeout") {
			s.client = nil
		}
	}
	if err == nil && credentialOptions[name] {
		s.tok = Token{RefreshToken: s.tok.RefreshToken}
	}
	return err
}

// checkTokenText refuses a token that could not go into a request or a
// SASL message: it must be printable ASCII without spaces (RFC 6750
// section 2.1, RFC 6749 appendix A.17). The value is never quoted.
func checkTokenText(name, v string) error {
	if strings.Contains(v, " ") || !vschars(v) {
		return wire.OptionError(name, "a token of printable ASCII without spaces (the value is not shown)")
	}
	return nil
}

func (s *Source) setExpiresAt(v string) error {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return wire.OptionError("expires_at", "Unix seconds (0: unknown)")
	}
	s.tok.Expiry = time.Time{}
	if n > 0 {
		s.tok.Expiry = time.Unix(n, 0)
	}
	return nil
}

// Get returns a field by its C API name: access_token, refresh_token,
// expires_at (Unix seconds, "" when unknown), token_type, scope (as
// granted), user_code, verification_uri, verification_uri_complete,
// message (the provider's instructions for the user), interval (seconds
// between polls), device_expires_at, error and error_description (the
// last error the server sent), token_url, device_url and grant (in
// force). An empty string means the field has no value now; an unknown
// field is an error of kind errs.Arg. Get never waits for a request in
// flight.
func (s *Source) Get(field string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	unix := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return strconv.FormatInt(t.Unix(), 10)
	}
	switch strings.ToLower(strings.TrimSpace(field)) {
	case "access_token":
		return s.tok.AccessToken, nil
	case "refresh_token":
		return s.tok.RefreshToken, nil
	case "expires_at":
		return unix(s.tok.Expiry), nil
	case "token_type":
		return s.tok.TokenType, nil
	case "scope":
		return s.tok.Scope, nil
	case "user_code":
		return s.dev.userCode, nil
	case "verification_uri":
		return s.dev.uri, nil
	case "verification_uri_complete":
		return s.dev.uriComplete, nil
	case "message":
		return s.dev.message, nil
	case "interval":
		if s.dev.code == "" {
			return "", nil
		}
		return strconv.FormatFloat(s.dev.interval.Seconds(), 'f', -1, 64), nil
	case "device_expires_at":
		return unix(s.dev.expires), nil
	case "error":
		return s.oerr.Code, nil
	case "error_description":
		return s.oerr.Description, nil
	case "token_url":
		return s.cfg.tokenURL(), nil
	case "device_url":
		return s.cfg.deviceURL(), nil
	case "grant":
		return s.cfg.grant(), nil
	}
	return "", errs.New(errs.Arg, "oauth2: unknown field "+errs.Quote(field)+
		" (access_token, refresh_token, expires_at, token_type, scope, user_code, verification_uri, "+
		"verification_uri_complete, message, interval, device_expires_at, error, error_description, "+
		"token_url, device_url, grant)")
}

// Current returns the token the Source holds, without any request.
func (s *Source) Current() Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok
}

// Token returns an access token valid for at least MinValidity more, or
// of unknown expiry; it requests one when there is none or the one held is
// about to expire: by polling the device authorization started by
// DeviceStart (RFC 8628 section 3.4) until the user has granted or denied
// it or it has expired, with the client credentials (RFC 6749 section 4.4),
// or with the refresh token (section 6). A token just
// received is returned even when its lifetime is shorter than
// MinValidity.
//
// Callers that arrive while a request is in flight wait for it and take
// its token. Cancelling ctx gives up the wait or the request.
func (s *Source) Token(ctx context.Context) (string, error) {
	if t, ok := s.valid(); ok {
		return t, nil
	}
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	if t, ok := s.valid(); ok {
		return t, nil // fetched by the caller we waited for
	}
	return s.obtain(ctx)
}

// Refresh returns a new access token after a server refused refused: the
// one another caller got meanwhile when it differs from refused, else a
// token requested now, as Token does. So many connections refused at once
// cause one request.
func (s *Source) Refresh(ctx context.Context, refused string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	s.mu.Lock()
	cur := s.tok.AccessToken
	if cur == refused {
		s.tok.AccessToken, s.tok.Expiry = "", time.Time{}
	}
	s.mu.Unlock()
	if t, ok := s.valid(); ok && cur != refused {
		return t, nil
	}
	return s.obtain(ctx)
}

// valid returns the token held when it may be handed out.
func (s *Source) valid() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tok
	if t.AccessToken == "" {
		return "", false
	}
	return t.AccessToken, t.Expiry.IsZero() || t.Expiry.Sub(s.now()) >= MinValidity
}

// acquire takes the request slot, or gives up when ctx or Cancel ends.
func (s *Source) acquire(ctx context.Context) error {
	s.mu.Lock()
	stop := s.stop
	s.mu.Unlock()
	select {
	case s.fetch <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctxErr(ctx)
	case <-stop.Done():
		return errs.New(errs.Cancelled, "oauth2: cancelled")
	}
}

func (s *Source) release() { <-s.fetch }

// obtain requests a token with the grant in force. The caller holds the
// request slot.
func (s *Source) obtain(ctx context.Context) (string, error) {
	s.mu.Lock()
	grant, refresh, pending := s.cfg.grant(), s.tok.RefreshToken, s.dev.code != ""
	s.mu.Unlock()
	switch {
	case pending && grant != GrantClientCredentials:
		return s.pollUntilDone(ctx)
	case grant == GrantClientCredentials:
		return s.request(ctx, clientCredentialsForm())
	case refresh != "":
		return s.request(ctx, refreshForm(refresh))
	case grant == GrantDeviceCode:
		return "", errs.New(errs.State, "oauth2: no token yet: start the device authorization first (DeviceStart), or set a refresh token")
	}
	return "", errs.New(errs.State, "oauth2: no refresh_token set (set the one the user's consent gave, or use grant device_code to get one)")
}

// Cancel aborts the requests and waits in flight, device polling included:
// they fail with errs.Cancelled. Later calls work again.
func (s *Source) Cancel() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopAll()
	s.stop, s.stopAll = context.WithCancel(context.Background())
}

// Close releases the log file and idle connections. The Source stays
// usable by those who still hold it (connections that took it), without
// its log.
func (s *Source) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
	s.logs.Close()
	return nil
}

// ctxErr maps an ended context to errs.Cancelled or errs.Timeout.
func ctxErr(ctx context.Context) error {
	if ctx.Err() == context.DeadlineExceeded {
		return errs.E(errs.Timeout, ctx.Err())
	}
	return errs.E(errs.Cancelled, ctx.Err())
}
