package wire

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"mailwire/core/errs"
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

// The parsers below read the text form of option values as the C API
// passes them, one parser per kind of value, so that every handle (SMTP,
// POP3, pool, server) accepts the same text and says the same thing when it
// refuses: an error of kind errs.Option, "option NAME: want ...".

// MaxSeconds bounds every duration option: a week.
const MaxSeconds = 7 * 24 * 3600

// OptionError is the refusal of a value of option name: "option NAME: want
// WANT", of kind errs.Option.
func OptionError(name, want string) error {
	return errs.New(errs.Option, "option "+name+": want "+want)
}

// ParseSecurity reads a TLS policy: "tls" (or "ssl", "implicit"),
// "starttls" (or "stls"), "starttls-optional" (or "starttls_optional"),
// "none" (or "plain", "plaintext"), in any case.
func ParseSecurity(name, v string) (Security, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "tls", "ssl", "implicit":
		return TLS, nil
	case "starttls", "stls":
		return StartTLS, nil
	case "starttls-optional", "starttls_optional":
		return StartTLSOptional, nil
	case "none", "plain", "plaintext":
		return None, nil
	}
	return 0, OptionError(name, `"tls", "starttls", "starttls-optional" or "none"`)
}

// ParseBool reads a boolean: 1/0, true/false, yes/no, on/off, in any case.
func ParseBool(name, v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, OptionError(name, "a boolean (1/0, true/false, yes/no, on/off)")
}

// ParseDuration reads a duration from 0 to MaxSeconds: a number of
// seconds, possibly fractional ("2.5"), or a number with a unit ("250ms",
// "2m", "1h30m").
func ParseDuration(name, v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	var d time.Duration
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if !(f >= 0 && f <= MaxSeconds) { // NaN included
			return 0, errDuration(name)
		}
		d = time.Duration(f * float64(time.Second))
	} else if d, err = time.ParseDuration(v); err != nil || d < 0 || d > MaxSeconds*time.Second {
		return 0, errDuration(name)
	}
	return d, nil
}

func errDuration(name string) error {
	return OptionError(name, "seconds from 0 to 604800, or a duration such as 250ms")
}

// ParsePort reads a TCP port number, 1 to 65535.
func ParsePort(name, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > 65535 {
		return 0, OptionError(name, "a port number from 1 to 65535")
	}
	return n, nil
}

// ParseCount returns the parser of a whole number from 1 to max.
func ParseCount(max int) func(name, v string) (int, error) {
	return func(name, v string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > max {
			return 0, OptionError(name, "a whole number from 1 to "+strconv.Itoa(max))
		}
		return n, nil
	}
}

// ParseSize reads a positive number of bytes, with an optional K, M or G
// suffix (binary multiples, any case): "1000", "512K", "10M".
func ParseSize(name, v string) (int64, error) {
	v = strings.ToUpper(strings.TrimSpace(v))
	mult := int64(1)
	if k := len(v) - 1; k >= 0 && strings.IndexByte("KMG", v[k]) >= 0 {
		v, mult = v[:k], 1<<(10*(strings.IndexByte("KMG", v[k])+1))
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, OptionError(name, "a size in bytes, with an optional K, M or G suffix")
	}
	return n * mult, nil
}

// ParseHost reads a host name or IP address: not empty, at most 255 bytes,
// no white space, no control characters, none of the brackets and
// separators "<>[]()@,;\"\\" that would turn it into something else on a
// command line or in a greeting.
func ParseHost(name, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 255 || strings.ContainsAny(v, " \t<>[]()@,;\"\\") || strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return "", OptionError(name, "a host name or IP address")
	}
	return v, nil
}

// ParseChoice reads one of choices, in any case, and returns it as listed;
// list "" among them when an empty value is allowed.
func ParseChoice(name, v string, choices ...string) (string, error) {
	v = strings.TrimSpace(v)
	var named []string
	for _, c := range choices {
		if strings.EqualFold(v, c) {
			return c, nil
		}
		if c != "" {
			named = append(named, `"`+c+`"`)
		}
	}
	return "", OptionError(name, "one of "+strings.Join(named, ", "))
}

// UnknownOption is the refusal of an option name no handle knows.
func UnknownOption(name string) error {
	return errs.New(errs.Option, "unknown option "+strconv.Quote(name))
}

// Set stores in *dst what parse reads from v, and leaves *dst as it was
// when parse refuses v.
func Set[T any](dst *T, name, v string, parse func(name, v string) (T, error)) error {
	x, err := parse(name, v)
	if err == nil {
		*dst = x
	}
	return err
}
