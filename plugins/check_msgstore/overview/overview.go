package overview

import (
	"fmt"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/units"
	"github.com/msgstore-plugins/msgstore/lib/words"
)

type options struct {
	plugin.Common
	StoreRoot string   `long:"store-root" value-name:"DIR" description:"store root passed to the checks that take one (default: BASE/data/store)"`
	StateDir  string   `long:"state-dir" value-name:"DIR" description:"state directory passed to the checks that keep state (default: each check's own default)"`
	Checks    []string `long:"check" value-name:"NAME" description:"run only these checks (repeatable or comma list)"`
	Skip      []string `long:"skip" value-name:"NAME" description:"leave these checks out (repeatable or comma list)"`
	With      []string `long:"with" value-name:"NAME=ARGS" description:"options for one check, as on its own command line, e.g. --with 'disk=-w 20% -c 10%' (repeatable)"`
	Format    string   `long:"format" value-name:"FORMAT" default:"auto" choice:"auto" choice:"nagios" choice:"table" choice:"json" description:"output: nagios (line 1 + long output + perfdata), table (for people), json (for scripts); auto is table on a terminal, else nagios"`
	JSON      bool     `long:"json" description:"same as --format=json"`
	NoColor   bool     `long:"no-color" description:"no colours in the table (also when $NO_COLOR is set)"`
}

// Spec returns check_msgstore with fresh default options.
func Spec() plugin.Spec {
	o := &options{}
	return plugin.Spec{
		Name:    "check_msgstore",
		Service: "MSGSTORE",
		Description: "Runs every msgstore check (" + strings.Join(checkNames(), ", ") + ") in one process with " +
			"their default options, or those given with --with, and reports the worst state. The checks run at the same " +
			"time, each with a deadline a tenth of the timeout (at most 3s) before it: a check that hangs is UNKNOWN, " +
			"saying what it was doing, and the others report as usual. In a terminal it " +
			"prints a table; for Nagios/NRPE one line with the worst state, one long-output line per check and " +
			"the perfdata of all checks (labels prefixed with the check's name); --json for scripts.",
		Examples: []string{
			"check_msgstore -B /opt/sun/comms/messaging64",
			"check_msgstore --format=nagios --skip folders",
			"check_msgstore --with 'disk=-w 20% -c 10%' --with 'dblogs=-w 4 -c 8' --json",
		},
		Timeout: 30,
		Options: o,
		// The names come from the registry, which a struct tag cannot list.
		OptionHelp: map[string]string{
			"check": "run only these checks (repeatable or comma list): " + strings.Join(checkNames(), ", "),
			"skip":  "leave these checks out (repeatable or comma list): " + strings.Join(checkNames(), ", "),
		},
		Check: func(env *plugin.Env) (*plugin.Result, error) { return run(env, o) },
	}
}

func checkNames() []string {
	names := make([]string, len(registry))
	for i, c := range registry {
		names[i] = c.name
	}
	return names
}

// outcome is one check's result in the overview.
type outcome struct {
	check    check
	plugin   string
	service  string
	result   *plugin.Result
	duration time.Duration
}

// Validate is called by the harness once the options are parsed; run
// derives the same selection again (pure and cheap).
func (o *options) Validate() error {
	if _, err := selectChecks(o.Checks, o.Skip); err != nil {
		return err
	}
	_, err := parseWith(o.With)
	return err
}

func run(env *plugin.Env, o *options) (*plugin.Result, error) {
	selected, err := selectChecks(o.Checks, o.Skip)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	with, err := parseWith(o.With)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	outs := runAll(env, o, selected, with)
	res := aggregate(outs)
	switch format(o, env) {
	case "json":
		res.Text = renderJSON(res, outs)
	case "table":
		res.Text = renderTable(res, outs, useColor(o, env))
	}
	return res, nil
}

// format resolves --format=auto with the harness's Interactive (stdout is a
// terminal): the check itself never looks at its output streams.
func format(o *options, env *plugin.Env) string {
	if o.JSON {
		return "json"
	}
	if o.Format == "auto" || o.Format == "" {
		if env.Interactive {
			return "table"
		}
		return "nagios"
	}
	return o.Format
}

// useColor: colours only for a terminal, and not when --no-color, $NO_COLOR
// or TERM=dumb say otherwise.
func useColor(o *options, env *plugin.Env) bool {
	return env.Interactive && !o.NoColor && env.Getenv("NO_COLOR") == "" && env.Getenv("TERM") != "dumb"
}

func selectChecks(only, skip []string) ([]check, error) {
	known := map[string]bool{}
	for _, c := range registry {
		known[c.name] = true
	}
	want, drop := map[string]bool{}, map[string]bool{}
	for _, set := range []struct {
		names []string
		into  map[string]bool
	}{{only, want}, {skip, drop}} {
		for _, n := range words.SplitList(set.names) {
			if !known[n] {
				return nil, fmt.Errorf("unknown check %q (known: %s)", n, strings.Join(checkNames(), ", "))
			}
			set.into[n] = true
		}
	}
	var out []check
	for _, c := range registry {
		if (len(want) == 0 || want[c.name]) && !drop[c.name] {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no check left to run")
	}
	return out, nil
}

// parseWith reads --with NAME=ARGS; ARGS are split on white space (no
// shell quoting: values with spaces cannot be given here).
func parseWith(ws []string) (map[string][]string, error) {
	m := map[string][]string{}
	known := map[string]bool{}
	for _, c := range registry {
		known[c.name] = true
	}
	for _, w := range ws {
		name, args, ok := strings.Cut(w, "=")
		name = strings.TrimSpace(name)
		if !ok || !known[name] {
			return nil, fmt.Errorf("invalid --with %q: expected NAME=ARGS with NAME one of %s", w, strings.Join(checkNames(), ", "))
		}
		m[name] = append(m[name], strings.Fields(args)...)
	}
	return m, nil
}

// renderMargin is what the overview keeps of its timeout for itself: each
// check must end that much earlier, so that the results of the others are
// printed before the overall timeout.
func renderMargin(timeout time.Duration) time.Duration {
	return min(max(timeout/10, 100*time.Millisecond), 3*time.Second)
}

// runAll runs the checks at the same time, each with its own deadline
// inside the overall timeout: one check that hangs (a dead NFS mount, a
// FIFO where a file should be) is UNKNOWN naming where it hung, and the
// others report as usual. A check blocked in a system call cannot be
// interrupted: its goroutine is left behind and its result ignored. The
// outcomes are in registry order, whatever order the checks end in.
func runAll(env *plugin.Env, o *options, selected []check, with map[string][]string) []outcome {
	deadline := env.Now.Add(env.Timeout - renderMargin(env.Timeout))
	type finished struct {
		i   int
		out outcome
	}
	done := make(chan finished, len(selected)) // buffered: a late check never blocks
	subs := make([]*plugin.Env, len(selected))
	for i, c := range selected {
		subs[i] = env.SubEnv(o.VerboseLevel(), deadline)
		go func() { done <- finished{i, runOne(subs[i], o, c, with[c.name])} }()
	}
	outs := make([]outcome, len(selected))
	ended := make([]bool, len(selected))
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for left := len(selected); left > 0; left-- {
		env.Stage("waiting for %s", strings.Join(pendingNames(selected, ended), ", "))
		select {
		case f := <-done:
			outs[f.i], ended[f.i] = f.out, true
			// Its result is reported: what it consumed may be saved.
			env.CommitWith(subs[f.i])
		case <-timer.C:
			for i, c := range selected {
				if !ended[i] {
					outs[i] = timedOut(c, subs[i], deadline.Sub(env.Now))
				}
			}
			return outs
		}
	}
	return outs
}

func pendingNames(selected []check, ended []bool) []string {
	var names []string
	for i, c := range selected {
		if !ended[i] {
			names = append(names, c.name)
		}
	}
	return names
}

// timedOut gives up on a check that did not end by its deadline: its
// programs are killed and it is UNKNOWN, saying what it was doing.
func timedOut(c check, sub *plugin.Env, budget time.Duration) outcome {
	stage := sub.CurrentStage()
	sub.Expire()
	spec := c.spec()
	return outcome{check: c, plugin: spec.Name, service: spec.Service, duration: budget,
		result: &plugin.Result{Status: plugin.UNKNOWN, Summary: fmt.Sprintf("timed out after %s while %s", units.FormatAge(budget), stage)}}
}

// runOne parses the check's options (the common ones from the overview,
// then --with) and runs it with its own Env.
func runOne(env *plugin.Env, o *options, c check, extra []string) outcome {
	spec := c.spec()
	out := outcome{check: c, plugin: spec.Name, service: spec.Service}
	args := commonArgs(spec, o)
	args = append(args, extra...)
	start := time.Now()
	if err := plugin.ParseOptions(spec, args); err != nil {
		out.result = &plugin.Result{Status: plugin.UNKNOWN, Summary: err.Error()}
		return out
	}
	env.Stage("running %s", c.name)
	out.result = plugin.RunCheck(spec, env)
	out.duration = time.Since(start)
	return out
}

// commonArgs passes the overview's -B, --data-root, --config-root,
// --msconfig, --store-root and --state-dir to the checks that take them.
func commonArgs(spec plugin.Spec, o *options) []string {
	p := plugin.NewParser(spec)
	var args []string
	if o.Base != "" {
		args = append(args, "--base="+o.Base)
	}
	// The roots and msconfig are common options: every check takes them.
	if o.DataRoot != "" {
		args = append(args, "--data-root="+o.DataRoot)
	}
	if o.ConfigRoot != "" {
		args = append(args, "--config-root="+o.ConfigRoot)
	}
	if o.Msconfig != "" {
		args = append(args, "--msconfig="+o.Msconfig)
	}
	if o.StoreRoot != "" && p.FindOptionByLongName("store-root") != nil {
		args = append(args, "--store-root="+o.StoreRoot)
	}
	if o.StateDir != "" && p.FindOptionByLongName("state-dir") != nil {
		args = append(args, "--state-dir="+o.StateDir)
	}
	return args
}

// aggregate builds the Nagios result: the worst state, one line per check,
// and every check's perfdata with its labels prefixed by the check's name.
func aggregate(outs []outcome) *plugin.Result {
	res := &plugin.Result{}
	for _, o := range outs {
		r := o.result
		res.Add(r.Status, "%s: %s", o.check.name, firstLine(r))
		for _, p := range r.Perf {
			p.Label = o.check.name + "." + p.Label
			res.AddPerf(p)
		}
	}
	res.Summary = summarize(res.Status, outs)
	return res
}

// firstLine is a check's own line 1, or else its first line of long output.
func firstLine(r *plugin.Result) string {
	s := r.Summary
	if s == "" {
		s = plugin.WorstFinding(r.Status, r.Findings)
	}
	if s == "" && len(r.Lines) > 0 {
		s = r.Lines[0].Text
	}
	return s
}

// summarize is line 1: how many checks are in each bad state, and which.
// The checks' own summaries follow in the long output (or the table).
func summarize(worst plugin.Status, outs []outcome) string {
	if worst == plugin.OK {
		return fmt.Sprintf("all %d checks OK", len(outs))
	}
	if reason, ok := commonUnknown(outs); ok {
		// Every check failed for one reason (no msg-svr-base, typically):
		// say it, rather than "8 unknown (...)" with the reason only in
		// the long output.
		return fmt.Sprintf("all %d checks unknown: %s", len(outs), reason)
	}
	var parts []string
	for _, s := range []plugin.Status{plugin.CRITICAL, plugin.WARNING, plugin.UNKNOWN} {
		var names []string
		for _, o := range outs {
			if o.result.Status == s {
				names = append(names, o.check.name)
			}
		}
		if len(names) > 0 {
			parts = append(parts, fmt.Sprintf("%d %s (%s)", len(names), strings.ToLower(s.String()), strings.Join(names, ", ")))
		}
	}
	return strings.Join(parts, ", ") + fmt.Sprintf(" of %d checks", len(outs))
}

// commonUnknown is the one summary of checks that are all UNKNOWN for the
// same reason.
func commonUnknown(outs []outcome) (string, bool) {
	if len(outs) < 2 {
		return "", false
	}
	reason := firstLine(outs[0].result)
	for _, o := range outs {
		if o.result.Status != plugin.UNKNOWN || firstLine(o.result) != reason {
			return "", false
		}
	}
	return reason, reason != ""
}
