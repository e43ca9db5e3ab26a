package threshold

import (
	"testing"

	"github.com/olorin/nagiosplugin"
)

func TestRangeAlerts(t *testing.T) {
	tests := []struct {
		rng    string
		value  float64
		alerts bool
	}{
		{"10", -1, true}, {"10", 0, false}, {"10", 10, false}, {"10", 10.5, true},
		{"10:", 9.99, true}, {"10:", 10, false}, {"10:", 1e12, false},
		{"~:10", -1e9, false}, {"~:10", 10, false}, {"~:10", 11, true},
		{"10:20", 9, true}, {"10:20", 10, false}, {"10:20", 20, false}, {"10:20", 21, true},
		{"@10:20", 9, false}, {"@10:20", 10, true}, {"@10:20", 20, true}, {"@10:20", 21, false},
		{"-10:-2", -11, true}, {"-10:-2", -5, false}, {"-10:-2", 0, true},
		{"@~:0", -3, true}, {"@~:0", 1, false},
		{"0.5:1.5", 1.5, false}, {"0.5:1.5", 1.51, true},
		{":10", 5, false}, {":10", -1, true},
		{"~:", -1e300, false},
		{"+5", 6, true}, {".5", 0.6, true},
	}
	for _, tc := range tests {
		r, err := ParseRange(tc.rng)
		if err != nil {
			t.Fatalf("ParseRange(%q): %v", tc.rng, err)
		}
		if got := r.Alerts(tc.value); got != tc.alerts {
			t.Errorf("%q.Alerts(%v) = %v, want %v", tc.rng, tc.value, got, tc.alerts)
		}
		if r.String() != tc.rng {
			t.Errorf("String() = %q, want %q", r.String(), tc.rng)
		}
	}
}

func TestRangeInvalid(t *testing.T) {
	for _, s := range []string{"", " ", "@", ":", "@:", "~", "2:1", "1:2:3", "5%", "abc",
		"nan", "NaN:5", "inf", "~x:5", "1e3", "10:1e3", "@@5", "5:~", "--5", "5 ", "0x10", "1,5"} {
		if _, err := ParseRange(s); err == nil {
			t.Errorf("ParseRange(%q) accepted an invalid range", s)
		}
		var r Range
		if err := r.UnmarshalFlag(s); err == nil {
			t.Errorf("UnmarshalFlag(%q) accepted an invalid range", s)
		}
	}
}

func TestUnsetRangeNeverAlerts(t *testing.T) {
	var r Range
	if r.IsSet() || r.Alerts(1e300) || r.Alerts(-1e300) {
		t.Fatal("zero Range must be unset and never alert")
	}
}

func TestEvaluateCriticalFirst(t *testing.T) {
	w, c := MustParseRange("5"), MustParseRange("10")
	for _, tc := range []struct {
		v    float64
		want nagiosplugin.Status
	}{{3, nagiosplugin.OK}, {5, nagiosplugin.OK}, {6, nagiosplugin.WARNING}, {11, nagiosplugin.CRITICAL}, {-1, nagiosplugin.CRITICAL}} {
		if got := Evaluate(tc.v, w, c); got != tc.want {
			t.Errorf("Evaluate(%v) = %v, want %v", tc.v, got, tc.want)
		}
	}
	// A critical range tighter than warning still wins.
	if got := Evaluate(7, MustParseRange("10"), MustParseRange("5")); got != nagiosplugin.CRITICAL {
		t.Errorf("got %v, want CRITICAL", got)
	}
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"10", "10:", "~:10", "10:20", "@10:20", "", "@", "nan", "~x:5", "-10:-2", "1e5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRange(s)
		if err != nil {
			return
		}
		// A valid range must round-trip and must have start <= end.
		if r.String() != s {
			t.Fatalf("round trip %q -> %q", s, r.String())
		}
		if r.r.Start > r.r.End {
			t.Fatalf("%q parsed with start > end", s)
		}
		_ = r.Alerts(0)
	})
}
