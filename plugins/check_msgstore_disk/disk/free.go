package disk

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/units"
)

// freeThreshold is a free-space threshold as check_disk users write it: a
// percentage ("25%") or an absolute size ("10GiB"). It alerts when the free
// space falls below it.
type freeThreshold struct {
	raw     string
	percent float64 // when isPct
	bytes   uint64
	isPct   bool
}

func parseFree(s string, allowBytes bool) (freeThreshold, error) {
	t := strings.TrimSpace(s)
	if strings.HasSuffix(t, "%") || !allowBytes {
		p, err := strconv.ParseFloat(strings.TrimSuffix(t, "%"), 64)
		if err != nil || p < 0 || p > 100 || strings.ContainsAny(t, "eEnN") {
			return freeThreshold{}, fmt.Errorf("invalid percentage %q (expected e.g. 25%%)", s)
		}
		return freeThreshold{raw: s, percent: p, isPct: true}, nil
	}
	if _, err := strconv.ParseFloat(t, 64); err == nil {
		// check_disk reads a bare number as MB, df users as bytes or
		// percent: refuse to guess.
		return freeThreshold{}, fmt.Errorf("ambiguous free space %q: write %s%% or %sMiB/%sGiB", s, t, t, t)
	}
	b, err := units.ParseSize(t)
	if err != nil {
		return freeThreshold{}, fmt.Errorf("invalid free space %q (expected a percentage such as 25%% or a size such as 10GiB)", s)
	}
	return freeThreshold{raw: s, bytes: b}, nil
}

// freeBytes is the threshold in bytes for a file system whose non-root
// capacity is basis.
func (f freeThreshold) freeBytes(basis uint64) uint64 {
	if f.isPct {
		return uint64(float64(basis) * f.percent / 100)
	}
	return f.bytes
}

// below reports whether avail bytes of basis are below the threshold.
func (f freeThreshold) below(avail, basis uint64) bool {
	if f.isPct {
		if basis == 0 {
			return false
		}
		return 100*float64(avail)/float64(basis) < f.percent
	}
	return avail < f.bytes
}

func (f freeThreshold) String() string {
	if f.isPct {
		return strconv.FormatFloat(f.percent, 'f', -1, 64) + "%"
	}
	return units.FormatBytes(f.bytes)
}

// spaceThreshold is the go-flags option for -w/-c (percent or size).
type spaceThreshold struct{ freeThreshold }

func (s *spaceThreshold) UnmarshalFlag(v string) error {
	f, err := parseFree(v, true)
	s.freeThreshold = f
	return err
}

func (s spaceThreshold) MarshalFlag() (string, error) { return s.raw, nil }

// inodeThreshold is the go-flags option for -W/-K (percent only; the % sign
// is optional).
type inodeThreshold struct{ freeThreshold }

func (s *inodeThreshold) UnmarshalFlag(v string) error {
	f, err := parseFree(v, false)
	s.freeThreshold = f
	return err
}

func (s inodeThreshold) MarshalFlag() (string, error) { return s.raw, nil }

// IsValidValue lets go-flags hand a value starting with '-' to
// UnmarshalFlag, so that "-W -5%" is reported as a bad percentage of -W,
// not as a missing argument.
func (s *spaceThreshold) IsValidValue(string) error { return nil }

// IsValidValue: see spaceThreshold.IsValidValue.
func (s *inodeThreshold) IsValidValue(string) error { return nil }
