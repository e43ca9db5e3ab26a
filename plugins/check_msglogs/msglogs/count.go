package msglogs

import (
	"regexp"
)

// keptLineBytes is how much of a counted line is kept for long output; the
// renderer cuts further.
const keptLineBytes = 320

// counter counts one log's new lines by level and keeps the newest few
// counted lines. The per-line path allocates nothing: lines are classified
// on the bytes the reader hands over, and only counted lines (rare) are
// copied, into slots allocated once.
type counter struct {
	mta     bool
	match   []*regexp.Regexp
	exclude []*regexp.Regexp
	counts  [nLevels]int64
	keep    int
	kept    []keptLine // ring of the newest counted lines
	next    int        // ring position of the next line
	total   int64      // counted lines seen (ring fill)
}

type keptLine struct {
	lv   level
	text []byte
	cut  bool
}

func newCounter(mta bool, c *config, keep int) *counter {
	return &counter{mta: mta, match: c.match, exclude: c.exclude, keep: keep}
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
		if isRejection(mtaAction(b)) {
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
	if len(c.kept) < c.keep {
		c.kept = append(c.kept, keptLine{text: make([]byte, 0, keptLineBytes)})
	}
	k := &c.kept[c.next]
	n := len(b)
	if n > keptLineBytes {
		n, cut = keptLineBytes, true
	}
	k.lv, k.cut = lv, cut
	k.text = append(k.text[:0], b[:n]...)
	c.next = (c.next + 1) % c.keep
	c.total++
}

// newest returns the kept lines, oldest first.
func (c *counter) newest() []keptLine {
	if int64(len(c.kept)) < int64(c.keep) || c.total <= int64(c.keep) {
		return c.kept
	}
	out := make([]keptLine, 0, len(c.kept))
	out = append(out, c.kept[c.next:]...)
	return append(out, c.kept[:c.next]...)
}
