package telemetry

import "math"

// Latency collects response times in fixed memory, whatever their number,
// and answers quantiles.
//
// Telemetry writes times to the millisecond, so times below exactSpan are
// counted per millisecond and quantiles there are exact at the data's own
// resolution. Longer times fall in logarithmic buckets 1% wide (up to about
// two weeks; longer ones count in the last bucket); a quantile there is the
// bucket's upper bound, at most 1% high, and never above the true maximum.
// Memory: about 90 KB per Latency, allocated on the first sample.
type Latency struct {
	n    uint64
	max  float64
	ms   []uint64 // ms[i]: times that round to i milliseconds
	slow []uint64 // slow[i]: times in [exactSpan*growth^i, exactSpan*growth^(i+1))
}

const (
	exactSpan   = 10.0 // seconds counted per millisecond
	growth      = 1.01
	slowBuckets = 1200 // 10 s * 1.01^1200 is about 17 days
)

// Add records one response time in seconds. Negative and NaN values count
// as 0 (a parser never produces them).
func (l *Latency) Add(secs float64) {
	if !(secs >= 0) {
		secs = 0
	}
	if l.ms == nil {
		l.ms = make([]uint64, int(exactSpan*1000))
		l.slow = make([]uint64, slowBuckets)
	}
	l.n++
	l.max = math.Max(l.max, secs)
	if ms := math.Round(secs * 1000); ms < exactSpan*1000 {
		l.ms[int(ms)]++
		return
	}
	l.slow[slowBucket(secs)]++
}

// slowBucket is the bucket of a time of at least exactSpan: the i with
// exactSpan*growth^i <= secs < exactSpan*growth^(i+1), up to rounding at a
// bound (which moves a quantile by less than one bucket's 1%), capped at the
// last bucket.
func slowBucket(secs float64) int {
	i := int(math.Log(secs/exactSpan) / math.Log(growth))
	return min(max(i, 0), slowBuckets-1)
}

// Count is the number of times added.
func (l *Latency) Count() uint64 { return l.n }

// Max is the largest time added (0 for none).
func (l *Latency) Max() float64 { return l.max }

// Quantile returns the q-quantile (0 < q <= 1) by the nearest-rank method:
// the smallest time that at least q of all times do not exceed. It is 0
// when nothing was added.
func (l *Latency) Quantile(q float64) float64 {
	if l.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(l.n)))
	rank = min(max(rank, 1), l.n)
	var seen uint64
	for i, c := range l.ms {
		if seen += c; seen >= rank {
			return math.Min(float64(i)/1000, l.max)
		}
	}
	for i, c := range l.slow {
		if seen += c; seen >= rank {
			if i == slowBuckets-1 {
				return l.max // the last bucket has no upper bound
			}
			upper := exactSpan * math.Pow(growth, float64(i+1))
			return math.Min(upper, l.max)
		}
	}
	return l.max
}
