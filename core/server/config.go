package server

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"mailwire/core/errs"
	"mailwire/core/wire"
)

// Services lists the services a Server runs, in the order they are started.
var Services = []string{"smtp", "submission", "smtps", "lmtp", "pop3", "pop3s", "imap", "imaps"}

// Defaults of the Config fields left at their zero value.
const (
	DefaultAddr           = "127.0.0.1"
	DefaultHostname       = "mailwire.test"
	DefaultMaxMessageSize = 50 << 20
	DefaultMaxSessions    = 100
	DefaultIdleTimeout    = 5 * time.Minute
)

// Config describes a Server. Use DefaultConfig to start from the defaults:
// the zero Config has RequireTLSForAuth false.
type Config struct {
	Addr              string            // listen address, default 127.0.0.1
	Ports             map[string]int    // per service; missing or 0 = a free port, -1 = off
	Hostname          string            // default "mailwire.test"
	Users             map[string]string // user → password
	OAuthTokens       map[string]string // bearer token → user, for XOAUTH2 and OAUTHBEARER
	TLSCertFile       string            // PEM certificate chain; else a self-signed one is generated
	TLSKeyFile        string            // PEM private key of TLSCertFile
	CAOut             string            // write the CA (PEM) there at Start
	Store             string            // Maildir root, or "" for memory
	MaxMessageSize    int64             // default 50 MiB, advertised in SIZE
	RequireTLSForAuth bool              // refuse passwords in the clear (DefaultConfig: true)
	MaxSessions       int               // default 100
	IdleTimeout       time.Duration     // default 5 minutes
}

// DefaultConfig returns the configuration of a server started with no
// options: every service on a free port of 127.0.0.1, a self-signed
// certificate, a memory store, and passwords refused without TLS.
func DefaultConfig() Config {
	return Config{
		Addr:              DefaultAddr,
		Hostname:          DefaultHostname,
		MaxMessageSize:    DefaultMaxMessageSize,
		RequireTLSForAuth: true,
		MaxSessions:       DefaultMaxSessions,
		IdleTimeout:       DefaultIdleTimeout,
	}
}

// withDefaults fills the zero fields and copies the maps, so that the
// caller may change its Config after New.
func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Hostname == "" {
		c.Hostname = DefaultHostname
	}
	if c.MaxMessageSize <= 0 {
		c.MaxMessageSize = DefaultMaxMessageSize
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	ports := make(map[string]int, len(c.Ports))
	for k, v := range c.Ports {
		ports[strings.ToLower(k)] = v
	}
	c.Ports = ports
	users := make(map[string]string, len(c.Users))
	for k, v := range c.Users {
		users[k] = v
	}
	c.Users = users
	tokens := make(map[string]string, len(c.OAuthTokens))
	for k, v := range c.OAuthTokens {
		tokens[k] = v
	}
	c.OAuthTokens = tokens
	return c
}

// Set sets the option name (case-insensitive) from its text form, as the C
// API passes it. Options: "address" (or "listen"), "<service>_port" (a
// number, 0 for a free port, "-1" or "off" to disable), "hostname", "users"
// ("alice:secret", or a list separated by commas or spaces; adds to the
// users already set), "oauth_tokens" ("alice@example.com:TOKEN", or a list
// separated by commas or spaces; adds valid bearer tokens for XOAUTH2 and
// OAUTHBEARER, which are offered once one is set), "tls" ("self-signed" or "CERTFILE,KEYFILE"),
// "tls_cert", "tls_key", "ca_out", "store", "max_message_size" (bytes, or
// with a K, M or G suffix), "require_tls_for_auth" (1/0, true/false,
// yes/no, on/off), "max_sessions" and "idle_timeout" (seconds, or a
// duration such as "250ms"; 0 for the default). Errors are of kind
// errs.Option and leave the configuration as it was.
func (c *Config) Set(name, value string) error {
	name = strings.ToLower(strings.TrimSpace(name))
	if svc, ok := strings.CutSuffix(name, "_port"); ok {
		return c.setPort(svc, value)
	}
	switch name {
	case "address", "listen", "addr":
		return wire.Set(&c.Addr, name, value, wire.ParseHost)
	case "hostname":
		return wire.Set(&c.Hostname, name, value, wire.ParseHost)
	case "users", "user":
		return c.addUsers(value)
	case "oauth_tokens":
		return c.addTokens(value)
	case "tls":
		return c.setTLS(value)
	case "tls_cert", "tls_cert_file":
		c.TLSCertFile = value
	case "tls_key", "tls_key_file":
		c.TLSKeyFile = value
	case "ca_out":
		c.CAOut = value
	case "store":
		c.Store = value
	case "max_message_size":
		return wire.Set(&c.MaxMessageSize, name, value, wire.ParseSize)
	case "require_tls_for_auth":
		return wire.Set(&c.RequireTLSForAuth, name, value, wire.ParseBool)
	case "max_sessions":
		return wire.Set(&c.MaxSessions, name, value, wire.ParseCount(maxSessionsLimit))
	case "idle_timeout":
		return wire.Set(&c.IdleTimeout, name, value, wire.ParseDuration)
	default:
		return wire.UnknownOption(name)
	}
	return nil
}

// maxSessionsLimit bounds max_sessions.
const maxSessionsLimit = 100000

// setPort sets the listening port of svc: a port number, "0" for a free
// port chosen by the system, or "-1" (also "off", "disabled", "no") to
// leave the service off.
func (c *Config) setPort(svc, value string) error {
	if !slices.Contains(Services, svc) {
		return errs.New(errs.Option, "server: unknown service "+strconv.Quote(svc))
	}
	n := -1
	switch v := strings.ToLower(strings.TrimSpace(value)); v {
	case "off", "-1", "disabled", "no":
	case "0":
		n = 0
	default:
		var err error
		if n, err = wire.ParsePort(svc+"_port", v); err != nil {
			return err
		}
	}
	if c.Ports == nil {
		c.Ports = map[string]int{}
	}
	c.Ports[svc] = n
	return nil
}

// addUsers adds "user:password" entries separated by commas or white space.
func (c *Config) addUsers(value string) error {
	fields := strings.FieldsFunc(value, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\r' || r == '\n'
	})
	if len(fields) == 0 {
		return wire.OptionError("users", "user:password entries")
	}
	for _, f := range fields {
		u, p, ok := strings.Cut(f, ":")
		if !ok || u == "" || strings.ContainsRune(f, 0) {
			return wire.OptionError("users", "user:password entries, not "+strconv.Quote(f))
		}
		if c.Users == nil {
			c.Users = map[string]string{}
		}
		c.Users[u] = p
	}
	return nil
}

func (c *Config) setTLS(value string) error {
	v := strings.TrimSpace(value)
	if v == "" || strings.EqualFold(v, "self-signed") || strings.EqualFold(v, "selfsigned") {
		c.TLSCertFile, c.TLSKeyFile = "", ""
		return nil
	}
	cert, key, ok := strings.Cut(v, ",")
	if !ok || strings.TrimSpace(cert) == "" || strings.TrimSpace(key) == "" {
		return wire.OptionError("tls", `"self-signed" or "CERTFILE,KEYFILE"`)
	}
	c.TLSCertFile, c.TLSKeyFile = strings.TrimSpace(cert), strings.TrimSpace(key)
	return nil
}
