package wire

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Security is the TLS policy of a client connection (RFC 8314, RFC 3207,
// RFC 2595).
type Security int

// The TLS policies.
const (
	TLS              Security = iota // implicit TLS from the first byte (RFC 8314 section 3)
	StartTLS                         // STARTTLS (STLS) required: fail closed when it is missing or refused
	StartTLSOptional                 // STARTTLS when offered, plaintext when it is not offered or refused
	None                             // plaintext
)

// ParseSecurity reads the text form of the "security" option: "tls" (or
// "ssl", "implicit"), "starttls" (or "stls"), "starttls-optional" (or
// "starttls_optional"), "none" (or "plain", "plaintext"), in any case.
func ParseSecurity(v string) (Security, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "tls", "ssl", "implicit":
		return TLS, true
	case "starttls", "stls":
		return StartTLS, true
	case "starttls-optional", "starttls_optional":
		return StartTLSOptional, true
	case "none", "plain", "plaintext":
		return None, true
	}
	return 0, false
}

// ParseBool reads a boolean option: 1/0, true/false, yes/no, on/off.
func ParseBool(v string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true, true
	case "0", "false", "no", "off":
		return false, true
	}
	return false, false
}

// ParseSeconds reads a number of seconds, possibly fractional, from 0 to
// max.
func ParseSeconds(v string, max float64) (time.Duration, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 0 || math.IsNaN(f) || f > max {
		return 0, false
	}
	return time.Duration(f * float64(time.Second)), true
}
