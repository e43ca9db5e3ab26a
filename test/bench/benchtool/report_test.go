package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMedianAndMAD(t *testing.T) {
	tests := []struct {
		in          []float64
		median, mad float64
	}{
		{[]float64{3}, 3, 0},
		{[]float64{1, 2, 3}, 2, 1},
		{[]float64{4, 1, 3, 2}, 2.5, 1},
		{[]float64{1, 1, 1, 100}, 1, 0},
	}
	for _, tt := range tests {
		s := describeRuns(tt.in)
		if s.median != tt.median || s.mad != tt.mad || s.n != len(tt.in) {
			t.Errorf("describeRuns(%v) = %+v, want median %v mad %v", tt.in, s, tt.median, tt.mad)
		}
	}
	if s := describeRuns(nil); s.n != 0 {
		t.Errorf("describeRuns(nil) = %+v", s)
	}
}

func TestJudge(t *testing.T) {
	ms := func(median, mad float64) stats { return stats{n: 9, median: median / 1e3, mad: mad / 1e3} }
	tests := []struct {
		name   string
		target string
		rssKB  int64
		rssMB  float64
		ours   stats
		theirs stats
		want   string
	}{
		{"ratio met", "<=1.5", 3000, 15, ms(3, 0.1), ms(2, 0.1), "met"},
		{"ratio missed", "<=1.0", 3000, 15, ms(3, 0.1), ms(2, 0.1), "MISSED: ratio"},
		{"rss missed", "<=2", 20000, 15, ms(1, 0.1), ms(2, 0.1), "MISSED: RSS"},
		{"both missed", "<=0.05", 20000, 15, ms(1, 0.1), ms(2, 0.1), "MISSED: ratio, RSS"},
		{"rss not measured", "<=2", 0, 15, ms(1, 0.1), ms(2, 0.1), "MISSED: RSS not measured"},
		{"same within 10%", "~1", 3000, 15, ms(2.1, 0.01), ms(2, 0.01), "met"},
		{"same within spread", "~1", 3000, 15, ms(3, 0.6), ms(2, 0.5), "met"},
		{"not the same", "~1", 3000, 15, ms(4, 0.1), ms(2, 0.1), "MISSED: not the same within noise"},
		{"no target", "", 3000, 0, ms(4, 0.1), ms(2, 0.1), "measured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := row{record: record{Target: tt.target, RSSOursKB: tt.rssKB, RSSTargetMB: tt.rssMB}, ours: tt.ours, theirs: tt.theirs}
			r.ratio = r.ours.median / r.theirs.median
			if got := judge(r); got != tt.want {
				t.Errorf("judge = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{formatSeconds(2.5), "2.50 s"},
		{formatSeconds(0.01234), "12.3 ms"},
		{formatSeconds(0.123456), "123 ms"},
		{formatSeconds(0.000871), "871 µs"},
		{formatRatio(0.0213), "0.021"},
		{formatRatio(1.714), "1.71"},
		{formatRatio(math.NaN()), "—"},
		{formatRSS(3500), "3.6 MB"},
		{formatRSS(0), "—"},
		{cell("a|b\nc"), `a\|b c`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestReadRecords(t *testing.T) {
	in := "id\ttitle\tours\ttheirs\ttarget\trss_ours_kb\trss_theirs_kb\trss_target_mb\tline1\tstatus\tnote\n" +
		"disk\tdisk vs check_disk\ta\tb\t<=1.0\t3400\t2200\t15\tMSGSTORE_DISK OK\tran\t\n" +
		"dblogs\tdblogs vs find\t\t\t<=1.5\t\t\t15\t\tskipped\tcheck_dblogs not built\n"
	recs, err := readRecords(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].RSSOursKB != 3400 || recs[0].RSSTargetMB != 15 || recs[1].Status != "skipped" {
		t.Fatalf("records = %+v", recs)
	}
	bad := []string{
		"disk\ttoo few fields\n",
		"disk\tt\ta\tb\t<=x\t1\t1\t15\tl\tran\t\n",
		"disk\tt\ta\tb\t>=1\t1\t1\t15\tl\tran\t\n",
		"disk\tt\ta\tb\t<=NaN\t1\t1\t15\tl\tran\t\n",
		"disk\tt\ta\tb\t<=+Inf\t1\t1\t15\tl\tran\t\n",
		"disk\tt\ta\tb\t<=1\tmany\t1\t15\tl\tran\t\n",
	}
	for _, b := range bad {
		if _, err := readRecords(strings.NewReader(b)); err == nil {
			t.Errorf("readRecords(%q) = nil error, want one", b)
		}
	}
}

// TestLoadTimes reads a hyperfine export and a fallback file of the same
// comparison and pools their runs by command name.
func TestLoadTimes(t *testing.T) {
	dir := t.TempDir()
	hf := `{"results":[{"command":"ours","times":[0.002,0.003],"user":0.001,"system":0.0005},{"command":"theirs","times":[0.004]}]}`
	write(t, filepath.Join(dir, "disk.r1.json"), hf)
	write(t, filepath.Join(dir, "disk.r2.times"), "theirs 0.01\nours 0.02\n")
	write(t, filepath.Join(dir, "other.r1.json"), `{"results":[{"command":"ours","times":[9]}]}`)
	got, err := loadTimes(dir, "disk")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.wall["ours"]) != 3 || len(got.wall["theirs"]) != 2 {
		t.Fatalf("loadTimes = %v", got)
	}
	if cpu := meanCPU(got.cpu["ours"]); cpu != 0.0015 {
		t.Errorf("ours' mean CPU = %v, want 0.0015", cpu)
	}
	write(t, filepath.Join(dir, "bad.r1.json"), "{")
	if _, err := loadTimes(dir, "bad"); err == nil {
		t.Error("loadTimes on a broken export: nil error")
	}
}

func TestWriteMarkdown(t *testing.T) {
	rows := []row{
		summarise(record{ID: "disk", Title: "disk | check_disk", Ours: "a", Theirs: "b", Target: "<=1.0",
			RSSOursKB: 3400, RSSTheirsKB: 2200, RSSTargetMB: 15, Line1: "MSGSTORE_DISK OK", Status: "ran"},
			timings{wall: map[string][]float64{"ours": {0.002, 0.002, 0.003}, "theirs": {0.001, 0.001, 0.001}},
				cpu: map[string][]float64{"ours": {0.0015}}}),
		summarise(record{ID: "cores", Title: "cores", Target: "<=0.05", RSSTargetMB: 15, Status: "skipped",
			Note: "check_cores not built"}, timings{}),
	}
	var b bytes.Buffer
	writeMarkdown(&b, "# head\n", rows)
	out := b.String()
	for _, want := range []string{
		"# head\n\n| id |",
		"| disk | disk \\| check_disk | 2.00 ms ±0 | 1.00 ms ±0 | 2.00 | ≤ 1, RSS ≤ 15 MB | 1.50 ms / — | 3.5 MB / 2.3 MB | MISSED: ratio |",
		"| cores | cores | — | — | — | ≤ 0.05, RSS ≤ 15 MB | — / — | — / — | skipped: check_cores not built |",
		"  - ours said: `MSGSTORE_DISK OK`",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// FuzzReadRecords: a records file is read or refused, never a panic, and
// every record read can be summarised and printed.
func FuzzReadRecords(f *testing.F) {
	f.Add("id\ttitle\tours\ttheirs\ttarget\trss_ours_kb\trss_theirs_kb\trss_target_mb\tline1\tstatus\tnote\n" +
		"disk\tt\ta\tb\t<=1.0\t3400\t2200\t15\tOK\tran\t\n")
	f.Add("x\tt\t\t\t~1\t\t\t\t\tskipped\tn\n")
	f.Add("x\tt\t\t\t<=\t\t\t\t\tran\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		recs, err := readRecords(strings.NewReader(in))
		if err != nil {
			return
		}
		rows := make([]row, 0, len(recs))
		for _, r := range recs {
			rows = append(rows, summarise(r, timings{wall: map[string][]float64{"ours": {1}, "theirs": {2}}}))
		}
		writeMarkdown(&bytes.Buffer{}, "", rows)
	})
}
