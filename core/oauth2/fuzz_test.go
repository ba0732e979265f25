package oauth2

import (
	"net/http"
	"testing"

	"mailwire/core/errs"
)

// FuzzResponse feeds arbitrary bodies to the reading of token and device
// responses: no panic, and a success only with a usable token.
func FuzzResponse(f *testing.F) {
	f.Add(200, "application/json", []byte(`{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-2"}`))
	f.Add(200, "application/json", []byte(`{"access_token":"at-1","expires_in":"3599"}`))
	f.Add(400, "application/json", []byte(`{"error":"invalid_grant","error_description":"AADSTS70008: expired"}`))
	f.Add(200, "application/json", []byte(`{"device_code":"d","user_code":"U","verification_url":"https://x","expires_in":1800,"interval":5}`))
	f.Add(500, "text/html", []byte(`<html>oops</html>`))
	f.Add(200, "application/json", []byte(`{"access_token":null} {}`))
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		if status < 100 || status > 599 || len(body) > MaxResponse+1 {
			return
		}
		s := New()
		resp := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {ct}}}
		var tr tokenResponse
		if err := s.decode(nil, "token_url", resp, body, &tr); err == nil {
			if tok, err := s.token(tr); err == nil && (tok.AccessToken == "" || checkTokenText("t", tok.AccessToken) != nil) {
				t.Fatalf("unusable token accepted: %q", tok.AccessToken)
			}
		} else if errs.KindOf(err) >= 0 {
			t.Fatalf("error without a kind: %v", err)
		}
		var dr deviceResponse
		if s.decode(nil, "device_url", resp, body, &dr) == nil {
			s.newDevice(dr)
		}
	})
}
