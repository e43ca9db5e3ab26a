package plugin

import (
	"fmt"
	"sort"
	"strings"
)

// Output limits. Nagios Core keeps 8 KiB of plugin output; we stay under it
// with room to spare. NRPE 2 carries 1023 bytes, so line 1 with the
// perfdata it holds stays under MaxLine1Bytes: an old agent then cuts long
// output, never a perfdata item in half. An item line is cut at
// MaxLineBytes.
const (
	MaxOutputBytes  = 8000
	MaxLine1Bytes   = 1000
	MaxSummaryBytes = 600
	MaxLineBytes    = 400
)

// Render formats a result as plugin output:
//
//	SERVICE STATE - summary | perfdata that fits line 1
//	[STATE] item line (worst first)
//	... N more
//	|further perfdata
//
// Perfdata that does not fit line 1 goes on a last line after a '|', which
// Nagios joins to line 1's (plugin API, multi-line output) and Icinga 2
// parses on any line. The whole stays under MaxOutputBytes: long output
// lines are dropped from the end (and counted), perfdata items are dropped
// whole, never cut.
func Render(service string, r *Result) string {
	head := fmt.Sprintf("%s %s - %s", service, r.Status, Truncate(noSemicolons(oneLine(r.Headline())), MaxSummaryBytes))
	first, rest := splitPerf(perfItems(r.Perf), MaxLine1Bytes-len(head)-len(" | "))
	var b strings.Builder
	b.WriteString(head)
	if len(first) > 0 {
		b.WriteString(" | ")
		b.WriteString(strings.Join(first, " "))
	}
	b.WriteByte('\n')

	// The trailing perfdata line gets its room first, leaving at least
	// enough for a "... N more" line.
	tail := ""
	if len(rest) > 0 {
		kept, _ := splitPerf(rest, MaxOutputBytes-b.Len()-64-len("|\n"))
		if len(kept) > 0 {
			// No space after '|': Icinga 2 keeps it as part of the
			// first label.
			tail = "|" + strings.Join(kept, " ") + "\n"
		}
	}
	budget := MaxOutputBytes - len(tail)
	lines := sortedLines(r.Lines)
	for i, l := range lines {
		text := fmt.Sprintf("[%s] %s\n", l.Status, Truncate(oneLine(l.Text), MaxLineBytes))
		left := len(lines) - i
		more := fmt.Sprintf("... %d more\n", left)
		last := left == 1
		if b.Len()+len(text) > budget || !last && b.Len()+len(text)+len(more) > budget {
			b.WriteString(more)
			break
		}
		b.WriteString(text)
	}
	b.WriteString(tail)
	return b.String()
}

// noSemicolons keeps ';' out of line 1's text: Nagios replaces it with ':'
// in what it records (status.dat), which turns "ready; checkpoint 20s ago"
// into "ready: checkpoint 20s ago". The plugins write no ';' there; this is
// the guarantee for text from elsewhere (file names, a child's output).
func noSemicolons(s string) string {
	if !strings.Contains(s, ";") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "; ", " - "), ";", ",")
}

// oneLine sanitises text from anywhere into a single printable line.
func oneLine(s string) string { return Sanitize(s) }

func perfItems(ps []Perf) []string {
	items := make([]string, len(ps))
	for i, p := range ps {
		items[i] = p.String()
	}
	return items
}

// splitPerf returns the leading items that fit in budget bytes joined by
// spaces, and the rest, in order.
func splitPerf(items []string, budget int) (fit, rest []string) {
	n := 0
	for i, item := range items {
		need := len(item)
		if i > 0 {
			need++
		}
		if n+need > budget {
			return items[:i], items[i:]
		}
		n += need
	}
	return items, nil
}

// sortedLines orders long output worst first, keeping the check's order
// among lines of the same state.
func sortedLines(in []Line) []Line {
	out := append([]Line(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return Worse(out[i].Status, out[j].Status) })
	return out
}
