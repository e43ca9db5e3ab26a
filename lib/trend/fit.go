package trend

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"
)

// Options tune Fit.
type Options struct {
	// Window: only samples taken in the last Window before now count
	// (0: the whole history).
	Window time.Duration
	// Cleanups makes Fit treat a sudden large decrease (an expunge, a
	// cleanup, a purge of old logs) as a one-off event rather than part
	// of the trend: samples before and after it are never compared, so
	// the slope is the fill rate between cleanups. Use it for space used;
	// leave it off where a decrease is the news (a queue that drains).
	Cleanups bool
	// MinDrop is the least decrease between two consecutive samples that
	// counts as a cleanup (with Cleanups). The effective threshold is the
	// larger of MinDrop and DropNoise times the noise of the steps, so a
	// noisy series is not cut at every dip.
	MinDrop float64
	// MinSamples is the least number of samples in the window (default 3).
	MinSamples int
	// MinSpan is the least time the samples in the window must cover.
	MinSpan time.Duration
}

// DropNoise: with Cleanups, a decrease counts as a cleanup only when it is
// larger than this many robust standard deviations of the step between
// consecutive samples.
const DropNoise = 6

// maxFitSamples bounds the O(n^2) pairwise slopes (n^2/2 = 512k pairs).
const maxFitSamples = 1024

// ErrTooFew means the window holds too little history to fit a trend yet.
var ErrTooFew = errors.New("not enough history")

// Fit is an estimated trend.
type Fit struct {
	Now     time.Time
	Slope   float64 // value units per second
	Level   float64 // the value the trend gives for Now
	Samples int     // samples in the window
	Drops   int     // decreases treated as cleanups
	First   Sample  // oldest sample in the window
	Last    Sample  // newest sample in the window
}

// PerHour is the slope in value units per hour.
func (f Fit) PerHour() float64 { return f.Slope * 3600 }

// Span is the time the samples in the window cover.
func (f Fit) Span() time.Duration { return time.Duration(f.Last.Time-f.First.Time) * time.Second }

// TimeTo estimates how long until the trend reaches limit from below. ok is
// false when it never does at the current rate (flat or falling). A level
// already at or past the limit gives 0.
func (f Fit) TimeTo(limit float64) (time.Duration, bool) {
	if f.Level >= limit {
		return 0, true
	}
	if !(f.Slope > 0) {
		return 0, false
	}
	secs := (limit - f.Level) / f.Slope
	if secs > float64(math.MaxInt64/int64(time.Second)) {
		return 0, false // centuries away: as good as never
	}
	return time.Duration(secs * float64(time.Second)), true
}

// Fit estimates the trend of the samples in the window ending at now.
//
// The slope is a Theil-Sen estimate: the median of the slopes between every
// pair of samples, weighted by the time between the two (Sievers' weighted
// form, so that two samples a minute apart, whose slope is mostly noise,
// weigh less than two a day apart). A median ignores up to about a third of
// wild pairs, where a least-squares line follows every outlier; unlike "the
// last two samples" it uses the whole window. With Options.Cleanups, pairs
// that straddle a cleanup are left out, so freed space neither flattens the
// slope nor turns it negative, and the level is taken from the samples
// after the last cleanup.
//
// The level at now is the median of each sample projected to now along
// the slope (within the last segment), which a single odd reading does not
// move.
//
// Why this and not a least-squares line over the samples since the last
// cleanup: after a nightly expunge only a few hours remain, and a line
// through them swings with every noisy reading; comparing samples only
// within the spans between cleanups uses the whole window and needs no
// guess of how long a span must be. Limits: a cleanup smaller than about
// three times the noise of one reading cannot be told from noise and is
// taken as part of the trend (it lowers the rate); where regular cleanups
// balance the growth, the fill rate between them predicts a fill that
// never comes: the estimate errs early, on the safe side. With a steady
// fill rate, noise and cleanups the time to a limit comes within 10% (see
// TestRecordedHistoryPredictsTimeToFull).
func (h *History) Fit(now time.Time, o Options) (Fit, error) {
	if o.MinSamples < 2 {
		o.MinSamples = 3
	}
	s := h.window(now, o.Window)
	if len(s) > maxFitSamples {
		s = thin(s, maxFitSamples)
	}
	if len(s) < o.MinSamples {
		return Fit{}, fmt.Errorf("%w: %d samples, need %d", ErrTooFew, len(s), o.MinSamples)
	}
	f := Fit{Now: now, Samples: len(s), First: s[0], Last: s[len(s)-1]}
	if f.Span() < o.MinSpan || f.Span() <= 0 {
		return Fit{}, fmt.Errorf("%w: %d samples over %s, need %s", ErrTooFew, len(s), shortDur(f.Span()), shortDur(o.MinSpan))
	}
	segs := [][]Sample{s}
	if o.Cleanups {
		segs = splitAtDrops(withoutSpikes(s), o.MinDrop)
		f.Drops = len(segs) - 1
	}
	slope, ok := weightedTheilSen(segs)
	if !ok {
		return Fit{}, fmt.Errorf("%w: no two samples between cleanups", ErrTooFew)
	}
	f.Slope = slope
	f.Level = levelAt(segs[len(segs)-1], slope, now.Unix())
	return f, nil
}

// window returns the samples in (now-w, now]; all up to now when w is 0.
func (h *History) window(now time.Time, w time.Duration) []Sample {
	end := now.Unix()
	start := int64(math.MinInt64)
	if w > 0 {
		start = now.Add(-w).Unix()
	}
	var out []Sample
	for _, s := range h.Samples {
		if s.Time >= start && s.Time <= end {
			out = append(out, s)
		}
	}
	return out
}

// thin keeps n samples spread evenly, always the first and the last.
func thin(s []Sample, n int) []Sample {
	out := make([]Sample, 0, n)
	step := float64(len(s)-1) / float64(n-1)
	for i := 0; i < n; i++ {
		out = append(out, s[int(math.Round(float64(i)*step))])
	}
	return out
}

// stepNoise is the robust standard deviation of the steps between
// consecutive samples (MAD scaled to a normal sigma) and their median.
func stepNoise(s []Sample) (sigma, med float64) {
	if len(s) < 2 {
		return 0, 0
	}
	steps := make([]float64, len(s)-1)
	for i := 1; i < len(s); i++ {
		steps[i-1] = s[i].Value - s[i-1].Value
	}
	med = median(append([]float64(nil), steps...))
	for i, d := range steps {
		steps[i] = math.Abs(d - med)
	}
	return 1.4826 * median(steps), med
}

// withoutSpikes drops single readings far above or below both neighbours
// (a large temporary file caught by one run, a half-mounted file system):
// they are neither trend nor cleanup. The first and the last sample stay:
// the last is the reading of this run.
func withoutSpikes(s []Sample) []Sample {
	sigma, _ := stepNoise(s)
	if sigma == 0 || len(s) < 3 {
		return s
	}
	limit := DropNoise * sigma
	out := make([]Sample, 0, len(s))
	out = append(out, s[0])
	for i := 1; i < len(s)-1; i++ {
		v, a, b := s[i].Value, s[i-1].Value, s[i+1].Value
		if v-math.Max(a, b) > limit || math.Min(a, b)-v > limit {
			continue
		}
		out = append(out, s[i])
	}
	return append(out, s[len(s)-1])
}

// splitAtDrops cuts the series where the value falls suddenly, in two
// passes:
//
//  1. a single step that falls by more than DropNoise robust standard
//     deviations of the steps (and by more than minDrop): an obvious
//     cleanup;
//  2. a level shift: with the trend of pass 1 taken out, the median of the
//     ShiftSamples samples after a point is lower than that of the ones
//     before it by more than ShiftNoise standard deviations of that
//     difference (and minDrop). This finds an expunge that is small next to
//     the noise of one reading but plain in a few of them. Pass 2 runs
//     twice, the second time with the slope its first cuts give.
func splitAtDrops(s []Sample, minDrop float64) [][]Sample {
	if len(s) < 2 {
		return [][]Sample{s}
	}
	stepSigma, med := stepNoise(s)
	cuts := make([]bool, len(s)) // cuts[i]: a cleanup between i-1 and i
	threshold := math.Max(minDrop, DropNoise*stepSigma-med)
	for i := 1; i < len(s); i++ {
		if d := s[i].Value - s[i-1].Value; d < 0 && -d > threshold {
			cuts[i] = true
		}
	}
	readingSigma := stepSigma / math.Sqrt2
	for pass := 0; pass < 2; pass++ {
		slope, ok := weightedTheilSen(segments(s, cuts))
		if !ok {
			break
		}
		findShifts(s, cuts, slope, readingSigma, minDrop)
	}
	return segments(s, cuts)
}

// Level-shift detection (pass 2 of splitAtDrops).
const (
	ShiftSamples = 12 // samples compared on each side of a point
	ShiftNoise   = 4  // standard deviations of the difference of medians
)

// findShifts marks in cuts the points where the detrended level falls.
func findShifts(s []Sample, cuts []bool, slope, sigma, minDrop float64) {
	n := len(s)
	resid := make([]float64, n)
	for i, x := range s {
		resid[i] = x.Value - slope*float64(x.Time-s[0].Time)
	}
	diff := make([]float64, n)
	limit := make([]float64, n)
	for i := 1; i < n; i++ {
		left := resid[max(0, i-ShiftSamples):i]
		right := resid[i:min(n, i+ShiftSamples)]
		if len(left) < 3 || len(right) < 3 {
			continue
		}
		// sd of a median of k normal readings is about 1.2533 sigma/sqrt(k).
		sd := 1.2533 * sigma * math.Sqrt(1/float64(len(left))+1/float64(len(right)))
		diff[i] = median(append([]float64(nil), right...)) - median(append([]float64(nil), left...))
		limit[i] = math.Max(minDrop, ShiftNoise*sd)
	}
	// A fall shows as a run of consecutive points whose difference is past
	// the limit; the cut goes where the detrended value falls most in one
	// step, unless the run already holds a cut.
	for i := 1; i < n; {
		if !(diff[i] < 0 && -diff[i] > limit[i]) {
			i++
			continue
		}
		j := i
		for j < n && diff[j] < 0 && -diff[j] > limit[j] {
			j++
		}
		best, cut := i, false
		for k := i; k < j; k++ {
			cut = cut || cuts[k]
			if resid[k]-resid[k-1] < resid[best]-resid[best-1] {
				best = k
			}
		}
		if !cut {
			cuts[best] = true
		}
		i = j
	}
}

// segments splits s before every i with cuts[i].
func segments(s []Sample, cuts []bool) [][]Sample {
	var segs [][]Sample
	start := 0
	for i := 1; i < len(s); i++ {
		if cuts[i] {
			segs = append(segs, s[start:i])
			start = i
		}
	}
	return append(segs, s[start:])
}

type weighted struct{ v, w float64 }

// weightedTheilSen is the weighted median of the pairwise slopes within
// each segment; ok is false when no segment has two samples at different
// times.
func weightedTheilSen(segs [][]Sample) (float64, bool) {
	var pairs []weighted
	var total float64
	for _, seg := range segs {
		for i := 0; i < len(seg); i++ {
			for j := i + 1; j < len(seg); j++ {
				dt := float64(seg[j].Time - seg[i].Time)
				if dt <= 0 {
					continue
				}
				pairs = append(pairs, weighted{(seg[j].Value - seg[i].Value) / dt, dt})
				total += dt
			}
		}
	}
	if len(pairs) == 0 {
		return 0, false
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].v < pairs[j].v })
	half, acc := total/2, 0.0
	for i, p := range pairs {
		acc += p.w
		if acc > half {
			return p.v, true
		}
		if acc == half && i+1 < len(pairs) {
			return (p.v + pairs[i+1].v) / 2, true
		}
	}
	return pairs[len(pairs)-1].v, true
}

// levelAt is the median of the segment's samples projected to time t.
func levelAt(seg []Sample, slope float64, t int64) float64 {
	proj := make([]float64, len(seg))
	for i, s := range seg {
		proj[i] = s.Value + slope*float64(t-s.Time)
	}
	return median(proj)
}

// median sorts v in place and returns its median (0 for none).
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func shortDur(d time.Duration) string {
	return d.Round(time.Second).String()
}
