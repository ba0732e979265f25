package oauth2

import (
	"context"
	"encoding/json"
	"net/url"
	"time"

	"mailwire/core/errs"
)

// Polling intervals of the device authorization grant (RFC 8628 section
// 3.2 and 3.5): 5 seconds when the server names none, 5 more after each
// slow_down. minInterval keeps a server that names 0 from being flooded.
const (
	defaultInterval = 5 * time.Second
	slowDownStep    = 5 * time.Second
	minInterval     = 100 * time.Millisecond
	maxInterval     = 10 * time.Minute
)

// device is a device authorization in progress (RFC 8628 section 3.2).
type device struct {
	code        string // device_code: secret
	userCode    string
	uri         string
	uriComplete string
	message     string
	interval    time.Duration
	expires     time.Time
	next        time.Time // the earliest time of the next poll
}

// deviceResponse is the device authorization response (RFC 8628 section
// 3.2). Google names the URI verification_url; Microsoft adds a message.
type deviceResponse struct {
	DeviceCode  string          `json:"device_code"`
	UserCode    string          `json:"user_code"`
	URI         string          `json:"verification_uri"`
	URL         string          `json:"verification_url"`
	URIComplete string          `json:"verification_uri_complete"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
	Interval    json.RawMessage `json:"interval"`
	Message     string          `json:"message"`
}

// DeviceStart asks the device authorization endpoint for a user code
// (RFC 8628 section 3.1): the user then opens verification_uri on any
// device, signs in and enters user_code, while Token or DevicePoll polls
// the token endpoint. A device authorization started before is replaced.
func (s *Source) DeviceStart(ctx context.Context) error {
	if err := s.acquire(ctx); err != nil {
		return err
	}
	defer s.release()
	s.mu.Lock()
	cfg := s.cfg
	s.mu.Unlock()
	form := url.Values{}
	if sc := cfg.scope(); sc != "" {
		form.Set("scope", sc)
	}
	if cfg.ClientID == "" {
		return errs.New(errs.Option, "oauth2: the device authorization needs client_id")
	}
	var dr deviceResponse
	if err := s.post(ctx, "device_url", cfg.deviceURL(), form, &dr); err != nil {
		return err
	}
	d, err := s.newDevice(dr)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.dev = d
	s.mu.Unlock()
	return nil
}

// newDevice checks a device authorization response.
func (s *Source) newDevice(dr deviceResponse) (device, error) {
	if dr.URI == "" {
		dr.URI = dr.URL
	}
	if dr.DeviceCode == "" || dr.UserCode == "" || dr.URI == "" {
		return device{}, errs.New(errs.Protocol, "oauth2: the device authorization response lacks device_code, user_code or verification_uri")
	}
	if !vschars(dr.DeviceCode) || !vschars(dr.UserCode) || !vschars(dr.URI) || !vschars(dr.URIComplete) {
		return device{}, errs.New(errs.Protocol, "oauth2: the device authorization response holds control or non-ASCII characters")
	}
	life, err := seconds(dr.ExpiresIn)
	if err != nil || life <= 0 {
		return device{}, errs.New(errs.Protocol, "oauth2: the device authorization response has no valid expires_in")
	}
	iv, err := seconds(dr.Interval)
	if err != nil {
		return device{}, errs.New(errs.Protocol, "oauth2: the device authorization response has an invalid interval")
	}
	interval := defaultInterval
	if len(dr.Interval) > 0 {
		interval = min(max(time.Duration(iv*float64(time.Second)), minInterval), maxInterval)
	}
	now := s.now()
	return device{
		code: dr.DeviceCode, userCode: dr.UserCode, uri: dr.URI, uriComplete: dr.URIComplete,
		message: clean(dr.Message, 1000), interval: interval,
		expires: now.Add(time.Duration(life * float64(time.Second))), next: now.Add(interval),
	}, nil
}

// DevicePoll asks the token endpoint once whether the user has granted
// the device authorization (RFC 8628 section 3.4), after waiting until the
// interval since the last poll has passed. It returns true with the token
// kept when granted, false while the authorization is pending (the
// interval grows by 5 seconds after a slow_down), and an error of kind
// errs.Auth when the user denied it (access_denied) or it expired
// (expired_token); the authorization is over then. Without one started it
// fails with errs.State.
func (s *Source) DevicePoll(ctx context.Context) (bool, error) {
	if err := s.acquire(ctx); err != nil {
		return false, err
	}
	defer s.release()
	return s.pollOnce(ctx)
}

// pollUntilDone polls until the authorization is granted, denied or
// expired, and returns the token. The caller holds the request slot.
func (s *Source) pollUntilDone(ctx context.Context) (string, error) {
	for {
		done, err := s.pollOnce(ctx)
		if err != nil {
			return "", err
		}
		if done {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.tok.AccessToken, nil
		}
	}
}

// pollOnce waits for the next poll time, polls, and reads the answer.
func (s *Source) pollOnce(ctx context.Context) (bool, error) {
	s.mu.Lock()
	d := s.dev
	stop := s.stop
	s.mu.Unlock()
	if d.code == "" {
		return false, errs.New(errs.State, "oauth2: no device authorization in progress (DeviceStart first)")
	}
	wait := d.next.Sub(s.now())
	if left := d.expires.Sub(s.now()); left < wait {
		wait = left
	}
	if err := sleep(ctx, stop, wait); err != nil {
		return false, err
	}
	if !s.now().Before(d.expires) {
		s.endDevice(oauthError{Code: "expired_token", Description: "the user did not complete the sign-in in time"})
		return false, errs.New(errs.Auth, "oauth2: expired_token: the device authorization expired before the user completed the sign-in")
	}
	_, err := s.request(ctx, url.Values{"grant_type": {deviceGrantType}, "device_code": {d.code}})
	s.mu.Lock()
	code := s.oerr.Code
	s.mu.Unlock()
	switch {
	case err == nil:
		s.endDevice(oauthError{})
		return true, nil
	case code == "authorization_pending":
		s.nextPoll(0)
		return false, nil
	case code == "slow_down":
		s.nextPoll(s.slowStep)
		return false, nil
	case errs.KindOf(err) == errs.Auth:
		s.endDevice(s.lastOAuthError())
	}
	s.nextPoll(0)
	return false, err
}

// nextPoll sets the time of the next poll, the interval grown by more.
func (s *Source) nextPoll(more time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dev.interval = min(s.dev.interval+more, maxInterval)
	s.dev.next = s.now().Add(s.dev.interval)
}

// endDevice forgets the device authorization once it is granted, denied or
// expired, and keeps the error that ended it.
func (s *Source) endDevice(oe oauthError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dev = device{}
	if oe.Code != "" {
		s.oerr = oe
	}
}

func (s *Source) lastOAuthError() oauthError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oerr
}

// sleep waits d, or returns the error of ctx or Cancel when they end first.
func sleep(ctx, stop context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctxErr(ctx)
	case <-stop.Done():
		return errs.New(errs.Cancelled, "oauth2: cancelled")
	}
}
