package plugin

import (
	"math"
	"strings"

	"github.com/olorin/nagiosplugin"
)

// Perf is one perfdata item: 'label'=value[UOM];[warn];[crit];[min];[max].
//
// Warn and Crit are range strings in the value's unit (empty when unset), so
// a range threshold such as "10:" reaches the graphing tool as written.
// Min and Max are NaN when unset.
type Perf struct {
	Label      string
	Value      float64
	Unit       string
	Warn, Crit string
	Min, Max   float64
}

// NewPerf returns a perfdata item with no thresholds, min or max.
func NewPerf(label string, value float64, unit string) Perf {
	return Perf{Label: label, Value: value, Unit: unit, Min: math.NaN(), Max: math.NaN()}
}

// Thresholds sets warn and crit from anything that prints as a range
// (threshold.Range, or a plain number formatted by the caller).
func (p Perf) Thresholds(warn, crit interface{ String() string }) Perf {
	p.Warn, p.Crit = warn.String(), crit.String()
	return p
}

// Bounds sets min and max; pass NaN to leave one unset.
func (p Perf) Bounds(min, max float64) Perf {
	p.Min, p.Max = min, max
	return p
}

// plainLabel reports whether a label needs no quoting: ^[A-Za-z0-9_.:/+-]+$,
// as a loop rather than a regexp compiled at every plugin's start.
func plainLabel(l string) bool {
	if l == "" {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_.:/+-", c) >= 0) {
			return false
		}
	}
	return true
}

// quoteLabel quotes a label as the guidelines require: labels with spaces or
// odd characters in single quotes, a quote inside doubled; '=' and '|' are
// not allowed at all and become '_'.
func quoteLabel(label string) string {
	l := Sanitize(strings.NewReplacer("=", "_", "|", "_").Replace(label))
	if l == "" {
		l = "value"
	}
	if plainLabel(l) {
		return l
	}
	return "'" + strings.ReplaceAll(l, "'", "''") + "'"
}

// String renders the item. nagiosplugin checks the unit and rejects NaN and
// infinite values and formats the numbers (C locale, no exponent); its
// threshold order is min, max, warn, crit. Range strings then replace its
// numeric warn and crit fields.
//
// A NaN or infinite value is written as U, the guidelines' "could not be
// determined", without a unit (Icinga 2 reads units case-insensitively, and
// "Us" would be microseconds): a label is then present in every run even
// when its value is unknown, which graphs need.
func (p Perf) String() string {
	unknown := math.IsNaN(p.Value) || math.IsInf(p.Value, 0)
	value, unit := p.Value, p.Unit
	if unknown {
		value, unit = 0, ""
	}
	d, err := nagiosplugin.NewPerfDatum(quoteLabel(p.Label), unit, value, p.Min, p.Max, math.NaN(), math.NaN())
	if err != nil {
		d, _ = nagiosplugin.NewPerfDatum(quoteLabel(p.Label), "", value, p.Min, p.Max, math.NaN(), math.NaN())
	}
	s := d.String()
	// s is label=value;;;min;max with exactly four ';' after the value
	// (a label never contains ';' unquoted; find the fields from the right).
	fields := strings.Split(s, ";")
	n := len(fields)
	fields[n-4] = perfRange(p.Warn)
	fields[n-3] = perfRange(p.Crit)
	if unknown {
		// The value follows the label's last '=' (a quoted label may hold ';').
		head := strings.Join(fields[:n-4], ";")
		fields = append([]string{head[:strings.LastIndexByte(head, '=')+1] + "U"}, fields[n-4:]...)
	}
	return strings.Join(fields, ";")
}

// Unknown is the value of a perfdata item that could not be determined
// this run (rendered as U).
var Unknown = math.NaN()

// perfRange keeps only characters that can occur in a range.
func perfRange(r string) string {
	return strings.Map(func(c rune) rune {
		if strings.ContainsRune("0123456789.-+:~@", c) {
			return c
		}
		return -1
	}, r)
}
