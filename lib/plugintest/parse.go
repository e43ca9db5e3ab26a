package plugintest

import "strconv"

// ParseOutputForTest fills the parsed fields of an Output whose Code and
// Stdout come from an in-process plugin.Execute.
func ParseOutputForTest(o Output) Output {
	o.parse()
	return o
}

// FormatPerfValue prints a perfdata value as the plugins render it.
func FormatPerfValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
