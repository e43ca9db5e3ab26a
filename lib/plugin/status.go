// Package plugin is the run harness every msgstore plugin shares: option
// parsing, the common options, the watchdog timeout, panic recovery, the
// rendering of line 1, long output and perfdata, and the exit code.
//
// A check is a function that gets an Env and returns a Result; it never
// prints and never exits, so it can be tested in-process. Main wraps it into
// a binary that behaves as Nagios, Icinga 2 and NRPE expect.
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
