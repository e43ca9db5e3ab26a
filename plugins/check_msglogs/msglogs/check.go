// Package msglogs is check_msglogs: the Messaging Server's own logs (imap,
// pop, http, admin, default and the MTA's mail.log_current), read
// incrementally and without gaps across rotation ("Check Log Files",
// Administration Guide 20.14.1.2).
package msglogs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/logtail"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
	"github.com/msgstore-plugins/msgstore/lib/words"
)

const pluginName = "check_msglogs"

// stateVersion changes when the state file's meaning does.
const stateVersion = 1

// savedState is one log's state file.
type savedState struct {
	Version int            `json:"version"`
	Service string         `json:"service"`
	Log     string         `json:"log"`
	Cursor  logtail.Cursor `json:"cursor"`
	Saved   time.Time      `json:"saved"`            // when the cursor last changed (the file is not rewritten when it did not)
	Expect  []expectSaved  `json:"expect,omitempty"` // the newest line of each --expect on this log
}

// validate rejects a state file that decodes but cannot be right.
func (s savedState) validate(svc, path string) error {
	switch {
	case s.Version != stateVersion:
		return fmt.Errorf("not version %d", stateVersion)
	case s.Service != svc || s.Log != path:
		return errors.New("belongs to another log")
	case s.Cursor.Valid() != nil:
		// Valid's reasons quote the file's numbers: words only here.
		return errors.New("not a valid position")
	}
	for _, e := range s.Expect {
		if e.Pattern == "" {
			return errors.New("expected line without its pattern")
		}
	}
	return nil
}

// Spec returns the plugin with fresh default options.
func Spec() plugin.Spec {
	o := &options{}
	return plugin.Spec{
		Name:    pluginName,
		Service: "MSGLOGS",
		Description: "Checks the Messaging Server's own logs in BASE/log: new Critical, Error and Warning lines " +
			"since the last run in the service logs (imap, pop, http, admin, default, and imta, where the ims-ms " +
			"channel reports failed deliveries to the store; format '[date] host proc[pid]: Category Level: message', " +
			"date bracketed or not), new rejections (J, K, R entries [P]) and --match " +
			"lines in the MTA's mail.log_current, each log's liveness, and the size of the log directory. " +
			"The MTA's entry code is found with or without the LOG_NODE, LOG_PROCESS and LOG_CONNECTION fields; " +
			"records written with LOG_FORMAT=4 (<en .../>) are read too: the entry code from the attribute " +
			"--mta-xml-code names (not public [U]; ec, then ac, are assumed), <co> connection records are never " +
			"rejections. A log directory with a directory per service (log/imap/imap, the 6.3 guide's " +
			"log/default/default) is followed. " +
			"--expect watches for lines that must keep coming, such as the nightly imexpire's 'Expire finished' " +
			"in the default log: when the clean-up stops, deleted messages are not expunged and the disk fills " +
			"without any error line. " +
			"Logs are read incrementally, check_logfiles style: the offset, device:inode, size and mtime of each " +
			"log are kept in --state-dir; a log rotated since the last run (imap -> imap.<seq>.<epoch>, " +
			"mail.log_current -> mail.log_yesterday [P]) is found by its inode and finished from the saved offset " +
			"before the new file is read, so no line is lost or read twice. The first run only records where " +
			"each log ends (history is not news) unless --from-start. A corrupt state file is a WARNING and " +
			"reading starts again at the end of the log. Lines longer than 64 KiB are counted by their start " +
			"and cut. Levels Emergency, Alert and Catastrophic (not documented for 6.3 [U]) count as critical. " +
			"The imta log has no liveness limit unless --stale-warning imta=DURATION names one.",
		Examples: []string{
			"check_msglogs -B /opt/sun/comms/messaging64",
			"check_msglogs -s imap,pop --stale-warning 30m -w warning=20 -c error=10",
			"check_msglogs -s mta --stale-warning 15m -m 'tcp_local .* Q ' -e 'user/[^ ]*: Mailbox does not exist'",
			"check_msglogs --dir-warning 5GiB --rotated-warning 12 --state-dir /var/lib/nagios/msglogs",
			"check_msglogs -s default --stale-warning 0 -c critical=off -w error=off --expect 'default=imexpire.*Expire finished/26h'",
		},
		Options: o,
		Check:   func(env *plugin.Env) (*plugin.Result, error) { return check(env, o) },
	}
}

// logResult is what was found in one service's log.
type logResult struct {
	svc      string
	path     string
	explicit bool  // named with --service
	hadState bool  // a previous run saw it
	err      error // the log could not be read
	counter  *counter
	rep      logtail.Report
	age      time.Duration
	ahead    time.Duration // how far in the future it was modified (a wrong clock), beyond clockSkew
	rotated  int           // rotated files beside it
	notes    []string      // state recovered, rotation, caps
	problems []note        // findings that raise the state
	expects  []*tracker    // --expect on this log
}

// clockSkew is how far in the future a log's write time may be before it
// is called wrong: clocks of NFS servers drift by seconds.
const clockSkew = 5 * time.Minute

type note struct {
	status plugin.Status
	text   string // for line 1
	counts bool   // the counts, which the long-output line shows anyway
}

func check(env *plugin.Env, o *options) (*plugin.Result, error) {
	cfg, err := parseConfig(o)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	l, err := o.OpenLayout(env, "")
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	conf, confErr := o.ReadConfiguration(env, l)
	dirs, dirSources, partial := logDirs(l, conf, o.LogDir)

	if err := o.Resolve(env.Getenv); err != nil {
		return nil, plugin.Unknownf("cannot keep state: %v", err)
	}
	env.Stage("checking state dir %s", o.StateDir)
	if err := state.CheckWritable(o.StateDir); err != nil {
		return nil, plugin.Unknownf("cannot keep state: %v (give a writable --state-dir)", err)
	}

	listings := map[string]*dirListing{}
	for _, svc := range services {
		if _, ok := listings[dirs[svc]]; !ok {
			env.Stage("listing %s", dirs[svc])
			listings[dirs[svc]] = listDir(dirs[svc])
		}
	}
	followServiceDirs(env, dirs, listings)
	selected, err := selectServices(env, cfg, o, dirs, listings)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}

	// From the clock, not env.Now: a test may run the check as of another
	// day, and the budget is about this run's wall time.
	deadline := time.Now().Add(env.Timeout * 6 / 10)
	res := &plugin.Result{}
	if confErr != nil {
		res.Add(plugin.OK, "%v: log directories default to %s", confErr, l.Log)
	}
	var results []*logResult
	for _, svc := range selected {
		r := checkLog(env, cfg, o, svc, dirs[svc], listings[dirs[svc]], deadline)
		r.explicit = slices.Contains(cfg.services, svc)
		evaluate(cfg, r)
		report(res, cfg, o, r)
		results = append(results, r)
	}
	dirProblems := hygiene(res, o, selected, dirs, listings)
	// Line 1 is built here, not from plugin.Findings: it groups the notes
	// per service and names every one, and a note that is the counts must
	// not be repeated on the log's long-output line, which shows them.
	res.Summary = summary(results, dirProblems, savesPositions(env, o))
	if !savesPositions(env, o) {
		res.Summary += " (" + interactiveNote + ")"
		res.Add(plugin.OK, "%s", interactiveNote)
	}
	for _, svc := range selected {
		res.Detail(env, plugin.VerboseDetail, "log directory of %s: %s (%s)", svc, dirs[svc], dirSources[svc])
	}
	if partial != "" {
		res.Raise(plugin.WARNING)
		res.Summary = partial + ", " + res.Summary
	}
	return res, nil
}

// selectServices is --service, else every service whose current log exists
// or that an earlier run saw (so a log that disappears is noticed).
func selectServices(env *plugin.Env, cfg *config, o *options, dirs map[string]string, listings map[string]*dirListing) ([]string, error) {
	if len(cfg.services) > 0 {
		return cfg.services, nil
	}
	var out []string
	var listErrs []string
	for _, svc := range services {
		d := listings[dirs[svc]]
		if d.err != nil {
			if !slices.Contains(listErrs, d.path) {
				listErrs = append(listErrs, d.path)
			}
			continue
		}
		if hasEntry(d, currentName(svc)) || hasState(env, o, cfg, svc, filepath.Join(dirs[svc], currentName(svc))) || cfg.expected(svc) {
			out = append(out, svc)
		}
	}
	if len(listErrs) > 0 {
		d := listings[listErrs[0]]
		return nil, fmt.Errorf("cannot list log directory %s: %s", d.path, errtext.Reason(d.err))
	}
	if len(out) == 0 {
		var where []string
		for _, svc := range services {
			if !slices.Contains(where, dirs[svc]) {
				where = append(where, dirs[svc])
			}
		}
		return nil, fmt.Errorf("no service logs in %s (looked for imap, pop, http, admin, default, %s): give --log-dir or --service", strings.Join(where, ", "), mtaCurrent)
	}
	return out, nil
}

func hasEntry(d *dirListing, name string) bool { return d.present[name] }

func hasState(env *plugin.Env, o *options, cfg *config, svc, path string) bool {
	return state.Exists(o.StateDir, stateKey(env, cfg, svc, path))
}

// stateKey names a log's state file: each definition of the check, each
// user and each invoking command (check_msglogs alone, or check_msgstore)
// keeps its own position, so that none takes lines from another.
func stateKey(env *plugin.Env, cfg *config, svc, path string) string {
	return state.KeyFor(env.Invoker, pluginName, svc, cfg.stateParts(svc, path)...)
}

// interactiveNote says why a run in a terminal did not move the positions.
const interactiveNote = "interactive run: positions not saved, give --commit to save"

// savesPositions: a run in a terminal only looks, unless --commit; the
// scheduled check must still find the lines it read.
func savesPositions(env *plugin.Env, o *options) bool {
	return !env.Interactive || o.Commit
}

// checkLog reads one log's new lines. Its new position is saved only when
// the run's result is printed (env.OnCommit): a run that the watchdog ends
// reports nothing of what it read, so the next run must read it again.
func checkLog(env *plugin.Env, cfg *config, o *options, svc, dir string, listing *dirListing, deadline time.Time) *logResult {
	path := filepath.Join(dir, currentName(svc))
	r := &logResult{svc: svc, path: path, counter: newCounter(svc == "mta", cfg, o.Show)}
	if listing.err != nil {
		// A missing log directory is a wrong path or an unmounted file
		// system, not a service that stopped logging: the plugin could not
		// look.
		r.err = &dirError{path: dir, err: listing.err}
		return r
	}
	r.rotated = listing.rotatedCount(svc)
	key := stateKey(env, cfg, svc, path)
	env.Stage("waiting for the lock of state %s", filepath.Join(o.StateDir, key))
	lock, err := state.LockFile(env.Context(), o.StateDir, key, deadline)
	if err != nil {
		r.err = err
		return r
	}
	// Held until the new position is saved, so that an overlapping run
	// starts from it instead of reading the same lines again. A run the
	// watchdog ends saves nothing: it lets go at once.
	env.OnTimeout(lock.Unlock)
	var pending *savedState
	env.OnCommit(func() error {
		defer lock.Unlock()
		if pending == nil || !savesPositions(env, o) {
			return nil
		}
		return state.Save(o.StateDir, key, *pending)
	})
	env.Stage("reading state %s", filepath.Join(o.StateDir, key))
	var saved savedState
	found, err := state.Load(o.StateDir, key, &saved)
	if err == nil && found {
		err = saved.validate(svc, path)
		if err != nil {
			err = fmt.Errorf("%w %s: %v", state.ErrCorrupt, filepath.Join(o.StateDir, key), err)
		}
	}
	var prev *logtail.Cursor
	var savedExpects []expectSaved
	if err == nil && found {
		savedExpects = saved.Expect
	}
	r.expects = newTrackers(cfg, svc, savedExpects, env.Now)
	switch {
	case errors.Is(err, state.ErrUntrusted):
		r.problems = append(r.problems, note{plugin.UNKNOWN, fmt.Sprintf("%v; lines since the last check were not read", err), false})
		r.notes = append(r.notes, "the state file was refused: reading starts again at the end of the log")
	case err != nil:
		r.problems = append(r.problems, note{plugin.WARNING, "state was unusable, lines since the last check were not read", false})
		r.notes = append(r.notes, fmt.Sprintf("%v: recovered by starting again at the end of the log; lines written since the last check were not read", err))
	case found:
		start := saved.Cursor // a copy: compared with the new cursor below
		prev = &start
		r.hadState = true
	}

	src := logtail.Source{Path: path, Rotated: func() ([]string, error) {
		env.Stage("listing %s", dir)
		d := listDir(dir)
		return d.rotated(svc), d.err
	}}
	lineFunc := r.counter.line
	if len(r.expects) > 0 {
		lineFunc = expectLines(env, r, src, listing, int64(o.MaxBytes), deadline)
	}
	env.Stage("reading %s", path)
	cur, rep, err := logtail.Follow(prev, src, logtail.Options{
		FromStart: o.FromStart && err == nil, MaxBytes: int64(o.MaxBytes), Deadline: deadline,
	}, lineFunc)
	r.rep = rep
	if err != nil {
		r.err = err
		return r
	}
	r.age = env.Now.Sub(rep.CurrentMTime)
	if r.age < -clockSkew {
		r.ahead = -r.age
	}
	if r.age < 0 {
		r.age = 0
	}
	if !stateChanged(prev, cur) && !expectsChanged(r.expects) {
		// Nothing moved: rewriting the file (fsync + rename, 0.1 to 4 ms
		// each) for every log on every run was most of an idle run's cost.
		return r
	}
	pending = &savedState{Version: stateVersion, Service: svc, Log: path, Cursor: cur, Saved: env.Now, Expect: savedOf(r.expects)}
	return r
}

// expectLines searches back for the expected lines a first run has not seen
// yet and returns the line function that counts and watches for them.
func expectLines(env *plugin.Env, r *logResult, src logtail.Source, listing *dirListing, maxBytes int64, deadline time.Time) logtail.LineFunc {
	files := []string{src.Path}
	rotated := listing.rotated(r.svc)
	for i := len(rotated) - 1; i >= 0; i-- {
		files = append(files, rotated[i])
	}
	env.Stage("searching %s and its rotated files for expected lines", src.Path)
	searchBack(r.expects, files, maxBytes, deadline)
	// Lines read from now on were written since the last run: one without
	// a date of its own is dated by the log's mtime.
	if info, err := os.Stat(src.Path); err == nil {
		for _, t := range r.expects {
			t.fallback = info.ModTime()
		}
	}
	return func(b []byte, cut bool) {
		r.counter.line(b, cut)
		for _, t := range r.expects {
			t.line(b)
		}
	}
}

func expectsChanged(ts []*tracker) bool {
	for _, t := range ts {
		if t.changed {
			return true
		}
	}
	return false
}

func savedOf(ts []*tracker) []expectSaved {
	var out []expectSaved
	for _, t := range ts {
		out = append(out, t.saved)
	}
	return out
}

// stateChanged reports whether the cursor after a run differs from the one
// the run started from, so that the state file needs writing. A first run,
// or one that recovered from an unusable state (prev == nil), always saves.
func stateChanged(prev *logtail.Cursor, cur logtail.Cursor) bool {
	return prev == nil || *prev != cur
}

// evaluate turns what was found into findings.
func evaluate(cfg *config, r *logResult) {
	if r.err != nil {
		var de *dirError
		switch {
		case errors.As(r.err, &de):
			r.problems = append(r.problems, note{plugin.UNKNOWN, de.Error(), false})
		case errors.Is(r.err, state.ErrLocked):
			r.problems = append(r.problems, note{plugin.UNKNOWN, "another run of this check still holds its state: not read by this run", false})
		case errors.Is(r.err, state.ErrUntrusted):
			r.problems = append(r.problems, note{plugin.UNKNOWN, r.err.Error(), false})
		case errors.Is(r.err, fs.ErrNotExist) && r.hadState:
			r.problems = append(r.problems, note{plugin.CRITICAL, "log has disappeared", false})
		case errors.Is(r.err, fs.ErrNotExist):
			r.problems = append(r.problems, note{plugin.CRITICAL, "log does not exist", false})
		default:
			r.problems = append(r.problems, note{plugin.UNKNOWN, "cannot read log: " + errtext.Reason(r.err), false})
		}
		return
	}
	var alerting []string
	worst := plugin.OK
	for lv := level(0); lv < nLevels; lv++ {
		if !levelApplies(r.svc, lv, cfg) {
			continue
		}
		warn, crit := cfg.ranges(r.svc, lv)
		n := float64(r.counter.counts[lv])
		s := plugin.OK
		switch {
		case crit.Alerts(n):
			s = plugin.CRITICAL
		case warn.Alerts(n):
			s = plugin.WARNING
		}
		if s != plugin.OK {
			alerting = append(alerting, fmt.Sprintf("%d %s", r.counter.counts[lv], lv))
			worst = plugin.Worst(worst, s)
		}
	}
	if len(alerting) > 0 {
		when := " since last check"
		if r.rep.FirstRun {
			when = " in the whole log (first check, --from-start)"
		}
		r.problems = append(r.problems, note{worst, strings.Join(alerting, ", ") + when, true})
	}
	if stale := cfg.staleFor(r.svc); stale > 0 && r.age > stale {
		r.problems = append(r.problems, note{plugin.WARNING, "log silent for " + units.FormatAge(r.age), false})
	}
	for _, t := range r.expects {
		if s, text, _ := t.judge(cfg.expectStatus); s != plugin.OK {
			r.problems = append(r.problems, note{s, text, false})
		}
	}
	if stale := cfg.staleFor(r.svc); stale > 0 && r.ahead > 0 {
		// A write time in the future says nothing about whether the
		// server still writes: never count it as fresh.
		r.problems = append(r.problems, note{plugin.WARNING, "log modified " + units.FormatAge(r.ahead.Round(time.Second)) + " in the future (clock?)", false})
	}
	if r.rep.Lost {
		r.problems = append(r.problems, note{plugin.WARNING, "rotated log not found, unread lines lost", false})
	}
}

// levelApplies: service logs have critical, error and warning lines, the
// MTA log rejections; match applies to both when --match is given.
func levelApplies(svc string, lv level, cfg *config) bool {
	switch lv {
	case lvMatch:
		return len(cfg.match) > 0
	case lvRejected:
		return svc == "mta"
	default:
		return svc != "mta"
	}
}

// report adds a log's long-output lines and perfdata.
func report(res *plugin.Result, cfg *config, o *options, r *logResult) {
	status := plugin.OK
	for _, p := range r.problems {
		status = plugin.Worst(status, p.status)
	}
	if r.err != nil {
		res.Add(status, "%s: %s: %s", r.svc, r.path, problemText(r))
		return
	}
	var counts []string
	for lv := level(0); lv < nLevels; lv++ {
		if levelApplies(r.svc, lv, cfg) {
			counts = append(counts, fmt.Sprintf("%d %s", r.counter.counts[lv], lv))
		}
	}
	text := fmt.Sprintf("%s: %s since last check (%s read), last written %s ago, %s; %s",
		r.svc, strings.Join(counts, ", "), units.FormatBytes(uint64(r.rep.BytesRead)), units.FormatAge(r.age),
		words.Count(r.rotated, "rotated file"), r.path)
	if r.rep.FirstRun {
		text = fmt.Sprintf("%s: first check, reading starts at the end of the log (%s); --from-start reads it from the beginning; last written %s ago, %s; %s",
			r.svc, units.FormatBytes(uint64(r.rep.CurrentSize)), units.FormatAge(r.age), words.Count(r.rotated, "rotated file"), r.path)
		if o.FromStart && r.rep.BytesRead > 0 {
			text = fmt.Sprintf("%s: first check, read from the start: %s (%s), last written %s ago, %s; %s",
				r.svc, strings.Join(counts, ", "), units.FormatBytes(uint64(r.rep.BytesRead)), units.FormatAge(r.age), words.Count(r.rotated, "rotated file"), r.path)
		}
	}
	var extra []string
	for _, p := range r.problems {
		if !p.counts {
			extra = append(extra, p.text)
		}
	}
	if len(extra) > 0 {
		text = fmt.Sprintf("%s [%s]", text, strings.Join(extra, ", "))
	}
	res.Add(status, "%s", text)
	for _, t := range r.expects {
		s, _, long := t.judge(cfg.expectStatus)
		res.Add(s, "%s: %s", r.svc, long)
	}
	for _, n := range r.notes {
		res.Add(plugin.OK, "%s: %s", r.svc, n)
	}
	addReadNotes(res, r)
	for _, k := range r.counter.newest() {
		warn, crit := cfg.ranges(r.svc, k.lv)
		s := plugin.OK
		switch n := float64(r.counter.counts[k.lv]); {
		case crit.Alerts(n):
			s = plugin.CRITICAL
		case warn.Alerts(n):
			s = plugin.WARNING
		}
		line := string(k.text)
		if k.cut {
			line += " [cut]"
		}
		res.Add(s, "%s %s: %s", r.svc, k.lv, line)
	}
	addPerf(res, cfg, r)
}

func addReadNotes(res *plugin.Result, r *logResult) {
	rep := r.rep
	switch {
	case rep.Rotated && !rep.Lost && len(rep.Files) > 1:
		res.Add(plugin.OK, "%s: rotated since the last check: read %s", r.svc, strings.Join(baseNames(rep.Files), ", then "))
	case rep.Lost:
		res.Add(plugin.OK, "%s: rotated since the last check but the file read last (%d bytes unread when last seen) is gone: lines written to it after the last check are lost; read %s",
			r.svc, rep.LostBytes, strings.Join(baseNames(rep.Files), ", then "))
	case rep.Truncated:
		res.Add(plugin.OK, "%s: the log was truncated or rewritten since the last check: read from its start", r.svc)
	}
	if rep.Capped {
		res.Add(plugin.OK, "%s: stopped after %s (%s reached): the rest is read by the next run", r.svc, units.FormatBytes(uint64(rep.BytesRead)), rep.CappedBy)
	}
	if rep.CutLines > 0 {
		res.Add(plugin.OK, "%s: %s longer than %s, counted by their start", r.svc, words.Count(int(rep.CutLines), "line"), units.FormatBytes(logtail.DefaultMaxLine))
	}
}

func addPerf(res *plugin.Result, cfg *config, r *logResult) {
	for lv := level(0); lv < nLevels; lv++ {
		if !levelApplies(r.svc, lv, cfg) {
			continue
		}
		warn, crit := cfg.ranges(r.svc, lv)
		res.AddPerf(plugin.NewPerf(r.svc+"_"+lv.String(), float64(r.counter.counts[lv]), "").Bounds(0, nan()).Thresholds(warn, crit))
	}
	res.AddPerf(plugin.NewPerf(r.svc+"_read", float64(r.rep.BytesRead), "B").Bounds(0, nan()))
	age := plugin.NewPerf(r.svc+"_age", r.age.Round(time.Second).Seconds(), "s").Bounds(0, nan())
	age.Warn = threshold.DurationLimits{Warning: cfg.staleFor(r.svc)}.PerfWarn()
	res.AddPerf(age)
	for i, t := range r.expects {
		label := r.svc + "_expect_age"
		if i > 0 {
			label = fmt.Sprintf("%s_%d", label, i+1)
		}
		age := t.age().Round(time.Second).Seconds()
		if t.saved.Last.IsZero() {
			age = plugin.Unknown // never seen
		}
		p := plugin.NewPerf(label, age, "s").Bounds(0, nan())
		limit := fmt.Sprint(int64(t.e.maxAge.Seconds()))
		if cfg.expectStatus == plugin.CRITICAL {
			p.Crit = limit
		} else {
			p.Warn = limit
		}
		res.AddPerf(p)
	}
}

func problemText(r *logResult) string {
	parts := make([]string, len(r.problems))
	for i, p := range r.problems {
		parts[i] = p.text
	}
	return strings.Join(parts, ", ")
}

// hygiene reports the size of each log directory and the rotated files per
// service, with their optional thresholds. It returns the line-1 texts of
// its findings.
func hygiene(res *plugin.Result, o *options, selected []string, dirs map[string]string, listings map[string]*dirListing) []note {
	var found []note
	var seen []string
	for i, svc := range selected {
		d := listings[dirs[svc]]
		if d.err != nil || slices.Contains(seen, d.path) {
			continue
		}
		seen = append(seen, d.path)
		lim := threshold.SizeLimits{Warning: uint64(o.DirWarning), Critical: uint64(o.DirCritical)}
		s := lim.Check(d.size)
		res.Add(s, "log directory %s holds %s in %d files", d.path, units.FormatBytes(d.size), d.count)
		if s != plugin.OK {
			found = append(found, note{s, "log dir " + units.FormatBytes(d.size), false})
		}
		label := "log_dir_size"
		if len(seen) > 1 {
			label = fmt.Sprintf("log_dir_size_%s", selected[i])
		}
		p := plugin.NewPerf(label, float64(d.size), "B").Bounds(0, nan())
		p.Warn, p.Crit = lim.PerfWarn(), lim.PerfCrit()
		res.AddPerf(p)
	}
	for _, svc := range selected {
		d := listings[dirs[svc]]
		if d.err != nil {
			continue
		}
		n := d.rotatedCount(svc)
		s := plugin.OK
		switch {
		case o.RotatedCritical.Alerts(float64(n)):
			s = plugin.CRITICAL
		case o.RotatedWarning.Alerts(float64(n)):
			s = plugin.WARNING
		}
		if s != plugin.OK {
			res.Add(s, "%s: %d rotated files in %s: check logfile.%s.maxlogfiles and expiry", svc, n, d.path, svc)
			found = append(found, note{s, fmt.Sprintf("%s: %d rotated files", svc, n), false})
		}
		res.AddPerf(plugin.NewPerf(svc+"_rotated", float64(n), "").Bounds(0, nan()).Thresholds(o.RotatedWarning, o.RotatedCritical))
	}
	return found
}

// summary is line 1: the services with findings, worst first, else a
// one-line all-clear.
func summary(results []*logResult, dir []note, saving bool) string {
	type part struct {
		status plugin.Status
		text   string
	}
	var parts []part
	for _, r := range results {
		if len(r.problems) == 0 {
			continue
		}
		s := plugin.OK
		for _, p := range r.problems {
			s = plugin.Worst(s, p.status)
		}
		parts = append(parts, part{s, r.svc + ": " + problemText(r)})
	}
	for _, n := range dir {
		parts = append(parts, part{n.status, n.text})
	}
	sort.SliceStable(parts, func(i, j int) bool { return plugin.Worse(parts[i].status, parts[j].status) })
	if len(parts) > 0 {
		texts := make([]string, len(parts))
		for i, p := range parts {
			texts[i] = p.text
		}
		return strings.Join(texts, " - ") // no ';' in line 1: Nagios makes it ':'
	}
	var read int64
	first := 0
	for _, r := range results {
		read += r.rep.BytesRead
		if r.rep.FirstRun {
			first++
		}
	}
	if first == len(results) && read == 0 && !saving {
		return fmt.Sprintf("first check of %s", words.Count(len(results), "log"))
	}
	if first == len(results) && read == 0 {
		return fmt.Sprintf("first check of %s: positions saved, new lines are counted from now on", words.Count(len(results), "log"))
	}
	return fmt.Sprintf("%s OK, nothing alarming since last check (%s read)", words.Count(len(results), "log"), units.FormatBytes(uint64(read)))
}

// dirError is a log directory that cannot be listed.
type dirError struct {
	path string
	err  error
}

func (e *dirError) Error() string {
	return fmt.Sprintf("cannot list log directory %s: %s", e.path, errtext.Reason(e.err))
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}
