package units

import (
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
	}{
		{"0", 0}, {"1024", 1024}, {"10B", 10}, {"1K", 1024}, {"1KiB", 1024}, {"1kB", 1000},
		{"500MiB", 500 << 20}, {"500MB", 500e6}, {"10GiB", 10 << 30}, {"10G", 10 << 30},
		{"1.5GiB", 3 << 29}, {"2TiB", 2 << 40}, {"1TB", 1e12}, {" 3 mib ", 3 << 20},
	}
	for _, tc := range tests {
		got, err := ParseSize(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "GiB", "-1", "10XB", "1e3", "abc", "1.2.3G", "99999999999999999999PiB", "10%"} {
		if v, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) = %d, want error", bad, v)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for _, tc := range []struct {
		n    uint64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1024, "1 KiB"}, {1536, "1.5 KiB"}, {10 << 30, "10 GiB"}, {3 << 40, "3 TiB"}} {
		if got := FormatBytes(tc.n); got != tc.want {
			t.Errorf("FormatBytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"90s", 90 * time.Second}, {"15m", 15 * time.Minute}, {"2h", 2 * time.Hour},
		{"1h30m", 90 * time.Minute}, {"1d", 24 * time.Hour}, {"2d12h", 60 * time.Hour},
		{"1w", 168 * time.Hour}, {"300", 300 * time.Second}, {"0", 0}, {"1.5", 1500 * time.Millisecond},
	}
	for _, tc := range tests {
		got, err := ParseDuration(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "abc", "-5m", "-1", "5x", "d", "1e9", "NaN", "inf", "99999999999999999999d"} {
		if v, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want error", bad, v)
		}
	}
}

func TestFormatAge(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"}, {45 * time.Second, "45s"}, {90 * time.Second, "1m30s"}, {23 * time.Minute, "23m"},
		{3 * time.Hour, "3h"}, {192 * time.Minute, "3h12m"}, {48 * time.Hour, "2d"}, {52 * time.Hour, "2d4h"},
		{-30 * time.Second, "-30s"},
	} {
		if got := FormatAge(tc.d); got != tc.want {
			t.Errorf("FormatAge(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"10GiB", "1.5", "", "9e99", "5%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _ = ParseSize(s) })
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"90s", "2d12h", "", "1w", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseDuration(s); err == nil && d < 0 {
			t.Fatalf("negative duration %v from %q", d, s)
		}
	})
}
