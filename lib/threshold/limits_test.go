package threshold

import (
	"testing"
	"time"

	"github.com/olorin/nagiosplugin"
)

func TestDurationLimits(t *testing.T) {
	both := DurationLimits{Warning: time.Hour, Critical: 26 * time.Hour}
	tests := []struct {
		name               string
		l                  DurationLimits
		v                  time.Duration
		want               nagiosplugin.Status
		limit              time.Duration
		perfWarn, perfCrit string
	}{
		{"below", both, 59 * time.Minute, nagiosplugin.OK, 0, "3600", "93600"},
		{"at the warning limit", both, time.Hour, nagiosplugin.OK, 0, "3600", "93600"},
		{"above warning", both, time.Hour + time.Second, nagiosplugin.WARNING, time.Hour, "3600", "93600"},
		{"above critical", both, 27 * time.Hour, nagiosplugin.CRITICAL, 26 * time.Hour, "3600", "93600"},
		{"off", DurationLimits{}, 1000 * time.Hour, nagiosplugin.OK, 0, "", ""},
		{"critical only", DurationLimits{Critical: time.Minute}, time.Hour, nagiosplugin.CRITICAL, time.Minute, "", "60"},
		{"warning only", DurationLimits{Warning: 90 * time.Second}, time.Hour, nagiosplugin.WARNING, 90 * time.Second, "90", ""},
		{"fraction of a second", DurationLimits{Warning: 1500 * time.Millisecond}, time.Second, nagiosplugin.OK, 0, "1.5", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.l.Check(tc.v)
			if s != tc.want || tc.l.Limit(s) != tc.limit {
				t.Errorf("Check(%v) = %v (limit %v), want %v (limit %v)", tc.v, s, tc.l.Limit(s), tc.want, tc.limit)
			}
			if w, c := tc.l.PerfWarn(), tc.l.PerfCrit(); w != tc.perfWarn || c != tc.perfCrit {
				t.Errorf("perfdata warn;crit = %q;%q, want %q;%q", w, c, tc.perfWarn, tc.perfCrit)
			}
		})
	}
}

func TestSizeLimits(t *testing.T) {
	both := SizeLimits{Warning: 100 << 20, Critical: 1 << 30}
	tests := []struct {
		name               string
		l                  SizeLimits
		v                  uint64
		want               nagiosplugin.Status
		limit              uint64
		perfWarn, perfCrit string
	}{
		{"below", both, 1, nagiosplugin.OK, 0, "104857600", "1073741824"},
		{"at the warning limit", both, 100 << 20, nagiosplugin.OK, 0, "104857600", "1073741824"},
		{"above warning", both, 100<<20 + 1, nagiosplugin.WARNING, 100 << 20, "104857600", "1073741824"},
		{"above critical", both, 1<<30 + 1, nagiosplugin.CRITICAL, 1 << 30, "104857600", "1073741824"},
		{"off", SizeLimits{}, 1 << 60, nagiosplugin.OK, 0, "", ""},
		{"critical only", SizeLimits{Critical: 10}, 11, nagiosplugin.CRITICAL, 10, "", "10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.l.Check(tc.v)
			if s != tc.want || tc.l.Limit(s) != tc.limit {
				t.Errorf("Check(%d) = %v (limit %d), want %v (limit %d)", tc.v, s, tc.l.Limit(s), tc.want, tc.limit)
			}
			if w, c := tc.l.PerfWarn(), tc.l.PerfCrit(); w != tc.perfWarn || c != tc.perfCrit {
				t.Errorf("perfdata warn;crit = %q;%q, want %q;%q", w, c, tc.perfWarn, tc.perfCrit)
			}
		})
	}
}
