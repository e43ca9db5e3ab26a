package plugin

import (
	"fmt"
	"sort"
	"strings"
)

// Output limits. Nagios Core keeps 8 KiB of plugin output; we stay under it
// with room to spare. An item line is cut at MaxLineBytes.
const (
	MaxOutputBytes  = 8000
	MaxSummaryBytes = 1000
	MaxLineBytes    = 400
)

// Render formats a result as plugin output:
//
//	SERVICE STATE - summary | perfdata
//	[STATE] item line (worst first)
//	... N more
//
// The whole stays under MaxOutputBytes: long output lines are dropped from
// the end (and counted), perfdata items are dropped whole, never cut.
func Render(service string, r *Result) string {
	head := fmt.Sprintf("%s %s - %s", service, r.Status, Truncate(oneLine(r.summary()), MaxSummaryBytes))
	// Leave room after line 1 for at least the "... N more" line.
	perf := renderPerf(r.Perf, MaxOutputBytes-len(head)-64)
	var b strings.Builder
	b.WriteString(head)
	if perf != "" {
		b.WriteString(" | ")
		b.WriteString(perf)
	}
	b.WriteByte('\n')

	lines := sortedLines(r.Lines)
	for i, l := range lines {
		text := fmt.Sprintf("[%s] %s\n", l.Status, Truncate(oneLine(l.Text), MaxLineBytes))
		rest := len(lines) - i
		more := fmt.Sprintf("... %d more\n", rest)
		last := rest == 1
		if b.Len()+len(text) > MaxOutputBytes || !last && b.Len()+len(text)+len(more) > MaxOutputBytes {
			b.WriteString(more)
			break
		}
		b.WriteString(text)
	}
	return b.String()
}

// oneLine sanitises text from anywhere into a single printable line.
func oneLine(s string) string { return Sanitize(s) }

// renderPerf joins perfdata items with spaces within budget bytes.
func renderPerf(ps []Perf, budget int) string {
	var b strings.Builder
	for _, p := range ps {
		item := p.String()
		if b.Len()+len(item)+3 > budget {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(item)
	}
	return b.String()
}

// sortedLines orders long output worst first, keeping the check's order
// among lines of the same state.
func sortedLines(in []Line) []Line {
	out := append([]Line(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return Worse(out[i].Status, out[j].Status) })
	return out
}
