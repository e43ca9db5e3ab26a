package disk

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/fsstat"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/trend"
)

const predictGiB = 1 << 30

// predictFS is a file system of total GiB with used GiB (no root reserve).
func predictFS(label string, partition bool, total, used float64) *filesystem {
	u := fsstat.Usage{Total: uint64(total * predictGiB)}
	u.Free = u.Total - uint64(used*predictGiB)
	u.Avail = u.Free
	return &filesystem{targets: []target{{name: label, path: "/store/" + label, partition: partition}}, usage: u}
}

func predictOpts(t *testing.T, args ...string) *options {
	t.Helper()
	o := &options{}
	if _, err := plugin.NewParser(newSpec(o, defaultProbe)).ParseArgs(append([]string{"--state-dir", filepath.Join(t.TempDir(), "state")}, args...)); err != nil {
		t.Fatal(err)
	}
	return o
}

// fill runs the prediction every interval for days on a file system that
// fills at ratePerDay GiB with noise and a nightly expunge, and returns the
// last run's result and rendered output.
func fill(t *testing.T, o *options, total, start, ratePerDay float64, days int, interval time.Duration) (*plugin.Result, string, float64) {
	t.Helper()
	rng := rand.New(rand.NewSource(7))
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	used := start
	var res *plugin.Result
	for at := time.Duration(0); at <= time.Duration(days)*24*time.Hour; at += interval {
		t := now.Add(at)
		used += ratePerDay * interval.Hours() / 24
		if t.Hour() == 3 && t.Minute() < int(interval.Minutes()) {
			used -= ratePerDay / 3 // the nightly expunge
		}
		f := predictFS("primary", true, total, used+rng.NormFloat64()*0.05)
		res = &plugin.Result{}
		predict(plugin.NewTestEnv(t, nil), res, []*filesystem{f}, &o.predictOptions, o.Critical.freeThreshold, 99)
	}
	return res, plugin.Render("MSGSTORE_DISK", res), used
}

func TestPredictTimeToCritical(t *testing.T) {
	// 1000 GiB, 700 used, +6 GiB/day: the critical threshold 10% free
	// (900 GiB used) is (900-used)/6 days away.
	o := predictOpts(t, "--predict-warning", "60d", "--predict-critical", "7d")
	res, out, used := fill(t, o, 1000, 700, 6, 8, time.Hour)
	if res.Status != plugin.WARNING {
		t.Fatalf("state %v:\n%s", res.Status, out)
	}
	wantDays := (900 - used) / 6
	p := plugintest.ParsePerf(strings.SplitN(strings.SplitN(out, "\n", 2)[0], " | ", 2)[1])["primary_hours_to_full"]
	if got := p.Value / 24; got < wantDays*0.9 || got > wantDays*1.1 {
		t.Errorf("hours_to_full %v h = %.1f days, true %.1f days:\n%s", p.Value, got, wantDays, out)
	}
	if p.Warn != "1440:" || p.Crit != "168:" || p.Min != "0" {
		t.Errorf("perfdata ranges %+v", p)
	}
	for _, want := range []string{
		"[WARNING] primary full in ",
		" at the current rate (+6 GiB/day, critical threshold 10% free, stored's lock at 99% used in ",
		"cleanups left out, warning within 60d",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestPredictLockNearerThanCritical(t *testing.T) {
	o := predictOpts(t, "-c", "0.5%", "--predict-critical", "30d")
	res, out, _ := fill(t, o, 1000, 900, 6, 3, time.Hour)
	if res.Status != plugin.CRITICAL || !strings.Contains(out, "(+6 GiB/day, stored's lock at 99% used, critical threshold 0.5% free in ") {
		t.Errorf("state %v:\n%s", res.Status, out)
	}
}

func TestPredictStates(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		rate    float64
		days    int
		start   float64
		status  plugin.Status
		want    string
		perf    bool
		noState bool
	}{
		{"too little history", []string{"--predict"}, 6, 0, 700, plugin.OK,
			"[OK] primary: time to full after more history (1 run over 0s so far; needs 6 over 6h)", false, false},
		{"not filling", []string{"--predict-warning", "7d"}, -2, 2, 700, plugin.OK,
			"[OK] primary: not filling (-", false, false},
		{"far away", []string{"--predict-warning", "7d"}, 1, 2, 100, plugin.OK,
			"[OK] primary full in ", true, false},
		{"past it already", []string{"--predict-critical", "7d"}, 1, 2, 950, plugin.OK,
			"[OK] primary: past the critical threshold 10% free already", true, false},
		{"off by default", nil, 6, 2, 700, plugin.OK, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := predictOpts(t, tt.args...)
			res, out, _ := fill(t, o, 1000, tt.start, tt.rate, tt.days, time.Hour)
			if res.Status != tt.status || !strings.Contains(out, tt.want) {
				t.Errorf("state %v, want %v with %q:\n%s", res.Status, tt.status, tt.want, out)
			}
			if got := strings.Contains(out, "primary_hours_to_full="); got != tt.perf {
				t.Errorf("hours_to_full perfdata present: %v, want %v:\n%s", got, tt.perf, out)
			}
			if _, err := os.Stat(o.StateDir); tt.noState != os.IsNotExist(err) {
				t.Errorf("state dir exists: %v (want none: %v)", err, tt.noState)
			}
		})
	}
}

func TestPredictStateProblems(t *testing.T) {
	t.Run("unwritable", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		os.WriteFile(file, nil, 0o600)
		o := predictOpts(t, "--predict-warning", "7d", "--state-dir", file)
		res := &plugin.Result{}
		predict(plugin.NewTestEnv(time.Now(), nil), res, []*filesystem{predictFS("primary", true, 100, 50)}, &o.predictOptions, o.Critical.freeThreshold, 99)
		out := plugin.Render("MSGSTORE_DISK", res)
		if res.Status != plugin.UNKNOWN || !strings.Contains(out, "primary: cannot keep the space history (") || !strings.Contains(out, "give a writable --state-dir") {
			t.Errorf("%s", out)
		}
	})
	t.Run("corrupt", func(t *testing.T) {
		o := predictOpts(t, "--predict")
		f := predictFS("primary", true, 100, 50)
		name := state.Key("check_msgstore_disk", "primary", "/store/primary")
		os.MkdirAll(o.StateDir, 0o700)
		os.WriteFile(filepath.Join(o.StateDir, name), []byte(`{"version":1,"samples":[[`), 0o600)
		res := &plugin.Result{}
		predict(plugin.NewTestEnv(time.Now(), nil), res, []*filesystem{f}, &o.predictOptions, o.Critical.freeThreshold, 99)
		out := plugin.Render("MSGSTORE_DISK", res)
		if res.Status != plugin.OK || !strings.Contains(out, "primary: the space history was unreadable and has been started anew") {
			t.Errorf("%s", out)
		}
		h, err := trend.Load(o.StateDir, name)
		if err != nil || len(h.Samples) != 1 {
			t.Errorf("history after recovery: %v %v", h, err)
		}
	})
	t.Run("window too short", func(t *testing.T) {
		o := &options{}
		if _, err := plugin.NewParser(newSpec(o, defaultProbe)).ParseArgs([]string{"--predict-window", "30m"}); err == nil || !strings.Contains(err.Error(), "must be at least 1h") {
			t.Errorf("--predict-window 30m: %v", err)
		}
	})
}

// TestPredictThroughTheCheck runs the whole check with a seeded history, the way
// Nagios sees it: WARNING on line 1 with the time to full.
func TestPredictThroughTheCheck(t *testing.T) {
	s := fixture.New(t)
	dir := filepath.Join(t.TempDir(), "state")
	primary := s.Var("store/partition/primary")
	total, used := 1000.0, 880.0
	u := fsstat.Usage{Total: uint64(total * predictGiB), Free: uint64((total - used) * predictGiB), Avail: uint64((total - used) * predictGiB), Files: 1e6, FilesFree: 9e5, FilesAvail: 9e5}
	p := probe{
		stat:   func(string) (fsstat.Usage, error) { return u, nil },
		device: func(string) (uint64, error) { return 1, nil }, // one file system
	}
	// Seed what earlier runs left: +4 GiB/day over the last two days.
	now := time.Now()
	h := &trend.History{}
	for i := 48; i >= 1; i-- {
		h.Add(now.Add(-time.Duration(i)*time.Hour), (used-4*float64(i)/24)*predictGiB, trend.Limits{MaxSamples: predictSamples, MaxAge: 7 * 24 * time.Hour})
	}
	label := "primary+mboxlist+queue"
	key := state.Key("check_msgstore_disk", label, primary, filepath.Join(s.Base(), "data", "store", "mboxlist"), filepath.Join(s.Base(), "data", "queue"))
	if err := trend.Save(dir, key, h); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code := plugin.Execute(newSpec(&options{}, p), []string{"-B", s.Base(), "--state-dir", dir, "--predict-warning", "7d", "--predict-critical", "2d", "-w", "5%"}, &out, &out, func(string) string { return "" })
	if code != 1 || !strings.HasPrefix(out.String(), "MSGSTORE_DISK WARNING - primary+mboxlist+queue full in 5d at the current rate (+4 GiB/day, critical threshold 10% free, stored's lock at 99% used in 27d12h), warning within 7d | ") {
		t.Errorf("exit %d:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "primary+mboxlist+queue_hours_to_full=120;168:;48:;0;") {
		t.Errorf("perfdata:\n%s", out.String())
	}
}
