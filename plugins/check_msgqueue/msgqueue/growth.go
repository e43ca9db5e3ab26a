package msgqueue

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/trend"
	"github.com/msgstore-plugins/msgstore/lib/units"
	"github.com/msgstore-plugins/msgstore/lib/words"
)

// growthState is the state file: the history of waiting messages of each
// growth channel.
type growthState struct {
	Channels map[string]*trend.History `json:"channels"`
}

// maxGrowthSamples bounds each channel's history; with the history kept
// for twice the window, a 30m window keeps a sample every 30s at most.
const maxGrowthSamples = 120

func growthLimits(window time.Duration) trend.Limits {
	return trend.Limits{MaxSamples: maxGrowthSamples, MaxAge: 2 * window}
}

// checkGrowth records this run's counts of the growth channels, fits their
// trend over the window and reports channels that keep growing.
func checkGrowth(env *plugin.Env, res *plugin.Result, chans []*channel, queue string, o *options) []plugin.Finding {
	if err := o.Resolve(env.Getenv); err != nil {
		return growthUnavailable(res, err)
	}
	dir := o.StateDir
	name := state.KeyFor(env.Invoker, "check_msgqueue", "growth", queue)
	env.Stage("reading state %s", dir)
	st := growthState{}
	_, err := state.Load(dir, name, &st)
	switch {
	case errors.Is(err, state.ErrCorrupt):
		res.Add(plugin.OK, "queue history was unreadable and has been started anew (%v)", err)
		st = growthState{}
	case err != nil:
		return growthUnavailable(res, err)
	}
	window := o.GrowthWindow.D()
	counts := map[string]*channel{}
	for _, c := range chans {
		counts[c.Name] = c
	}
	next := growthState{Channels: map[string]*trend.History{}}
	var found []plugin.Finding
	for _, ch := range o.GrowthChannels {
		c, ok := counts[ch]
		if !ok || c.Err != nil {
			continue // ignored with --ignore-channel, or unreadable (already UNKNOWN)
		}
		h := st.Channels[ch]
		if h == nil {
			h = &trend.History{}
		}
		h.Add(env.Now, float64(c.Messages), growthLimits(window))
		next.Channels[ch] = h
		if f, ok := evaluateGrowth(env, res, ch, h, window, o); ok {
			found = append(found, f)
		}
	}
	env.Stage("writing state %s", dir)
	if err := state.Save(dir, name, next); err != nil {
		return append(found, growthUnavailable(res, err)...)
	}
	return found
}

func growthUnavailable(res *plugin.Result, err error) []plugin.Finding {
	text := fmt.Sprintf("cannot keep the queue history (%v): growth not checked; give a writable --state-dir or --no-growth", err)
	res.Add(plugin.UNKNOWN, "%s", text)
	return []plugin.Finding{{Status: plugin.UNKNOWN, Short: "cannot keep the queue history: growth not checked"}}
}

// evaluateGrowth fits one channel's history. A channel grows when, over the
// window, the fitted rate adds at least --growth-warning messages AND it
// still holds at least half that many more than at the window's start: a
// queue that has since drained is not growing, whatever its slope was.
func evaluateGrowth(env *plugin.Env, res *plugin.Result, ch string, h *trend.History, window time.Duration, o *options) (plugin.Finding, bool) {
	// A few runs over a third of the window (15m at most, so that a long
	// window does not delay the first verdict for hours) make a trend.
	minSpan := min(window/3, 15*time.Minute)
	fit, err := h.Fit(env.Now, trend.Options{Window: window, MinSamples: 3, MinSpan: minSpan})
	if err != nil {
		res.Add(plugin.OK, "%s growth: collecting history (%s so far; needs 3 runs spanning at least %s of the last %s)",
			ch, words.Count(runsIn(h, env.Now, window), "run"), units.FormatAge(minSpan), units.FormatAge(window))
		return plugin.Finding{}, false
	}
	span := fit.Span()
	rise := fit.Slope * span.Seconds()
	net := fit.Last.Value - fit.First.Value
	res.AddPerf(plugin.NewPerf(ch+"_growth_per_hour", math.Round(fit.PerHour()*10)/10, ""))
	status := plugin.OK
	switch {
	case o.GrowthCritical > 0 && rise >= o.GrowthCritical && net >= o.GrowthCritical/2:
		status = plugin.CRITICAL
	case rise >= o.GrowthWarning && net >= o.GrowthWarning/2:
		status = plugin.WARNING
	}
	words := fmt.Sprintf("%s queue growing: %.0f -> %.0f messages in %s", ch, fit.First.Value, fit.Last.Value, units.FormatAge(span))
	rate := fmt.Sprintf("%+.0f/h over the last %s", fit.PerHour(), units.FormatAge(span))
	if status == plugin.OK {
		res.Add(plugin.OK, "%s growth: %s (%.0f -> %.0f messages)", ch, rate, fit.First.Value, fit.Last.Value)
		return plugin.Finding{}, false
	}
	hint := ""
	if ch == "ims-ms" {
		hint = "; the message store is not taking mail in: check stored, the partitions' free space and imsimta qm"
	}
	limit := o.GrowthWarning
	if status == plugin.CRITICAL {
		limit = o.GrowthCritical
	}
	res.Add(status, "%s (%s, %s at %.0f messages)%s", words, rate, strings.ToLower(status.String()), limit, hint)
	return plugin.Finding{Status: status, Short: words}, true
}

// runsIn counts the samples of the window (for "collecting history").
func runsIn(h *trend.History, now time.Time, window time.Duration) int {
	n := 0
	for _, s := range h.Samples {
		if !s.T().Before(now.Add(-window)) && !s.T().After(now) {
			n++
		}
	}
	return n
}
