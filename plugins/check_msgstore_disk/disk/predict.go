package disk

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/trend"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// predictOptions are check_msgstore_disk's time-to-full options, embedded
// in its options.
type predictOptions struct {
	state.Option
	Predict         bool           `long:"predict" description:"keep a history of the used space of each file system in --state-dir and report the time until it is full (implied by --predict-warning and --predict-critical)"`
	PredictWarning  units.Duration `long:"predict-warning" value-name:"DURATION" description:"warn when, at the current rate, a file system will reach the critical threshold (-c) or, for a partition, stored's lock threshold within this time, e.g. 7d (default: off)"`
	PredictCritical units.Duration `long:"predict-critical" value-name:"DURATION" description:"critical when that moment is nearer than this, e.g. 2d (default: off)"`
	PredictWindow   predictWindow  `long:"predict-window" value-name:"DURATION" default:"7d" description:"the history the rate is estimated from; a prediction needs 6 runs over a quarter of it (6h at most)"`
	// The names of the time-to-full limits before the options followed one scheme.
	PredictWarn units.Duration `long:"predict-warn" hidden:"true" alias-of:"predict-warning"`
	PredictCrit units.Duration `long:"predict-crit" hidden:"true" alias-of:"predict-critical"`
}

func (p *predictOptions) enabled() bool {
	return p.Predict || p.PredictWarning > 0 || p.PredictCritical > 0
}

// predictWindow is --predict-window: at least an hour.
type predictWindow struct{ units.Duration }

func (w *predictWindow) UnmarshalFlag(s string) error {
	if err := w.Duration.UnmarshalFlag(s); err != nil {
		return err
	}
	if w.D() < time.Hour {
		return fmt.Errorf("must be at least 1h")
	}
	return nil
}

// Bounds of a file system's history: a week at the default window, a
// sample every 20 minutes at most, so a state file stays near 10 KiB.
const predictSamples = 504

// predictFit: the rate is the fill rate between cleanups (expunge, purges,
// log removal free space at once and are left out of the slope, see
// trend.History.Fit), fitted on at least 6 runs.
func predictFit(window time.Duration) trend.Options {
	return trend.Options{Window: window, Cleanups: true, MinSamples: 6, MinSpan: min(window/4, 6*time.Hour)}
}

// predict records the used space of each file system measured in this run,
// estimates from its history when it will be full and reports it: one line
// and an hours_to_full perfdata item per file system. "Full" is the nearer
// of the critical threshold (-c) and, for a file system that holds a
// partition, stored's lock threshold (lockAt, 0 when stored does not
// lock).
func predict(env *plugin.Env, res *plugin.Result, fss []*filesystem, po *predictOptions, crit freeThreshold, lockAt float64) {
	if !po.enabled() {
		return
	}
	if err := po.Resolve(env.Getenv); err != nil {
		for _, f := range fss {
			predictionUnavailable(res, f, err)
		}
		return
	}
	window := po.PredictWindow.D()
	for _, f := range fss {
		paths := make([]string, len(f.named()))
		for i, t := range f.named() {
			paths[i] = t.path
		}
		name := state.KeyFor(env.Invoker, "check_msgstore_disk", f.label(), paths...)
		env.Stage("reading state %s", po.StateDir)
		h, err := trend.Load(po.StateDir, name)
		switch {
		case trend.IsCorrupt(err):
			res.Add(plugin.OK, "%s: the space history was unreadable and has been started anew (%v)", f.label(), err)
		case err != nil:
			predictionUnavailable(res, f, err)
			continue
		}
		h.Add(env.Now, float64(f.usage.Used()), trend.Limits{MaxSamples: predictSamples, MaxAge: window})
		env.Stage("writing state %s", po.StateDir)
		if err := trend.Save(po.StateDir, name, h); err != nil {
			predictionUnavailable(res, f, err)
			continue
		}
		reportPrediction(env, res, f, h, po, crit, lockAt)
	}
}

// predictionUnavailable: the user asked for a prediction that cannot be
// made, which is not OK.
func predictionUnavailable(res *plugin.Result, f *filesystem, err error) {
	res.Add(plugin.UNKNOWN, "%s: cannot keep the space history (%v): no prediction; give a writable --state-dir", f.label(), err)
}

// fullAt is one limit the used space can reach.
type fullAt struct {
	what  string  // "critical threshold 10% free"
	bytes float64 // used bytes at the limit
}

// limitsOf are the limits that apply to a file system, nearest first.
func limitsOf(f *filesystem, crit freeThreshold, lockAt float64) []fullAt {
	basis := f.usage.Basis()
	var out []fullAt
	if free := crit.freeBytes(basis); free <= basis {
		out = append(out, fullAt{"critical threshold " + crit.String() + " free", float64(basis - free)})
	}
	if lockAt > 0 && f.hasPartition() {
		out = append(out, fullAt{"stored's lock at " + strconv.FormatFloat(lockAt, 'f', -1, 64) + "% used", float64(basis) * lockAt / 100})
	}
	if len(out) == 2 && out[1].bytes < out[0].bytes {
		out[0], out[1] = out[1], out[0]
	}
	return out
}

func reportPrediction(env *plugin.Env, res *plugin.Result, f *filesystem, h *trend.History, po *predictOptions, crit freeThreshold, lockAt float64) {
	window := po.PredictWindow.D()
	fit, err := h.Fit(env.Now, predictFit(window))
	if err != nil {
		need := predictFit(window)
		res.Add(plugin.OK, "%s: time to full after more history (%s over %s so far; needs %d over %s)",
			f.label(), predictPlural(runsWithin(h, env.Now, window), "run", "runs"), units.FormatAge(spanWithin(h, env.Now, window)), need.MinSamples, units.FormatAge(need.MinSpan))
		return
	}
	limits := limitsOf(f, crit, lockAt)
	if len(limits) == 0 {
		return // -c 0%: nothing to reach
	}
	rate := predictRate(fit.Slope)
	first := limits[0]
	d, ok := fit.TimeTo(first.bytes)
	if !ok {
		res.Add(plugin.OK, "%s: not filling (%s over the last %s)", f.label(), rate, units.FormatAge(fit.Span()))
		return
	}
	hours := plugin.NewPerf(f.label()+"_hours_to_full", math.Round(d.Hours()*10)/10, "").Bounds(0, math.NaN())
	hours.Warn, hours.Crit = hoursRange(po.PredictWarning), hoursRange(po.PredictCritical)
	res.AddPerf(hours)
	if d == 0 {
		// The space check reports it already; a prediction adds nothing.
		res.Add(plugin.OK, "%s: past the %s already (%s)", f.label(), first.what, rate)
		return
	}
	status := plugin.OK
	switch {
	case po.PredictCritical > 0 && d < po.PredictCritical.D():
		status = plugin.CRITICAL
	case po.PredictWarning > 0 && d < po.PredictWarning.D():
		status = plugin.WARNING
	}
	text := fmt.Sprintf("%s full in %s at the current rate (%s, %s", f.label(), units.FormatAge(d), rate, first.what)
	if len(limits) > 1 {
		if d2, ok := fit.TimeTo(limits[1].bytes); ok {
			text += fmt.Sprintf(", %s in %s", limits[1].what, units.FormatAge(d2))
		}
	}
	text += ")"
	if fit.Drops > 0 {
		text += fmt.Sprintf(", %s left out", predictPlural(fit.Drops, "cleanup", "cleanups"))
	}
	if status != plugin.OK {
		limit := po.PredictWarning
		if status == plugin.CRITICAL {
			limit = po.PredictCritical
		}
		text += fmt.Sprintf(", %s within %s", predictStatusWord(status), units.FormatAge(limit.D()))
	}
	res.Add(status, "%s", text)
}

// hoursRange is a --predict-* limit as a perfdata range: alert below it.
func hoursRange(d units.Duration) string {
	if d <= 0 {
		return ""
	}
	return strconv.FormatFloat(math.Round(d.D().Hours()*10)/10, 'f', -1, 64) + ":"
}

// predictRate is "+2.1 GiB/day".
func predictRate(bytesPerSecond float64) string {
	perDay := bytesPerSecond * 86400
	sign := "+"
	if perDay < 0 {
		sign = "-"
	}
	return sign + units.FormatBytes(uint64(math.Abs(perDay))) + "/day"
}

func predictStatusWord(s plugin.Status) string {
	if s == plugin.CRITICAL {
		return "critical"
	}
	return "warning"
}

func predictPlural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func runsWithin(h *trend.History, now time.Time, window time.Duration) int {
	n := 0
	for _, s := range h.Samples {
		if !s.T().Before(now.Add(-window)) && !s.T().After(now) {
			n++
		}
	}
	return n
}

func spanWithin(h *trend.History, now time.Time, window time.Duration) time.Duration {
	var first, last time.Time
	for _, s := range h.Samples {
		if t := s.T(); !t.Before(now.Add(-window)) && !t.After(now) {
			if first.IsZero() {
				first = t
			}
			last = t
		}
	}
	return last.Sub(first)
}
