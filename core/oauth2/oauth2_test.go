package oauth2

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"mailwire/core/errs"
	"mailwire/core/oauth2/oauth2test"
)

// tokenServer starts the test authorization server and writes its CA.
func tokenServer(t *testing.T) (*oauth2test.Server, string) {
	t.Helper()
	srv, err := oauth2test.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, srv.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, ca
}

// newSource returns a Source for srv with the options given as name,
// value pairs.
func newSource(t *testing.T, srv *oauth2test.Server, ca string, opts ...string) *Source {
	t.Helper()
	s := New()
	t.Cleanup(func() { s.Close() })
	all := append([]string{"token_url", srv.URL + "/token", "device_url", srv.URL + "/device", "ca_file", ca}, opts...)
	for i := 0; i+1 < len(all); i += 2 {
		if err := s.Set(all[i], all[i+1]); err != nil {
			t.Fatalf("Set(%s): %v", all[i], err)
		}
	}
	return s
}

func wantKind(t *testing.T, err error, kind errs.Kind, contains string) {
	t.Helper()
	if errs.KindOf(err) != kind {
		t.Fatalf("error %v has kind %d, want %d", err, errs.KindOf(err), kind)
	}
	if !strings.Contains(err.Error(), contains) {
		t.Fatalf("error %q does not say %q", err, contains)
	}
}

// The refresh grant sends exactly the form of RFC 6749 section 6 as
// application/x-www-form-urlencoded, with the client authenticated by
// HTTP Basic by default, by client_secret_post on request, and by its id
// alone for a public client.
func TestRefreshGrantRequest(t *testing.T) {
	srv, ca := tokenServer(t)
	scope := "https://mail.test/smtp offline_access"
	cases := []struct {
		name      string
		opts      []string
		form      url.Values
		basic     bool
		user, pwd string
	}{
		{"basic", []string{"client_id", "app", "client_secret", "app-secret"},
			url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"rt-alice"}, "scope": {scope}}, true, "app", "app-secret"},
		{"post", []string{"client_id", "app", "client_secret", "app-secret", "client_auth", "client_secret_post"},
			url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"rt-alice"}, "scope": {scope},
				"client_id": {"app"}, "client_secret": {"app-secret"}}, false, "", ""},
		{"public", []string{"client_id", "pub"},
			url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"rt-alice"}, "scope": {scope}, "client_id": {"pub"}}, false, "", ""},
		{"basic form-encoded", []string{"client_id", "svc", "client_secret", "s3cret +/=&%"},
			url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"rt-alice"}, "scope": {scope}}, true, "svc", "s3cret +/=&%"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(srv.Requests())
			s := newSource(t, srv, ca, append(c.opts, "refresh_token", "rt-alice", "scope", scope)...)
			tok, err := s.Token(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tok, "at-alice-") {
				t.Fatalf("token %q", tok)
			}
			reqs := srv.Requests()[before:]
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			r := reqs[0]
			if r.Method != "POST" || r.ContentType != "application/x-www-form-urlencoded" || r.Path != "/token" {
				t.Fatalf("request %s %s %q", r.Method, r.Path, r.ContentType)
			}
			if !reflect.DeepEqual(r.Form, c.form) {
				t.Fatalf("form %v, want %v", r.Form, c.form)
			}
			if r.Basic != c.basic || r.BasicUser != c.user || r.BasicPass != c.pwd {
				t.Fatalf("basic %v %q %q", r.Basic, r.BasicUser, r.BasicPass)
			}
		})
	}
}

// The client credentials grant (RFC 6749 section 4.4.2) sends grant_type
// and scope with the client's authentication; the token is kept until a
// server refuses it, and Refresh then asks for a new one.
func TestClientCredentials(t *testing.T) {
	srv, ca := tokenServer(t)
	s := newSource(t, srv, ca, "grant", "client_credentials", "client_id", "svc", "client_secret", "s3cret +/=&%", "scope", "https://mail.test/.default")
	ctx := context.Background()
	tok, err := s.Token(ctx)
	if err != nil || tok != "at-svc-1" {
		t.Fatalf("Token = %q, %v", tok, err)
	}
	r := srv.Requests()[0]
	if want := (url.Values{"grant_type": {"client_credentials"}, "scope": {"https://mail.test/.default"}}); !reflect.DeepEqual(r.Form, want) || !r.Basic {
		t.Fatalf("form %v basic %v", r.Form, r.Basic)
	}
	if tok, _ := s.Token(ctx); tok != "at-svc-1" || len(srv.Requests()) != 1 {
		t.Fatalf("a valid token was fetched again: %q", tok)
	}
	if tok, err := s.Refresh(ctx, "at-svc-1"); err != nil || tok != "at-svc-2" {
		t.Fatalf("Refresh = %q, %v", tok, err)
	}
	if tok, err := s.Refresh(ctx, "at-svc-1"); err != nil || tok != "at-svc-2" || srv.Count("client_credentials") != 2 {
		t.Fatalf("a second Refresh of the same refused token asked again: %q, %v", tok, err)
	}
	pub := newSource(t, srv, ca, "grant", "client_credentials", "client_id", "pub")
	_, err = pub.Token(ctx)
	wantKind(t, err, errs.Auth, "unauthorized_client")
}

// A rotated refresh token replaces the old one, which the server no
// longer accepts; a refresh response without one keeps the old one.
func TestRotatedRefreshToken(t *testing.T) {
	srv, ca := tokenServer(t)
	ctx := context.Background()
	s := newSource(t, srv, ca, "client_id", "pub", "refresh_token", "rt-rot1")
	for i, want := range []string{"rt-rot1~1", "rt-rot1~2", "rt-rot1~3"} {
		prev, _ := s.Get("access_token")
		if _, err := s.Refresh(ctx, prev); err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
		if got, _ := s.Get("refresh_token"); got != want {
			t.Fatalf("refresh_token %q, want %q", got, want)
		}
	}
	if tok, _ := s.Get("access_token"); tok != "at-rot1-3" {
		t.Fatalf("access_token %q", tok)
	}
	stale := newSource(t, srv, ca, "client_id", "pub", "refresh_token", "rt-rot1~1")
	_, err := stale.Token(ctx)
	wantKind(t, err, errs.Auth, "invalid_grant")
	if e, _ := stale.Get("error"); e != "invalid_grant" {
		t.Fatalf("error field %q", e)
	}
	kept := newSource(t, srv, ca, "client_id", "pub", "refresh_token", "rt-keep")
	kept.Token(ctx)
	if got, _ := kept.Get("refresh_token"); got != "rt-keep" {
		t.Fatalf("refresh_token %q after a response without one", got)
	}
}

// A token is handed out while it has at least a minute left; closer to its
// expiry it is refreshed first. A token shorter-lived than that is still
// handed out once.
func TestExpiryRefreshesBeforeUse(t *testing.T) {
	srv, ca := tokenServer(t)
	ctx := context.Background()
	s := newSource(t, srv, ca, "client_id", "pub", "refresh_token", "rt-clock")
	now := time.Unix(1_700_000_000, 0)
	s.now = func() time.Time { return now }
	if tok, _ := s.Token(ctx); tok != "at-clock-1" {
		t.Fatalf("token %q", tok)
	}
	if exp, _ := s.Get("expires_at"); exp != "1700003600" {
		t.Fatalf("expires_at %q", exp)
	}
	now = now.Add(3600*time.Second - MinValidity - time.Second)
	if tok, _ := s.Token(ctx); tok != "at-clock-1" {
		t.Fatalf("token with 61 s left was replaced: %q", tok)
	}
	now = now.Add(2 * time.Second)
	if tok, _ := s.Token(ctx); tok != "at-clock-2" {
		t.Fatalf("token with 59 s left was used: %q", tok)
	}
	srv.ExpiresIn = 30
	now = now.Add(time.Hour)
	if tok, _ := s.Token(ctx); tok != "at-clock-3" {
		t.Fatalf("token %q", tok)
	}
	if tok, _ := s.Token(ctx); tok != "at-clock-4" {
		t.Fatalf("a 30-second token was used again: %q", tok)
	}
	if n := srv.Count("refresh_token"); n != 4 {
		t.Fatalf("%d refreshes, want 4", n)
	}
}

// Eight goroutines that want a token at once cause one refresh and all get
// its token; eight that report the same token refused cause one more.
func TestOneRefreshForAll(t *testing.T) {
	srv, ca := tokenServer(t)
	srv.Slow = 200 * time.Millisecond
	s := newSource(t, srv, ca, "token_url", srv.URL+"/slow/token", "client_id", "pub", "refresh_token", "rt-many")
	run := func(f func() (string, error)) []string {
		var wg sync.WaitGroup
		got := make([]string, 8)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tok, err := f()
				if err != nil {
					t.Error(err)
				}
				got[i] = tok
			}()
		}
		wg.Wait()
		return got
	}
	ctx := context.Background()
	for _, tok := range run(func() (string, error) { return s.Token(ctx) }) {
		if tok != "at-many-1" {
			t.Fatalf("token %q", tok)
		}
	}
	for _, tok := range run(func() (string, error) { return s.Refresh(ctx, "at-many-1") }) {
		if tok != "at-many-2" {
			t.Fatalf("token %q", tok)
		}
	}
	if n := srv.Count("refresh_token"); n != 2 {
		t.Fatalf("%d refreshes, want 2", n)
	}
}

// Every way an endpoint can fail gives an error of the kind the caller
// acts on, with a message that says why and holds no secret.
func TestEndpointFailures(t *testing.T) {
	srv, ca := tokenServer(t)
	srv.Slow = 5 * time.Second
	cases := []struct {
		path    string
		opts    []string
		kind    errs.Kind
		says    string
		errCode string
	}{
		{"/html/token", nil, errs.Protocol, "HTML page", ""},
		{"/500/token", nil, errs.Temporary, "HTTP 500", ""},
		{"/503/token", nil, errs.Temporary, "temporarily_unavailable: try again in a minute", "temporarily_unavailable"},
		{"/huge/token", nil, errs.Protocol, "larger than 1048576 bytes", ""},
		{"/slow/token", []string{"timeout", "0.3"}, errs.Timeout, "within the timeout", ""},
		{"/badjson/token", nil, errs.Protocol, "invalid JSON", ""},
		{"/redirect/token", nil, errs.Protocol, "redirect", ""},
		{"/mac/token", nil, errs.Protocol, "not Bearer", ""},
		{"/token", []string{"refresh_token", "rt-bad-one"}, errs.Auth, "invalid_grant: AADSTS70000", "invalid_grant"},
		{"/token", []string{"client_secret", "wrong-secret"}, errs.Auth, "invalid_client", "invalid_client"},
		{"/nothing", nil, errs.Protocol, "HTTP 404", ""},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			opts := append([]string{"client_id", "app", "client_secret", "app-secret", "refresh_token", "rt-alice",
				"token_url", srv.URL + c.path}, c.opts...)
			s := newSource(t, srv, ca, opts...)
			tok, err := s.Token(context.Background())
			if err == nil {
				t.Fatalf("token %q", tok)
			}
			wantKind(t, err, c.kind, c.says)
			for _, secret := range []string{"app-secret", "wrong-secret", "rt-alice", "rt-bad-one"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("the error shows a secret: %v", err)
				}
			}
			if e, _ := s.Get("error"); e != c.errCode {
				t.Fatalf("error field %q, want %q", e, c.errCode)
			}
		})
	}
}

// The endpoint must be https with a verified certificate; plain http and
// tls_verify=0 are for a loopback address only, and http needs both.
func TestTransportRules(t *testing.T) {
	srv, ca := tokenServer(t)
	ctx := context.Background()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"at-plain","token_type":"bearer","expires_in":"3599"}`))
	}))
	defer plain.Close()
	cases := []struct {
		name string
		opts []string
		kind errs.Kind
		says string
	}{
		{"http refused", []string{"token_url", plain.URL + "/token"}, errs.Security, "must be https"},
		{"http with tls_verify=0 on loopback", []string{"token_url", plain.URL + "/token", "tls_verify", "0"}, 0, ""},
		{"https without the CA", []string{"ca_file", ""}, errs.TLS, "unknown authority"},
		{"https unverified on loopback", []string{"ca_file", "", "tls_verify", "0"}, 0, ""},
		{"unverified elsewhere", []string{"token_url", "https://login.example.com/token", "tls_verify", "0"}, errs.Security, "tls_verify=0 is refused"},
		{"nothing listens", []string{"token_url", "https://127.0.0.1:1/token"}, errs.Connect, "token_url"},
		{"missing CA file", []string{"ca_file", "/nonexistent/ca.pem"}, errs.File, "ca_file"},
		{"no endpoint", []string{"token_url", ""}, errs.Option, "no token_url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSource(t, srv, ca, append([]string{"client_id", "pub", "refresh_token", "rt-tr"}, c.opts...)...)
			tok, err := s.Token(ctx)
			if c.kind == 0 {
				if err != nil || tok == "" {
					t.Fatalf("Token = %q, %v", tok, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("token %q", tok)
			}
			wantKind(t, err, c.kind, c.says)
		})
	}
}

// The device authorization grant (RFC 8628): DeviceStart gives the user
// code, Token polls at the interval through authorization_pending and
// slow_down to the token, and stops at access_denied or expired_token.
func TestDeviceFlow(t *testing.T) {
	srv, ca := tokenServer(t)
	srv.DeviceInterval, srv.SlowStep, srv.DeviceLife = 0.05, 150*time.Millisecond, 5
	ctx := context.Background()
	cases := []struct {
		client string
		kind   errs.Kind
		says   string
		polls  int
	}{
		{"dev", 0, "", 3},
		{"dev-now", 0, "", 1},
		{"dev-slow", 0, "", 3},
		{"dev-deny", errs.Auth, "access_denied", 2},
		{"dev-expire", errs.Auth, "expired_token", 2},
	}
	for _, c := range cases {
		t.Run(c.client, func(t *testing.T) {
			before := len(srv.Requests())
			slows := srv.SlowDowns()
			s := newSource(t, srv, ca, "grant", "device_code", "client_id", c.client, "scope", "https://mail.test/all offline_access")
			s.slowStep = srv.SlowStep
			if err := s.DeviceStart(ctx); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"user_code", "verification_uri", "verification_uri_complete", "message", "interval", "device_expires_at"} {
				if v, _ := s.Get(f); v == "" {
					t.Fatalf("%s is empty", f)
				}
			}
			uc, _ := s.Get("user_code")
			if msg, _ := s.Get("message"); !strings.Contains(msg, uc) {
				t.Fatalf("message %q", msg)
			}
			tok, err := s.Token(ctx)
			reqs := srv.Requests()[before:]
			if want := (url.Values{"client_id": {c.client}, "scope": {"https://mail.test/all offline_access"}}); !reflect.DeepEqual(reqs[0].Form, want) {
				t.Fatalf("device request %v", reqs[0].Form)
			}
			for _, r := range reqs[1:] {
				if len(r.Form) != 3 || r.Form.Get("grant_type") != deviceGrantType || r.Form.Get("client_id") != c.client || !strings.HasPrefix(r.Form.Get("device_code"), "dc-") {
					t.Fatalf("poll %v", r.Form)
				}
			}
			if len(reqs)-1 != c.polls {
				t.Fatalf("%d polls, want %d", len(reqs)-1, c.polls)
			}
			if c.client == "dev-slow" && srv.SlowDowns()-slows != 1 {
				t.Fatalf("%d slow_down answers: the client polled too early after slow_down", srv.SlowDowns()-slows)
			}
			if c.kind != 0 {
				wantKind(t, err, c.kind, c.says)
				if e, _ := s.Get("error"); e != c.says {
					t.Fatalf("error field %q", e)
				}
				if _, err := s.DevicePoll(ctx); errs.KindOf(err) != errs.State {
					t.Fatalf("DevicePoll after the end: %v", err)
				}
				return
			}
			if err != nil || tok != "at-"+c.client+"-1" {
				t.Fatalf("Token = %q, %v", tok, err)
			}
			if rt, _ := s.Get("refresh_token"); rt != "rt-"+c.client {
				t.Fatalf("refresh_token %q", rt)
			}
			if uc, _ := s.Get("user_code"); uc != "" {
				t.Fatalf("user_code %q kept after the grant", uc)
			}
			// With the refresh token the device grant refreshes without the user.
			if tok, err := s.Refresh(ctx, tok); err != nil || tok != "at-"+c.client+"-2" {
				t.Fatalf("Refresh = %q, %v", tok, err)
			}
		})
	}
}

// DevicePoll polls once: false while pending, true when granted. A device
// code past its lifetime ends without another request, and a poll without
// a device authorization is a state error.
func TestDevicePoll(t *testing.T) {
	srv, ca := tokenServer(t)
	srv.DeviceInterval = 0.05
	ctx := context.Background()
	s := newSource(t, srv, ca, "grant", "device_code", "client_id", "dev")
	if _, err := s.DevicePoll(ctx); errs.KindOf(err) != errs.State {
		t.Fatalf("poll without a start: %v", err)
	}
	if _, err := s.Token(ctx); errs.KindOf(err) != errs.State {
		t.Fatalf("token without a start: %v", err)
	}
	if err := s.DeviceStart(ctx); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{false, false, true} {
		done, err := s.DevicePoll(ctx)
		if err != nil || done != want {
			t.Fatalf("poll %d = %v, %v", i, done, err)
		}
	}
	if tok, _ := s.Get("access_token"); tok != "at-dev-1" {
		t.Fatalf("access_token %q", tok)
	}

	late := newSource(t, srv, ca, "grant", "device_code", "client_id", "dev")
	now := time.Now()
	late.now = func() time.Time { return now }
	if err := late.DeviceStart(ctx); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	n := len(srv.Requests())
	_, err := late.DevicePoll(ctx)
	wantKind(t, err, errs.Auth, "expired_token")
	if len(srv.Requests()) != n {
		t.Fatal("an expired device code was polled")
	}
}

// Cancel aborts a request in flight, and the Source works again after.
func TestCancel(t *testing.T) {
	srv, ca := tokenServer(t)
	srv.Slow = 20 * time.Second
	s := newSource(t, srv, ca, "token_url", srv.URL+"/slow/token", "client_id", "pub", "refresh_token", "rt-c")
	done := make(chan error)
	go func() {
		_, err := s.Token(context.Background())
		done <- err
	}()
	for len(srv.Requests()) == 0 && !srv.Pending() {
		time.Sleep(10 * time.Millisecond)
	}
	s.Cancel()
	wantKind(t, <-done, errs.Cancelled, "cancelled")
	s.Set("token_url", srv.URL+"/token")
	if _, err := s.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// The log shows each request and response with every secret replaced.
func TestLogHidesSecrets(t *testing.T) {
	srv, ca := tokenServer(t)
	path := filepath.Join(t.TempDir(), "oauth.log")
	s := newSource(t, srv, ca, "client_id", "app", "client_secret", "app-secret", "client_auth", "post",
		"refresh_token", "rt-rotlog", "log_file", path)
	ctx := context.Background()
	tok, err := s.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := newSource(t, srv, ca, "grant", "device_code", "client_id", "dev-now", "log_file", path)
	srv.DeviceInterval = 0.05
	d.DeviceStart(ctx)
	d.Token(ctx)
	s.Close()
	d.Close()
	b, _ := os.ReadFile(path)
	log := string(b)
	for _, want := range []string{"C: POST " + srv.URL + "/token", "client_secret=<secret>", "refresh_token=<secret>",
		"S: HTTP 200", "access_token=<secret>", "device_code=<secret>", "expires_in=3600"} {
		if !strings.Contains(log, want) {
			t.Fatalf("the log lacks %q:\n%s", want, log)
		}
	}
	rt, _ := s.Get("refresh_token")
	for _, secret := range []string{"app-secret", "rt-rotlog", rt, tok, "dc-", "at-dev-now"} {
		if strings.Contains(log, secret) {
			t.Fatalf("the log shows %q:\n%s", secret, log)
		}
	}
}

// Options: bad values are refused without being quoted when secret, and an
// option that changes whose token it is forgets the access token.
func TestOptions(t *testing.T) {
	s := New()
	cases := []struct {
		name, value string
		kind        errs.Kind
	}{
		{"nonsense", "1", errs.Option},
		{"grant", "password", errs.Option},
		{"provider", "yahoo", errs.Option},
		{"token_url", "https://user:pw@login.example.com/token", errs.Option},
		{"token_url", "ftp://login.example.com/token", errs.Option},
		{"token_url", "https://login.example.com/token#x", errs.Option},
		{"client_secret", "tab\there", errs.Option},
		{"client_secret", "cr\rhere", errs.Arg},
		{"refresh_token", "two words", errs.Option},
		{"tenant", "a/b", errs.Option},
		{"timeout", "-1", errs.Option},
		{"expires_at", "soon", errs.Option},
		{"client_auth", "jwt", errs.Option},
	}
	for _, c := range cases {
		err := s.Set(c.name, c.value)
		if errs.KindOf(err) != c.kind {
			t.Fatalf("Set(%s, %q) = %v", c.name, c.value, err)
		}
		if strings.Contains(err.Error(), "here") || strings.Contains(err.Error(), "two words") {
			t.Fatalf("the error shows the value: %v", err)
		}
	}
	s.Set("access_token", "at-given")
	s.Set("expires_at", "4000000000")
	if tok, err := s.Token(context.Background()); err != nil || tok != "at-given" {
		t.Fatalf("Token = %q, %v", tok, err)
	}
	kept := New()
	kept.Set("expires_at", "4000000000")
	kept.Set("access_token", "at-kept")
	if exp, _ := kept.Get("expires_at"); exp != "4000000000" {
		t.Fatalf("expires_at set before access_token was lost: %q", exp)
	}
	s.Set("client_id", "other")
	if tok, _ := s.Get("access_token"); tok != "" {
		t.Fatalf("access_token %q kept after client_id changed", tok)
	}
	if _, err := s.Get("colour"); errs.KindOf(err) != errs.Arg {
		t.Fatalf("unknown field: %v", err)
	}
}

// The providers fill in their endpoints and the mail scopes; what the
// caller sets wins.
func TestProviders(t *testing.T) {
	s := New()
	s.Set("provider", "Microsoft")
	s.Set("tenant", "contoso.onmicrosoft.com")
	get := func(f string) string { v, _ := s.Get(f); return v }
	if get("token_url") != "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token" ||
		get("device_url") != "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode" {
		t.Fatalf("microsoft endpoints %q %q", get("token_url"), get("device_url"))
	}
	if sc := s.cfg.scope(); sc != "https://outlook.office.com/SMTP.Send https://outlook.office.com/POP.AccessAsUser.All https://outlook.office.com/IMAP.AccessAsUser.All offline_access" {
		t.Fatalf("delegated scope %q", sc)
	}
	s.Set("grant", "client_credentials")
	if sc := s.cfg.scope(); sc != "https://outlook.office365.com/.default" {
		t.Fatalf("application scope %q", sc)
	}
	s.Set("tenant", "")
	if get("token_url") != "https://login.microsoftonline.com/common/oauth2/v2.0/token" {
		t.Fatalf("default tenant: %q", get("token_url"))
	}
	s.Set("provider", "google")
	s.Set("grant", "refresh_token")
	if get("token_url") != "https://oauth2.googleapis.com/token" || get("device_url") != "https://oauth2.googleapis.com/device/code" || s.cfg.scope() != "https://mail.google.com/" {
		t.Fatalf("google: %q %q %q", get("token_url"), get("device_url"), s.cfg.scope())
	}
	s.Set("token_url", "https://127.0.0.1:9/token")
	s.Set("scope", "x y")
	if get("token_url") != "https://127.0.0.1:9/token" || s.cfg.scope() != "x y" {
		t.Fatal("the caller's endpoint or scope lost to the provider's")
	}
}
