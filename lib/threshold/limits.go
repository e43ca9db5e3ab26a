package threshold

import (
	"strconv"
	"time"

	"github.com/olorin/nagiosplugin"
)

// Limits is a warning and a critical limit on a value that is bad when
// high (the age of a file or a capture, the size of a directory): a value
// above a limit alerts, a limit of 0 (or less) is off.
type Limits[T ~int64 | ~uint64] struct {
	Warning, Critical T
}

// DurationLimits are limits on an age; perfdata carries them in seconds,
// the unit of the value they go with.
type DurationLimits = Limits[time.Duration]

// SizeLimits are limits in bytes; perfdata carries them in bytes.
type SizeLimits = Limits[uint64]

// Check returns CRITICAL above the critical limit, else WARNING above the
// warning limit, else OK.
func (l Limits[T]) Check(v T) nagiosplugin.Status {
	switch {
	case l.Critical > 0 && v > l.Critical:
		return nagiosplugin.CRITICAL
	case l.Warning > 0 && v > l.Warning:
		return nagiosplugin.WARNING
	}
	return nagiosplugin.OK
}

// Limit is the limit a value in state s crossed (0 for OK and UNKNOWN).
func (l Limits[T]) Limit(s nagiosplugin.Status) T {
	switch s {
	case nagiosplugin.CRITICAL:
		return l.Critical
	case nagiosplugin.WARNING:
		return l.Warning
	}
	return 0
}

// PerfWarn is the warning limit as perfdata's warn field, "" when off.
func (l Limits[T]) PerfWarn() string { return perfLimit(l.Warning) }

// PerfCrit is the critical limit as perfdata's crit field, "" when off.
func (l Limits[T]) PerfCrit() string { return perfLimit(l.Critical) }

// perfLimit writes a limit in the base unit of perfdata: a duration in
// seconds, exact (whole seconds print without a fraction), anything else
// as the integer it is.
func perfLimit[T ~int64 | ~uint64](v T) string {
	if v <= 0 {
		return ""
	}
	if d, ok := any(v).(time.Duration); ok {
		return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	}
	return strconv.FormatUint(uint64(v), 10)
}
