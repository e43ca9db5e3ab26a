package overview

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// ANSI colours per state; magenta for UNKNOWN as check_mk and others do.
var colors = map[plugin.Status]string{
	plugin.OK: "\x1b[32m", plugin.WARNING: "\x1b[33m", plugin.CRITICAL: "\x1b[31m", plugin.UNKNOWN: "\x1b[35m",
}

const reset = "\x1b[0m"

// renderTable is the report for people: one row per check, its state and
// summary, then the overall state.
func renderTable(res *plugin.Result, outs []outcome, color bool) string {
	nameW, pluginW := len("CHECK"), len("PLUGIN")
	for _, o := range outs {
		nameW = max(nameW, len(o.check.name))
		pluginW = max(pluginW, len(o.plugin))
	}
	paint := func(s plugin.Status, text string) string {
		if !color {
			return text
		}
		return colors[s] + text + reset
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s  %-*s  %-8s  %s\n", nameW, "CHECK", pluginW, "PLUGIN", "STATE", "SUMMARY")
	for _, o := range outs {
		state := fmt.Sprintf("%-8s", o.result.Status)
		fmt.Fprintf(&b, "%-*s  %-*s  %s  %s\n", nameW, o.check.name, pluginW, o.plugin, paint(o.result.Status, state),
			plugin.Truncate(plugin.Sanitize(firstLine(o.result)), 160))
	}
	fmt.Fprintf(&b, "\nmessage store: %s - %s\n", paint(res.Status, res.Status.String()), plugin.Sanitize(res.Summary))
	return b.String()
}

type jsonPerf struct {
	Label string   `json:"label"`
	Value float64  `json:"value"`
	Unit  string   `json:"unit,omitempty"`
	Warn  string   `json:"warn,omitempty"`
	Crit  string   `json:"crit,omitempty"`
	Min   *float64 `json:"min,omitempty"`
	Max   *float64 `json:"max,omitempty"`
}

type jsonLine struct {
	Status string `json:"status"`
	Text   string `json:"text"`
}

type jsonCheck struct {
	Name       string     `json:"name"`
	Plugin     string     `json:"plugin"`
	Status     string     `json:"status"`
	ExitCode   int        `json:"exit_code"`
	Summary    string     `json:"summary"`
	Lines      []jsonLine `json:"lines"`
	Perfdata   []jsonPerf `json:"perfdata"`
	DurationMS int64      `json:"duration_ms"`
}

type jsonReport struct {
	Status   string      `json:"status"`
	ExitCode int         `json:"exit_code"`
	Summary  string      `json:"summary"`
	Checks   []jsonCheck `json:"checks"`
}

func renderJSON(res *plugin.Result, outs []outcome) string {
	rep := jsonReport{Status: res.Status.String(), ExitCode: int(res.Status), Summary: res.Summary, Checks: []jsonCheck{}}
	for _, o := range outs {
		r := o.result
		c := jsonCheck{Name: o.check.name, Plugin: o.plugin, Status: r.Status.String(), ExitCode: int(r.Status),
			Summary: firstLine(r), Lines: []jsonLine{}, Perfdata: []jsonPerf{}, DurationMS: o.duration.Milliseconds()}
		for _, l := range r.Lines {
			c.Lines = append(c.Lines, jsonLine{Status: l.Status.String(), Text: l.Text})
		}
		for _, p := range r.Perf {
			c.Perfdata = append(c.Perfdata, jsonPerf{Label: p.Label, Value: finite(p.Value), Unit: p.Unit, Warn: p.Warn, Crit: p.Crit, Min: optional(p.Min), Max: optional(p.Max)})
		}
		rep.Checks = append(rep.Checks, c)
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Sprintf(`{"status":"UNKNOWN","exit_code":3,"summary":%q}`+"\n", err.Error())
	}
	return string(b) + "\n"
}

func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

func optional(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
