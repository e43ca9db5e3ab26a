package msgprocs

import (
	"fmt"
	"math"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// maxPids is how many pids a line lists: imapd and mshttpd may run many
// processes, and Nagios keeps 8 KiB of output. Other installations'
// processes, with their long paths, are listed fewer.
const (
	maxPids    = 5
	maxForeign = 3
)

// atLeastOne is the default range of an expected daemon.
var atLeastOne = threshold.MustParseRange("1:")

// verdict is one program's finding.
type verdict struct {
	d          daemon
	why        string // why it is expected, "" when it is not
	count      int
	warn, crit threshold.Range
	status     plugin.Status
	ignored    bool // --ignore named it
}

func judge(name string, exp expectation, s settings, c census) verdict {
	d, _ := findDaemon(name)
	why, expected := exp.why[name]
	v := verdict{d: d, why: why, count: len(c.running[name]), warn: s.warn[name], crit: s.crit[name], ignored: exp.ignore[name]}
	if expected && !v.crit.IsSet() && d.missing == plugin.CRITICAL {
		v.crit = atLeastOne
	}
	if expected && !v.warn.IsSet() && !v.crit.IsSet() && d.missing == plugin.WARNING {
		v.warn = atLeastOne
	}
	v.status = threshold.Evaluate(float64(v.count), v.warn, v.crit)
	return v
}

func report(env *plugin.Env, exp expectation, s settings, tracked []string, snap snapshot, c census) *plugin.Result {
	res := &plugin.Result{}
	verdicts := make([]verdict, 0, len(tracked))
	for _, name := range tracked {
		verdicts = append(verdicts, judge(name, exp, s, c))
	}
	if snap.hidden && anyMissing(verdicts) {
		return &plugin.Result{Status: plugin.UNKNOWN, Summary: fmt.Sprintf(
			"cannot tell whether %s run: /proc hides other users' processes (mounted with hidepid); run the plugin as root or as the server's user",
			strings.Join(missingNames(verdicts), ", "))}
	}
	if env.Verbose > 0 {
		res.Add(plugin.OK, "expected (from %s): %s", exp.source, strings.Join(expectedNames(tracked, exp), ", "))
		if snap.unreadable > 0 {
			res.Add(plugin.OK, "%d processes could not be read from /proc and are not counted", snap.unreadable)
		}
	}
	if exp.note != "" {
		res.Add(plugin.WARNING, "%s", exp.note)
	}
	for _, v := range verdicts {
		if text, show := describe(env, v, c, env.Verbose); show {
			res.Add(v.status, "%s", text)
		}
		res.AddPerf(plugin.NewPerf("procs_"+v.d.name, float64(v.count), "").Thresholds(v.warn, v.crit).Bounds(0, math.NaN()))
	}
	// Line 1 is built here, not from plugin.Findings: it names every
	// problem, stored's first, and the missing daemons in one phrase.
	res.Summary = summarize(verdicts, c, exp.note)
	return res
}

// anyMissing: an expected daemon with no process alerts.
func anyMissing(vs []verdict) bool { return len(missingNames(vs)) > 0 }

func missingNames(vs []verdict) []string {
	var out []string
	for _, v := range vs {
		if v.count == 0 && v.status != plugin.OK {
			out = append(out, v.d.name)
		}
	}
	return out
}

func expectedNames(tracked []string, exp expectation) []string {
	var out []string
	for _, n := range tracked {
		if _, ok := exp.why[n]; ok {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return []string{"nothing"}
	}
	return out
}

// describe is a program's long-output line; show is false for a program
// nobody expects and none of whose processes exist (unless -v).
func describe(env *plugin.Env, v verdict, c census, verbose int) (text string, show bool) {
	name := v.d.name
	defunct, foreign := c.defunct[name], c.foreign[name]
	interesting := v.why != "" || v.count > 0 || len(defunct) > 0 || v.warn.IsSet() || v.crit.IsSet()
	if !interesting && (verbose == 0 || len(foreign)+len(c.strays[name]) == 0 && verbose < 2) {
		return "", false
	}
	var b strings.Builder
	switch {
	case v.count == 0:
		fmt.Fprintf(&b, "%s: not running", name)
	case v.why == "" && v.status == plugin.OK && !v.ignored:
		fmt.Fprintf(&b, "%s: %s running though not expected", name, processes(v.count))
	default:
		fmt.Fprintf(&b, "%s: %s running", name, processes(v.count))
	}
	switch {
	case v.status == plugin.CRITICAL && v.count > 0:
		fmt.Fprintf(&b, " (critical %s)", describeRange(v.crit))
	case v.status == plugin.WARNING && v.count > 0:
		fmt.Fprintf(&b, " (warning %s)", describeRange(v.warn))
	}
	if v.why != "" {
		fmt.Fprintf(&b, " (expected: %s)", v.why)
	} else if v.count == 0 {
		b.WriteString(" (not expected)")
	}
	if v.ignored {
		b.WriteString(" (--ignore)")
	}
	if v.count == 0 && v.status != plugin.OK {
		fmt.Fprintf(&b, ": %s", v.d.role)
	}
	if v.count > 0 {
		fmt.Fprintf(&b, ": %s", instances(env, c.running[name], verbose))
	}
	if len(defunct) > 0 {
		fmt.Fprintf(&b, "; defunct (exited, not reaped by its parent): %s", pidList(defunct))
	}
	if verbose > 0 && len(c.strays[name]) > 0 {
		fmt.Fprintf(&b, "; defunct, installation unknown (its parent is not of this one): %s", pidList(c.strays[name]))
	}
	if verbose > 0 && len(foreign) > 0 {
		fmt.Fprintf(&b, "; not counted, another installation: %s", strings.Join(limit(foreign, maxForeign), ", "))
	}
	return b.String(), true
}

// instances is "pid 123 up 3h, pid 456 up 5m", the first few.
func instances(env *plugin.Env, in []instance, verbose int) string {
	var parts []string
	for i, p := range in {
		if i == maxPids {
			parts = append(parts, fmt.Sprintf("and %d more", len(in)-maxPids))
			break
		}
		s := fmt.Sprintf("pid %d", p.pid)
		if !p.start.IsZero() {
			s += " up " + units.FormatAge(max(env.Now.Sub(p.start), 0))
		}
		if p.unverified && verbose > 0 {
			s += " (program path unreadable: counted by its command name, installation not verified)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func pidList(pids []int) string {
	var parts []string
	for _, p := range pids {
		parts = append(parts, fmt.Sprintf("pid %d", p))
	}
	return strings.Join(limit(parts, maxPids), ", ")
}

// limit keeps the first n items and says how many more there are.
func limit(items []string, n int) []string {
	if len(items) <= n {
		return items
	}
	return append(items[:n:n], fmt.Sprintf("and %d more", len(items)-n))
}

func processes(n int) string {
	if n == 1 {
		return "1 process"
	}
	return fmt.Sprintf("%d processes", n)
}

// describeRange is "outside 1:4", or "below 1" for the default "1:".
func describeRange(r threshold.Range) string {
	if r.String() == "1:" {
		return "below 1"
	}
	return "outside " + r.String()
}

// summarize is line 1: the problems, stored's first, or what runs.
func summarize(vs []verdict, c census, note string) string {
	var problems, missing []string
	for _, v := range vs {
		name := v.d.name
		switch {
		case v.status == plugin.OK:
		case name == "stored" && v.count == 0:
			problems = append([]string{"stored is not running: nothing else starts without it"}, problems...)
		case v.count == 0 && v.d.missing == plugin.WARNING && v.status == plugin.WARNING:
			problems = append(problems, name+" is not running: crashed daemons will not be restarted")
		case v.count == 0:
			if len(c.defunct[name]) > 0 {
				name += " (defunct)"
			}
			missing = append(missing, name)
		case v.status == plugin.CRITICAL:
			problems = append(problems, fmt.Sprintf("%s: %s (critical %s)", name, processes(v.count), describeRange(v.crit)))
		default:
			problems = append(problems, fmt.Sprintf("%s: %s (warning %s)", name, processes(v.count), describeRange(v.warn)))
		}
	}
	if len(missing) > 0 {
		m := "not running: " + strings.Join(missing, ", ")
		if len(problems) > 0 && strings.HasPrefix(problems[0], "stored ") {
			problems = append(problems[:1], append([]string{"also " + m}, problems[1:]...)...)
		} else {
			problems = append([]string{m}, problems...)
		}
	}
	if note != "" {
		problems = append(problems, note)
	}
	if len(problems) > 0 {
		return strings.Join(problems, " - ") // no ";" in line 1: Nagios makes it ":"
	}
	expected, procs := 0, 0
	var extra []string
	for _, v := range vs {
		procs += v.count
		if v.why != "" {
			expected++
		} else if v.count > 0 && !v.ignored {
			extra = append(extra, v.d.name)
		}
	}
	s := fmt.Sprintf("all %d expected daemons running (%s)", expected, processes(procs))
	if expected == 0 {
		s = fmt.Sprintf("no daemon expected (%s running)", processes(procs))
	}
	if len(extra) > 0 {
		s += " - also running though not expected: " + strings.Join(extra, ", ")
	}
	return s
}
