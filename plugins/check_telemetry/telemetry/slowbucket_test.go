package telemetry

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// refSlowBucket is the definition slowBucket implements: the last bucket
// whose lower bound is at most secs.
func refSlowBucket(secs float64) int {
	b := slowBounds()
	i := sort.Search(len(b), func(i int) bool { return b[i] > secs }) - 1
	return max(i, 0)
}

func TestSlowBucket(t *testing.T) {
	b := slowBounds()
	values := []float64{9.9995, 10, 10.1, 10.1000001, 11, 100, 1000, 86400, 1e6, 1e9, 1e12, math.MaxFloat64}
	for i := range b {
		values = append(values, b[i], math.Nextafter(b[i], 0), math.Nextafter(b[i], math.Inf(1)))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		values = append(values, 10*math.Exp(rng.Float64()*13))
	}
	for _, v := range values {
		if v < 9.9995 {
			continue // Add counts these per millisecond
		}
		got, want := slowBucket(v), refSlowBucket(v)
		if got != want {
			t.Fatalf("slowBucket(%v) = %d, want %d", v, got, want)
		}
		// The logarithm it replaces agrees up to rounding at a bound.
		old := min(max(int(math.Log(v/exactSpan)/math.Log(growth)), 0), slowBuckets-1)
		if d := got - old; d < -1 || d > 1 {
			t.Fatalf("slowBucket(%v) = %d, the logarithm said %d", v, got, old)
		}
	}
}

// BenchmarkLatencyAddSlow is a response time above exactSpan, the case
// that used to take a logarithm.
func BenchmarkLatencyAddSlow(b *testing.B) {
	var l Latency
	v := 10.0
	for b.Loop() {
		l.Add(v)
		if v += 0.031; v > 60 {
			v = 10
		}
	}
}
