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
	// Summary is the text of line 1 after "SERVICE STATE - ". When empty,
	// line 1 is built from Findings (see Headline), or else the texts of
	// the lines that carry the overall state are joined.
	Summary string
	Lines   []Line
	// Findings are the problems for line 1, in the order found.
	Findings []Finding
	Perf     []Perf
	// Text, when set, is printed as it is instead of the Nagios rendering:
	// for output meant for people or scripts (a table, JSON). The exit code
	// is still Status.
	Text string
}

// Finding is one thing a check found: its state, its words for line 1 and
// its long-output line.
type Finding struct {
	Status Status
	// Short is the text for line 1.
	Short string
	// Long is the long-output line; "" reuses Short.
	Long string
	// Count is how many problems the finding stands for when it sums up
	// several that have no line of their own; 0 means one.
	Count int
}

// Report adds the long-output line of f, raises the overall state, and
// keeps f for line 1 unless it is OK.
func (r *Result) Report(f Finding) {
	long := f.Long
	if long == "" {
		long = f.Short
	}
	r.Add(f.Status, "%s", long)
	r.Found(f)
}

// Found keeps f for line 1 unless it is OK, for a check whose long-output
// line says more than one finding, or whose findings are not one a line.
func (r *Result) Found(f Finding) {
	if f.Status != OK {
		r.Findings = append(r.Findings, f)
	}
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

// Headline is the text of line 1: the explicit summary, or one built
// from the findings, or else from the lines.
func (r *Result) Headline() string {
	if r.Summary != "" {
		return r.Summary
	}
	if s := WorstFinding(r.Status, r.Findings); s != "" {
		return s
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

// WorstFinding is line 1 from findings: the first one in state worst, in
// the words an admin acts on, and how many other problems there are, as in
// "stored: ... is 3h old (critical 2h) (+2 more)". It is "" when no finding
// is in state worst.
func WorstFinding(worst Status, findings []Finding) string {
	first := -1
	problems := 0
	for i, f := range findings {
		if f.Status == OK {
			continue
		}
		problems += max(f.Count, 1)
		if first < 0 && f.Status == worst {
			first = i
		}
	}
	if first < 0 {
		return ""
	}
	s := findings[first].Short
	if problems > 1 {
		s += fmt.Sprintf(" (+%d more)", problems-1)
	}
	return s
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
	if r.Summary == "" {
		// Line 1 built from the findings says what the check found, as an
		// explicit summary does.
		r.Summary = WorstFinding(r.Status, r.Findings)
	}
	if r.Summary != "" {
		r.Summary += " - " + text
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
