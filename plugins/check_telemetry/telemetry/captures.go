package telemetry

import (
	"container/heap"
	"hash/fnv"
	"sort"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// maxCapturesKept is how many captures are kept for one long-output line
// each: the output is cut at 8 KiB (about 40 such lines) anyway. Every
// capture counts in the totals; the others are summed up in one line, so
// that memory stays bounded however many users are captured (a script
// that created a capture per user left 100,000 of them).
const maxCapturesKept = 100

// captureTotals sum up every capture seen, kept or not.
type captureTotals struct {
	captures, files, ignored int
	bytes                    int64
	users                    map[uint64]struct{} // 64-bit hashes of user ids: distinct users in bounded memory
	oldest                   captureBrief        // the capture running longest
}

// captureBrief is what line 1 says of the capture running longest.
type captureBrief struct {
	name  string
	since time.Time
	files int
	bytes int64
}

func (t *captureTotals) add(c *capture) {
	t.captures++
	t.files += c.files
	t.ignored += c.ignored
	t.bytes += c.bytes
	if t.users == nil {
		t.users = map[uint64]struct{}{}
	}
	h := fnv.New64a()
	h.Write([]byte(c.user))
	t.users[h.Sum64()] = struct{}{}
	if s := c.since(); t.captures == 1 || s.Before(t.oldest.since) {
		t.oldest = captureBrief{name: c.name(), since: s, files: c.files, bytes: c.bytes}
	}
}

// captureSet keeps the maxCapturesKept most notable captures: the worst
// state first, then the longest running. The others are counted by the
// state they would have reported.
type captureSet struct {
	judge   func(*capture) plugin.Status
	kept    []*capture // a heap: the least notable on top
	states  []plugin.Status
	dropped map[plugin.Status]int
}

func newCaptureSet(judge func(*capture) plugin.Status) *captureSet {
	return &captureSet{judge: judge, dropped: map[plugin.Status]int{}}
}

// severity ranks states for keeping: CRITICAL, WARNING, UNKNOWN, OK.
func severity(s plugin.Status) int {
	return map[plugin.Status]int{plugin.OK: 0, plugin.UNKNOWN: 1, plugin.WARNING: 2, plugin.CRITICAL: 3}[s]
}

// lessNotable: capture a in state sa is less notable than b in state sb.
func lessNotable(a *capture, sa plugin.Status, b *capture, sb plugin.Status) bool {
	if ra, rb := severity(sa), severity(sb); ra != rb {
		return ra < rb
	}
	if ta, tb := a.since(), b.since(); !ta.Equal(tb) {
		return ta.After(tb) // the younger is less notable
	}
	return a.name() > b.name()
}

// heap.Interface over the kept captures, the least notable on top.
func (s *captureSet) Len() int { return len(s.kept) }
func (s *captureSet) Less(i, j int) bool {
	return lessNotable(s.kept[i], s.states[i], s.kept[j], s.states[j])
}
func (s *captureSet) Swap(i, j int) {
	s.kept[i], s.kept[j] = s.kept[j], s.kept[i]
	s.states[i], s.states[j] = s.states[j], s.states[i]
}
func (s *captureSet) Push(x any) { panic("captureSet: use offer") }
func (s *captureSet) Pop() any   { panic("captureSet: use offer") }

// offer keeps c if it is among the most notable; what falls out is
// counted by its state and marked evicted.
func (s *captureSet) offer(c *capture) {
	st := s.judge(c)
	if len(s.kept) < maxCapturesKept {
		s.kept = append(s.kept, c)
		s.states = append(s.states, st)
		heap.Fix(s, len(s.kept)-1)
		return
	}
	out, outState := c, st
	if lessNotable(s.kept[0], s.states[0], c, st) {
		out, outState = s.kept[0], s.states[0]
		s.kept[0], s.states[0] = c, st
		heap.Fix(s, 0)
	}
	out.evicted = true
	s.dropped[outState]++
}

// captures returns the kept captures, longest running first.
func (s *captureSet) captures() []*capture {
	out := append([]*capture(nil), s.kept...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].since(), out[j].since()
		if !a.Equal(b) {
			return a.Before(b)
		}
		return out[i].name() < out[j].name()
	})
	return out
}

// droppedCount is how many captures were not kept.
func (s *captureSet) droppedCount() int {
	n := 0
	for _, v := range s.dropped {
		n += v
	}
	return n
}
