package telemetry

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
	"github.com/msgstore-plugins/msgstore/lib/words"
)

type reporter struct {
	*run
	res      *plugin.Result
	sections []section // of each line of res.Lines
}

// section orders the OK lines of long output: what the sessions say first,
// then notes on what was not read, then one line per capture, so that the
// figures survive the 8 KiB cap however many captures there are. Lines
// that are not OK keep the order they were found in (the renderer puts
// them first, worst first).
type section int

const (
	secLatency section = iota
	secNotes
	secTotals
	secCaptures
	secFiles
	secStrays
)

func (r *run) report() *plugin.Result {
	rp := &reporter{run: r, res: &plugin.Result{}}
	for _, l := range r.scan.problems {
		rp.add(secNotes, l.Status, l.Text, l.Text)
	}
	if len(r.scan.captures) == 0 {
		rp.reportOff()
		rp.order()
		return rp.res
	}
	caps := append([]*capture(nil), r.scan.captures...)
	now := r.env.Now
	sort.SliceStable(caps, func(i, j int) bool { return caps[i].since().Before(caps[j].since()) })
	if r.serverErr != nil {
		rp.add(secNotes, plugin.UNKNOWN, "cannot tell the server user: "+errtext.Reason(r.serverErr),
			fmt.Sprintf("cannot tell which user the server runs as (%s): give --server-user", errtext.Reason(r.serverErr)))
	}
	for _, c := range caps {
		rp.reportCapture(c, now)
	}
	rp.reportNotKept()
	rp.reportStrays()
	rp.reportTotals(now)
	rp.reportLatency()
	rp.reportNotRead()
	if rp.res.Status == plugin.OK {
		rp.res.Summary = rp.allClear(now)
	}
	rp.order()
	return rp.res
}

// add records a long-output line, and a finding for line 1 unless OK.
func (rp *reporter) add(sec section, s plugin.Status, short, long string) {
	rp.report(sec, plugin.Finding{Status: s, Short: short, Long: long})
}

// report records the long-output line of f in section sec, and f for
// line 1 unless OK.
func (rp *reporter) report(sec section, f plugin.Finding) {
	rp.res.Report(f)
	rp.sections = append(rp.sections, sec)
}

// note is an OK line of long output.
func (rp *reporter) note(sec section, format string, args ...any) {
	rp.add(sec, plugin.OK, "", fmt.Sprintf(format, args...))
}

// order puts the lines that are not OK first, as found, then the OK lines
// by section.
func (rp *reporter) order() {
	type entry struct {
		line plugin.Line
		sec  section
	}
	entries := make([]entry, len(rp.res.Lines))
	for i, l := range rp.res.Lines {
		entries[i] = entry{l, rp.sections[i]}
	}
	rank := func(e entry) int {
		if e.line.Status != plugin.OK {
			return -1
		}
		return int(e.sec)
	}
	sort.SliceStable(entries, func(i, j int) bool { return rank(entries[i]) < rank(entries[j]) })
	for i, e := range entries {
		rp.res.Lines[i] = e.line
	}
}

func (rp *reporter) reportOff() {
	root := rp.scan.root
	text := "no capture directory under " + root + "/{imap,pop,http}: nothing is recorded"
	if rp.scan.missing {
		text = root + " does not exist: nothing is recorded"
	}
	rp.note(secCaptures, "%s", text)
	rp.reportStrays()
	rp.res.AddPerf(rp.totalsPerf(rp.env.Now)...)
	rp.res.AddPerf(rp.latencyPerf()...)
	if rp.res.Status == plugin.OK {
		rp.res.Summary = "telemetry off"
	}
}

func age(t, now time.Time) time.Duration {
	if d := now.Sub(t); d > 0 {
		return d
	}
	return 0
}

// ageStatus judges how long a capture has been on.
func ageStatus(o *options, a time.Duration) (status plugin.Status, limit string) {
	lim := o.ageLimits()
	status = lim.Check(a)
	if status == plugin.OK {
		return status, ""
	}
	return status, fmt.Sprintf(" (over --age-%s %s)", strings.ToLower(status.String()), units.FormatAge(lim.Limit(status)))
}

// captureStatus is the worst state a capture's own lines will have, to
// choose which captures get a line of their own.
func (r *run) captureStatus(c *capture) plugin.Status {
	st, _ := ageStatus(r.o, age(c.since(), r.env.Now))
	if c.listErr != nil {
		st = plugin.Worst(st, plugin.UNKNOWN)
	}
	if r.notWritable(c) {
		st = plugin.Worst(st, plugin.WARNING)
	}
	return st
}

// notWritable: the server user cannot create session files in c.
func (r *run) notWritable(c *capture) bool {
	srv := r.serverAccount()
	return srv != nil && c.hasOwner && !srv.canCreateIn(c.uid, c.gid, c.mode)
}

func (rp *reporter) reportCapture(c *capture, now time.Time) {
	a := age(c.since(), now)
	status, limit := ageStatus(rp.o, a)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: capturing for %s%s, ", c.name(), units.FormatAge(a), limit)
	switch {
	case c.listErr != nil:
		b.WriteString("session files not counted")
	case c.files == 0:
		b.WriteString("no session recorded yet (is the userid right?)")
	default:
		fmt.Fprintf(&b, "%s (%s), newest %s ago", words.Count(c.files, "session file"), units.FormatBytes(uint64(c.bytes)), units.FormatAge(age(c.newest, now)))
	}
	if c.ignored > 0 {
		fmt.Fprintf(&b, ", %s ignored", words.Count(c.ignored, "other entry"))
	}
	if status != plugin.OK {
		fmt.Fprintf(&b, "; remove %s to stop capturing", c.path)
	} else {
		fmt.Fprintf(&b, "; %s", c.path)
	}
	rp.add(secCaptures, status, fmt.Sprintf("%s capturing for %s%s", c.name(), units.FormatAge(a), shortLimit(limit)), b.String())

	if c.listErr != nil {
		rp.add(secCaptures, plugin.UNKNOWN, "cannot list "+c.name(),
			fmt.Sprintf("%s: cannot list %s: %s (run the check as root or as the server user)", c.name(), c.path, errtext.Reason(c.listErr)))
	}
	rp.reportOwner(c)
	if c.unreadable.n > 0 {
		rp.add(secFiles, plugin.UNKNOWN, fmt.Sprintf("%s: %s unreadable", c.name(), words.Count(c.unreadable.n, "session file")),
			fmt.Sprintf("%s: %s unreadable: %s", c.name(), words.Count(c.unreadable.n, "session file"), named(c.unreadable)))
	}
	if c.unparsable.n > 0 {
		rp.note(secFiles, "%s: %s not in the session format, not counted: %s",
			c.name(), words.Count(c.unparsable.n, "file"), named(c.unparsable))
	}
}

// reportOwner warns when the server cannot create session files in the
// capture: the admin believes tracing is on, and nothing is recorded.
func (rp *reporter) reportOwner(c *capture) {
	if !rp.notWritable(c) {
		return
	}
	srv := rp.server
	who := userName(c.uid) + ":" + groupName(c.gid)
	rp.add(secCaptures, plugin.WARNING,
		fmt.Sprintf("%s not writable by %s (owned by %s)", c.name(), srv.name, userName(c.uid)),
		fmt.Sprintf("%s: owned by %s, mode %04o: the server user %s (%s) cannot create session files there, nothing is recorded; chown it to %s",
			c.name(), who, uint32(c.mode.Perm()), srv.name, srv.source, srv.name))
}

func named(l fileList) string {
	s := strings.Join(l.names, ", ")
	if more := l.n - len(l.names); more > 0 {
		s += fmt.Sprintf(", +%d more", more)
	}
	return s
}

func (rp *reporter) reportStrays() {
	if len(rp.scan.strays) == 0 {
		return
	}
	names := rp.scan.strays
	sort.Strings(names)
	more := ""
	if len(names) > maxNamed {
		more = fmt.Sprintf(", +%d more", len(names)-maxNamed)
		names = names[:maxNamed]
	}
	rp.note(secStrays, "%s: %s ignored (the server captures imap, pop and http only)", rp.scan.root, strings.Join(names, ", ")+more)
}

// reportNotKept sums up the captures that have no line of their own.
func (rp *reporter) reportNotKept() {
	set := rp.scan.set
	n := set.droppedCount()
	if n == 0 && rp.evictedUnreadable == 0 && rp.evictedUnparsable == 0 {
		return
	}
	status := plugin.OK
	var parts []string
	for _, st := range []plugin.Status{plugin.CRITICAL, plugin.WARNING, plugin.UNKNOWN} {
		if k := set.dropped[st]; k > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", k, strings.ToLower(st.String())))
			status = plugin.Worst(status, st)
		}
	}
	if rp.evictedUnreadable > 0 {
		parts = append(parts, words.Count(rp.evictedUnreadable, "session file")+" unreadable")
		status = plugin.Worst(status, plugin.UNKNOWN)
	}
	if rp.evictedUnparsable > 0 {
		parts = append(parts, words.Count(rp.evictedUnparsable, "file")+" not in the session format")
	}
	text := fmt.Sprintf("... %d more captures not listed one by one (the %d listed are the worst and longest running)", n, len(rp.scan.captures))
	if len(parts) > 0 {
		text += ": " + strings.Join(parts, ", ")
	}
	// Line 1's "(+N more)" counts each of them, as if listed.
	rp.report(secTotals, plugin.Finding{Status: status, Short: fmt.Sprintf("%d more captures: %s", n, strings.Join(parts, ", ")),
		Long: text, Count: n - set.dropped[plugin.OK]})
}

// totals over all captures.
type totals struct {
	captures, users, files, unparsable int
	bytes                              int64
	oldest                             time.Duration
}

func (rp *reporter) sum(now time.Time) totals {
	if rp.scan == nil {
		return totals{}
	}
	t := rp.scan.totals
	out := totals{captures: t.captures, users: len(t.users), files: t.files, bytes: t.bytes, unparsable: rp.unparsable}
	if t.captures > 0 {
		out.oldest = age(t.oldest.since, now)
	}
	return out
}

func (rp *reporter) reportTotals(now time.Time) {
	o := rp.o
	t := rp.sum(now)
	if s := threshold.Evaluate(float64(t.users), o.Warning, o.Critical); s != plugin.OK {
		rng := o.Warning
		if s == plugin.CRITICAL {
			rng = o.Critical
		}
		rp.add(secTotals, s, fmt.Sprintf("%s captured", words.Count(t.users, "user")),
			fmt.Sprintf("%s captured, outside the %s range %s", words.Count(t.users, "user"), strings.ToLower(s.String()), rng))
	}
	size := uint64(t.bytes)
	lim := o.sizeLimits()
	if s := lim.Check(size); s != plugin.OK {
		rp.add(secTotals, s, fmt.Sprintf("captures hold %s", units.FormatBytes(size)),
			fmt.Sprintf("session files hold %s, over --size-%s %s", units.FormatBytes(size), strings.ToLower(s.String()), units.FormatBytes(lim.Limit(s))))
	}
	rp.res.AddPerf(rp.totalsPerf(now)...)
}

func (rp *reporter) totalsPerf(now time.Time) []plugin.Perf {
	o := rp.o
	t := rp.sum(now)
	bytes := plugin.NewPerf("bytes", float64(t.bytes), "B").Bounds(0, math.NaN())
	bytes.Warn, bytes.Crit = o.sizeLimits().PerfWarn(), o.sizeLimits().PerfCrit()
	oldestAge := math.Round(t.oldest.Seconds())
	if t.captures == 0 {
		oldestAge = plugin.Unknown // no capture has an age; 0 would be one just started
	}
	oldest := plugin.NewPerf("oldest_age", oldestAge, "s").Bounds(0, math.NaN())
	oldest.Warn, oldest.Crit = o.ageLimits().PerfWarn(), o.ageLimits().PerfCrit()
	return []plugin.Perf{
		plugin.NewPerf("captures", float64(t.captures), "").Bounds(0, math.NaN()),
		plugin.NewPerf("users", float64(t.users), "").Bounds(0, math.NaN()).Thresholds(o.Warning, o.Critical),
		plugin.NewPerf("files", float64(t.files), "").Bounds(0, math.NaN()),
		bytes,
		oldest,
		plugin.NewPerf("unparsable", float64(t.unparsable), "").Bounds(0, math.NaN()),
	}
}

// reportLatency is one line and perfdata per protocol with response times.
func (rp *reporter) reportLatency() {
	o := rp.o
	for _, p := range Protocols {
		st := rp.stats[p]
		if st == nil || st.lat.Count() == 0 {
			continue
		}
		p95, mx := round3(st.lat.Quantile(0.95)), round3(st.lat.Max())
		status := plugin.Worst(threshold.Evaluate(p95, o.ResponseWarning, o.ResponseCritical),
			threshold.Evaluate(mx, o.ResponseMaxWarning, o.ResponseMaxCritical))
		text := fmt.Sprintf("%s: %s in %s: server response max %s (%s, user %s, session %s), p95 %s; server %s in all, client %s (longest wait %s)",
			p, words.Count(int(st.lat.Count()), "response"), words.Count(st.sessions, "session"),
			secs(mx), st.slowest.Command, st.slowestUser, st.slowestFile, secs(p95),
			secs(st.serverTime), secs(st.clientTime), secs(st.clientMax))
		rp.add(secLatency, status, fmt.Sprintf("%s response p95 %s max %s", p, secs(p95), secs(mx)), text)
		if rp.env.Verbose > 0 {
			rp.note(secLatency, "%s commands: %s", p, commandSummary(st.commands))
		}
	}
	rp.res.AddPerf(rp.latencyPerf()...)
}

// latencyPerf is the response times of every protocol, in every run
// (graphs want the same labels each time): U when no session of the
// protocol was read, as when no capture is on.
func (rp *reporter) latencyPerf() []plugin.Perf {
	o := rp.o
	var out []plugin.Perf
	for _, p := range Protocols {
		p95, mx, n := plugin.Unknown, plugin.Unknown, 0.0
		if st := rp.stats[p]; st != nil && st.lat.Count() > 0 {
			p95, mx, n = round3(st.lat.Quantile(0.95)), round3(st.lat.Max()), float64(st.lat.Count())
		}
		out = append(out,
			plugin.NewPerf(string(p)+"_response_max", mx, "s").Bounds(0, math.NaN()).Thresholds(o.ResponseMaxWarning, o.ResponseMaxCritical),
			plugin.NewPerf(string(p)+"_response_p95", p95, "s").Bounds(0, math.NaN()).Thresholds(o.ResponseWarning, o.ResponseCritical),
			plugin.NewPerf(string(p)+"_responses", n, "").Bounds(0, math.NaN()),
		)
	}
	return out
}

// reportNotRead says when the figures cover only part of the sessions.
func (rp *reporter) reportNotRead() {
	notRead, partial := rp.notRead, rp.partial
	if rp.o.NoSessions {
		rp.note(secNotes, "session files not read (--no-sessions)")
		return
	}
	if notRead > 0 {
		rp.note(secNotes, "%s not read (%s reached): response times come from the %d newest sessions",
			words.Count(notRead, "session file"), strings.Join(rp.stopped, ", "), rp.readDone)
	}
	if partial > 0 {
		rp.note(secNotes, "%s read only in part (--max-read-per-file %s or --max-read)",
			words.Count(partial, "session file"), units.FormatBytes(uint64(rp.o.MaxReadPerFile)))
	}
}

// allClear is line 1 when all is well: what is on, which no finding says.
// When something is wrong, line 1 is built from the findings.
func (rp *reporter) allClear(now time.Time) string {
	t := rp.sum(now)
	oldest := rp.scan.totals.oldest
	var s string
	if t.captures == 1 {
		s = fmt.Sprintf("telemetry on: %s for %s, %s, %s", oldest.name, units.FormatAge(age(oldest.since, now)),
			words.Count(oldest.files, "session"), units.FormatBytes(uint64(oldest.bytes)))
	} else {
		s = fmt.Sprintf("telemetry on: %s of %s, oldest %s for %s, %s", words.Count(t.captures, "capture"), words.Count(t.users, "user"),
			oldest.name, units.FormatAge(age(oldest.since, now)), units.FormatBytes(uint64(t.bytes)))
	}
	for _, f := range rp.latencyShorts() {
		s += " - " + f // no ';' in line 1: Nagios makes it ':'
	}
	return s
}

func (rp *reporter) latencyShorts() []string {
	var out []string
	for _, p := range Protocols {
		if st := rp.stats[p]; st != nil && st.lat.Count() > 0 {
			out = append(out, fmt.Sprintf("%s response p95 %s max %s", p, secs(round3(st.lat.Quantile(0.95))), secs(round3(st.lat.Max()))))
		}
	}
	return out
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// secs is "0.236s", "12.5s", "1h3m" for long ones.
func secs(v float64) string {
	if v >= 600 {
		return units.FormatAge(time.Duration(v * float64(time.Second)))
	}
	return strconv.FormatFloat(round3(v), 'f', -1, 64) + "s"
}

// shortLimit turns " (over --age-warning 1d)" into ", over 1d" for line 1.
func shortLimit(limit string) string {
	return strings.NewReplacer(" (", ", ", ")", "", "--age-critical ", "", "--age-warning ", "").Replace(limit)
}

// commandSummary lists commands slowest first: "SELECT 12x max 0.5s avg
// 0.1s, ...".
func commandSummary(m map[string]*commandStats) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := m[names[i]], m[names[j]]
		if a.max != b.max {
			return a.max > b.max
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, n := range names {
		c := m[n]
		parts[i] = fmt.Sprintf("%s %dx max %s avg %s", n, c.n, secs(c.max), secs(c.sum/float64(c.n)))
	}
	return strings.Join(parts, ", ")
}
