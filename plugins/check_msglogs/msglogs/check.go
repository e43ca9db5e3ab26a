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
	"sort"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/logtail"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/units"
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
	Saved   time.Time      `json:"saved"` // when the cursor last changed (the file is not rewritten when it did not)
}

// validate rejects a state file that decodes but cannot be right.
func (s savedState) validate(svc, path string) error {
	switch {
	case s.Version != stateVersion:
		return fmt.Errorf("version %d, want %d", s.Version, stateVersion)
	case s.Service != svc || s.Log != path:
		return fmt.Errorf("belongs to %s %s", s.Service, s.Log)
	}
	return s.Cursor.Valid()
}

// Spec returns the plugin with fresh default options.
func Spec() plugin.Spec {
	o := &options{}
	return plugin.Spec{
		Name:    pluginName,
		Service: "MSGLOGS",
		Description: "Checks the Messaging Server's own logs in BASE/log: new Critical, Error and Warning lines " +
			"since the last run in the service logs (imap, pop, http, admin, default; format " +
			"'[date] host proc[pid]: Category Level: message'), new rejections (J, K, R entries [P]) and --match " +
			"lines in the MTA's mail.log_current, each log's liveness, and the size of the log directory. " +
			"Logs are read incrementally, check_logfiles style: the offset, device:inode, size and mtime of each " +
			"log are kept in --state-dir; a log rotated since the last run (imap -> imap.<seq>.<epoch>, " +
			"mail.log_current -> mail.log_yesterday [P]) is found by its inode and finished from the saved offset " +
			"before the new file is read, so no line is lost or read twice. The first run only records where " +
			"each log ends (history is not news) unless --from-start. A corrupt state file is a WARNING and " +
			"reading starts again at the end of the log. Lines longer than 64 KiB are counted by their start " +
			"and cut. Levels Emergency, Alert and Catastrophic (not documented for 6.3 [U]) count as critical.",
		Examples: []string{
			"check_msglogs -B /opt/sun/comms/messaging64",
			"check_msglogs -s imap,pop --stale 30m -w warning=20 -c error=10",
			"check_msglogs -s mta --stale 15m -m 'tcp_local .* Q ' -e 'user/[^ ]*: Mailbox does not exist'",
			"check_msglogs --dir-warning 5GiB --rotated-warning 12 --state-dir /var/lib/nagios/msglogs",
		},
		Options: o,
		Check:   func(env *plugin.Env) (*plugin.Result, error) { return check(env, o) },
	}
}

// logResult is what was found in one service's log.
type logResult struct {
	svc       string
	path      string
	explicit  bool  // named with --service
	hadState  bool  // a previous run saw it
	err       error // the log could not be read
	counter   *counter
	rep       logtail.Report
	age       time.Duration
	rotated   int      // rotated files beside it
	notes     []string // state recovered, rotation, caps
	problems  []note   // findings that raise the state
	stateSave error
}

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
	env.Stage("finding msg-svr-base")
	l, err := layout.Open(o.Base, "", env.Getenv)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	env.Stage("reading %s", l.MsgConfPath())
	conf, confErr := l.ReadConf()
	if confErr != nil {
		conf = layout.Conf{}
	}
	env.Stage("reading %s", filepath.Join(l.Config, "imta_tailor"))
	dirs := logDirs(l, conf, o.LogDir)

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
	selected, err := selectServices(cfg, o, dirs, listings)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}

	deadline := env.Now.Add(env.Timeout * 6 / 10)
	res := &plugin.Result{}
	if confErr != nil {
		res.Add(plugin.OK, "%v: log directories default to %s", confErr, l.Log)
	}
	var results []*logResult
	for _, svc := range selected {
		r := checkLog(env, cfg, o, svc, dirs[svc], listings[dirs[svc]], deadline)
		r.explicit = contains(cfg.services, svc)
		evaluate(cfg, r)
		report(res, cfg, o, r)
		results = append(results, r)
	}
	dirProblems := hygiene(res, o, selected, dirs, listings)
	res.Summary = summary(results, dirProblems)
	return res, nil
}

// selectServices is --service, else every service whose current log exists
// or that an earlier run saw (so a log that disappears is noticed).
func selectServices(cfg *config, o *options, dirs map[string]string, listings map[string]*dirListing) ([]string, error) {
	if len(cfg.services) > 0 {
		return cfg.services, nil
	}
	var out []string
	var listErrs []string
	for _, svc := range services {
		d := listings[dirs[svc]]
		if d.err != nil {
			if !contains(listErrs, d.path) {
				listErrs = append(listErrs, d.path)
			}
			continue
		}
		if hasEntry(d, currentName(svc)) || hasState(o, cfg, svc, filepath.Join(dirs[svc], currentName(svc))) {
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
			if !contains(where, dirs[svc]) {
				where = append(where, dirs[svc])
			}
		}
		return nil, fmt.Errorf("no service logs in %s (looked for imap, pop, http, admin, default, %s): give --log-dir or --service", strings.Join(where, ", "), mtaCurrent)
	}
	return out, nil
}

func hasEntry(d *dirListing, name string) bool {
	for _, e := range d.entries {
		if e.Name() == name {
			return true
		}
	}
	return false
}

func hasState(o *options, cfg *config, svc, path string) bool {
	_, err := os.Stat(filepath.Join(o.StateDir, state.Key(pluginName, svc, cfg.stateParts(svc, path)...)))
	return err == nil
}

// checkLog reads one log's new lines and saves its new position.
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
	r.rotated = len(listing.rotated(svc, false))
	key := state.Key(pluginName, svc, cfg.stateParts(svc, path)...)
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
	switch {
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
		return d.rotated(svc, true), d.err
	}}
	env.Stage("reading %s", path)
	cur, rep, err := logtail.Follow(prev, src, logtail.Options{
		FromStart: o.FromStart && err == nil, MaxBytes: int64(o.MaxBytes), Deadline: deadline,
	}, r.counter.line)
	r.rep = rep
	if err != nil {
		r.err = err
		return r
	}
	r.age = env.Now.Sub(rep.CurrentMTime)
	if r.age < 0 {
		r.age = 0
	}
	if !stateChanged(prev, cur) {
		// Nothing moved: rewriting the file (fsync + rename, 0.1 to 4 ms
		// each) for every log on every run was most of an idle run's cost.
		return r
	}
	env.Stage("saving state %s", filepath.Join(o.StateDir, key))
	r.stateSave = state.Save(o.StateDir, key, savedState{Version: stateVersion, Service: svc, Log: path, Cursor: cur, Saved: env.Now})
	return r
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
	if r.rep.Lost {
		r.problems = append(r.problems, note{plugin.WARNING, "rotated log not found, unread lines lost", false})
	}
	if r.stateSave != nil {
		r.problems = append(r.problems, note{plugin.UNKNOWN, "cannot save state: " + r.stateSave.Error(), false})
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
	text := fmt.Sprintf("%s: %s since last check (%s read), last written %s ago, %d rotated file%s; %s",
		r.svc, strings.Join(counts, ", "), units.FormatBytes(uint64(r.rep.BytesRead)), units.FormatAge(r.age),
		r.rotated, plural(r.rotated), r.path)
	if r.rep.FirstRun {
		text = fmt.Sprintf("%s: first check, reading starts at the end of the log (%s); --from-start reads it from the beginning; last written %s ago, %d rotated file%s; %s",
			r.svc, units.FormatBytes(uint64(r.rep.CurrentSize)), units.FormatAge(r.age), r.rotated, plural(r.rotated), r.path)
		if o.FromStart && r.rep.BytesRead > 0 {
			text = fmt.Sprintf("%s: first check, read from the start: %s (%s), last written %s ago, %d rotated file%s; %s",
				r.svc, strings.Join(counts, ", "), units.FormatBytes(uint64(r.rep.BytesRead)), units.FormatAge(r.age), r.rotated, plural(r.rotated), r.path)
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
		res.Add(plugin.OK, "%s: %d line%s longer than %s, counted by their start", r.svc, rep.CutLines, plural(int(rep.CutLines)), units.FormatBytes(logtail.DefaultMaxLine))
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
	if s := cfg.staleFor(r.svc); s > 0 {
		age.Warn = fmt.Sprint(int64(s.Seconds()))
	}
	res.AddPerf(age)
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
		if d.err != nil || contains(seen, d.path) {
			continue
		}
		seen = append(seen, d.path)
		s := plugin.OK
		switch {
		case o.DirCrit > 0 && d.size > uint64(o.DirCrit):
			s = plugin.CRITICAL
		case o.DirWarn > 0 && d.size > uint64(o.DirWarn):
			s = plugin.WARNING
		}
		res.Add(s, "log directory %s holds %s in %d files", d.path, units.FormatBytes(d.size), len(d.entries))
		if s != plugin.OK {
			found = append(found, note{s, "log dir " + units.FormatBytes(d.size), false})
		}
		label := "log_dir_size"
		if len(seen) > 1 {
			label = fmt.Sprintf("log_dir_size_%s", selected[i])
		}
		p := plugin.NewPerf(label, float64(d.size), "B").Bounds(0, nan())
		if o.DirWarn > 0 {
			p.Warn = fmt.Sprint(uint64(o.DirWarn))
		}
		if o.DirCrit > 0 {
			p.Crit = fmt.Sprint(uint64(o.DirCrit))
		}
		res.AddPerf(p)
	}
	for _, svc := range selected {
		d := listings[dirs[svc]]
		if d.err != nil {
			continue
		}
		n := len(d.rotated(svc, false))
		s := plugin.OK
		switch {
		case o.RotCrit.Alerts(float64(n)):
			s = plugin.CRITICAL
		case o.RotWarn.Alerts(float64(n)):
			s = plugin.WARNING
		}
		if s != plugin.OK {
			res.Add(s, "%s: %d rotated files in %s: check logfile.%s.maxlogfiles and expiry", svc, n, d.path, svc)
			found = append(found, note{s, fmt.Sprintf("%s: %d rotated files", svc, n), false})
		}
		res.AddPerf(plugin.NewPerf(svc+"_rotated", float64(n), "").Bounds(0, nan()).Thresholds(o.RotWarn, o.RotCrit))
	}
	return found
}

// summary is line 1: the services with findings, worst first, else a
// one-line all-clear.
func summary(results []*logResult, dir []note) string {
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
	if first == len(results) && read == 0 {
		return fmt.Sprintf("first check of %d log%s: positions saved, new lines are counted from now on", len(results), plural(len(results)))
	}
	return fmt.Sprintf("%d log%s OK, nothing alarming since last check (%s read)", len(results), plural(len(results)), units.FormatBytes(uint64(read)))
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

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
