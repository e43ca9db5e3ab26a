package plugin

import "github.com/olorin/nagiosplugin"

// Status is a Nagios service state; its numeric value is the exit code.
type Status = nagiosplugin.Status

// The four states of the plugin API.
const (
	OK       = nagiosplugin.OK
	WARNING  = nagiosplugin.WARNING
	CRITICAL = nagiosplugin.CRITICAL
	UNKNOWN  = nagiosplugin.UNKNOWN
)

// severity orders states for aggregation: CRITICAL > WARNING > UNKNOWN > OK.
// UNKNOWN outranks OK (a check that could not look must not say OK) but not
// a real finding, which is what the admin needs to act on first.
var severity = func() map[Status]int {
	order := []Status{OK, UNKNOWN, WARNING, CRITICAL}
	// nagiosplugin validates that the policy names every state.
	if _, err := nagiosplugin.NewStatusPolicy(order); err != nil {
		panic(err)
	}
	m := make(map[Status]int, len(order))
	for i, s := range order {
		m[s] = i
	}
	return m
}()

// Worse reports whether a is more severe than b.
func Worse(a, b Status) bool { return severity[a] > severity[b] }

// Worst returns the most severe of the given states (OK for none).
func Worst(states ...Status) Status {
	w := OK
	for _, s := range states {
		if Worse(s, w) {
			w = s
		}
	}
	return w
}
