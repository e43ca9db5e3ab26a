// Package units parses and formats the sizes and durations that plugin
// options take ("10GiB", "500MB", "90s", "15m", "2d") and that output shows.
package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// sizeUnits maps a lower-cased unit to its multiplier. IEC units (KiB, MiB)
// are powers of 1024, SI units (kB, MB) powers of 1000; bare letters (K, M, G)
// are powers of 1024, the way df and check_disk have always read them.
var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
	"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
	"p": 1 << 50, "pib": 1 << 50, "pb": 1e15,
	"e": 1 << 60, "eib": 1 << 60, "eb": 1e18, // FormatBytes writes EiB
}

// ParseSize parses a non-negative byte count with an optional unit.
func ParseSize(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult, ok := sizeUnits[unit]
	if num == "" || !ok {
		return 0, fmt.Errorf("invalid size %q (expected a number with an optional unit: B, KiB, MiB, GiB, TiB, kB, MB, GB, TB)", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	b := v * mult
	if b >= math.MaxUint64 || math.IsNaN(b) {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return uint64(math.Round(b)), nil
}

// Size is a byte count option value.
type Size uint64

// UnmarshalFlag implements go-flags' Unmarshaler.
func (z *Size) UnmarshalFlag(s string) error {
	v, err := ParseSize(s)
	if err != nil {
		return err
	}
	*z = Size(v)
	return nil
}

// MarshalFlag implements go-flags' Marshaler.
func (z Size) MarshalFlag() (string, error) { return FormatBytes(uint64(z)), nil }

// FormatBytes renders n with a binary unit and up to one decimal: "1.5 GiB".
func FormatBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + string("KMGTPE"[exp]) + "iB"
}

// ParseDuration accepts Go duration syntax ("90s", "15m", "1h30m") plus days
// ("2d") and weeks ("1w"), and a bare number of seconds ("300").
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if secs, err := strconv.ParseFloat(t, 64); err == nil && !strings.ContainsAny(t, "eEnN") {
		// >=: MaxInt64/1e9 rounds up in float64, and a product equal to
		// 2^63 would convert to a negative Duration.
		if secs < 0 || secs >= math.MaxInt64/float64(time.Second) {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	var total time.Duration
	rest := t
	// Split off leading day/week components, which time.ParseDuration lacks.
	for {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i >= len(rest) || (rest[i] != 'd' && rest[i] != 'w') {
			break
		}
		day := 24 * time.Hour
		if rest[i] == 'w' {
			day *= 7
		}
		// Bounded so that neither the product nor the sum wraps around
		// int64 ("100000w" once came out as 59 days).
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil || n > int64(math.MaxInt64/day) || time.Duration(n)*day > math.MaxInt64-total {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		total += time.Duration(n) * day
		rest = rest[i+1:]
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q (expected e.g. 90s, 15m, 2h, 1d)", s)
		}
		if d > 0 && d > math.MaxInt64-total {
			return 0, fmt.Errorf("invalid duration %q: too long", s)
		}
		total += d
	}
	if total < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return total, nil
}

// Duration is a duration option value.
type Duration time.Duration

// UnmarshalFlag implements go-flags' Unmarshaler.
func (d *Duration) UnmarshalFlag(s string) error {
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalFlag implements go-flags' Marshaler.
func (d Duration) MarshalFlag() (string, error) { return FormatAge(time.Duration(d)), nil }

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// FormatAge renders a duration the way an administrator says it: "45s",
// "23m", "3h", "3h12m", "2d", "2d4h". Negative durations get a leading "-".
func FormatAge(d time.Duration) string {
	if d < 0 {
		if d == math.MinInt64 {
			d++ // -MinInt64 overflows back to itself: recursing on it never ends
		}
		return "-" + FormatAge(-d)
	}
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		if s%60 != 0 && s < 600 {
			return fmt.Sprintf("%dm%ds", s/60, s%60)
		}
		return fmt.Sprintf("%dm", s/60)
	case s < 86400:
		if m := (s % 3600) / 60; m != 0 {
			return fmt.Sprintf("%dh%dm", s/3600, m)
		}
		return fmt.Sprintf("%dh", s/3600)
	default:
		if h := (s % 86400) / 3600; h != 0 {
			return fmt.Sprintf("%dd%dh", s/86400, h)
		}
		return fmt.Sprintf("%dd", s/86400)
	}
}
