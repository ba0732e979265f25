// Package oauth2test is an OAuth 2.0 authorization server for tests, in the
// manner of net/http/httptest: a token endpoint (RFC 6749 section 3.2) and
// a device authorization endpoint (RFC 8628 section 3.1) over HTTPS on
// 127.0.0.1, with a certificate from a CA of its own, that checks requests
// as strictly as a real server and records them.
//
// Clients it knows (client_id / client_secret):
//
//	app         app-secret         confidential
//	svc         "s3cret +/=&%"     confidential (a secret that HTTP Basic must form-encode)
//	pub         -                  public
//	dev         -                  device flow: granted after two authorization_pending
//	dev-now     -                  device flow: granted at the first poll
//	dev-slow    -                  device flow: slow_down, then pending, then granted
//	dev-deny    -                  device flow: pending, then access_denied
//	dev-expire  -                  device flow: pending, then expired_token
//
// Refresh tokens: "rt-NAME" is valid for any client; the access tokens it
// gives are "at-NAME-1", "at-NAME-2", ... (so that a test can tell a mail
// server in advance which one will be valid). When NAME starts with "rot",
// every refresh rotates it: the response carries "rt-NAME~1", "rt-NAME~2",
// ..., and the one used before becomes invalid_grant. "rt-bad..." is always
// invalid_grant. The client credentials grant gives "at-CLIENT-N", the
// device grant "at-CLIENT-N" and the refresh token "rt-CLIENT".
//
// Endpoints under a mode prefix misbehave: /html/token answers with an HTML
// page, /500/token with an HTML server error, /503/token with
// temporarily_unavailable, /huge/token with 2 MiB, /slow/token after Slow,
// /badjson/token with broken JSON, /redirect/token with a 307 to /token,
// /mac/token with a token of type "mac".
package oauth2test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mailwire/core/wire"
)

// Request is a request the server received.
type Request struct {
	Path        string
	Method      string
	ContentType string
	Form        url.Values // the body
	Basic       bool       // HTTP Basic authentication was sent
	BasicUser   string     // form-decoded (RFC 6749 section 2.3.1)
	BasicPass   string
	Grant       string // grant_type
	Answer      string // "token" or the error code given
}

// Server is the test authorization server. Its fields are set before the
// first request; its methods may be called from any goroutine.
type Server struct {
	URL   string // https://127.0.0.1:PORT
	CAPEM []byte // the CA that signed its certificate, PEM

	ExpiresIn      float64       // lifetime of access tokens in seconds; 3600 when 0
	DeviceInterval float64       // the device interval in seconds; 1 when 0
	DeviceLife     float64       // the device code's lifetime in seconds; 600 when 0
	SlowStep       time.Duration // added to a device's interval by slow_down; 5s when 0
	Slow           time.Duration // the /slow/ delay; 30s when 0

	ts      *httptest.Server
	mu      sync.Mutex
	reqs    []Request
	issued  map[string]int    // family → access tokens given
	rotated map[string]int    // family → refresh tokens given
	current map[string]string // rotating family → its valid refresh token
	devices map[string]*deviceState
	ndev    int
	slows   int
	waiting atomic.Int32 // requests held by /slow/
}

// deviceState is one device authorization.
type deviceState struct {
	client   string
	polls    int
	interval time.Duration
	last     time.Time
	expires  time.Time
	done     bool
}

// clients maps client ids to their secrets ("" for a public client).
var clients = map[string]string{
	"app": "app-secret", "svc": "s3cret +/=&%", "pub": "",
	"dev": "", "dev-now": "", "dev-slow": "", "dev-deny": "", "dev-expire": "",
}

// NewServer starts a server; Close stops it.
func NewServer() (*Server, error) {
	caPEM, cert, err := certificates()
	if err != nil {
		return nil, err
	}
	s := &Server{CAPEM: caPEM, issued: map[string]int{}, rotated: map[string]int{},
		current: map[string]string{}, devices: map[string]*deviceState{}}
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.ts.StartTLS()
	s.URL = s.ts.URL
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.ts.Close() }

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Count returns how many requests with grant_type grant got a token.
func (s *Server) Count(grant string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Grant == grant && r.Answer == "token" {
			n++
		}
	}
	return n
}

// SlowDowns returns how many slow_down answers the server gave.
func (s *Server) SlowDowns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.slows
}

// Pending reports whether a request is being held by a /slow/ endpoint.
func (s *Server) Pending() bool { return s.waiting.Load() > 0 }

// serve dispatches on the path: [/MODE]/token or [/MODE]/device.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// The body is read first, so that the server notices a client that
	// gives up while a /slow/ endpoint waits.
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	r.Body = io.NopCloser(bytes.NewReader(body))
	mode, endpoint := "", strings.TrimPrefix(r.URL.Path, "/")
	if i := strings.IndexByte(endpoint, '/'); i >= 0 {
		mode, endpoint = endpoint[:i], endpoint[i+1:]
	}
	if s.misbehave(w, r, mode) {
		return
	}
	rec := Request{Path: r.URL.Path, Method: r.Method, ContentType: r.Header.Get("Content-Type")}
	defer func() {
		s.mu.Lock()
		s.reqs = append(s.reqs, rec)
		s.mu.Unlock()
	}()
	form, client, oe := s.readRequest(r, &rec)
	switch {
	case oe != nil:
	case endpoint == "token":
		oe = s.token(w, form, client, mode, &rec)
	case endpoint == "device":
		oe = s.deviceStart(w, form, client)
	default:
		http.NotFound(w, r)
		return
	}
	if oe != nil {
		rec.Answer = oe.Code
		oe.write(w)
	} else if rec.Answer == "" {
		rec.Answer = "token"
	}
}

// misbehave answers for the modes that do not run the endpoint.
func (s *Server) misbehave(w http.ResponseWriter, r *http.Request, mode string) bool {
	switch mode {
	case "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Sign in to continue</body></html>")
	case "500":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "<html><body><h1>500 Internal Server Error</h1></body></html>")
	case "503":
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "temporarily_unavailable", "error_description": "try again in a minute"})
	case "huge":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"`)
		chunk := strings.Repeat("a", 64<<10)
		for i := 0; i < 32; i++ {
			if _, err := io.WriteString(w, chunk); err != nil {
				return true
			}
		}
		io.WriteString(w, `","token_type":"Bearer"}`)
	case "slow":
		d := s.Slow
		if d == 0 {
			d = 30 * time.Second
		}
		s.waiting.Add(1)
		defer s.waiting.Add(-1)
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return true
		}
		return false
	case "badjson":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token": "at-x", "token_type": "Bearer", "expires_in": 3600`)
	case "redirect":
		w.Header().Set("Location", "/token")
		w.WriteHeader(http.StatusTemporaryRedirect)
	default:
		return false
	}
	return true
}

// oauthErr is an error response (RFC 6749 section 5.2).
type oauthErr struct {
	Code, Description string
	Status            int
}

func (e *oauthErr) write(w http.ResponseWriter) {
	st := e.Status
	if st == 0 {
		st = http.StatusBadRequest
	}
	if st == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth2test"`)
	}
	writeJSON(w, st, map[string]any{"error": e.Code, "error_description": e.Description})
}

func fail(code, desc string) *oauthErr { return &oauthErr{Code: code, Description: desc} }

// writeJSON writes a JSON response that no cache may keep (RFC 6749
// section 5.1).
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// readRequest checks the method, the media type, the form (no parameter
// twice, RFC 6749 section 3.2) and the client's authentication (one
// method only, section 2.3), and records what it read.
func (s *Server) readRequest(r *http.Request, rec *Request) (url.Values, string, *oauthErr) {
	if r.Method != http.MethodPost {
		return nil, "", fail("invalid_request", "POST is required")
	}
	if ct := strings.TrimSpace(strings.Split(rec.ContentType, ";")[0]); ct != "application/x-www-form-urlencoded" {
		return nil, "", fail("invalid_request", "the body must be application/x-www-form-urlencoded")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return nil, "", fail("invalid_request", "cannot read the body")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, "", fail("invalid_request", "the body is not a form")
	}
	rec.Form, rec.Grant = form, form.Get("grant_type")
	for k, v := range form {
		if len(v) > 1 {
			return form, "", fail("invalid_request", k+" given more than once")
		}
	}
	return s.authenticate(r, form, rec)
}

// authenticate identifies the client: HTTP Basic with form-encoded id and
// secret, or client_id (and client_secret) in the body; never both.
func (s *Server) authenticate(r *http.Request, form url.Values, rec *Request) (url.Values, string, *oauthErr) {
	id, secret, basic := r.BasicAuth()
	if basic {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return form, "", &oauthErr{"invalid_client", "bad form encoding in Basic credentials", 401}
		}
		rec.Basic, rec.BasicUser, rec.BasicPass = true, id, secret
		if form.Has("client_secret") {
			return form, "", fail("invalid_request", "more than one client authentication method")
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	want, known := clients[id]
	switch {
	case !known:
		return form, "", &oauthErr{"invalid_client", "unknown client", 401}
	case want != "" && secret != want:
		return form, "", &oauthErr{"invalid_client", "client authentication failed", 401}
	}
	return form, id, nil
}

// token answers the token endpoint for each grant.
func (s *Server) token(w http.ResponseWriter, form url.Values, client, mode string, rec *Request) *oauthErr {
	switch form.Get("grant_type") {
	case "refresh_token":
		return s.refresh(w, form, mode)
	case "client_credentials":
		if clients[client] == "" {
			return &oauthErr{"unauthorized_client", "a public client cannot use client credentials", 400}
		}
		s.issue(w, client, "", mode)
		return nil
	case "urn:ietf:params:oauth:grant-type:device_code":
		return s.devicePoll(w, form, client, rec)
	case "":
		return fail("invalid_request", "grant_type is missing")
	}
	return fail("unsupported_grant_type", "grant_type "+form.Get("grant_type"))
}

// refresh answers the refresh token grant (RFC 6749 section 6).
func (s *Server) refresh(w http.ResponseWriter, form url.Values, mode string) *oauthErr {
	rt := form.Get("refresh_token")
	name, ok := strings.CutPrefix(rt, "rt-")
	family, _, _ := strings.Cut(name, "~")
	if !ok || family == "" || strings.HasPrefix(family, "bad") {
		return fail("invalid_grant", "AADSTS70000: The provided grant is invalid or malformed.")
	}
	next := ""
	if strings.HasPrefix(family, "rot") {
		s.mu.Lock()
		cur, seen := s.current[family]
		if seen && cur != rt || !seen && rt != "rt-"+family {
			s.mu.Unlock()
			return fail("invalid_grant", "the refresh token was already used (rotated)")
		}
		s.rotated[family]++
		next = "rt-" + family + "~" + strconv.Itoa(s.rotated[family])
		s.current[family] = next
		s.mu.Unlock()
	}
	s.issue(w, family, next, mode)
	return nil
}

// issue writes a token response with the next access token of family.
func (s *Server) issue(w http.ResponseWriter, family, refresh, mode string) {
	s.mu.Lock()
	s.issued[family]++
	n := s.issued[family]
	s.mu.Unlock()
	life := s.ExpiresIn
	if life == 0 {
		life = 3600
	}
	typ := "Bearer"
	if mode == "mac" {
		typ = "mac"
	}
	resp := map[string]any{"access_token": fmt.Sprintf("at-%s-%d", family, n), "token_type": typ,
		"expires_in": life, "scope": "https://mail.test/all"}
	if refresh != "" {
		resp["refresh_token"] = refresh
	}
	writeJSON(w, http.StatusOK, resp)
}

// deviceStart answers the device authorization request (RFC 8628 section
// 3.2).
func (s *Server) deviceStart(w http.ResponseWriter, form url.Values, client string) *oauthErr {
	s.mu.Lock()
	s.ndev++
	n := s.ndev
	iv := s.DeviceInterval
	if iv == 0 {
		iv = 1
	}
	life := s.DeviceLife
	if life == 0 {
		life = 600
	}
	code := fmt.Sprintf("dc-%d-%s", n, client)
	s.devices[code] = &deviceState{client: client, interval: time.Duration(iv * float64(time.Second)),
		expires: time.Now().Add(time.Duration(life * float64(time.Second)))}
	s.mu.Unlock()
	user := fmt.Sprintf("WDJB-%04d", n)
	writeJSON(w, http.StatusOK, map[string]any{
		"device_code": code, "user_code": user,
		"verification_uri":          s.URL + "/device-login",
		"verification_uri_complete": s.URL + "/device-login?user_code=" + user,
		"expires_in":                life, "interval": iv,
		"message": "To sign in, open " + s.URL + "/device-login and enter the code " + user + ".",
	})
	return nil
}

// devicePoll answers a device access token request (RFC 8628 section 3.5)
// by the client's script. A poll sooner than the interval gets slow_down.
func (s *Server) devicePoll(w http.ResponseWriter, form url.Values, client string, rec *Request) *oauthErr {
	s.mu.Lock()
	d := s.devices[form.Get("device_code")]
	if d == nil || d.client != client || d.done {
		s.mu.Unlock()
		return fail("invalid_grant", "unknown device_code")
	}
	now := time.Now()
	early := !d.last.IsZero() && now.Sub(d.last) < d.interval
	d.last = now
	d.polls++
	step := s.SlowStep
	if step == 0 {
		step = 5 * time.Second
	}
	answer := s.script(d, early)
	if answer == "slow_down" {
		d.interval += step
		s.slows++
	}
	if answer == "token" || answer == "access_denied" || answer == "expired_token" {
		d.done = true
	}
	s.mu.Unlock()
	if answer != "token" {
		return fail(answer, "device authorization: "+answer)
	}
	s.issue(w, client, "rt-"+client, "")
	return nil
}

// script is what a device authorization answers at its current poll.
func (s *Server) script(d *deviceState, early bool) string {
	switch {
	case time.Now().After(d.expires):
		return "expired_token"
	case early:
		return "slow_down"
	}
	plan := map[string][]string{
		"dev":        {"authorization_pending", "authorization_pending", "token"},
		"dev-now":    {"token"},
		"dev-slow":   {"slow_down", "authorization_pending", "token"},
		"dev-deny":   {"authorization_pending", "access_denied"},
		"dev-expire": {"authorization_pending", "expired_token"},
	}[d.client]
	if len(plan) == 0 {
		return "authorization_pending"
	}
	return plan[min(d.polls, len(plan))-1]
}

// Client returns an HTTP client that trusts the server's CA, for requests
// made by hand.
func (s *Server) Client() *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM)
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

// certificates makes a CA and a certificate for 127.0.0.1, ::1 and
// localhost signed by it.
func certificates() ([]byte, tls.Certificate, error) {
	ca, err := wire.NewCA("oauth2test CA")
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	cert, err := ca.Issue(wire.Leaf{Names: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}})
	return ca.PEM, cert, err
}

// BasicHeader is the Authorization header value for id and secret, form
// encoded as RFC 6749 section 2.3.1 requires.
func BasicHeader(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}
