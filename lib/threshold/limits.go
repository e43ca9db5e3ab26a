package threshold

import (
	"strconv"
	"time"

	"github.com/olorin/nagiosplugin"
)

// DurationLimits is a warning and a critical limit on a duration that is
// bad when long (the age of a file, of a capture, of a saved result): a
// value above a limit alerts, a limit of 0 (or less) is off. Perfdata
// carries the limits in seconds, the unit of the value it goes with.
type DurationLimits struct {
	Warning, Critical time.Duration
}

// Check returns CRITICAL above the critical limit, else WARNING above the
// warning limit, else OK.
func (l DurationLimits) Check(v time.Duration) nagiosplugin.Status {
	switch {
	case l.Critical > 0 && v > l.Critical:
		return nagiosplugin.CRITICAL
	case l.Warning > 0 && v > l.Warning:
		return nagiosplugin.WARNING
	}
	return nagiosplugin.OK
}

// Limit is the limit a value in state s crossed (0 for OK and UNKNOWN).
func (l DurationLimits) Limit(s nagiosplugin.Status) time.Duration {
	switch s {
	case nagiosplugin.CRITICAL:
		return l.Critical
	case nagiosplugin.WARNING:
		return l.Warning
	}
	return 0
}

// PerfWarn is the warning limit as perfdata's warn field: seconds, "" when off.
func (l DurationLimits) PerfWarn() string { return perfSeconds(l.Warning) }

// PerfCrit is the critical limit as perfdata's crit field.
func (l DurationLimits) PerfCrit() string { return perfSeconds(l.Critical) }

// perfSeconds is d in seconds, exact (whole seconds print without a
// fraction), or "" when d is off.
func perfSeconds(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// SizeLimits is a warning and a critical limit in bytes on something bad
// when big (a directory, the files of a capture): a value above a limit
// alerts, a limit of 0 is off. Perfdata carries the limits in bytes.
type SizeLimits struct {
	Warning, Critical uint64
}

// Check returns CRITICAL above the critical limit, else WARNING above the
// warning limit, else OK.
func (l SizeLimits) Check(v uint64) nagiosplugin.Status {
	switch {
	case l.Critical > 0 && v > l.Critical:
		return nagiosplugin.CRITICAL
	case l.Warning > 0 && v > l.Warning:
		return nagiosplugin.WARNING
	}
	return nagiosplugin.OK
}

// Limit is the limit a value in state s crossed (0 for OK and UNKNOWN).
func (l SizeLimits) Limit(s nagiosplugin.Status) uint64 {
	switch s {
	case nagiosplugin.CRITICAL:
		return l.Critical
	case nagiosplugin.WARNING:
		return l.Warning
	}
	return 0
}

// PerfWarn is the warning limit as perfdata's warn field: bytes, "" when off.
func (l SizeLimits) PerfWarn() string { return perfBytes(l.Warning) }

// PerfCrit is the critical limit as perfdata's crit field.
func (l SizeLimits) PerfCrit() string { return perfBytes(l.Critical) }

func perfBytes(n uint64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatUint(n, 10)
}
