package folders

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/words"
)

// namesInSummary is how many folder names line 1 carries (it goes to pagers).
const namesInSummary = 2

// view is how a record is being shown: live, or saved and of some age.
type view struct {
	cached bool
	age    time.Duration
}

// evaluate turns a run into the plugin's result. A run that could not
// look (not started, stored down, killed, failed) is never OK: without a
// finding it is UNKNOWN, with findings they count and the run is flagged
// incomplete.
func evaluate(env *plugin.Env, o *options, c *config, rec *record, v view) *plugin.Result {
	res := &plugin.Result{}
	rep := rec.Report
	var summary string
	switch {
	case rec.RunError != "":
		res.Add(plugin.UNKNOWN, "%s", rec.RunError)
		summary = rec.RunError
	case rep.Damaged > 0:
		summary = reportFolders(res, o, rec)
	case !rec.completed() || rep.NotRunning != "":
		res.Add(plugin.UNKNOWN, "%s", failure(rec))
		summary = failureSummary(rec)
	default:
		summary = "no damaged folders"
		res.Add(plugin.OK, "no damaged folders reported by reconstruct -r -n")
	}
	for _, l := range rep.Database {
		res.Add(plugin.WARNING, "mailbox database needs resync (run reconstruct -m): %s", l)
	}
	if len(rep.Database) > 0 && res.Status != plugin.CRITICAL {
		summary += ", mailbox database needs reconstruct -m"
	}
	if rec.RunError == "" {
		res.Add(plugin.OK, "ran %s: %s, %s, %s", rec.Command, ending(rec), words.Count(rep.Lines, "output line"), seconds(rec.Duration))
		addPerf(res, o, rec)
	}
	if v.cached {
		summary += ageSummary(res, o, rec, v.age)
	} else if rec.RunError == "" {
		res.AddPerf(agePerf(o, 0))
	}
	if env.Verbose >= 2 {
		for _, l := range rec.Tail {
			res.Add(plugin.OK, "output: %s", l)
		}
	}
	res.Summary = summary
	return res
}

// reportFolders adds one line per damaged folder and returns the summary.
func reportFolders(res *plugin.Result, o *options, rec *record) string {
	rep := rec.Report
	st := threshold.Evaluate(float64(rep.Damaged), o.Warning, o.Critical)
	names := make([]string, 0, namesInSummary)
	for _, f := range rep.Folders {
		name := f.Name
		if name == "" {
			name = "(folder not named)"
		}
		if len(names) < namesInSummary {
			names = append(names, name)
		}
		text := fmt.Sprintf("%s: %s", name, strings.Join(f.Kinds, ", "))
		if f.Name == "" || strings.HasPrefix(f.Kinds[0], "matches --pattern") {
			text += ": " + f.Line
		}
		if f.Lines > 1 {
			text += fmt.Sprintf(" (%d lines)", f.Lines)
		}
		res.Add(st, "%s", text)
	}
	if rep.Omitted > 0 {
		res.Add(st, "%d more damaged folders not listed (at most %d are kept; the count may include repeats)", rep.Omitted, MaxFolders)
	}
	res.Add(plugin.OK, "to repair a folder, as the mail server user: reconstruct <mailbox>, e.g. reconstruct %s (Administration Guide 20.14.3)", firstNamed(rep))
	noun := "damaged folders"
	if rep.Damaged == 1 {
		noun = "damaged folder"
	}
	s := fmt.Sprintf("%d %s: %s", rep.Damaged, noun, strings.Join(names, ", "))
	if more := rep.Damaged - len(names); more > 0 {
		s += fmt.Sprintf(" (+%d more)", more)
	}
	if st == plugin.OK {
		s += " (within thresholds)"
	}
	if !rec.completed() {
		why := failure(rec)
		res.Add(plugin.UNKNOWN, "incomplete check, more folders may be damaged: %s", why)
		s += "; incomplete: " + shortFailure(rec)
	}
	return s
}

func firstNamed(rep Report) string {
	for _, f := range rep.Folders {
		if f.Name != "" {
			return shellQuote(f.Name)
		}
	}
	return "user/<uid>/INBOX"
}

// failure explains a run that did not look at every folder.
func failure(rec *record) string {
	last := rec.LastLine
	switch {
	case rec.Report.NotRunning != "":
		return fmt.Sprintf("stored is not running, folders not checked: %s", rec.Report.NotRunning)
	case rec.TimedOut:
		return fmt.Sprintf("reconstruct -r -n did not finish within %s: it was killed with its children; for a store this size run --mode=refresh from cron and check with --mode=cached",
			seconds(rec.Budget))
	case rec.Signal != "":
		return fmt.Sprintf("reconstruct was killed by signal %s%s", rec.Signal, lastLine(last))
	case rec.Exit != 0 && strings.HasPrefix(last, "sudo:"):
		return fmt.Sprintf("sudo refused to run reconstruct (exit status %d): %s; see the sudoers rule in /usr/share/doc/msgstore-plugins/README.check_folders.md", rec.Exit, last)
	}
	return fmt.Sprintf("reconstruct exited with status %d%s", rec.Exit, lastLine(last))
}

// failureSummary is line 1 for a run that found nothing and could not
// finish; the long output has the details.
func failureSummary(rec *record) string {
	switch {
	case rec.Report.NotRunning != "":
		return "stored is not running: folders not checked"
	case rec.TimedOut:
		return fmt.Sprintf("reconstruct -r -n killed after %s with its children, unfinished (use --mode=cached)", seconds(rec.Budget))
	}
	return failure(rec)
}

// shortFailure is the few words line 1 has room for.
func shortFailure(rec *record) string {
	switch {
	case rec.Report.NotRunning != "":
		return "stored is not running"
	case rec.TimedOut:
		return "killed after " + seconds(rec.Budget)
	case rec.Signal != "":
		return "killed by signal " + rec.Signal
	}
	return fmt.Sprintf("exit status %d", rec.Exit)
}

func lastLine(l string) string {
	if l == "" {
		return " and printed nothing"
	}
	return ": " + l
}

func ending(rec *record) string {
	switch {
	case rec.TimedOut:
		return "killed at the time limit"
	case rec.Signal != "":
		return "killed by signal " + rec.Signal
	}
	return fmt.Sprintf("exit status %d", rec.Exit)
}

func seconds(s float64) string {
	if s < 10 {
		return fmt.Sprintf("%.2fs", s)
	}
	return ageText(time.Duration(s * float64(time.Second)))
}

func addPerf(res *plugin.Result, o *options, rec *record) {
	// A run that could not look and found nothing has no count to graph: a
	// 0 would draw as health.
	if rec.completed() || rec.Report.Damaged > 0 {
		res.AddPerf(plugin.NewPerf("damaged_folders", float64(rec.Report.Damaged), "").
			Thresholds(o.Warning, o.Critical).Bounds(0, nan))
	}
	res.AddPerf(plugin.NewPerf("duration", round3(rec.Duration), "s").Bounds(0, nan))
}

// agePerf is the age of the result: 0 for a live run.
func agePerf(o *options, age time.Duration) plugin.Perf {
	p := plugin.NewPerf("result_age", math.Round(max(age, 0).Seconds()), "s").Bounds(0, nan)
	p.Warn, p.Crit = o.resultAgeLimits().PerfWarn(), o.resultAgeLimits().PerfCrit()
	return p
}

var nan = math.NaN()

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// clockSkew is how far in the future a saved result may be dated before it
// is not trusted: clocks drift by seconds, not by minutes.
const clockSkew = 5 * time.Minute

// ageSummary judges the age of a saved result, adds its lines and perfdata
// and returns the words for line 1. A result dated in the future says
// nothing about when reconstruct last looked (a wrong clock, then or now):
// it is never fresh, and never OK.
func ageSummary(res *plugin.Result, o *options, rec *record, age time.Duration) string {
	lim := o.resultAgeLimits()
	when := rec.Started.Local().Format("2006-01-02 15:04:05 MST")
	if age < -clockSkew {
		res.Add(plugin.UNKNOWN, "saved result is dated %s, %s in the future: not trusted; is the clock right? the next refresh replaces it", when, ageText(-age))
		return fmt.Sprintf(" (result dated %s in the future: not trusted)", ageText(-age))
	}
	s := lim.Check(age)
	if s == plugin.OK {
		res.Add(plugin.OK, "saved result of %s, %s old", when, ageText(max(age, 0)))
	} else {
		res.Add(s, "saved result of %s is %s old, older than %s (--result-age-%s): is the refresh job running?",
			when, ageText(age), ageText(lim.Limit(s)), strings.ToLower(s.String()))
	}
	res.AddPerf(agePerf(o, age))
	if s != plugin.OK {
		return fmt.Sprintf(" (result %s old: stale)", ageText(age))
	}
	return fmt.Sprintf(" (result %s old)", ageText(max(age, 0)))
}
