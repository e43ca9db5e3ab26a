package plugintest

import (
	"regexp"
	"strconv"
	"strings"
)

// Parse reads plugin output as a user (and Nagios) sees it, for output that
// did not come from Run: an in-process plugin.Execute, a daemon's record.
func Parse(code int, stdout string) Output {
	o := Output{Code: code, Stdout: stdout}
	o.parse()
	return o
}

// FormatPerfValue prints a perfdata value as the plugins render it.
func FormatPerfValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// AgePattern matches s literally, except that each "{age}" stands for an
// age as the plugins print it (20s, 6m3s, 2d4h; -1s when the clock went
// back): a run takes a moment after the fixture was dated, so a test
// cannot know the exact seconds.
func AgePattern(s string) *regexp.Regexp {
	parts := strings.Split(s, "{age}")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile(strings.Join(parts, `-?[0-9][0-9dhms]*`))
}
