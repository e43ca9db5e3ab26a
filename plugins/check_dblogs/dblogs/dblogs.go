// Package dblogs is check_dblogs: the Berkeley DB transaction logs of the
// mailbox list database ("Check Database Log Files", Administration Guide
// 6.3, 20.14.1.5). There should be two or three log.NNNNNNNNNN files in
// STORE_ROOT/mboxlist; more means database checkpointing is not happening,
// "a sign of a potentially serious problem". The check counts them, sizes
// them, ages the oldest and relates the finding to stored's checkpoint and
// log cleanup stamps.
package dblogs

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/stamps"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
	"github.com/msgstore-plugins/msgstore/lib/words"
)

type options struct {
	plugin.Common
	StoreRoot   string          `long:"store-root" value-name:"DIR" description:"store root; the logs are in STORE_ROOT/mboxlist (default: BASE/data/store). With --store-root and no installation found, the stamps are not consulted"`
	Warning     threshold.Range `short:"w" long:"warning" value-name:"RANGE" default:"3" description:"warn when the number of log files is outside this range (3: more than 3; the guide expects 2 or 3)"`
	Critical    threshold.Range `short:"c" long:"critical" value-name:"RANGE" default:"6" description:"critical when the number of log files is outside this range"`
	AgeWarning  units.Duration  `long:"age-warning" value-name:"AGE" description:"warn when the oldest log file is older than this, e.g. 1h (default: the age does not alert)"`
	AgeCritical units.Duration  `long:"age-critical" value-name:"AGE" description:"critical when the oldest log file is older than this (default: the age does not alert)"`
	CkpStale    units.Duration  `long:"ckp-stale" value-name:"AGE" default:"5m" description:"when explaining a log build-up, stored.ckp (checkpoint stamp, ~1 min) older than this means checkpointing has stopped"`
	LcuStale    units.Duration  `long:"lcu-stale" value-name:"AGE" default:"15m" description:"when explaining a log build-up, stored.lcu (log cleanup stamp, ~5 min) older than this means log cleanup has stopped"`
	rateOptions
}

// Spec returns the plugin with fresh default options; check_dblogs' main
// and an aggregate command both run it.
func Spec() plugin.Spec {
	o := &options{}
	return plugin.Spec{
		Name:    "check_dblogs",
		Service: "DBLOGS",
		Description: "Counts the Berkeley DB transaction log files (log. followed by ten digits, e.g. " +
			"log.0000000041) of the mailbox list database in STORE_ROOT/mboxlist. The guide expects 2 or 3; " +
			"a build-up means database checkpointing is not happening. Reports the sequence span, total size " +
			"and the age of the oldest log, and relates a build-up to stored's checkpoint (stored.ckp) and log " +
			"cleanup (stored.lcu) stamps in BASE/config. Region files (__db.*), the .db files and look-alikes " +
			"(log.1, log.0000000001.bak) are not counted.",
		Examples: []string{
			"check_dblogs -B /opt/sun/comms/messaging64",
			"check_dblogs -w 4 -c 8 --age-warning 1h --age-critical 6h",
			"check_dblogs --store-root /var/opt/SUNWmsgsr/store",
			"check_dblogs --rate-warning 1 --rate-critical 4 --state-dir /var/lib/nagios/msgstore",
		},
		Options: o,
		Check:   func(env *plugin.Env) (*plugin.Result, error) { return check(env, o) },
	}
}

// Validate is called by the harness once the options are parsed.
func (o *options) Validate() error {
	if o.RateWindow.D() < 10*time.Minute {
		return fmt.Errorf("--rate-window %s is too short (10m at least)", units.FormatAge(o.RateWindow.D()))
	}
	if o.RateWarning < 0 || o.RateCritical < 0 {
		return fmt.Errorf("--rate-warning and --rate-critical are rates per hour, not negative")
	}
	if o.AgeWarning > 0 && o.AgeCritical > 0 && o.AgeWarning > o.AgeCritical {
		return fmt.Errorf("--age-warning %s is above --age-critical %s", units.FormatAge(o.AgeWarning.D()), units.FormatAge(o.AgeCritical.D()))
	}
	return nil
}

// findings of one run, for the summary.
type summary struct {
	count   string // "7 database logs (critical above 6)"
	age     string // "oldest 6m old", with the limit when it alerts
	ageHit  bool   // the age alerts
	explain string // what the stamps say about a build-up
	rate    string // the accumulation rate, when it alerts
}

func check(env *plugin.Env, o *options) (*plugin.Result, error) {
	l, err := o.OpenLayout(env, o.StoreRoot)
	if err != nil && o.StoreRoot == "" {
		return nil, plugin.Unknownf("%v", err)
	}
	if err != nil {
		l = nil // the store root is known; the stamps are not
	}
	dir := layout.New("", o.StoreRoot).Mboxlist()
	if l != nil {
		dir = l.Mboxlist()
	}

	env.Stage("stat %s", dir)
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	logs, err := scanLogs(dir, func(s string) { env.Stage("%s", s) })
	if err != nil {
		return nil, plugin.Unknownf("cannot list %s: %s", dir, errtext.Reason(err))
	}
	if len(logs) == 0 {
		return nil, plugin.Unknownf("no database log files (log.NNNNNNNNNN) in %s: wrong --base or --store-root, or database logging is off", dir)
	}

	res := &plugin.Result{}
	var sum summary
	countStatus := threshold.Evaluate(float64(len(logs)), o.Warning, o.Critical)
	reportCount(res, &sum, o, dir, logs, countStatus)
	reportAge(res, &sum, o, env.Now, logs)
	if l != nil {
		env.Stage("stat stamps in %s", l.Config)
		reportStamps(res, &sum, o, l.Config, env.Now, len(logs), countStatus)
	}
	if o.enabled() {
		reportRate(env, res, &sum, o, dir, len(logs))
	}
	// Line 1 is one sentence about the logs (count, cause, age, rate),
	// not a list of findings: built here rather than from plugin.Findings.
	res.Summary = sum.render(res.Status, countStatus)
	addVerbose(env, res, o, l, dir, logs)
	return res, nil
}

// checkDir: a missing mboxlist is CRITICAL (the store's database is gone or
// the path is wrong); one that cannot be looked at is UNKNOWN.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return plugin.Criticalf("mboxlist directory %s does not exist (wrong --base or --store-root, or the mailbox database is gone)", dir)
	case err != nil:
		return plugin.Unknownf("cannot examine mboxlist directory %s: %s", dir, errtext.Reason(err))
	case !fi.IsDir():
		return plugin.Criticalf("mboxlist %s is not a directory", dir)
	}
	return nil
}

func reportCount(res *plugin.Result, sum *summary, o *options, dir string, logs []logFile, s plugin.Status) {
	var total uint64
	for _, f := range logs {
		total += uint64(f.size)
	}
	span := spanText(logs)
	limit := ""
	switch s {
	case plugin.CRITICAL:
		limit = " (critical " + describeRange(o.Critical) + ")"
	case plugin.WARNING:
		limit = " (warning " + describeRange(o.Warning) + ")"
	}
	n := len(logs)
	res.Add(s, "%s in %s: %s, %s in total%s", words.Count(n, "database log"), dir, span, units.FormatBytes(total), limitsText(o, limit))
	sum.count = fmt.Sprintf("%s%s: %s, %s", words.Count(n, "database log"), limit, span, units.FormatBytes(total))
	res.AddPerf(
		plugin.NewPerf("logs", float64(n), "").Thresholds(o.Warning, o.Critical).Bounds(0, nan),
		plugin.NewPerf("bytes", float64(total), "B").Bounds(0, nan),
	)
}

// limitsText is the long-output suffix: the finding's limit, or both.
func limitsText(o *options, limit string) string {
	if limit != "" {
		return limit
	}
	return fmt.Sprintf(" (warning %s, critical %s)", describeRange(o.Warning), describeRange(o.Critical))
}

// spanText is "log.0000000041 .. log.0000000057", saying so when numbers
// are missing in between.
func spanText(logs []logFile) string {
	first, last := logs[0], logs[len(logs)-1]
	if len(logs) == 1 {
		return first.name
	}
	s := first.name + " .. " + last.name
	if missing := last.seq - first.seq + 1 - uint64(len(logs)); missing > 0 {
		s += fmt.Sprintf(" (%d missing in between)", missing)
	}
	return s
}

func reportAge(res *plugin.Result, sum *summary, o *options, now time.Time, logs []logFile) {
	oldest := logs[0]
	for _, f := range logs[1:] {
		if f.modTime.Before(oldest.modTime) {
			oldest = f
		}
	}
	age := max(now.Sub(oldest.modTime), 0)
	lim := threshold.DurationLimits{Warning: o.AgeWarning.D(), Critical: o.AgeCritical.D()}
	s, limit := lim.Check(age), ""
	if s != plugin.OK {
		limit = " (" + strings.ToLower(s.String()) + " " + units.FormatAge(lim.Limit(s)) + ")"
	}
	res.Add(s, "oldest log %s is %s old%s, last written %s", oldest.name, units.FormatAge(age), limit, oldest.modTime.Format(time.RFC3339))
	sum.age = fmt.Sprintf("oldest %s old%s", units.FormatAge(age), limit)
	sum.ageHit = s != plugin.OK
	p := plugin.NewPerf("oldest_age", float64(age/time.Second), "s").Bounds(0, nan)
	p.Warn, p.Crit = lim.PerfWarn(), lim.PerfCrit()
	res.AddPerf(p)
}

// reportStamps relates the log count to stored's checkpoint and log
// cleanup stamps: logs can only be removed after a checkpoint, by the log
// cleanup, so the stamps say which of the two has stopped. The line takes
// the count's state so that it sorts beside the count.
func reportStamps(res *plugin.Result, sum *summary, o *options, config string, now time.Time, n int, s plugin.Status) {
	ckp := stamps.Read(config, stamps.Checkpoint, now)
	lcu := stamps.Read(config, stamps.LogCleanup, now)
	ckpStale := stale(ckp, o.CkpStale.D())
	lcuStale := stale(lcu, o.LcuStale.D())
	logs := words.Count(n, "log")
	var text, short string
	switch {
	case s == plugin.OK:
		text = fmt.Sprintf("%s, %s", stampText(ckp), stampText(lcu))
		if ckpStale || lcuStale {
			text += ": the log count is fine for now, but see check_stored"
		}
	case ckpStale && lcuStale:
		short = fmt.Sprintf("%s, %s: stored is neither checkpointing nor cleaning up logs", stampText(ckp), stampText(lcu))
		text = fmt.Sprintf("%s and %s; is stored running? (check_stored)", logs, short)
	case lcuStale:
		short = fmt.Sprintf("%s: log cleanup has stopped", stampText(lcu))
		text = fmt.Sprintf("%s and %s (%s; check_stored)", logs, short, stampText(ckp))
	case ckpStale:
		short = fmt.Sprintf("%s: checkpointing has stopped", stampText(ckp))
		text = fmt.Sprintf("%s and %s, so no log can be removed (%s; check_stored)", logs, short, stampText(lcu))
	default:
		short = "stored's checkpoints and log cleanup are current"
		text = fmt.Sprintf("%s although %s and %s are current: stored is working, so the logs are still needed, "+
			"e.g. by a long transaction or a process holding the database (imapd died, or a database problem: see BASE/log/default)",
			logs, stampText(ckp), stampText(lcu))
	}
	res.Add(s, "%s", text)
	sum.explain = short
}

// stale: missing, unreadable or older than limit.
func stale(r stamps.Reading, limit time.Duration) bool {
	return !r.Exists || r.Age > limit
}

// stampText is "stored.lcu 3h old", "stored.lcu missing", ...
func stampText(r stamps.Reading) string {
	switch {
	case r.Err != nil:
		return fmt.Sprintf("%s unreadable (%s)", r.Stamp.File, errtext.Reason(r.Err))
	case !r.Exists:
		return r.Stamp.File + " missing"
	case r.Age < 0:
		return fmt.Sprintf("%s %s in the future", r.Stamp.File, units.FormatAge((-r.Age).Round(time.Second)))
	}
	return fmt.Sprintf("%s %s old", r.Stamp.File, units.FormatAge(r.Age))
}

// render is line 1: the count and its span and size, the age when it
// alerts, and for a build-up what the stamps say.
func (s summary) render(worst, countStatus plugin.Status) string {
	parts := []string{s.count}
	if countStatus != plugin.OK && s.explain != "" {
		parts = append(parts, s.explain)
	}
	// The oldest log's age is news when all is well or when it alerts; in a
	// build-up, line 1 is long enough without it.
	if s.age != "" && (countStatus == plugin.OK || s.ageHit) {
		parts = append(parts, s.age)
	}
	if s.rate != "" {
		parts = append(parts, s.rate)
	}
	// " - ", not "; ": Nagios turns a ';' in line 1 into ':'.
	return strings.Join(parts, " - ")
}

// nan leaves a perfdata min or max unset.
var nan = math.NaN()

var plainCount = regexp.MustCompile(`^[0-9]+$`)

// describeRange is "above 6" for the common plain-number range, else
// "outside <range>".
func describeRange(r threshold.Range) string {
	if plainCount.MatchString(r.String()) {
		return "above " + r.String()
	}
	return "outside " + r.String()
}
