// Package oauth2 gets and refreshes OAuth 2.0 access tokens (RFC 6749) for
// mail: the refresh token grant (section 6), the client credentials grant
// (section 4.4) and the device authorization grant (RFC 8628), with the
// endpoints and scopes of Microsoft 365 and Gmail built in.
//
// A Source is one set of client credentials and the token it holds. It is
// meant to be shared: any number of SMTP and POP3 connections and
// goroutines take tokens from it, it makes one request at a time, and a
// caller that arrives while a token is being fetched waits for that token
// instead of fetching another. The SMTP and POP3 clients use it through
// sasl.TokenSource: they take a token at connect and, when the server
// refuses it, ask for a new one once.
//
// Secrets (the client secret, tokens, refresh tokens, device codes) never
// appear in errors or in the protocol log, where they are "<secret>".
package oauth2

import (
	"net"
	"net/url"
	"strings"
	"time"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

// The grants a Source can run.
const (
	GrantRefreshToken      = "refresh_token"      // RFC 6749 section 6
	GrantClientCredentials = "client_credentials" // RFC 6749 section 4.4
	GrantDeviceCode        = "device_code"        // RFC 8628
)

// deviceGrantType is the grant_type of a device access token request
// (RFC 8628 section 3.4).
const deviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

// The ways a confidential client authenticates to the token endpoint
// (RFC 6749 section 2.3.1).
const (
	ClientAuthBasic = "basic" // HTTP Basic: the server MUST support it
	ClientAuthPost  = "post"  // client_id and client_secret in the form body
)

// DefaultTimeout bounds one request to the token or device endpoint, from
// the connection to the last byte of the response.
const DefaultTimeout = 30 * time.Second

// Config is what a Source asks with: the endpoints, the client, the scope,
// the grant and the TLS choices. Fields left empty are filled from the
// Provider when one is named.
type Config struct {
	// Provider is "microsoft" (Microsoft 365, with Tenant), "google"
	// (Gmail), or "" to give TokenURL, DeviceURL and Scope by hand.
	Provider string
	// Tenant is the Microsoft tenant: "common" by default, "organizations",
	// a domain such as contoso.onmicrosoft.com, or the tenant's id (which
	// the client credentials grant needs).
	Tenant string

	TokenURL  string // the token endpoint (RFC 6749 section 3.2)
	DeviceURL string // the device authorization endpoint (RFC 8628 section 3.1)

	ClientID, ClientSecret string
	Scope                  string // space-separated (RFC 6749 section 3.3)
	Grant                  string // a Grant constant; GrantRefreshToken when empty
	ClientAuth             string // ClientAuthBasic (default) or ClientAuthPost

	TLS     wire.TLSOptions // CAFile and NoVerify (only for a loopback endpoint)
	Timeout time.Duration   // per request; DefaultTimeout when 0
}

// provider is what a named provider fills in.
type provider struct {
	tokenURL, deviceURL string
	// scope is for the grants that act for a user; appScope for the client
	// credentials grant, where an application acts for itself.
	scope, appScope string
}

// providers are the built-in authorization servers. Microsoft: the
// Microsoft identity platform v2.0 endpoints, the Outlook scopes for SMTP
// AUTH, POP and IMAP and offline_access for a refresh token; an
// application's own token asks for the .default scope of Exchange Online.
// Google: the Gmail scope, which covers SMTP, POP and IMAP. (Google's
// device flow does not grant the Gmail scope, and Google has no client
// credentials grant: for Gmail, set a refresh token.)
var providers = map[string]func(tenant string) provider{
	"microsoft": func(tenant string) provider {
		base := "https://login.microsoftonline.com/" + url.PathEscape(tenant) + "/oauth2/v2.0/"
		return provider{
			tokenURL:  base + "token",
			deviceURL: base + "devicecode",
			scope: "https://outlook.office.com/SMTP.Send https://outlook.office.com/POP.AccessAsUser.All " +
				"https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
			appScope: "https://outlook.office365.com/.default",
		}
	},
	"google": func(string) provider {
		return provider{
			tokenURL:  "https://oauth2.googleapis.com/token",
			deviceURL: "https://oauth2.googleapis.com/device/code",
			scope:     "https://mail.google.com/",
			appScope:  "https://mail.google.com/",
		}
	},
}

// preset returns what the provider fills in; the zero value without one.
func (c *Config) preset() provider {
	f, ok := providers[c.Provider]
	if !ok {
		return provider{}
	}
	tenant := c.Tenant
	if tenant == "" {
		tenant = "common"
	}
	return f(tenant)
}

// tokenURL returns the token endpoint: TokenURL, or the provider's.
func (c *Config) tokenURL() string {
	if c.TokenURL != "" {
		return c.TokenURL
	}
	return c.preset().tokenURL
}

// deviceURL returns the device authorization endpoint.
func (c *Config) deviceURL() string {
	if c.DeviceURL != "" {
		return c.DeviceURL
	}
	return c.preset().deviceURL
}

// scope returns the scope to ask for: Scope, or the provider's for the
// grant.
func (c *Config) scope() string {
	switch {
	case c.Scope != "":
		return c.Scope
	case c.grant() == GrantClientCredentials:
		return c.preset().appScope
	}
	return c.preset().scope
}

// grant returns the grant, GrantRefreshToken by default.
func (c *Config) grant() string {
	if c.Grant == "" {
		return GrantRefreshToken
	}
	return c.Grant
}

func (c *Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// setters are the options of Config by their C API names. The Source
// handles the options that are not Config's: refresh_token, access_token,
// expires_at and log_file.
var setters = map[string]func(c *Config, v string) error{
	"provider": func(c *Config, v string) error {
		return wire.Set(&c.Provider, "provider", strings.ToLower(v), parseProvider)
	},
	"tenant":        func(c *Config, v string) error { return wire.Set(&c.Tenant, "tenant", v, parseTenant) },
	"token_url":     func(c *Config, v string) error { return wire.Set(&c.TokenURL, "token_url", v, parseEndpoint) },
	"device_url":    func(c *Config, v string) error { return wire.Set(&c.DeviceURL, "device_url", v, parseEndpoint) },
	"client_id":     func(c *Config, v string) error { return wire.Set(&c.ClientID, "client_id", v, parseClientText) },
	"client_secret": func(c *Config, v string) error { return wire.Set(&c.ClientSecret, "client_secret", v, parseSecret) },
	"scope":         func(c *Config, v string) error { return wire.Set(&c.Scope, "scope", v, parseScope) },
	"grant":         func(c *Config, v string) error { return wire.Set(&c.Grant, "grant", v, parseGrant) },
	"client_auth":   func(c *Config, v string) error { return wire.Set(&c.ClientAuth, "client_auth", v, parseClientAuth) },
	"timeout":       func(c *Config, v string) error { return wire.Set(&c.Timeout, "timeout", v, wire.ParseDuration) },
}

// credentialOptions are the options that change whose token the Source
// holds: setting one forgets the access token.
var credentialOptions = map[string]bool{
	"provider": true, "tenant": true, "token_url": true, "client_id": true,
	"client_secret": true, "scope": true, "grant": true, "refresh_token": true,
}

// Set sets the Config option name (case-insensitive) from its text form.
// An unknown name or a bad value is an error of kind errs.Option and
// leaves the Config as it was; CR, LF or NUL in the value is errs.Arg.
func (c *Config) Set(name, value string) error {
	if err := wire.CheckLine(name, value); err != nil {
		return err
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if f, ok := setters[name]; ok {
		return f(c, value)
	}
	if name == "pin" { // not an option of the token endpoint
		return wire.UnknownOption(name)
	}
	if ok, err := c.TLS.Set(name, value); ok {
		return err
	}
	return wire.UnknownOption(name)
}

func parseProvider(name, v string) (string, error) {
	return wire.ParseChoice(name, v, "", "microsoft", "google")
}

func parseGrant(name, v string) (string, error) {
	return wire.ParseChoice(name, v, "", GrantRefreshToken, GrantClientCredentials, GrantDeviceCode)
}

func parseClientAuth(name, v string) (string, error) {
	v = strings.TrimSpace(strings.ToLower(v))
	switch v {
	case "client_secret_basic":
		v = ClientAuthBasic
	case "client_secret_post":
		v = ClientAuthPost
	}
	return wire.ParseChoice(name, v, "", ClientAuthBasic, ClientAuthPost)
}

// parseTenant reads a Microsoft tenant: a name, a domain or an id, which
// goes into the endpoints' path.
func parseTenant(name, v string) (string, error) {
	v = strings.TrimSpace(v)
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._", r)) {
			return "", wire.OptionError(name, `a tenant name, domain or id ("common", "organizations", "contoso.onmicrosoft.com")`)
		}
	}
	return v, nil
}

// parseClientText reads a client id: printable text (RFC 6749 appendix
// A.1: VSCHAR).
func parseClientText(name, v string) (string, error) {
	if !vschars(v) {
		return "", wire.OptionError(name, "printable ASCII text")
	}
	return v, nil
}

// parseSecret reads a client secret; its value never appears in the error.
func parseSecret(name, v string) (string, error) {
	if !vschars(v) {
		return "", wire.OptionError(name, "printable ASCII text (the value is not shown)")
	}
	return v, nil
}

// vschars reports whether s is made of VSCHAR (%x20-7E).
func vschars(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// parseScope reads a space-separated list of scope tokens (RFC 6749
// section 3.3: NQCHAR, no '"' or '\').
func parseScope(name, v string) (string, error) {
	v = strings.Join(strings.Fields(v), " ")
	if !vschars(v) || strings.ContainsAny(v, `"\`) {
		return "", wire.OptionError(name, `scope tokens separated by spaces (printable ASCII, no '"' or '\')`)
	}
	return v, nil
}

// parseEndpoint reads an endpoint URL: absolute, http or https, with a
// host, without user information (a secret there would reach logs) or a
// fragment (RFC 6749 section 3.2). Whether plain http may be used is
// decided when a request is made, by checkEndpoint.
func parseEndpoint(name, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	want := "an https URL without user name or fragment"
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || strings.Contains(v, "#") {
		return "", wire.OptionError(name, want)
	}
	if s := strings.ToLower(u.Scheme); s != "https" && s != "http" {
		return "", wire.OptionError(name, want)
	}
	return v, nil
}

// checkEndpoint applies the transport rule to an endpoint: https with the
// certificate verified; plain http or tls_verify=0 only for a loopback
// address (127.0.0.0/8, ::1), where a test server runs, and only both
// together for http. Client secrets and refresh tokens go to this URL.
func (c *Config) checkEndpoint(what, raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errs.New(errs.Option, "oauth2: no "+what+" (set it, or set provider)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errs.New(errs.Option, "oauth2: "+what+" is not a URL")
	}
	loopback := false
	if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsLoopback() {
		loopback = true
	}
	switch {
	case c.TLS.NoVerify && !loopback:
		return nil, errs.New(errs.Security, "oauth2: tls_verify=0 is refused for "+what+" "+u.Host+
			": secrets go there; only a loopback test server may skip verification (give its CA with ca_file instead)")
	case strings.EqualFold(u.Scheme, "http") && !(loopback && c.TLS.NoVerify):
		return nil, errs.New(errs.Security, "oauth2: "+what+" must be https (plain http only for a loopback address with tls_verify=0)")
	}
	return u, nil
}
