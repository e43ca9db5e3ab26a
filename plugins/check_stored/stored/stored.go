// Package stored is check_stored: is stored, the message store's
// housekeeping daemon, alive and doing its work? ("Check stored Processes",
// Administration Guide 6.3, 20.14.1.4.) It reads stored's pid file, checks
// in /proc that the pid is a live stored, and checks the ages of the three
// stamp files stored touches in BASE/config (Table 20-12); optionally it
// runs `stored -t`.
package stored

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/stamps"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

type options struct {
	plugin.Common
	PidFile         string         `long:"pid-file" value-name:"PATH" description:"stored's pid file (default: the first that exists of BASE/data/proc/store (6.3), BASE/data/proc/pidfile.store, BASE/config/pidfile.store (6 2005Q4)). It holds the pid and the state, ready or init, on one line or on two (the layout is not documented exactly: both are accepted, and a pid alone)"`
	ProcessName     string         `long:"process-name" value-name:"NAME" default:"stored" description:"command name the pid must run under, as the kernel reports it in /proc (not a match on ps output)"`
	InitCritical    units.Duration `long:"init-critical" value-name:"AGE" default:"15m" description:"critical when the pid file has said init (recovering) for longer than this, taken from the pid file's modification time; shorter is a warning"`
	CkpWarning      units.Duration `long:"ckp-warning" value-name:"AGE" default:"5m" description:"warn when stored.ckp (database checkpoint, touched about every minute) is older than this"`
	CkpCritical     units.Duration `long:"ckp-critical" value-name:"AGE" default:"15m" description:"critical when stored.ckp is older than this"`
	LcuWarning      units.Duration `long:"lcu-warning" value-name:"AGE" default:"15m" description:"warn when stored.lcu (database log cleanup, about every 5 minutes) is older than this"`
	LcuCritical     units.Duration `long:"lcu-critical" value-name:"AGE" default:"1h" description:"critical when stored.lcu is older than this"`
	PerWarning      units.Duration `long:"per-warning" value-name:"AGE" default:"2h" description:"warn when stored.per (peruser database write-out, hourly) is older than this"`
	PerCritical     units.Duration `long:"per-critical" value-name:"AGE" default:"4h" description:"critical when stored.per is older than this"`
	FutureTolerance units.Duration `long:"future-tolerance" value-name:"AGE" default:"5m" description:"warn when a stamp's time lies further than this in the future (clock skew or a bad clock)"`
	StoredCmd       string         `long:"stored-cmd" value-name:"PATH" description:"also run 'PATH -t' (e.g. BASE/lib/stored; a relative PATH is taken from BASE), without a shell, under the timeout, in its own process group with a minimal environment: exit 0 is OK, any other exit CRITICAL with its last output line. Its text is not parsed (not documented)"`
}

// Spec returns the plugin with fresh default options; check_stored's main
// and an aggregate command both run it.
func Spec() plugin.Spec {
	o := &options{}
	return plugin.Spec{
		Name:    "check_stored",
		Service: "STORED",
		Description: "Checks that stored, the message store's housekeeping daemon (checkpoints, deadlocks, " +
			"aging, expunge and cleanup), is running and working: its pid file says ready, the pid is a live " +
			"process named stored (read from /proc, never itself or its parent), and the stamp files stored " +
			"touches in BASE/config are fresh: stored.ckp (checkpoint, ~1 min), stored.lcu (log cleanup, ~5 " +
			"min), stored.per (peruser write-out, ~60 min). Ages are options in duration syntax (90s, 15m, 2h). " +
			"Run it on the Messaging Server host itself (NRPE or an Icinga 2 agent).",
		Examples: []string{
			"check_stored -B /opt/sun/comms/messaging64",
			"check_stored --ckp-warning 3m --ckp-critical 10m --init-critical 30m",
			"check_stored --pid-file /var/opt/SUNWmsgsr/config/pidfile.store --stored-cmd lib/stored",
		},
		Options: o,
		Check:   func(env *plugin.Env) (*plugin.Result, error) { return check(env, o) },
	}
}

// limits are a stamp's thresholds from the options.
type limits struct {
	stamp stamps.Stamp
	age   threshold.DurationLimits
}

func (o *options) limits() []limits {
	return []limits{
		{stamps.Checkpoint, threshold.DurationLimits{Warning: o.CkpWarning.D(), Critical: o.CkpCritical.D()}},
		{stamps.LogCleanup, threshold.DurationLimits{Warning: o.LcuWarning.D(), Critical: o.LcuCritical.D()}},
		{stamps.Peruser, threshold.DurationLimits{Warning: o.PerWarning.D(), Critical: o.PerCritical.D()}},
	}
}

// Validate is called by the harness once the options are parsed.
func (o *options) Validate() error {
	for _, l := range o.limits() {
		opt := "--" + l.stamp.Key
		switch {
		case l.age.Warning <= 0 || l.age.Critical <= 0:
			return fmt.Errorf("%s-warning and %s-critical must be greater than 0", opt, opt)
		case l.age.Warning > l.age.Critical:
			return fmt.Errorf("%s-warning %s is above %s-critical %s", opt, units.FormatAge(l.age.Warning), opt, units.FormatAge(l.age.Critical))
		}
	}
	if o.InitCritical.D() <= 0 {
		return fmt.Errorf("--init-critical must be greater than 0")
	}
	if strings.TrimSpace(o.ProcessName) == "" {
		return fmt.Errorf("--process-name must not be empty")
	}
	return nil
}

// found is a finding: its long-output line and its shorter form for line 1.
func found(s plugin.Status, long, short string) plugin.Finding {
	return plugin.Finding{Status: s, Short: short, Long: long}
}

func check(env *plugin.Env, o *options) (*plugin.Result, error) {
	l, err := o.OpenLayout(env, "")
	if layout.IsDataMissing(err) {
		// No data root, no stored: reported as a missing pid file is.
		return nil, plugin.Criticalf("%v", err)
	}
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	res := &plugin.Result{}

	proc := checkProcess(env, o, l)
	res.Report(proc.Finding)
	res.AddPerf(
		plugin.NewPerf("stored_running", boolValue(proc.running), "").Thresholds(noRange{}, rangeString("1:")).Bounds(0, 1),
		plugin.NewPerf("stored_ready", boolValue(proc.ready), "").Thresholds(rangeString("1:"), noRange{}).Bounds(0, 1),
	)

	var readings []stamps.Reading
	for _, lim := range o.limits() {
		env.Stage("stat %s", lim.stamp.File)
		r := stamps.Read(l.Config, lim.stamp, env.Now)
		readings = append(readings, r)
		res.Report(judgeStamp(r, lim, o.FutureTolerance.D()))
		if r.Exists {
			res.AddPerf(plugin.NewPerf(lim.stamp.Key+"_age", seconds(r.Age), "s").
				Thresholds(rangeString(lim.age.PerfWarn()), rangeString(lim.age.PerfCrit())))
		}
	}

	if o.StoredCmd != "" {
		res.Report(runStoredCmd(env, o.StoredCmd, l.Base))
	}

	if res.Status == plugin.OK {
		res.Summary = allClear(proc, readings)
	}
	addVerbose(env, res, o, l, readings)
	return res, nil
}

// allClear is line 1 when all is well: the process and the stamp ages in
// one short line, rather than the first finding (which would say only the
// process). When something is wrong, line 1 is built from the findings.
func allClear(proc processResult, readings []stamps.Reading) string {
	parts := []string{proc.Short}
	for _, r := range readings {
		parts = append(parts, fmt.Sprintf("%s %s ago", r.Stamp.Short, units.FormatAge(max(r.Age, 0))))
	}
	return parts[0] + " - " + strings.Join(parts[1:], ", ") // no ';' in line 1: Nagios makes it ':'
}

// judgeStamp turns a stamp reading into a finding.
func judgeStamp(r stamps.Reading, lim limits, tolerance time.Duration) plugin.Finding {
	name := r.Stamp.File
	limitsText := fmt.Sprintf("warning %s, critical %s", units.FormatAge(lim.age.Warning), units.FormatAge(lim.age.Critical))
	switch {
	case r.Err != nil:
		msg := fmt.Sprintf("cannot examine %s: %v", name, r.Err)
		return found(plugin.UNKNOWN, msg, msg)
	case !r.Exists:
		return found(plugin.CRITICAL,
			fmt.Sprintf("%s: %s is missing (stored touches it at every %s; wrong --base, or stored has never run here)", r.Stamp.Stopped, r.Path, r.Stamp.Task),
			fmt.Sprintf("%s: %s is missing", r.Stamp.Stopped, name))
	case r.Age < -tolerance:
		ahead := units.FormatAge((-r.Age).Round(time.Second))
		return found(plugin.WARNING,
			fmt.Sprintf("%s is %s in the future (%s): clock skew or a wrong clock, its age means nothing (tolerance %s)", name, ahead, r.ModTime.Format(time.RFC3339), units.FormatAge(tolerance)),
			fmt.Sprintf("%s is %s in the future: clock skew?", name, ahead))
	}
	if s := lim.age.Check(r.Age); s != plugin.OK {
		return staleFinding(s, r, strings.ToLower(s.String()), lim.age.Limit(s))
	}
	text := fmt.Sprintf("%s: last %s %s ago (%s)", name, r.Stamp.Task, units.FormatAge(max(r.Age, 0)), limitsText)
	return found(plugin.OK, text, text)
}

func staleFinding(s plugin.Status, r stamps.Reading, level string, limit time.Duration) plugin.Finding {
	short := fmt.Sprintf("%s: %s is %s old (%s %s)", r.Stamp.Stopped, r.Stamp.File, units.FormatAge(r.Age), level, units.FormatAge(limit))
	long := fmt.Sprintf("%s; last %s at %s, expected about every %s", short, r.Stamp.Task, r.ModTime.Format(time.RFC3339), units.FormatAge(r.Stamp.Interval))
	return found(s, long, short)
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// seconds is an age in whole seconds, as check_file_age reports it.
func seconds(d time.Duration) float64 { return math.Floor(d.Seconds()) }

// rangeString prints as a perfdata threshold.
type rangeString string

func (r rangeString) String() string { return string(r) }

// noRange is an unset threshold.
type noRange struct{}

func (noRange) String() string { return "" }
