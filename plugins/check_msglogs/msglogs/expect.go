package msglogs

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/logtail"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/units"
	"github.com/msgstore-plugins/msgstore/lib/words"
)

// An expected line is the opposite of an error line: its absence is the
// finding. The nightly imexpire writes "Expire finished" to the default log
// when it completes; when the store's clean-up stops, deleted messages are
// no longer expunged and the disk fills, and nothing is logged about it.

// expectation is one --expect SERVICE=REGEX/MAXAGE.
type expectation struct {
	spec   string // as given, for messages
	svc    string
	re     *regexp.Regexp
	maxAge time.Duration
}

// parseExpects reads --expect values. The value is split at its first '='
// (service names have none) and at its last '/', so that the regular
// expression may hold '/' (paths, dates) and MAXAGE never does.
func parseExpects(values []string) ([]expectation, error) {
	var out []expectation
	for _, v := range values {
		e, err := parseExpect(v)
		if err != nil {
			return nil, err
		}
		for _, prev := range out {
			if prev.svc == e.svc && prev.re.String() == e.re.String() {
				return nil, fmt.Errorf("--expect %q: %s=%s is given twice", v, e.svc, e.re)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func parseExpect(v string) (expectation, error) {
	const form = "expected SERVICE=REGEX/MAXAGE, e.g. 'default=imexpire.*Expire finished/26h' (split at the last '/')"
	name, rest, ok := strings.Cut(v, "=")
	if !ok {
		return expectation{}, fmt.Errorf("--expect %q: %s", v, form)
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if !knownService(name) {
		return expectation{}, fmt.Errorf("--expect %q: unknown service %q (known: %s)", v, name, strings.Join(services, ", "))
	}
	i := strings.LastIndexByte(rest, '/')
	if i < 0 {
		return expectation{}, fmt.Errorf("--expect %q: no MAXAGE: %s", v, form)
	}
	pattern, age := rest[:i], rest[i+1:]
	if pattern == "" {
		return expectation{}, fmt.Errorf("--expect %q: empty REGEX: %s", v, form)
	}
	d, err := units.ParseDuration(age)
	if err != nil {
		return expectation{}, fmt.Errorf("--expect %q: MAXAGE %q after the last '/': %v", v, age, err)
	}
	if d <= 0 {
		return expectation{}, fmt.Errorf("--expect %q: MAXAGE must be more than 0", v)
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return expectation{}, fmt.Errorf("--expect %q: REGEX %q: %v", v, pattern, err)
	}
	return expectation{spec: v, svc: name, re: re, maxAge: d}, nil
}

// expectSaved is what the state file remembers of one expected line.
type expectSaved struct {
	Pattern string    `json:"pattern"`
	Last    time.Time `json:"last"`               // date of the newest matching line; zero: never seen
	Line    string    `json:"line,omitempty"`     // its start, for the long output
	ByMTime bool      `json:"by_mtime,omitempty"` // the line had no readable date: Last is the log's mtime
	// Since is the oldest time the logs searched so far cover: a line not
	// seen is only overdue once the logs reach back MAXAGE.
	Since time.Time `json:"since"`
	// Searched: the first run's search back through the rotated files got
	// to the end (or found the line). Until then each run searches again.
	Searched bool `json:"searched"`
}

// maxFutureSkew: a matching line dated further ahead than this is not
// believed (a garbled date would otherwise satisfy the check for years).
const maxFutureSkew = time.Hour

// tracker follows one expectation through one run.
type tracker struct {
	e          *expectation
	saved      expectSaved
	changed    bool
	now        time.Time
	fallback   time.Time // the date of a matching line that has none
	scanned    int       // files read whole by this run's search back
	capped     string    // why the search back stopped early ("" if it did not)
	seen       int       // matching lines read by this run
	foundWhole bool      // the search back found a match in a file it read whole
}

func newTrackers(cfg *config, svc string, saved []expectSaved, now time.Time) []*tracker {
	var out []*tracker
	for i := range cfg.expects {
		e := &cfg.expects[i]
		if e.svc != svc {
			continue
		}
		t := &tracker{e: e, now: now, saved: expectSaved{Pattern: e.re.String()}, changed: true}
		for _, s := range saved {
			if s.Pattern == e.re.String() {
				t.saved, t.changed = s, false
			}
		}
		out = append(out, t)
	}
	return out
}

// line is called for every line read; only matches cost more than the
// regexp.
func (t *tracker) line(b []byte) {
	if !t.e.re.Match(b) {
		return
	}
	t.seen++
	ts, ok := lineTime(b, time.Local)
	byMTime := !ok || ts.After(t.now.Add(maxFutureSkew))
	if byMTime {
		ts = t.fallback
	}
	if ts.IsZero() || !ts.After(t.saved.Last) {
		return
	}
	n := len(b)
	if n > keptLineBytes {
		n = keptLineBytes
	}
	t.saved.Last, t.saved.Line, t.saved.ByMTime, t.changed = ts, string(b[:n]), byMTime, true
}

// searchBack is the first run's search for the newest matching line: the
// current log and its rotated files, newest first, each read whole, until
// every tracker has found its line, the files run out, or the byte budget
// or the deadline is reached.
func searchBack(trackers []*tracker, files []string, maxBytes int64, deadline time.Time) {
	var todo []*tracker
	for _, t := range trackers {
		if !t.saved.Searched {
			todo = append(todo, t)
		}
	}
	if len(todo) == 0 {
		return
	}
	budget := maxBytes
	var oldest time.Time // the oldest date of the files read whole
	complete := true
	for _, f := range files {
		if budget <= 0 || !deadline.IsZero() && !time.Now().Before(deadline) {
			complete = false
			markCapped(todo, budget)
			break
		}
		info, err := os.Stat(f)
		if err != nil {
			continue // expired between the listing and now
		}
		var first time.Time
		seenBefore := make([]int, len(todo))
		for i, t := range todo {
			t.fallback = info.ModTime()
			seenBefore[i] = t.seen
		}
		_, rep, err := logtail.Follow(nil, logtail.Source{Path: f}, logtail.Options{FromStart: true, MaxBytes: budget, Deadline: deadline},
			func(b []byte, _ bool) {
				if first.IsZero() {
					first, _ = lineTime(b, time.Local)
				}
				for _, t := range todo {
					t.line(b)
				}
			})
		budget -= rep.BytesRead
		if err != nil {
			continue
		}
		if rep.Capped {
			complete = false
			// Read from its start and stopped: a match in it is not the
			// answer, a newer one may lie in the unread rest.
			for _, t := range todo {
				t.capped = rep.CappedBy
			}
			break
		}
		if first.IsZero() {
			first = info.ModTime()
		}
		if oldest.IsZero() || first.Before(oldest) {
			oldest = first
		}
		for i, t := range todo {
			t.scanned++
			if t.seen > seenBefore[i] {
				t.foundWhole = true
			}
		}
		if allFound(todo) {
			break
		}
	}
	for _, t := range todo {
		t.saved.Searched = t.foundWhole || complete
		if !oldest.IsZero() && (t.saved.Since.IsZero() || oldest.Before(t.saved.Since)) {
			t.saved.Since = oldest
		}
		if t.saved.Since.IsZero() {
			t.saved.Since = t.now
		}
		t.changed = true
	}
}

func markCapped(todo []*tracker, budget int64) {
	for _, t := range todo {
		if budget <= 0 {
			t.capped = "max bytes"
		} else {
			t.capped = "deadline"
		}
	}
}

func allFound(ts []*tracker) bool {
	for _, t := range ts {
		if !t.foundWhole {
			return false
		}
	}
	return true
}

// judge turns a tracker into a finding (status OK when none) and its long
// output line.
func (t *tracker) judge(status plugin.Status) (plugin.Status, string, string) {
	e, s := t.e, t.saved
	re := fmt.Sprintf("'%s'", e.re)
	limit := units.FormatAge(e.maxAge)
	if !s.Last.IsZero() {
		age := t.age()
		when := fmt.Sprintf("last %s line %s ago (limit %s): %s", re, units.FormatAge(age), limit, s.Line)
		if s.ByMTime {
			when += " [no date in the line: dated by the log's mtime]"
		}
		if age <= e.maxAge {
			return plugin.OK, "", when
		}
		if !s.Searched && !t.windowCovered() {
			return plugin.UNKNOWN, fmt.Sprintf("%s line last seen %s ago, search of older logs incomplete", re, units.FormatAge(age)), when + t.incomplete()
		}
		return status, fmt.Sprintf("no %s line for %s (limit %s)", re, units.FormatAge(age), limit), when
	}
	covered := units.FormatAge(t.now.Sub(s.Since))
	switch {
	case t.windowCovered():
		return status, fmt.Sprintf("no %s line in %s of logs (limit %s)", re, covered, limit),
			fmt.Sprintf("no %s line seen in %s of logs (limit %s)%s", re, covered, limit, t.incomplete())
	case !s.Searched:
		return plugin.UNKNOWN, fmt.Sprintf("search for %s incomplete", re),
			fmt.Sprintf("no %s line in the %s of logs searched so far%s", re, covered, t.incomplete())
	}
	return plugin.OK, "", fmt.Sprintf("no %s line yet, but the logs cover only %s (limit %s)", re, covered, limit)
}

// age is how long ago the newest match was written; a line dated slightly
// ahead of the plugin's clock is 0 old.
func (t *tracker) age() time.Duration {
	if a := t.now.Sub(t.saved.Last); a > 0 {
		return a
	}
	return 0
}

// windowCovered: the logs searched reach back at least MAXAGE, so a line
// not found in them is overdue.
func (t *tracker) windowCovered() bool {
	return !t.saved.Since.IsZero() && t.now.Sub(t.saved.Since) >= t.e.maxAge
}

func (t *tracker) incomplete() string {
	if t.capped == "" {
		return ""
	}
	return fmt.Sprintf("; the search back stopped after %s (%s reached): the next run searches again (raise --max-bytes or -t)",
		words.Count(t.scanned, "file"), t.capped)
}
