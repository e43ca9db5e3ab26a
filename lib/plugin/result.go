package plugin

import (
	"errors"
	"fmt"
	"strings"
)

// Line is one line of long output: one item checked.
type Line struct {
	Status Status
	Text   string
}

// Result is what a check returns.
type Result struct {
	// Status is the overall state. Add and Raise keep it at the worst state
	// seen; a check may also set it directly.
	Status Status
	// Summary is the text of line 1 after "SERVICE STATE - ". When empty, the
	// texts of the lines that carry the overall state are joined.
	Summary string
	Lines   []Line
	Perf    []Perf
	// Text, when set, is printed as it is instead of the Nagios rendering:
	// for output meant for people or scripts (a table, JSON). The exit code
	// is still Status.
	Text string
}

// Add appends a long-output line and raises the overall state to s.
func (r *Result) Add(s Status, format string, args ...any) {
	r.Lines = append(r.Lines, Line{Status: s, Text: fmt.Sprintf(format, args...)})
	r.Raise(s)
}

// Raise raises the overall state to s if s is worse.
func (r *Result) Raise(s Status) {
	if Worse(s, r.Status) {
		r.Status = s
	}
}

// AddPerf appends perfdata.
func (r *Result) AddPerf(p ...Perf) { r.Perf = append(r.Perf, p...) }

// summary returns the explicit summary or one built from the lines.
func (r *Result) summary() string {
	if r.Summary != "" {
		return r.Summary
	}
	var parts []string
	for _, l := range r.Lines {
		if l.Status == r.Status {
			parts = append(parts, l.Text)
		}
	}
	if len(parts) == 0 {
		return "no result"
	}
	return strings.Join(parts, ", ")
}

// Failure is an error that ends a check with a given state and one line,
// such as "UNKNOWN - cannot read /x: permission denied".
type Failure struct {
	Status Status
	Msg    string
}

func (f *Failure) Error() string { return f.Msg }

// Unknownf returns a Failure with state UNKNOWN.
func Unknownf(format string, args ...any) error {
	return &Failure{Status: UNKNOWN, Msg: fmt.Sprintf(format, args...)}
}

// Criticalf returns a Failure with state CRITICAL.
func Criticalf(format string, args ...any) error {
	return &Failure{Status: CRITICAL, Msg: fmt.Sprintf(format, args...)}
}

// commitFailed reports that the state of a run could not be saved: the
// next run reads again what this one reports, which is not OK.
func (r *Result) commitFailed(err error) {
	text := "cannot save state: " + err.Error()
	if r.Summary != "" {
		r.Summary += "; " + text
	}
	r.Add(UNKNOWN, "%s", text)
}

// failureResult turns any error into a one-line Result. An error that is not
// a Failure is an internal or input problem: UNKNOWN.
func failureResult(err error) *Result {
	var f *Failure
	if errors.As(err, &f) {
		return &Result{Status: f.Status, Summary: f.Msg}
	}
	return &Result{Status: UNKNOWN, Summary: err.Error()}
}
