package msglogs

import (
	"regexp"
)

// keptLineBytes is how much of a counted line is kept for long output; the
// renderer cuts further.
const keptLineBytes = 320

// counter counts one log's new lines by level and keeps the newest few
// counted lines of each level. The per-line path allocates nothing: lines
// are classified on the bytes the reader hands over, and only counted lines
// (rare) are copied, into slots allocated once.
type counter struct {
	mta     bool
	xmlCode []string // attributes of a LOG_FORMAT=4 record's entry code
	match   []*regexp.Regexp
	exclude []*regexp.Regexp
	counts  [nLevels]int64
	keep    int
	rings   [nLevels]ring
}

// ring holds the newest lines of one level.
type ring struct {
	lines []keptLine
	next  int // position of the next line once full
}

type keptLine struct {
	lv   level
	text []byte
	cut  bool
}

func newCounter(mta bool, c *config, keep int) *counter {
	return &counter{mta: mta, xmlCode: c.xmlCodeAttrs(), match: c.match, exclude: c.exclude, keep: keep}
}

// line is the logtail.LineFunc.
func (c *counter) line(b []byte, cut bool) {
	lv := c.classify(b)
	if lv == lvNone {
		return
	}
	for _, re := range c.exclude {
		if re.Match(b) {
			return
		}
	}
	c.counts[lv]++
	c.remember(lv, b, cut)
}

// classify does the cheap test first: the level field (service logs) or
// the entry code (MTA); regular expressions run only for --match.
func (c *counter) classify(b []byte) level {
	if c.mta {
		if isRejection(mtaAction(b, c.xmlCode)) {
			return lvRejected
		}
	} else if lv := lineLevel(b); lv != lvNone {
		return lv
	}
	for _, re := range c.match {
		if re.Match(b) {
			return lvMatch
		}
	}
	return lvNone
}

func (c *counter) remember(lv level, b []byte, cut bool) {
	if c.keep == 0 {
		return
	}
	r := &c.rings[lv]
	if len(r.lines) < c.keep {
		r.lines = append(r.lines, keptLine{text: make([]byte, 0, keptLineBytes)})
	}
	k := &r.lines[r.next]
	n := len(b)
	if n > keptLineBytes {
		n, cut = keptLineBytes, true
	}
	k.lv, k.cut = lv, cut
	k.text = append(k.text[:0], b[:n]...)
	r.next = (r.next + 1) % c.keep
}

// newest returns up to keep lines, most severe level first and, within a
// level, the newest ones in the order they were written: a Critical line is
// shown even when many Error lines came after it.
func (c *counter) newest() []keptLine {
	var out []keptLine
	for lv := level(0); lv < nLevels && len(out) < c.keep; lv++ {
		r := c.rings[lv]
		ordered := append(append([]keptLine(nil), r.lines[r.next:]...), r.lines[:r.next]...)
		if len(r.lines) < c.keep {
			ordered = r.lines
		}
		if room := c.keep - len(out); len(ordered) > room {
			ordered = ordered[len(ordered)-room:]
		}
		out = append(out, ordered...)
	}
	return out
}
