package telemetry

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// nearestRank is the reference: the exact q-quantile of values.
func nearestRank(values []float64, q float64) float64 {
	s := append([]float64(nil), values...)
	sort.Float64s(s)
	k := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(k, 0)]
}

func TestLatencyQuantile(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		q      float64
		want   float64
	}{
		{"none", nil, 0.95, 0},
		{"one", []float64{0.236}, 0.95, 0.236},
		{"guide", []float64{0.017, 0.236, 0.117}, 0.95, 0.236},
		{"median of three", []float64{0.017, 0.236, 0.117}, 0.5, 0.117},
		{"twenty: p95 is the 19th", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 9.5}, 0.95, 9},
		{"zero and negative", []float64{0, -1, math.NaN()}, 0.95, 0},
		{"slow: never above max", []float64{10, 250, 251}, 0.95, 251},
		{"beyond the last bucket", []float64{1e12}, 0.95, 1e12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var l Latency
			for _, v := range tc.values {
				l.Add(v)
			}
			if got := l.Quantile(tc.q); math.Abs(got-tc.want) > 1e-9 {
				t.Fatalf("Quantile(%v) = %v, want %v", tc.q, got, tc.want)
			}
		})
	}
}

// TestLatencyAccuracy checks the documented bounds against exact
// quantiles: exact to the millisecond below 10 s, within 1% above.
func TestLatencyAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, scale := range []float64{0.05, 2, 100, 5000} {
		var l Latency
		values := make([]float64, 20000)
		for i := range values {
			v := math.Round(rng.ExpFloat64()*scale*1000) / 1000 // telemetry's ms resolution
			values[i] = v
			l.Add(v)
		}
		for _, q := range []float64{0.5, 0.95, 0.99, 1} {
			want, got := nearestRank(values, q), l.Quantile(q)
			tol := 1e-9
			if want >= exactSpan {
				tol = want * (growth - 1)
			}
			if got < want-tol || got > want+tol {
				t.Errorf("scale %v q %v: got %v, want %v ±%v", scale, q, got, want, tol)
			}
		}
		if l.Count() != uint64(len(values)) {
			t.Errorf("count %d", l.Count())
		}
	}
}
