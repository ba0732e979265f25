package oauth2

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

// MaxResponse bounds the body read from an endpoint: a token response is a
// few kilobytes; a larger one is an error, not our memory.
const MaxResponse = 1 << 20

// secretFields are the parameters whose values the log shows as
// "<secret>", in requests and responses alike.
var secretFields = map[string]bool{
	"client_secret": true, "refresh_token": true, "access_token": true, "id_token": true,
	"device_code": true, "code": true, "assertion": true,
}

// refreshForm is the body of a refresh request (RFC 6749 section 6):
//
//	grant_type=refresh_token&refresh_token=tGzv3JOkF0XG5Qx2TlKWIA&scope=...
func refreshForm(refresh string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}
}

// clientCredentialsForm is the body of a client credentials request (RFC
// 6749 section 4.4.2): grant_type=client_credentials&scope=...
func clientCredentialsForm() url.Values {
	return url.Values{"grant_type": {"client_credentials"}}
}

// oauthError is an error response (RFC 6749 section 5.2, RFC 8628
// section 3.5).
type oauthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description"`
	URI         string `json:"error_uri"`
}

// tokenResponse is a successful token response (RFC 6749 section 5.1).
// expires_in is a number, or a numeric string as some servers send it.
type tokenResponse struct {
	AccessToken  string          `json:"access_token"`
	TokenType    string          `json:"token_type"`
	ExpiresIn    json.RawMessage `json:"expires_in"`
	RefreshToken string          `json:"refresh_token"`
	Scope        string          `json:"scope"`
}

// request runs one token request with form (scope and client
// authentication added) and keeps the token it gives. The caller holds the
// request slot.
func (s *Source) request(ctx context.Context, form url.Values) (string, error) {
	s.mu.Lock()
	cfg := s.cfg
	s.mu.Unlock()
	if sc := cfg.scope(); sc != "" && form.Get("grant_type") != deviceGrantType {
		form.Set("scope", sc)
	}
	var tr tokenResponse
	if err := s.post(ctx, "token_url", cfg.tokenURL(), form, &tr); err != nil {
		return "", err
	}
	tok, err := s.token(tr)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	if tok.RefreshToken == "" {
		tok.RefreshToken = s.tok.RefreshToken // not rotated: keep it (RFC 6749 section 6)
	}
	s.tok = tok
	s.mu.Unlock()
	return tok.AccessToken, nil
}

// token checks a token response and turns it into a Token.
func (s *Source) token(tr tokenResponse) (Token, error) {
	if tr.AccessToken == "" {
		return Token{}, errs.New(errs.Protocol, "oauth2: the token response has no access_token")
	}
	if checkTokenText("access_token", tr.AccessToken) != nil {
		return Token{}, errs.New(errs.Protocol, "oauth2: the access_token holds characters a bearer token cannot have")
	}
	if tr.RefreshToken != "" && checkTokenText("refresh_token", tr.RefreshToken) != nil {
		return Token{}, errs.New(errs.Protocol, "oauth2: the refresh_token holds characters a token cannot have")
	}
	if tr.TokenType == "" {
		tr.TokenType = "Bearer"
	}
	if !strings.EqualFold(tr.TokenType, "bearer") {
		// RFC 6749 section 7.1: a client must not use a token type it does
		// not understand.
		return Token{}, errs.New(errs.Protocol, "oauth2: token_type "+errs.Quote(tr.TokenType)+" is not Bearer (RFC 6750)")
	}
	secs, err := seconds(tr.ExpiresIn)
	if err != nil {
		return Token{}, errs.New(errs.Protocol, "oauth2: expires_in is not a number of seconds")
	}
	tok := Token{AccessToken: tr.AccessToken, TokenType: tr.TokenType, RefreshToken: tr.RefreshToken, Scope: tr.Scope}
	if secs > 0 {
		tok.Expiry = s.now().Add(time.Duration(secs * float64(time.Second)))
	}
	return tok, nil
}

// seconds reads a JSON number, or a string holding one, as seconds; 0 when
// absent. Values beyond ten years are taken as ten years.
func seconds(raw json.RawMessage) (float64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	text := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return 0, err
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil || !(f >= 0) {
		return 0, errors.New("not a number of seconds")
	}
	return min(f, 10*365*24*3600), nil
}

// post sends form to the endpoint named what (its option name) at raw,
// with the client's authentication, and decodes a 200 response into out.
// Anything else is an error: the server's OAuth error mapped to a kind
// (oauthKind), a response that is not JSON, or the transport's failure.
func (s *Source) post(ctx context.Context, what, raw string, form url.Values, out any) error {
	s.mu.Lock()
	s.oerr = oauthError{}
	cfg, log := s.cfg, s.logs.File()
	client, err := s.httpClient()
	stop := s.stop
	s.mu.Unlock()
	if err != nil {
		return err
	}
	u, err := cfg.checkEndpoint(what, raw)
	if err != nil {
		return err
	}
	form = addClientAuth(form, cfg)
	req, err := s.newRequest(ctx, stop, u, cfg, form)
	if err != nil {
		return err
	}
	defer req.cancel()
	logRequest(log, req.Request, form)
	resp, err := client.Do(req.Request)
	if err != nil {
		return transportErr(what, u, err, stop)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse+1))
	if err != nil {
		return transportErr(what, u, err, stop)
	}
	return s.decode(log, what, resp, body, out)
}

// outgoing is a request with the cancel function of its context.
type outgoing struct {
	*http.Request
	cancel func()
}

// newRequest builds the POST: the form body (addClientAuth's), JSON
// accepted, HTTP Basic authentication when the client uses it (RFC 6749
// section 2.3.1), the timeout and Cancel armed.
func (s *Source) newRequest(ctx, stop context.Context, u *url.URL, cfg Config, form url.Values) (outgoing, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout())
	unstop := context.AfterFunc(stop, cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		unstop()
		cancel()
		return outgoing{}, errs.New(errs.Option, "oauth2: cannot make a request to "+u.Redacted())
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Mailwire")
	if cfg.ClientSecret != "" && cfg.ClientAuth != ClientAuthPost {
		req.SetBasicAuth(url.QueryEscape(cfg.ClientID), url.QueryEscape(cfg.ClientSecret))
	}
	return outgoing{req, func() { unstop(); cancel() }}, nil
}

// addClientAuth returns form with the client's identity (RFC 6749 section
// 2.3.1): with a secret and ClientAuthPost, client_id and client_secret in
// the body; with a secret and HTTP Basic, nothing in the body; without a
// secret (a public client, section 2.1), client_id.
func addClientAuth(form url.Values, cfg Config) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	switch {
	case cfg.ClientSecret == "" && cfg.ClientID != "":
		out.Set("client_id", cfg.ClientID)
	case cfg.ClientSecret != "" && cfg.ClientAuth == ClientAuthPost:
		out.Set("client_id", cfg.ClientID)
		out.Set("client_secret", cfg.ClientSecret)
	}
	return out
}

// httpClient returns the client for cfg's TLS and timeout choices; s.mu is
// held. Redirects are not followed: a redirected POST would carry the
// secrets to another place.
func (s *Source) httpClient() (*http.Client, error) {
	if s.client != nil {
		return s.client, nil
	}
	tc, err := wire.TLSConfig(wire.TLSOptions{CAFile: s.cfg.TLS.CAFile, NoVerify: s.cfg.TLS.NoVerify})
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		TLSClientConfig:     tc,
		TLSHandshakeTimeout: s.cfg.timeout(),
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     90 * time.Second,
	}
	s.client = &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s.client, nil
}

// decode reads a response: 200 with a JSON object into out, anything else
// as the error it stands for.
func (s *Source) decode(log *wire.Log, what string, resp *http.Response, body []byte, out any) error {
	if len(body) > MaxResponse {
		log.Line("S: ", []byte("HTTP "+strconv.Itoa(resp.StatusCode)+" (more than 1 MiB: not read)"))
		return errs.New(errs.Protocol, fmt.Sprintf("oauth2: the %s response is larger than %d bytes", what, MaxResponse))
	}
	obj, jsonErr := jsonObject(body)
	logResponse(log, resp, body, obj)
	if resp.StatusCode == http.StatusOK && jsonErr == nil {
		s.setOAuthError(oauthError{})
		if err := json.Unmarshal(body, out); err != nil {
			return errs.New(errs.Protocol, "oauth2: the "+what+" response has a field of the wrong type: "+err.Error())
		}
		return nil
	}
	var oe oauthError
	if jsonErr == nil && json.Unmarshal(body, &oe) == nil && oe.Code != "" {
		oe.Code, oe.Description = clean(oe.Code, 64), clean(oe.Description, 400)
		s.setOAuthError(oe)
		return oe.err(resp.StatusCode)
	}
	return notJSON(what, resp, jsonErr)
}

// jsonObject reports whether body is one JSON object, and returns its
// fields for the log.
func jsonObject(body []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("null instead of an object")
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	return m, nil
}

// notJSON explains a response that is not the JSON the endpoint owes: an
// HTML page (a login portal, a proxy's error page), a server error, or
// broken JSON. 5xx and 429 are temporary.
func notJSON(what string, resp *http.Response, jsonErr error) error {
	kind := errs.Protocol
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		kind = errs.Temporary
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	var why string
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		why = "a redirect to " + errs.Quote(resp.Header.Get("Location")) + " (not followed: check " + what + ")"
	case strings.Contains(ct, "html"):
		why = "an HTML page, not JSON (check " + what + ")"
	case jsonErr != nil && resp.StatusCode == http.StatusOK:
		why = "invalid JSON: " + jsonErr.Error()
	default:
		why = "no OAuth error in the body"
	}
	return errs.New(kind, fmt.Sprintf("oauth2: the %s answered HTTP %d with %s", what, resp.StatusCode, why))
}

// err maps the server's error code to a kind: the grant or the client was
// refused (errs.Auth), the server is busy or failing (errs.Temporary), or
// the request itself is wrong (errs.Refused).
func (oe oauthError) err(status int) error {
	var kind errs.Kind
	switch oe.Code {
	case "invalid_grant", "invalid_client", "unauthorized_client", "access_denied", "expired_token", "invalid_scope", "invalid_token":
		kind = errs.Auth
	case "temporarily_unavailable", "server_error":
		kind = errs.Temporary
	default:
		kind = errs.Refused
		if status >= 500 || status == http.StatusTooManyRequests {
			kind = errs.Temporary
		}
	}
	msg := "oauth2: " + oe.Code
	if oe.Description != "" {
		msg += ": " + oe.Description
	}
	return errs.New(kind, msg)
}

func (s *Source) setOAuthError(oe oauthError) {
	s.mu.Lock()
	s.oerr = oe
	s.mu.Unlock()
}

// clean makes server text fit for a message: control characters as '?',
// at most max bytes.
func clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "..."
	}
	return s
}

// transportErr classifies a failed exchange: cannot connect, TLS, timeout,
// cancelled by Cancel, or the connection lost. The message names the
// endpoint, never the body.
func transportErr(what string, u *url.URL, err error, stop context.Context) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	kind := errs.KindOf(err)
	msg := err.Error()
	switch {
	case stop.Err() != nil:
		kind, msg = errs.Cancelled, "cancelled"
	case kind == errs.TLS:
		msg = wire.ExplainTLS(err)
	case kind == errs.Timeout:
		msg = "no complete answer within the timeout"
	case kind == errs.Cancelled, kind == errs.Connect:
	default:
		kind = errs.IO
	}
	return errs.E(kind, fmt.Errorf("oauth2: %s %s: %s", what, u.Redacted(), msg))
}

// logRequest writes the request line and its form, secrets hidden.
func logRequest(log *wire.Log, req *http.Request, form url.Values) {
	if log == nil {
		return
	}
	line := "POST " + req.URL.Redacted()
	if req.Header.Get("Authorization") != "" {
		line += " (Authorization: Basic <secret>)"
	}
	log.Line("C: ", []byte(line))
	log.Line("C: ", []byte(shown(form)))
}

// shown renders form fields as "name=value ...", secrets hidden.
func shown(form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		v := strings.Join(form[k], ",")
		if secretFields[k] {
			v = "<secret>"
		}
		b.WriteString(k + "=" + v)
	}
	return b.String()
}

// logResponse writes the status and the JSON fields, secrets hidden; a
// body that is not JSON is described, not copied.
func logResponse(log *wire.Log, resp *http.Response, body []byte, obj map[string]json.RawMessage) {
	if log == nil {
		return
	}
	line := "HTTP " + strconv.Itoa(resp.StatusCode)
	if obj == nil {
		line += fmt.Sprintf(" %s, %d bytes (not JSON)", resp.Header.Get("Content-Type"), len(body))
		log.Line("S: ", []byte(line))
		return
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := clean(string(obj[k]), 200)
		if secretFields[k] {
			v = "<secret>"
		}
		line += " " + clean(k, 40) + "=" + v
	}
	log.Line("S: ", []byte(line))
}
