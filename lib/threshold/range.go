// Package threshold implements Nagios threshold ranges as the Monitoring
// Plugins Development Guidelines define them, as go-flags option values.
//
// github.com/olorin/nagiosplugin v1.2.0 does the parsing and the checking,
// but its ParseRange panics on an empty string and accepts forms the
// guidelines reject ("@", "nan", "~x:5", exponents). Range therefore checks
// the guideline grammar first and only then lets nagiosplugin parse.
package threshold

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/olorin/nagiosplugin"
)

// number is a plain C-locale decimal: optional sign, digits with an optional
// fraction, no exponent, no nan/inf.
const number = `[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)`

// rangeGrammar is [@][start:][end] where start is a number or "~" and end a
// number; at least one of start and end must be present. Compiled on first
// use, not at package load: a run that parses no range does not pay for it.
var rangeGrammar = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^@?(?:(?:(` + number + `|~)?:(` + number + `)?)|(` + number + `))$`)
})

// Range is a threshold range such as "10", "10:", "~:10", "10:20" or "@10:20".
// The zero value is an unset range that never alerts.
type Range struct {
	raw string
	r   *nagiosplugin.Range
}

// ParseRange validates s against the guideline grammar and parses it.
func ParseRange(s string) (Range, error) {
	if err := validateRange(s); err != nil {
		return Range{}, err
	}
	// nagiosplugin cannot parse an empty start (":10"); the guidelines
	// read it as 0, as the C plugins do.
	norm := s
	if body := strings.TrimPrefix(s, "@"); strings.HasPrefix(body, ":") {
		norm = strings.Replace(s, ":", "0:", 1)
	}
	r, err := nagiosplugin.ParseRange(norm)
	if err != nil {
		return Range{}, fmt.Errorf("invalid range %q: %v", s, err)
	}
	return Range{raw: s, r: r}, nil
}

// MustParseRange is ParseRange for constants known to be valid.
func MustParseRange(s string) Range {
	r, err := ParseRange(s)
	if err != nil {
		panic(err)
	}
	return r
}

func validateRange(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("empty range")
	}
	m := rangeGrammar().FindStringSubmatch(s)
	if m == nil {
		return fmt.Errorf("invalid range %q (expected [@][start:][end], e.g. 10, 10:, ~:10, 10:20, @10:20)", s)
	}
	body := strings.TrimPrefix(s, "@")
	if body == ":" {
		return fmt.Errorf("invalid range %q: neither start nor end given", s)
	}
	return nil
}

// UnmarshalFlag implements go-flags' Unmarshaler.
func (r *Range) UnmarshalFlag(s string) error {
	p, err := ParseRange(s)
	if err != nil {
		return err
	}
	*r = p
	return nil
}

// IsValidValue lets go-flags take a value that starts with a dash, so that
// "-w -10:-2" works as well as "-w=-10:-2". It accepts everything: the
// error then comes from UnmarshalFlag, which the plugin harness reports
// with the option's name ("-w/--warning: invalid range ...").
func (r *Range) IsValidValue(string) error { return nil }

// MarshalFlag implements go-flags' Marshaler (used for defaults in --help).
func (r Range) MarshalFlag() (string, error) { return r.raw, nil }

// IsSet reports whether a range was given.
func (r Range) IsSet() bool { return r.r != nil }

// String is the range as the user wrote it; it is also the form perfdata
// carries for warn and crit.
func (r Range) String() string { return r.raw }

// Alerts reports whether value lies outside the range (inside for "@").
// An unset range never alerts.
func (r Range) Alerts(value float64) bool {
	if r.r == nil {
		return false
	}
	return r.r.Check(value)
}

// Evaluate returns CRITICAL if crit alerts, else WARNING if warn alerts, else
// OK: critical is evaluated first, as the guidelines require.
func Evaluate(value float64, warn, crit Range) nagiosplugin.Status {
	switch {
	case crit.Alerts(value):
		return nagiosplugin.CRITICAL
	case warn.Alerts(value):
		return nagiosplugin.WARNING
	}
	return nagiosplugin.OK
}
