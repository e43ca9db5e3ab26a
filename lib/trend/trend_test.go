package trend

import (
	"encoding/json"
	"errors"
	"flag"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/state"
)

var update = flag.Bool("update", false, "rewrite testdata/recorded_fill.json from the generator")

const gib = float64(1 << 30)

// fillScenario is a file system that fills at a steady rate, with reading
// noise, nightly expunges, one big cleanup and a few odd readings (a large
// temporary file that is gone by the next run).
type fillScenario struct {
	Seed        int64   `json:"seed"`
	Start       int64   `json:"start"`         // unix time of the first reading
	Days        int     `json:"days"`          // days recorded
	Interval    int64   `json:"interval"`      // seconds between runs of the check
	StartUsed   float64 `json:"start_used"`    // bytes
	RatePerHour float64 `json:"rate_per_hour"` // bytes of new mail per hour
	Noise       float64 `json:"noise"`         // bytes, standard deviation of a reading
	Limit       float64 `json:"limit"`         // bytes: the critical threshold
}

// recording is testdata/recorded_fill.json: the scenario, the truth at the
// last reading and the history file as the plugin left it.
type recording struct {
	Scenario  fillScenario `json:"scenario"`
	Now       int64        `json:"now"`        // the last reading
	TrueLevel float64      `json:"true_level"` // used bytes without noise at Now
	History   History      `json:"history"`
}

var diskLimits = Limits{MaxSamples: 504, MaxAge: 7 * 24 * time.Hour}
var diskFit = Options{Window: 7 * 24 * time.Hour, Cleanups: true, MinSamples: 12, MinSpan: 6 * time.Hour}

// record runs the scenario through History.Add as the plugin would, run by
// run, and returns the history, the last run's time and the true level.
func (sc fillScenario) record() (*History, time.Time, float64) {
	rng := rand.New(rand.NewSource(sc.Seed))
	h := &History{}
	level := sc.StartUsed
	var now time.Time
	runs := int64(sc.Days) * 86400 / sc.Interval
	bigCleanupRun := runs * 5 / 10
	for i := int64(0); i <= runs; i++ {
		t := sc.Start + i*sc.Interval
		now = time.Unix(t, 0)
		if i > 0 {
			level += sc.RatePerHour * float64(sc.Interval) / 3600
		}
		if now.UTC().Hour() == 3 && now.UTC().Minute() < int(sc.Interval/60) {
			level -= (3 + 2*rng.Float64()) * gib // nightly expunge
		}
		if i == bigCleanupRun {
			level -= 60 * gib // an admin purges a large folder tree
		}
		reading := level + rng.NormFloat64()*sc.Noise
		if rng.Intn(400) == 0 {
			reading += 20 * gib // a big temporary file caught by one run
		}
		h.Add(now, reading, diskLimits)
	}
	return h, now, level
}

func within(t *testing.T, name string, got, want time.Duration, tol float64) {
	t.Helper()
	if err := math.Abs(float64(got-want)) / float64(want); err > tol {
		t.Errorf("%s: predicted %v, true %v: off by %.1f%% (> %.0f%%)", name, got.Round(time.Hour), want.Round(time.Hour), 100*err, 100*tol)
	} else {
		t.Logf("%s: predicted %v, true %v: off by %.2f%%", name, got.Round(time.Minute), want.Round(time.Minute), 100*err)
	}
}

// TestRecordedHistoryPredictsTimeToFull is the "done when": a
// recorded history with a steady fill rate, noise and cleanup drops gives a
// time to full within 10% of the true one.
func TestRecordedHistoryPredictsTimeToFull(t *testing.T) {
	path := filepath.Join("testdata", "recorded_fill.json")
	if *update {
		sc := fillScenario{Seed: 11, Start: 1795000000, Days: 10, Interval: 300,
			StartUsed: 1500 * gib, RatePerHour: 0.25 * gib, Noise: 0.3 * gib, Limit: 0.9 * 2048 * gib}
		h, now, level := sc.record()
		b, err := json.MarshalIndent(recording{Scenario: sc, Now: now.Unix(), TrueLevel: level, History: *h}, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rec recording
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.History.Samples); n < 400 || n > diskLimits.MaxSamples {
		t.Fatalf("recorded history has %d samples, want a bounded week of them", n)
	}
	now := time.Unix(rec.Now, 0)
	fit, err := rec.History.Fit(now, diskFit)
	if err != nil {
		t.Fatal(err)
	}
	sc := rec.Scenario
	truth := time.Duration((sc.Limit - rec.TrueLevel) / sc.RatePerHour * float64(time.Hour))
	got, ok := fit.TimeTo(sc.Limit)
	if !ok {
		t.Fatalf("no prediction: %+v", fit)
	}
	within(t, "recorded", got, truth, 0.10)
	if fit.Drops < 5 {
		t.Errorf("found %d cleanups, want the nightly ones and the big one", fit.Drops)
	}
	if r := fit.PerHour() / sc.RatePerHour; r < 0.95 || r > 1.05 {
		t.Errorf("rate %.3f GiB/h, true %.3f", fit.PerHour()/gib, sc.RatePerHour/gib)
	}
}

// TestPredictionAcrossScenarios varies the seed, the noise and the rate.
func TestPredictionAcrossScenarios(t *testing.T) {
	tests := []struct {
		name  string
		seed  int64
		rate  float64 // GiB per hour
		noise float64 // GiB
		start float64 // GiB
		every int64   // seconds between runs
	}{
		{"quiet, 5 min runs", 1, 0.25, 0.05, 1500, 300},
		{"noisy, 5 min runs", 2, 0.25, 1.0, 1500, 300},
		{"slow fill, hourly runs", 3, 0.05, 0.2, 1700, 3600},
		{"fast fill, 1 min runs", 4, 1.5, 0.5, 1000, 60},
		{"nearly full", 5, 0.25, 0.3, 1800, 600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := fillScenario{Seed: tt.seed, Start: 1795000000, Days: 9, Interval: tt.every,
				StartUsed: tt.start * gib, RatePerHour: tt.rate * gib, Noise: tt.noise * gib, Limit: 0.9 * 2048 * gib}
			h, now, level := sc.record()
			fit, err := h.Fit(now, diskFit)
			if err != nil {
				t.Fatal(err)
			}
			truth := time.Duration((sc.Limit - level) / sc.RatePerHour * float64(time.Hour))
			got, ok := fit.TimeTo(sc.Limit)
			if !ok {
				t.Fatalf("no prediction: %+v", fit)
			}
			within(t, tt.name, got, truth, 0.10)
		})
	}
}

func TestFitWithoutCleanupsFollowsANetDecrease(t *testing.T) {
	// A queue: 400 messages waiting, then drained. Without Cleanups the
	// drain is part of the trend.
	h := &History{}
	t0 := time.Unix(1795000000, 0)
	for i := 0; i <= 30; i++ {
		v := 400.0
		if i > 20 {
			v = 0
		}
		h.Add(t0.Add(time.Duration(i)*time.Minute), v, Limits{MaxSamples: 100, MaxAge: time.Hour})
	}
	now := t0.Add(30 * time.Minute)
	f, err := h.Fit(now, Options{Window: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if f.Slope > 0 {
		t.Errorf("slope %v for a queue that drained, want <= 0", f.Slope)
	}
	// With Cleanups the drain is a cut and the flat parts give 0.
	f, _ = h.Fit(now, Options{Window: 30 * time.Minute, Cleanups: true})
	if f.Slope != 0 || f.Drops != 1 || f.Level != 0 {
		t.Errorf("with cleanups: %+v", f)
	}
}

func TestSteadyGrowthGivesExactRateAndLevel(t *testing.T) {
	h := &History{}
	t0 := time.Unix(1795000000, 0)
	for i := 0; i <= 6; i++ {
		h.Add(t0.Add(time.Duration(i)*5*time.Minute), 120+60*float64(i), Limits{MaxSamples: 60, MaxAge: time.Hour})
	}
	now := t0.Add(30 * time.Minute)
	f, err := h.Fit(now, Options{Window: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if f.PerHour() != 720 || f.Level != 480 || f.First.Value != 120 || f.Last.Value != 480 || f.Span() != 30*time.Minute {
		t.Errorf("fit %+v, per hour %v", f, f.PerHour())
	}
	for _, tc := range []struct {
		limit float64
		want  time.Duration
		ok    bool
	}{
		{600, 10 * time.Minute, true},
		{480, 0, true},
		{100, 0, true},
	} {
		got, ok := f.TimeTo(tc.limit)
		if got != tc.want || ok != tc.ok {
			t.Errorf("TimeTo(%v) = %v %v, want %v %v", tc.limit, got, ok, tc.want, tc.ok)
		}
	}
}

func TestTimeToNeverWhenFlatOrFalling(t *testing.T) {
	for _, slope := range []float64{0, -1, math.NaN(), 1e-300} {
		if d, ok := (Fit{Level: 10, Slope: slope}).TimeTo(20); ok {
			t.Errorf("slope %v: TimeTo = %v, true; want never", slope, d)
		}
	}
}

func TestFitNeedsEnoughHistory(t *testing.T) {
	t0 := time.Unix(1795000000, 0)
	h := &History{}
	if _, err := h.Fit(t0, Options{}); !errors.Is(err, ErrTooFew) {
		t.Errorf("empty: %v", err)
	}
	lim := Limits{MaxSamples: 60, MaxAge: time.Hour}
	h.Add(t0, 1, lim)
	h.Add(t0.Add(time.Minute), 2, lim)
	h.Add(t0.Add(2*time.Minute), 3, lim)
	if _, err := h.Fit(t0.Add(2*time.Minute), Options{MinSpan: 10 * time.Minute}); !errors.Is(err, ErrTooFew) {
		t.Errorf("short span: %v", err)
	}
	if _, err := h.Fit(t0.Add(2*time.Minute), Options{MinSamples: 4}); !errors.Is(err, ErrTooFew) {
		t.Errorf("few samples: %v", err)
	}
	if _, err := h.Fit(t0.Add(2*time.Minute), Options{}); err != nil {
		t.Errorf("enough: %v", err)
	}
	// A steady decrease is a trend, not a series of cleanups.
	d := &History{Samples: []Sample{{1, 30}, {2, 20}, {3, 10}}}
	if f, err := d.Fit(time.Unix(3, 0), Options{Cleanups: true}); err != nil || f.Drops != 0 || f.Slope != -10 {
		t.Errorf("steady decrease: %+v %v", f, err)
	}
}

func TestAddKeepsHistoryBounded(t *testing.T) {
	lim := Limits{MaxSamples: 48, MaxAge: 24 * time.Hour} // spacing 30m
	h := &History{}
	t0 := time.Unix(1795000000, 0)
	for i := 0; i < 3*24*60; i++ { // three days of runs every minute
		h.Add(t0.Add(time.Duration(i)*time.Minute), float64(i), lim)
		if len(h.Samples) > lim.MaxSamples {
			t.Fatalf("run %d: %d samples > %d", i, len(h.Samples), lim.MaxSamples)
		}
	}
	now := t0.Add(time.Duration(3*24*60-1) * time.Minute)
	last, _ := h.Last()
	if last.Time != now.Unix() || last.Value != 3*24*60-1 {
		t.Errorf("newest sample %+v is not the last reading", last)
	}
	if first := h.Samples[0]; now.Sub(first.T()) > lim.MaxAge {
		t.Errorf("oldest sample %v older than MaxAge", now.Sub(first.T()))
	}
	for i := 1; i < len(h.Samples)-1; i++ {
		if gap := h.Samples[i].Time - h.Samples[i-1].Time; gap < 1800 {
			t.Fatalf("samples %d and %d only %ds apart", i-1, i, gap)
		}
	}
}

func TestAddDropsSamplesFromTheFuture(t *testing.T) {
	h := &History{Samples: []Sample{{100, 1}, {200, 2}, {300, 3}}}
	h.Add(time.Unix(250, 0), 9, Limits{MaxAge: time.Hour, MaxSamples: 1000})
	want := []Sample{{100, 1}, {200, 2}, {250, 9}}
	if !reflect.DeepEqual(h.Samples, want) {
		t.Errorf("after the clock went back: %v, want %v", h.Samples, want)
	}
	h.Add(time.Unix(260, 0), math.NaN(), Limits{})
	if len(h.Samples) != 3 {
		t.Errorf("NaN was recorded: %v", h.Samples)
	}
}

func TestDecodeRepairs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Sample
		err  bool
	}{
		{"empty", `{"version":1,"samples":[]}`, []Sample{}, false},
		{"ordered", `{"version":1,"samples":[[1,2],[3,4.5]]}`, []Sample{{1, 2}, {3, 4.5}}, false},
		{"unsorted and duplicate", `{"version":1,"samples":[[5,1],[3,2],[5,7]]}`, []Sample{{3, 2}, {5, 7}}, false},
		{"before 1970", `{"version":1,"samples":[[-5,1],[0,2],[9,3]]}`, []Sample{{9, 3}}, false},
		{"newer version", `{"version":2,"samples":[]}`, nil, true},
		{"no version", `{"samples":[[1,2]]}`, nil, true},
		{"short sample", `{"version":1,"samples":[[1]]}`, nil, true},
		{"fractional time", `{"version":1,"samples":[[1.5,2]]}`, nil, true},
		{"huge value", `{"version":1,"samples":[[1,1e999]]}`, nil, true},
		{"string value", `{"version":1,"samples":[[1,"x"]]}`, nil, true},
		{"not json", `{"version":1,`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := Decode([]byte(tt.in))
			if tt.err {
				if err == nil {
					t.Fatalf("want an error, got %v", h.Samples)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Samples) != len(tt.want) || len(tt.want) > 0 && !reflect.DeepEqual(h.Samples, tt.want) {
				t.Errorf("got %v, want %v", h.Samples, tt.want)
			}
		})
	}
}

func TestDecodeCapsSampleCount(t *testing.T) {
	h := History{}
	for i := 1; i <= MaxStoredSamples+100; i++ {
		h.Samples = append(h.Samples, Sample{int64(i), float64(i)})
	}
	b, _ := json.Marshal(h)
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Samples) != MaxStoredSamples || got.Samples[0].Time != 101 {
		t.Errorf("kept %d samples from %d", len(got.Samples), got.Samples[0].Time)
	}
}

func TestLoadSaveAndCorruptFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	name := state.Key("check_x", "primary", "/store")
	h, err := Load(dir, name)
	if err != nil || len(h.Samples) != 0 {
		t.Fatalf("no file yet: %v %v", h, err)
	}
	h.Add(time.Unix(1795000000, 0), 42, Limits{})
	if err := Save(dir, name, h); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir, name)
	if err != nil || !reflect.DeepEqual(got.Samples, h.Samples) {
		t.Fatalf("round trip: %v %v", got, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(`{"version":1,"samples":[[1,`), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err = Load(dir, name)
	if !IsCorrupt(err) || got == nil || len(got.Samples) != 0 {
		t.Errorf("corrupt file: %v %v", got, err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"version":1,"samples":[[1795000000,1.5],[1795000300,2]]}`))
	f.Add([]byte(`{"version":1,"samples":[[5,1],[3,2],[5,7],[-1,0]]}`))
	f.Add([]byte(`{"version":1,"samples":[[1,1e308],[2,-1e308]]}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := Decode(b)
		if err != nil {
			return
		}
		if len(h.Samples) > MaxStoredSamples {
			t.Fatalf("%d samples kept", len(h.Samples))
		}
		for i, s := range h.Samples {
			if s.Time <= 0 || math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
				t.Fatalf("sample %d invalid: %+v", i, s)
			}
			if i > 0 && h.Samples[i-1].Time >= s.Time {
				t.Fatalf("samples not strictly ordered at %d: %v", i, h.Samples)
			}
		}
		// Whatever was read, fitting and predicting must not panic.
		now := time.Unix(1<<40, 0)
		if last, ok := h.Last(); ok {
			now = last.T()
		}
		for _, o := range []Options{{}, {Cleanups: true}, {Window: time.Hour, Cleanups: true, MinSamples: 2}} {
			if fit, err := h.Fit(now, o); err == nil {
				fit.TimeTo(1e12)
			}
		}
		h.Add(now.Add(time.Minute), 1, Limits{})
		// What Decode accepted, Save writes and Decode reads back.
		b2, err := json.Marshal(h)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if _, err := Decode(b2); err != nil {
			t.Fatalf("re-decode %s: %v", b2, err)
		}
	})
}

// BenchmarkFitWeek is a disk history at its bound: 504 samples, a week.
func BenchmarkFitWeek(b *testing.B) {
	sc := fillScenario{Seed: 3, Start: 1795000000, Days: 8, Interval: 1200,
		StartUsed: 1500 * gib, RatePerHour: 0.25 * gib, Noise: 0.3 * gib, Limit: 0.9 * 2048 * gib}
	h, now, _ := sc.record()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := h.Fit(now, diskFit); err != nil {
			b.Fatal(err)
		}
	}
}
