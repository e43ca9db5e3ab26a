package disk

import (
	"math"
	"testing"
)

// FuzzParseFree checks the -w/-c/-W/-K values: an accepted percentage is a
// number in [0, 100], an accepted value renders (String, shown in --help and
// in the long output) to a value that parses back to the same threshold, and
// an absolute threshold alerts exactly below its byte count.
func FuzzParseFree(f *testing.F) {
	for _, s := range []string{"25%", "10GiB", "0%", "100%", "100.0001%", "5", "1e2%", "NaN%", " 7 % ", "1.5 TiB", "-1%", "0x10%"} {
		f.Add(s, true, uint64(5<<30), uint64(100<<30))
	}
	f.Fuzz(func(t *testing.T, s string, allowBytes bool, avail, basis uint64) {
		ft, err := parseFree(s, allowBytes)
		if err != nil {
			return
		}
		if !allowBytes && !ft.isPct {
			t.Fatalf("%q: a size accepted where only a percentage may be", s)
		}
		back, err := parseFree(ft.String(), allowBytes)
		if err != nil {
			t.Fatalf("%q renders as %q, which does not parse: %v", s, ft.String(), err)
		}
		if ft.isPct {
			if math.IsNaN(ft.percent) || ft.percent < 0 || ft.percent > 100 || back.percent != ft.percent {
				t.Fatalf("%q: %v%% renders as %q = %v%%", s, ft.percent, ft.String(), back.percent)
			}
			_ = ft.below(avail, basis)
			return
		}
		if d := math.Abs(float64(back.bytes) - float64(ft.bytes)); d > 0.05*float64(ft.bytes)+0.5 {
			t.Fatalf("%q = %d bytes renders as %q = %d", s, ft.bytes, ft.String(), back.bytes)
		}
		if ft.below(avail, basis) != (avail < ft.bytes) || ft.freeBytes(basis) != ft.bytes {
			t.Fatalf("%q: below(%d) inconsistent with %d bytes", s, avail, ft.bytes)
		}
	})
}
