package units

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzFormatAge checks the age rendering every plugin puts in its output:
// any duration renders (math.MinInt64 once recursed forever), the sign is
// kept, and what it renders for a non-negative duration is a duration
// option value again that renders the same (Duration.MarshalFlag shows
// defaults in --help with it).
func FuzzFormatAge(f *testing.F) {
	for _, d := range []int64{0, 59e9, 61e9, 3599e9, 86400e9 + 3600e9, -1, math.MaxInt64, math.MinInt64} {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		d := time.Duration(n)
		s := FormatAge(d)
		if strings.HasPrefix(s, "-") != (d <= -time.Second) && !(d < 0 && strings.HasPrefix(s, "-0s")) {
			t.Fatalf("FormatAge(%d) = %q", n, s)
		}
		if d < 0 {
			return
		}
		back, err := ParseDuration(s)
		if err != nil || FormatAge(back) != s {
			t.Fatalf("FormatAge(%d) = %q, which parses to %v (%v)", n, s, back, err)
		}
	})
}

// FuzzSizeRoundTrip checks that an accepted size renders (FormatBytes, one
// decimal) to a value ParseSize reads back within that rounding, so that
// Size.MarshalFlag's --help default is a valid option value.
func FuzzSizeRoundTrip(f *testing.F) {
	for _, s := range []string{"10GiB", "1.5", "1 EiB", "16383.9PiB", "0", "1023", "9e99", "1.05k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseSize(s)
		// From 15.95 EiB up, FormatBytes rounds to "16 EiB", which is 2^64:
		// beyond uint64, so it cannot be read back.
		if err != nil || float64(v) >= 15.95*(1<<60) {
			return
		}
		m, _ := Size(v).MarshalFlag()
		var back Size
		if err := back.UnmarshalFlag(m); err != nil {
			t.Fatalf("%q = %d renders as %q, which does not parse: %v", s, v, m, err)
		}
		if diff := math.Abs(float64(back) - float64(v)); diff > 0.05*float64(v)+0.5 {
			t.Fatalf("%q = %d renders as %q = %d", s, v, m, back)
		}
	})
}

// FuzzDurationValue compares ParseDuration with a float model of the
// syntax: an accepted duration is the sum of its parts, never a value that
// wrapped around int64 (e.g. "100000w").
func FuzzDurationValue(f *testing.F) {
	for _, s := range []string{"90s", "2d12h", "1w", "100000w", "100000d100000d", "9223372036.854775807", "1.5", "2562047h", "3d-1h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		want, ok := durationModel(strings.TrimSpace(s))
		if !ok {
			t.Fatalf("%q accepted as %v, but the model rejects it", s, d)
		}
		if math.Abs(float64(d)-want) > 1e-9*math.Abs(want)+1 {
			t.Fatalf("%q = %v (%d ns), want %.0f ns", s, d, int64(d), want)
		}
	})
}

// durationModel evaluates a duration in float64 nanoseconds: a bare number
// of seconds, or day/week parts followed by Go duration syntax.
func durationModel(t string) (float64, bool) {
	if secs, err := strconv.ParseFloat(t, 64); err == nil && !strings.ContainsAny(t, "eEnN") {
		return secs * 1e9, true
	}
	total := 0.0
	for {
		i := 0
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == 0 || i >= len(t) || (t[i] != 'd' && t[i] != 'w') {
			break
		}
		n, _ := strconv.ParseFloat(t[:i], 64)
		day := 86400e9
		if t[i] == 'w' {
			day *= 7
		}
		total += n * day
		t = t[i+1:]
	}
	if t != "" {
		d, err := time.ParseDuration(t)
		if err != nil {
			return 0, false
		}
		total += float64(d)
	}
	return total, true
}
