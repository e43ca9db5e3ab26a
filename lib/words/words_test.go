package words

import (
	"slices"
	"testing"
)

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		noun string
		want string
	}{
		{0, "file", "0 files"},
		{1, "file", "1 file"},
		{2, "file", "2 files"},
		{1, "directory", "1 directory"},
		{3, "directory", "3 directories"},
		{2, "other entry", "2 other entries"},
		{2, "day", "2 days"},
		{-1, "run", "-1 runs"},
		{12, "held message", "12 held messages"},
	} {
		if got := Count(tc.n, tc.noun); got != tc.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tc.n, tc.noun, got, tc.want)
		}
	}
}

func TestCountAs(t *testing.T) {
	for _, tc := range []struct {
		n         int
		one, many string
		want      string
	}{
		{1, "child", "children", "1 child"},
		{0, "child", "children", "0 children"},
		{5, "child", "children", "5 children"},
	} {
		if got := CountAs(tc.n, tc.one, tc.many); got != tc.want {
			t.Errorf("CountAs(%d, %q, %q) = %q, want %q", tc.n, tc.one, tc.many, got, tc.want)
		}
	}
}

func TestSplitList(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []string
	}{
		{nil, nil},
		{[]string{"a"}, []string{"a"}},
		{[]string{"a,b", " c "}, []string{"a", "b", "c"}},
		{[]string{"a,,b,", ""}, []string{"a", "b"}},
		{[]string{" , "}, nil},
	} {
		if got := SplitList(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("SplitList(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAllDigits(t *testing.T) {
	for s, want := range map[string]bool{
		"": false, "0": true, "12345": true, "-1": false, "+1": false,
		"1 ": false, " 1": false, "1a": false, "١٢": false, "007": true,
	} {
		if got := AllDigits(s); got != want {
			t.Errorf("AllDigits(%q) = %v, want %v", s, got, want)
		}
	}
}
