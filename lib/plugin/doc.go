// Package plugin is the run harness every msgstore plugin shares: option
// parsing, the common options, the watchdog timeout, panic recovery, the
// rendering of line 1, long output and perfdata, and the exit code.
//
// A check is a function that gets an Env and returns a Result; it never
// prints and never exits, so it can be tested in-process. Main wraps it into
// a binary that behaves as Nagios, Icinga 2 and NRPE expect.
package plugin
