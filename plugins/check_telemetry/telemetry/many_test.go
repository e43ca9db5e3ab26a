package telemetry_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// Beyond the captures that get a line of their own, the others are
// counted, not kept: the worst and longest running are listed, the rest
// summed up in one line that survives the 8 KiB cap, and the totals and
// line 1 still count every one.
func TestManyCapturesAreCountedNotKept(t *testing.T) {
	s := fixture.New(t)
	now := time.Now()
	const fresh, forgotten, listed = 140, 10, 100 // listed: maxCapturesKept
	mkCapture := func(dir string, age time.Duration) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		mt := now.Add(-age)
		os.Chtimes(dir, mt, mt)
	}
	for i := range fresh {
		mkCapture(filepath.Join(s.Var("telemetry/imap"), fmt.Sprintf("fresh%03d", i)), time.Hour)
	}
	for i := range forgotten {
		mkCapture(filepath.Join(s.Var("telemetry/pop"), fmt.Sprintf("old%02d", i)), time.Duration(48+i)*time.Hour)
	}
	// The same user captured twice counts as one user.
	mkCapture(filepath.Join(s.Var("telemetry/http"), "fresh000"), time.Hour)

	out := check(t, s)
	out.Expect(t, "TELEMETRY", 1)
	if want := fmt.Sprintf("pop/old%02d capturing for 2d9h, over 1d (+%d more)", forgotten-1, forgotten-1); out.Summary != want {
		t.Errorf("summary %q, want %q", out.Summary, want)
	}
	all := fresh + forgotten + 2 // + imap/redb and http/fresh000
	perf(t, out, "captures", float64(all))
	perf(t, out, "users", float64(all-1))
	out.Contains(t, fmt.Sprintf("[OK] ... %d more captures not listed one by one (the %d listed are the worst and longest running)", all-listed, listed))
	for i := range forgotten {
		out.Contains(t, fmt.Sprintf("[WARNING] pop/old%02d: capturing for", i))
	}
	if strings.Contains(out.Stdout, "imap/fresh139:") {
		t.Error("the youngest capture is listed although the list is full")
	}
}

// Memory stays bounded with tens of thousands of captures: each one used
// to be kept, with a line of output, to the end of the run.
func TestManyCapturesMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 20,000 directories")
	}
	s := fixture.New(t)
	dir := s.Var("telemetry/imap")
	for i := range 20000 {
		if err := os.Mkdir(filepath.Join(dir, fmt.Sprintf("user%05d", i)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	out, rss := plugintest.RunPeakRSS(t, plugintest.Build(t, "check_telemetry"), nil, "-B", s.Base(), "--age-warning", "0")
	out.Expect(t, "TELEMETRY", 0)
	perf(t, out, "captures", 20001)
	perf(t, out, "users", 20001)
	if limit := int64(15e6); rss > limit {
		t.Errorf("peak RSS %.1f MB with 20,000 captures, over %.0f MB", float64(rss)/1e6, float64(limit)/1e6)
	}
}
