package wire

import (
	"strings"
	"testing"
	"time"

	"mailwire/core/errs"
)

// TestParsers covers one parser per kind of value: what each accepts, and
// that each refusal is an errs.Option error naming the option and what it
// wants.
func TestParsers(t *testing.T) {
	count := ParseCount(1000)
	choice := func(n, v string) (string, error) { return ParseChoice(n, v, "auto", "never", "") }
	tests := []struct {
		name  string
		parse func(name, v string) (any, error)
		in    string
		want  any // nil: refused
	}{
		{"port", wrap(ParsePort), "587", 587},
		{"port", wrap(ParsePort), " 65535 ", 65535},
		{"port", wrap(ParsePort), "0", nil},
		{"port", wrap(ParsePort), "65536", nil},
		{"port", wrap(ParsePort), "-1", nil},
		{"port", wrap(ParsePort), "x", nil},
		{"max", wrap(count), "1", 1},
		{"max", wrap(count), "1000", 1000},
		{"max", wrap(count), "0", nil},
		{"max", wrap(count), "1001", nil},
		{"size", wrap(ParseSize), "1000", int64(1000)},
		{"size", wrap(ParseSize), "10m", int64(10 << 20)},
		{"size", wrap(ParseSize), "2G", int64(2 << 30)},
		{"size", wrap(ParseSize), "0", nil},
		{"size", wrap(ParseSize), "-5", nil},
		{"size", wrap(ParseSize), "9999999999G", nil},
		{"size", wrap(ParseSize), "K", nil},
		{"timeout", wrap(ParseDuration), "2.5", 2500 * time.Millisecond},
		{"timeout", wrap(ParseDuration), "0", time.Duration(0)},
		{"timeout", wrap(ParseDuration), "250ms", 250 * time.Millisecond},
		{"timeout", wrap(ParseDuration), "604800", 7 * 24 * time.Hour},
		{"timeout", wrap(ParseDuration), "604801", nil},
		{"timeout", wrap(ParseDuration), "-1", nil},
		{"timeout", wrap(ParseDuration), "-1s", nil},
		{"timeout", wrap(ParseDuration), "NaN", nil},
		{"timeout", wrap(ParseDuration), "soon", nil},
		{"flag", wrap(ParseBool), "Yes", true},
		{"flag", wrap(ParseBool), "off", false},
		{"flag", wrap(ParseBool), "2", nil},
		{"security", wrap(ParseSecurity), "STARTTLS-optional", StartTLSOptional},
		{"security", wrap(ParseSecurity), "ssl", TLS},
		{"security", wrap(ParseSecurity), "maybe", nil},
		{"host", wrap(ParseHost), " mail.example.com ", "mail.example.com"},
		{"host", wrap(ParseHost), "::1", "::1"},
		{"host", wrap(ParseHost), "", nil},
		{"host", wrap(ParseHost), "a b", nil},
		{"host", wrap(ParseHost), "[::1]", nil},
		{"host", wrap(ParseHost), "a@b", nil},
		{"host", wrap(ParseHost), "a\x01b", nil},
		{"host", wrap(ParseHost), strings.Repeat("a", 256), nil},
		{"mode", wrap(choice), "NEVER", "never"},
		{"mode", wrap(choice), "", ""},
		{"mode", wrap(choice), "sometimes", nil},
	}
	for _, tt := range tests {
		got, err := tt.parse(tt.name, tt.in)
		if tt.want == nil {
			if errs.KindOf(err) != errs.Option || !strings.HasPrefix(err.Error(), "option "+tt.name+": want ") {
				t.Errorf("%s %q: %v, %v; want an Option error", tt.name, tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s %q = %v (%T), %v; want %v (%T)", tt.name, tt.in, got, got, err, tt.want, tt.want)
		}
	}
}

func wrap[T any](parse func(name, v string) (T, error)) func(name, v string) (any, error) {
	return func(name, v string) (any, error) { return parse(name, v) }
}

func TestSetKeepsOnError(t *testing.T) {
	port := 25
	if err := Set(&port, "port", "0", ParsePort); err == nil || port != 25 {
		t.Fatalf("Set refused port 0 with %v, port now %d", err, port)
	}
	if err := Set(&port, "port", "2525", ParsePort); err != nil || port != 2525 {
		t.Fatalf("Set: %v, port %d", err, port)
	}
}
