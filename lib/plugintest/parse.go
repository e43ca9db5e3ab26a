package plugintest

import "strconv"

// Parse reads plugin output as a user (and Nagios) sees it, for output that
// did not come from Run: an in-process plugin.Execute, a daemon's record.
func Parse(code int, stdout string) Output {
	o := Output{Code: code, Stdout: stdout}
	o.parse()
	return o
}

// FormatPerfValue prints a perfdata value as the plugins render it.
func FormatPerfValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
