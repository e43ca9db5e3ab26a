package dblogs

import (
	"errors"
	"fmt"
	"math"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/trend"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// rateOptions turn on the accumulation rate: a history of the
// log count in --state-dir and its trend. Off by default, so that a plain
// check writes nothing anywhere.
type rateOptions struct {
	state.Option
	Rate         bool           `long:"rate" description:"keep a history of the log count in --state-dir and report the rate at which log files accumulate (implied by --rate-warning/--rate-critical)"`
	RateWarning  float64        `long:"rate-warning" value-name:"PER_HOUR" description:"warn when log files accumulate faster than this many per hour over --rate-window (default: the rate does not alert)"`
	RateCritical float64        `long:"rate-critical" value-name:"PER_HOUR" description:"critical when they accumulate faster than this (default: the rate does not alert)"`
	RateWindow   units.Duration `long:"rate-window" value-name:"DURATION" default:"6h" description:"the history the rate is fitted over; a rate needs 3 runs spanning a sixth of it"`
}

func (r rateOptions) enabled() bool { return r.Rate || r.RateWarning > 0 || r.RateCritical > 0 }

// rateState is the state file: the history of the number of log files.
type rateState struct {
	Logs *trend.History `json:"logs"`
}

// maxRateSamples bounds the history (kept for twice the window).
const maxRateSamples = 240

// reportRate records this run's count and reports the fitted rate. Log
// cleanup makes the count fall; that is news (the build-up is being
// resolved), so falls are part of the trend, not cut out as cleanups.
func reportRate(env *plugin.Env, res *plugin.Result, sum *summary, o *options, dir string, n int) {
	window := o.RateWindow.D()
	if err := o.Resolve(env.Getenv); err != nil {
		rateUnavailable(res, sum, err)
		return
	}
	name := state.KeyFor(env.Invoker, "check_dblogs", "rate", dir)
	env.Stage("reading state %s", o.StateDir)
	st := rateState{}
	if _, err := state.Load(o.StateDir, name, &st); errors.Is(err, state.ErrCorrupt) {
		res.Add(plugin.OK, "log count history was unreadable and has been started anew (%v)", err)
	} else if err != nil {
		rateUnavailable(res, sum, err)
		return
	}
	if st.Logs == nil {
		st.Logs = &trend.History{}
	}
	st.Logs.Add(env.Now, float64(n), trend.Limits{MaxSamples: maxRateSamples, MaxAge: 2 * window})
	env.Stage("writing state %s", o.StateDir)
	if err := state.Save(o.StateDir, name, st); err != nil {
		rateUnavailable(res, sum, err)
		return
	}
	minSpan := window / 6
	fit, err := st.Logs.Fit(env.Now, trend.Options{Window: window, MinSamples: 3, MinSpan: minSpan})
	if err != nil {
		res.Add(plugin.OK, "accumulation rate: collecting history (needs 3 runs over at least %s of the last %s)", units.FormatAge(minSpan), units.FormatAge(window))
		return
	}
	perHour := fit.PerHour()
	p := plugin.NewPerf("logs_per_hour", math.Round(perHour*100)/100, "")
	status, limit := plugin.OK, ""
	switch {
	case o.RateCritical > 0 && perHour > o.RateCritical:
		status, limit = plugin.CRITICAL, fmt.Sprintf(" (critical %g/h)", o.RateCritical)
	case o.RateWarning > 0 && perHour > o.RateWarning:
		status, limit = plugin.WARNING, fmt.Sprintf(" (warning %g/h)", o.RateWarning)
	}
	if o.RateWarning > 0 {
		p.Warn = fmt.Sprintf("~:%g", o.RateWarning)
	}
	if o.RateCritical > 0 {
		p.Crit = fmt.Sprintf("~:%g", o.RateCritical)
	}
	res.AddPerf(p)
	words := fmt.Sprintf("log files accumulating at %+.1f/h%s over the last %s (%.0f -> %.0f)",
		perHour, limit, units.FormatAge(fit.Span()), fit.First.Value, fit.Last.Value)
	if perHour <= 0 {
		words = fmt.Sprintf("log files not accumulating (%+.1f/h over the last %s, %.0f -> %.0f)",
			perHour, units.FormatAge(fit.Span()), fit.First.Value, fit.Last.Value)
	}
	res.Add(status, "%s", words)
	if status != plugin.OK {
		sum.rate = fmt.Sprintf("accumulating at %+.1f/h%s", perHour, limit)
	}
}

// rateUnavailable: a rate that was asked for and cannot be kept is not OK.
func rateUnavailable(res *plugin.Result, sum *summary, err error) {
	res.Add(plugin.UNKNOWN, "cannot keep the log count history (%v): rate not checked; give a writable --state-dir", err)
	sum.rate = "rate not checked: state dir unusable"
}
