package cores

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/elfcore"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
	"github.com/msgstore-plugins/msgstore/lib/words"
)

// summaryCores is how many cores line 1 names; it goes to pagers.
const summaryCores = 3

func report(env *plugin.Env, res *plugin.Result, o *options, host *hostCores, s *searcher, f *findings) {
	count := len(f.cores)
	state := plugin.Status(threshold.Evaluate(float64(count), o.Warning, o.Critical))
	res.Raise(state)
	for _, k := range f.cores {
		ls := state
		if k.critical {
			ls = plugin.CRITICAL
		}
		res.Add(ls, "%s", coreLine(env, k))
	}
	for _, k := range f.ignored {
		res.Add(plugin.OK, "ignored, older than --max-age %s: %s", units.FormatAge(o.MaxAge.D()), coreLine(env, k))
	}
	for _, n := range f.notCores {
		res.Add(plugin.OK, "%s", n)
	}
	problems := append(append(append([]string(nil), host.problems...), s.problems...), f.problems...)
	for _, p := range problems {
		res.Report(plugin.Finding{Status: plugin.UNKNOWN, Short: p})
	}
	if host.disabled != "" {
		res.Add(disabledState(o), "%s", host.disabled)
	}
	if w := whereSearched(s.roots); w != "" {
		res.Add(plugin.OK, "%s", w)
	}
	for _, e := range host.expect {
		res.Add(plugin.OK, "%s", e)
	}
	if env.Verbose > 0 {
		for _, r := range s.searched {
			res.Add(plugin.OK, "%s", r)
		}
		for _, d := range s.skipped {
			res.Add(plugin.OK, "not searched: %s", d)
		}
		for _, l := range s.links {
			res.Add(plugin.OK, "symlink not followed: %s", l)
		}
	}
	// Line 1 names the cores, newest first, whatever the state: built here
	// rather than from the findings, which are only what could not be read.
	res.Summary = summary(f, res.Findings, s.dirsRead(), o)
	if host.disabled != "" && len(f.cores) == 0 && len(problems) == 0 {
		res.Summary += " (core dumps disabled: crashes leave no core)"
	}
	addPerf(env, res, f, o)
}

// disabledState is the state of --dumps-disabled.
func disabledState(o *options) plugin.Status {
	switch o.DumpsDisabled {
	case "warning":
		return plugin.WARNING
	case "critical":
		return plugin.CRITICAL
	}
	return plugin.OK
}

// whereSearched is the long-output line that says where cores were
// looked for and why there, so that an OK can be trusted: each system or
// explicit directory with its reason, and msg-svr-base's directories in
// one go.
func whereSearched(roots []root) string {
	var named []string
	base := 0
	for _, r := range roots {
		if r.dedicated || r.explicit {
			what := r.why
			if r.dedicated {
				what += ", any core whatever its name"
			}
			named = append(named, fmt.Sprintf("%s (%s)", r.path, what))
			continue
		}
		base++
	}
	if base > 0 {
		named = append(named, "msg-svr-base and its lib, sbin, config and data (a daemon's working directory; files named like cores)")
	}
	if len(named) == 0 {
		return ""
	}
	return "cores looked for in " + strings.Join(named, "; ")
}

// summary is line 1: the cores, newest (and critical) first, or how much
// was searched.
func summary(f *findings, problems []plugin.Finding, dirs int, o *options) string {
	if len(f.cores) == 0 {
		if len(problems) > 0 {
			return plugin.WorstFinding(plugin.UNKNOWN, problems)
		}
		s := fmt.Sprintf("no core files in %s", words.Count(dirs, "directory"))
		if len(f.ignored) > 0 {
			s += fmt.Sprintf(" (%d older than %s ignored)", len(f.ignored), units.FormatAge(o.MaxAge.D()))
		}
		return s
	}
	items := make([]string, 0, summaryCores)
	for i, k := range f.cores {
		if i == summaryCores {
			items = append(items, fmt.Sprintf("+%d more", len(f.cores)-summaryCores))
			break
		}
		items = append(items, shortCore(k))
	}
	s := fmt.Sprintf("%s: %s", words.Count(len(f.cores), "core"), strings.Join(items, ", "))
	if len(problems) > 0 {
		s += fmt.Sprintf(" - %s unreadable", words.Count(len(problems), "path"))
	}
	return s
}

// shortCore is "imapd (pid 4711, 3h ago)" for line 1.
func shortCore(k *core) string {
	var in []string
	if k.pid > 0 {
		in = append(in, fmt.Sprintf("pid %d", k.pid))
	}
	in = append(in, roughAge(k.age)+" ago")
	if st := condition(k); st != "" {
		in = append(in, st)
	}
	return fmt.Sprintf("%s (%s)", programName(k), strings.Join(in, ", "))
}

// condition is "empty", "truncated" or "unreadable" for a damaged or
// uninspected core, else "".
func condition(k *core) string {
	switch {
	case k.info == nil && strings.HasPrefix(k.note, "compressed"):
		return "not decoded"
	case k.info == nil:
		return "unreadable"
	case k.info.Kind == elfcore.Empty:
		return "empty"
	case k.info.Truncated:
		return "truncated"
	}
	return ""
}

func programName(k *core) string {
	if k.program == "" {
		return "unknown program"
	}
	return k.program
}

// coreLine is the long-output line of one core: what, how it died, when,
// how big, what kind, then the path.
func coreLine(env *plugin.Env, k *core) string {
	head := programName(k)
	if k.pid > 0 {
		head += fmt.Sprintf(" pid %d", k.pid)
	}
	if k.critical {
		head += " (critical program)"
	}
	var parts []string
	if k.info != nil {
		if sig := k.info.SignalName(); sig != "" {
			parts = append(parts, "killed by "+sig)
		}
	}
	parts = append(parts, fmt.Sprintf("dumped %s ago (%s)", units.FormatAge(k.age), k.mtime.In(env.Now.Location()).Format("2006-01-02 15:04 MST")))
	parts = append(parts, units.FormatBytes(uint64(max(k.size, 0))))
	switch {
	case k.info == nil:
		parts = append(parts, k.note)
	case k.info.Kind == elfcore.Empty:
		parts = append(parts, "empty: the dump failed before writing anything")
	case k.info.Kind == elfcore.CutELF:
		parts = append(parts, "truncated: the dump failed in the ELF header")
	default:
		parts = append(parts, k.info.Describe())
		if k.note != "" {
			parts = append(parts, k.note)
		}
		if k.info.Truncated {
			if k.info.Expected > k.size {
				parts = append(parts, fmt.Sprintf("truncated: %s of %s written", units.FormatBytes(uint64(k.size)), units.FormatBytes(uint64(k.info.Expected))))
			} else {
				parts = append(parts, "truncated")
			}
		}
		if k.info.Args != "" && env.Verbose > 0 {
			parts = append(parts, fmt.Sprintf("command %q", k.info.Args))
		}
	}
	return fmt.Sprintf("%s: %s: %s", head, strings.Join(parts, ", "), k.path)
}

func addPerf(env *plugin.Env, res *plugin.Result, f *findings, o *options) {
	n := plugin.NewPerf("cores", float64(len(f.cores)), "").Bounds(0, math.NaN())
	n.Warn, n.Crit = o.Warning.String(), o.Critical.String()
	res.AddPerf(n)
	var total int64
	newest := time.Duration(-1)
	for _, k := range f.cores {
		total += max(k.size, 0)
		if newest < 0 || k.age < newest {
			newest = k.age
		}
	}
	// Every run has the same labels, for graphs: with no core the age is
	// unknown (U), not 0 (a core just now).
	age := plugin.Unknown
	if newest >= 0 {
		age = math.Round(newest.Seconds())
	}
	res.AddPerf(plugin.NewPerf("newest_core_age", age, "s").Bounds(0, math.NaN()))
	res.AddPerf(plugin.NewPerf("cores_size", float64(total), "B").Bounds(0, math.NaN()))
}

// roughAge is the age in its largest unit, for line 1: "45s", "23m", "3h",
// "2d".
func roughAge(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm", s/60)
	case s < 86400:
		return fmt.Sprintf("%dh", s/3600)
	}
	return fmt.Sprintf("%dd", s/86400)
}
