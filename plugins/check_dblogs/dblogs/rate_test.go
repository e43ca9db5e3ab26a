package dblogs

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/trend"
)

// setLogs makes mboxlist hold log.0000000041 .. log.(40+n), all fresh.
func setLogs(s *fixture.Server, n int) {
	for i := 41; i < 41+30; i++ {
		s.Remove(fmt.Sprintf("%s/store/mboxlist/log.%010d", fixture.VarRel, i))
	}
	for i := 41; i < 41+n; i++ {
		s.Write(fmt.Sprintf("%s/store/mboxlist/log.%010d", fixture.VarRel, i), "", time.Minute)
	}
}

// runAt runs the check in-process as if it were now.
func runAt(t *testing.T, now time.Time, args ...string) *plugin.Result {
	t.Helper()
	spec := Spec()
	if err := plugin.ParseOptions(spec, args); err != nil {
		t.Fatal(err)
	}
	return plugin.RunCheck(spec, plugin.NewTestEnv(now, nil))
}

func lineWith(r *plugin.Result, sub string) (plugin.Line, bool) {
	for _, l := range r.Lines {
		if strings.Contains(l.Text, sub) {
			return l, true
		}
	}
	return plugin.Line{}, false
}

func TestAccumulationRate(t *testing.T) {
	s := fixture.New(t)
	stateDir := t.TempDir()
	args := []string{"-B", s.Base(), "--state-dir", stateDir, "--rate-warning", "2", "--rate-critical", "6", "-w", "50", "-c", "60"}
	t0 := s.Now.Add(-2 * time.Hour)

	// First runs: collecting history, never an alert.
	setLogs(s, 3)
	r := runAt(t, t0, args...)
	if l, ok := lineWith(r, "collecting history"); !ok || l.Status != plugin.OK || r.Status != plugin.OK {
		t.Fatalf("first run: %+v", r)
	}
	// Steady accumulation of 4 logs an hour: WARNING at 2/h, not CRITICAL at 6/h.
	for i, n := range []int{5, 7, 9, 11} {
		setLogs(s, n)
		r = runAt(t, t0.Add(time.Duration(i+1)*30*time.Minute), args...)
	}
	l, ok := lineWith(r, "log files accumulating at +4.0/h (warning 2/h) over the last 2h (3 -> 11)")
	if !ok || l.Status != plugin.WARNING || r.Status != plugin.WARNING || !strings.Contains(r.Summary, "accumulating at +4.0/h (warning 2/h)") {
		t.Fatalf("accumulating: status %v summary %q lines %+v", r.Status, r.Summary, r.Lines)
	}
	found := false
	for _, p := range r.Perf {
		if p.Label == "logs_per_hour" {
			found = p.Value == 4 && p.Warn == "~:2" && p.Crit == "~:6"
		}
	}
	if !found {
		t.Errorf("logs_per_hour perfdata: %+v", r.Perf)
	}

	// Log cleanup catches up: the count falls and the rate with it.
	for i, n := range []int{6, 3, 2, 2, 3} {
		setLogs(s, n)
		r = runAt(t, t0.Add(2*time.Hour+time.Duration(i+1)*30*time.Minute), args...)
	}
	if _, ok := lineWith(r, "log files not accumulating"); !ok || r.Status != plugin.OK {
		t.Fatalf("after cleanup: %v %q %+v", r.Status, r.Summary, r.Lines)
	}
}

func TestRateOffByDefaultAndUnusableState(t *testing.T) {
	s := fixture.New(t)
	r := runAt(t, s.Now, "-B", s.Base())
	for _, p := range r.Perf {
		if p.Label == "logs_per_hour" {
			t.Fatal("rate reported without --rate")
		}
	}
	file := s.Var("config/msg.conf") // a file: no directory can be made under it
	r = runAt(t, s.Now, "-B", s.Base(), "--rate", "--state-dir", file+"/state")
	if r.Status != plugin.UNKNOWN || !strings.Contains(r.Summary, "rate not checked: state dir unusable") {
		t.Fatalf("unusable state dir: %v %q", r.Status, r.Summary)
	}
	// Refused before the check runs, with the other option errors.
	err := plugin.ParseOptions(Spec(), []string{"-B", s.Base(), "--rate-window", "1m"})
	if err == nil || !strings.Contains(err.Error(), "--rate-window 1m is too short") {
		t.Fatalf("short window: %v", err)
	}
}

// Through the binary, with a history seeded as earlier runs left it.
func TestBinaryRate(t *testing.T) {
	bin := plugintest.Build(t, "check_dblogs")
	s := fixture.New(t)
	stateDir := t.TempDir()
	dir := s.Base() + "/data/store/mboxlist"
	h := &trend.History{}
	lim := trend.Limits{MaxSamples: maxRateSamples, MaxAge: 12 * time.Hour}
	for i, n := range []float64{2, 3, 5, 6, 8} {
		h.Add(s.Now.Add(-time.Duration(5-i)*time.Hour), n, lim)
	}
	if err := state.Save(stateDir, state.Key("check_dblogs", "rate", dir), rateState{Logs: h}); err != nil {
		t.Fatal(err)
	}
	setLogs(s, 9)
	out := plugintest.Run(t, bin, nil, "-B", s.Base(), "--state-dir", stateDir, "--rate-critical", "1", "-w", "20", "-c", "30")
	out.Expect(t, "DBLOGS", 2)
	out.Contains(t, "accumulating at +1.", "(critical 1/h)")
	if p, ok := out.Perf["logs_per_hour"]; !ok || p.Value < 1.2 || p.Value > 1.8 || p.Crit != "~:1" {
		t.Errorf("logs_per_hour %+v", p)
	}
}
