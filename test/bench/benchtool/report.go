package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// record is one comparison as bench.sh wrote it to the records file, one
// tab-separated line per comparison under a header line.
type record struct {
	ID          string // e.g. "dblogs"; raw timings are RAW/<ID>.*.json
	Title       string // what is compared, for the table
	Ours        string // the command lines, for the Commands section
	Theirs      string
	Target      string // "<=1.5", "~1" (same within noise) or "" (no target)
	RSSOursKB   int64  // peak RSS of ours in KiB (/usr/bin/time %M), 0 = not measured
	RSSTheirsKB int64
	RSSTargetMB float64 // ours' peak RSS limit in MB (10^6 bytes), 0 = none
	Line1       string  // ours' first output line on this input
	Status      string  // "ran" or "skipped"
	Note        string  // why skipped, or what the reader should know
}

var recordFields = []string{"id", "title", "ours", "theirs", "target", "rss_ours_kb",
	"rss_theirs_kb", "rss_target_mb", "line1", "status", "note"}

func runReport(args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	recordsPath := fs.String("records", "", "records file written by bench.sh")
	raw := fs.String("raw", "", "directory of hyperfine JSON exports (ID.*.json) and fallback timings (ID.*.times)")
	machine := fs.String("machine", "", "markdown describing the machine and the run, printed above the table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(*recordsPath)
	if err != nil {
		return err
	}
	defer f.Close()
	recs, err := readRecords(f)
	if err != nil {
		return fmt.Errorf("%s: %w", *recordsPath, err)
	}
	var head []byte
	if *machine != "" {
		if head, err = os.ReadFile(*machine); err != nil {
			return err
		}
	}
	rows := make([]row, 0, len(recs))
	for _, r := range recs {
		t, err := loadTimes(*raw, r.ID)
		if err != nil {
			return err
		}
		rows = append(rows, summarise(r, t))
	}
	w := bufio.NewWriter(os.Stdout)
	writeMarkdown(w, string(head), rows)
	return w.Flush()
}

func readRecords(r io.Reader) ([]record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var out []record
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 && strings.HasPrefix(line, "id\t") {
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != len(recordFields) {
			return nil, fmt.Errorf("line %d: %d fields, want %d (%s)", n, len(f), len(recordFields), strings.Join(recordFields, " "))
		}
		rec := record{ID: f[0], Title: f[1], Ours: f[2], Theirs: f[3], Target: f[4],
			Line1: f[8], Status: f[9], Note: f[10]}
		var err error
		if rec.RSSOursKB, err = parseInt(f[5]); err != nil {
			return nil, fmt.Errorf("line %d: rss_ours_kb: %w", n, err)
		}
		if rec.RSSTheirsKB, err = parseInt(f[6]); err != nil {
			return nil, fmt.Errorf("line %d: rss_theirs_kb: %w", n, err)
		}
		if f[7] != "" {
			if rec.RSSTargetMB, err = strconv.ParseFloat(f[7], 64); err != nil {
				return nil, fmt.Errorf("line %d: rss_target_mb: %w", n, err)
			}
		}
		if _, _, err := parseTarget(rec.Target); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, rec)
	}
	return out, sc.Err()
}

func parseInt(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// parseTarget reads "<=X" (ratio at most X), "~1" (the same within noise)
// or "" (no target).
func parseTarget(s string) (kind string, limit float64, err error) {
	switch {
	case s == "":
		return "", 0, nil
	case s == "~1":
		return "same", 1, nil
	case strings.HasPrefix(s, "<="):
		v, err := strconv.ParseFloat(s[2:], 64)
		if err != nil || !(v > 0) || math.IsInf(v, 1) { // also refuses NaN
			return "", 0, fmt.Errorf("bad target %q", s)
		}
		return "max", v, nil
	}
	return "", 0, fmt.Errorf("bad target %q: want <=X, ~1 or nothing", s)
}

// hyperfineExport is the part of `hyperfine --export-json` we read.
type hyperfineExport struct {
	Results []struct {
		Command string    `json:"command"`
		Times   []float64 `json:"times"`
		User    float64   `json:"user"`   // mean user CPU seconds of the runs
		System  float64   `json:"system"` // mean system CPU seconds
	} `json:"results"`
}

// timings are the runs of one comparison, by command name ("ours",
// "theirs"): wall times, and CPU times (user + system) where known.
type timings struct {
	wall map[string][]float64
	cpu  map[string][]float64 // one mean per round, weighted by its runs
}

// loadTimes gathers every timed run of a comparison, by command name
// ("ours", "theirs"), from all its rounds: RAW/ID.*.json from hyperfine and
// RAW/ID.*.times ("name seconds" lines) from the fallback loop.
func loadTimes(raw, id string) (timings, error) {
	t := timings{wall: map[string][]float64{}, cpu: map[string][]float64{}}
	out := t.wall
	jsons, _ := filepath.Glob(filepath.Join(raw, id+".*.json"))
	for _, p := range jsons {
		b, err := os.ReadFile(p)
		if err != nil {
			return t, err
		}
		var e hyperfineExport
		if err := json.Unmarshal(b, &e); err != nil {
			return t, fmt.Errorf("%s: %w", p, err)
		}
		for _, r := range e.Results {
			out[r.Command] = append(out[r.Command], r.Times...)
			for range r.Times {
				t.cpu[r.Command] = append(t.cpu[r.Command], r.User+r.System)
			}
		}
	}
	plain, _ := filepath.Glob(filepath.Join(raw, id+".*.times"))
	for _, p := range plain {
		if err := readPlainTimes(p, out); err != nil {
			return t, err
		}
	}
	return t, nil
}

// meanCPU is the mean CPU time of the runs, 0 when unknown.
func meanCPU(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

func readPlainTimes(path string, out map[string][]float64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			return fmt.Errorf("%s: %q: %w", path, sc.Text(), err)
		}
		out[name] = append(out[name], v)
	}
	return sc.Err()
}

// stats is the median and the median absolute deviation of some runs.
type stats struct {
	n           int
	median, mad float64
}

func describeRuns(xs []float64) stats {
	if len(xs) == 0 {
		return stats{}
	}
	m := median(xs)
	dev := make([]float64, len(xs))
	for i, x := range xs {
		dev[i] = math.Abs(x - m)
	}
	return stats{n: len(xs), median: m, mad: median(dev)}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// row is a record with its figures and verdict.
type row struct {
	record
	ours, theirs       stats
	oursCPU, theirsCPU float64 // mean user+system seconds, 0 = unknown
	ratio              float64 // ours/theirs medians; NaN when not measured
	verdict            string
}

func summarise(r record, t timings) row {
	out := row{record: r, ours: describeRuns(t.wall["ours"]), theirs: describeRuns(t.wall["theirs"]),
		oursCPU: meanCPU(t.cpu["ours"]), theirsCPU: meanCPU(t.cpu["theirs"]), ratio: math.NaN()}
	if r.Status != "ran" {
		out.verdict = "skipped: " + r.Note
		return out
	}
	if out.ours.n == 0 || out.theirs.n == 0 || out.theirs.median <= 0 {
		out.verdict = "no timings"
		return out
	}
	out.ratio = out.ours.median / out.theirs.median
	out.verdict = judge(out)
	return out
}

// judge says whether the ratio and memory targets were met.
func judge(r row) string {
	var misses []string
	kind, limit, _ := parseTarget(r.Target)
	switch kind {
	case "max":
		if r.ratio > limit {
			misses = append(misses, "ratio")
		}
	case "same":
		if !sameWithinNoise(r.ours, r.theirs) {
			misses = append(misses, "not the same within noise")
		}
	}
	if r.RSSTargetMB > 0 {
		if r.RSSOursKB == 0 {
			misses = append(misses, "RSS not measured")
		} else if kbToMB(r.RSSOursKB) > r.RSSTargetMB {
			misses = append(misses, "RSS")
		}
	}
	if len(misses) == 0 {
		if kind == "" && r.RSSTargetMB == 0 {
			return "measured"
		}
		return "met"
	}
	return "MISSED: " + strings.Join(misses, ", ")
}

// sameWithinNoise: the medians differ by at most 10%, or by no more than
// the runs' own spread (the sum of the two median absolute deviations).
func sameWithinNoise(a, b stats) bool {
	diff := math.Abs(a.median - b.median)
	return diff <= 0.10*b.median || diff <= a.mad+b.mad
}

func kbToMB(kb int64) float64 { return float64(kb) * 1024 / 1e6 }

// formatSeconds prints a duration with three significant digits in the
// unit that suits it.
func formatSeconds(s float64) string {
	switch {
	case s == 0:
		return "0"
	case s >= 1:
		return strconv.FormatFloat(s, 'f', sigDecimals(s), 64) + " s"
	case s >= 1e-3:
		return strconv.FormatFloat(s*1e3, 'f', sigDecimals(s*1e3), 64) + " ms"
	default:
		return strconv.FormatFloat(s*1e6, 'f', sigDecimals(s*1e6), 64) + " µs"
	}
}

// sigDecimals is the decimals that give three significant digits for v in
// [1, 1000).
func sigDecimals(v float64) int {
	switch {
	case v >= 100:
		return 0
	case v >= 10:
		return 1
	}
	return 2
}

func formatRuns(s stats) string {
	if s.n == 0 {
		return "—"
	}
	return fmt.Sprintf("%s ±%s", formatSeconds(s.median), formatSeconds(s.mad))
}

func formatCPU(s float64) string {
	if s == 0 {
		return "—"
	}
	return formatSeconds(s)
}

func formatRSS(kb int64) string {
	if kb == 0 {
		return "—"
	}
	return strconv.FormatFloat(kbToMB(kb), 'f', 1, 64) + " MB"
}

func formatRatio(r float64) string {
	if math.IsNaN(r) {
		return "—"
	}
	if r < 0.1 {
		return strconv.FormatFloat(r, 'f', 3, 64)
	}
	return strconv.FormatFloat(r, 'f', 2, 64)
}

func formatTarget(r row) string {
	kind, limit, _ := parseTarget(r.Target)
	var parts []string
	switch kind {
	case "max":
		parts = append(parts, "≤ "+strconv.FormatFloat(limit, 'f', -1, 64))
	case "same":
		parts = append(parts, "≈ 1 (noise)")
	}
	if r.RSSTargetMB > 0 {
		parts = append(parts, "RSS ≤ "+strconv.FormatFloat(r.RSSTargetMB, 'f', -1, 64)+" MB")
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}

// cell makes text safe inside a markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func writeMarkdown(w io.Writer, head string, rows []row) {
	if head != "" {
		fmt.Fprintln(w, strings.TrimRight(head, "\n"))
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "| id | comparison | ours: median ±MAD | theirs: median ±MAD | ratio ours/theirs | target | CPU ours / theirs | peak RSS ours / theirs | verdict |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---|---:|---:|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s |\n",
			cell(r.ID), cell(r.Title), formatRuns(r.ours), formatRuns(r.theirs), formatRatio(r.ratio),
			formatTarget(r), formatCPU(r.oursCPU), formatCPU(r.theirsCPU),
			formatRSS(r.RSSOursKB), formatRSS(r.RSSTheirsKB), cell(r.verdict))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Commands")
	fmt.Fprintln(w)
	for _, r := range rows {
		fmt.Fprintf(w, "- **%s** (%s)\n", r.ID, r.Title)
		if r.Ours != "" {
			fmt.Fprintf(w, "  - ours: `%s`\n", r.Ours)
		}
		if r.Theirs != "" {
			fmt.Fprintf(w, "  - theirs: `%s`\n", r.Theirs)
		}
		if r.ours.n > 0 {
			fmt.Fprintf(w, "  - runs: %d ours, %d theirs\n", r.ours.n, r.theirs.n)
		}
		if r.Line1 != "" {
			fmt.Fprintf(w, "  - ours said: `%s`\n", r.Line1)
		}
		if r.Note != "" && r.Status == "ran" {
			fmt.Fprintf(w, "  - note: %s\n", r.Note)
		}
	}
}
