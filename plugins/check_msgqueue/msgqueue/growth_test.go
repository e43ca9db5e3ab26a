package msgqueue

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// setCount makes the channel hold exactly n waiting messages in its
// directory 000 (adding or removing only what changes).
func setCount(t *testing.T, s *fixture.Server, ch string, n int) {
	t.Helper()
	dir := s.Var("queue/" + ch + "/000")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	have, err := filepath.Glob(filepath.Join(dir, "ZZgrow*.00"))
	if err != nil {
		t.Fatal(err)
	}
	for i := n; i < len(have); i++ {
		os.Remove(filepath.Join(dir, fmt.Sprintf("ZZgrow%05d.00", i)))
	}
	for i := len(have); i < n; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("ZZgrow%05d.00", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runSeries runs the check every 5 minutes with ims-ms holding each count
// in turn and returns the last run's result and output.
func runSeries(t *testing.T, s *fixture.Server, args []string, counts ...int) (*plugin.Result, string) {
	t.Helper()
	var res *plugin.Result
	var out string
	s.Remove(queueRel + "/ims-ms") // the sample's one message
	start := s.Now.Add(-time.Duration(len(counts)-1) * 5 * time.Minute)
	for i, n := range counts {
		setCount(t, s, "ims-ms", n)
		res, out = run(t, start.Add(time.Duration(i)*5*time.Minute), args...)
	}
	return res, out
}

func TestImsMsGrowth(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		counts []int
		status plugin.Status
		want   []string
	}{
		{"steady growth", nil, []int{120, 180, 240, 300, 360, 420, 480}, plugin.WARNING, []string{
			"MSGQUEUE WARNING - ims-ms queue growing: 120 -> 480 messages in 30m |",
			"ims-ms_growth_per_hour=720;;;;",
			"[WARNING] ims-ms queue growing: 120 -> 480 messages in 30m (+720/h over the last 30m, warning at 50 messages); the message store is not taking mail in",
		}},
		{"critical growth", []string{"--growth-critical", "300"}, []int{120, 180, 240, 300, 360, 420, 480}, plugin.CRITICAL, []string{
			"MSGQUEUE CRITICAL - ims-ms queue growing: 120 -> 480 messages in 30m |",
			"critical at 300 messages",
		}},
		{"drained since", nil, []int{0, 100, 200, 300, 400, 450, 0}, plugin.OK, []string{
			"[OK] ims-ms growth: ",
			"(0 -> 0 messages)",
		}},
		{"small growth", nil, []int{2, 5, 8, 11, 14, 17, 20}, plugin.OK, []string{
			"[OK] ims-ms growth: +36/h over the last 30m (2 -> 20 messages)",
			"ims-ms_growth_per_hour=36;;;;",
		}},
		{"one odd reading", nil, []int{5, 6, 5, 300, 5, 6, 5}, plugin.OK, []string{
			"[OK] ims-ms growth: +0/h",
		}},
		{"window longer than the history", []string{"--growth-window", "2h"}, []int{120, 180, 240, 300, 360, 420, 480}, plugin.WARNING, []string{
			"ims-ms queue growing: 120 -> 480 messages in 30m",
		}},
		{"history too short", []string{"--growth-window", "4h"}, []int{120, 180, 480}, plugin.OK, []string{
			"[OK] ims-ms growth: collecting history (3 runs so far; needs 3 runs spanning at least 15m of the last 4h)",
		}},
		{"higher limit", []string{"--growth-warning", "400"}, []int{120, 180, 240, 300, 360, 420, 480}, plugin.OK, []string{
			"[OK] ims-ms growth: +720/h",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, args := sample(t)
			res, out := runSeries(t, s, append(args, tt.args...), tt.counts...)
			wantStatus(t, res, out, tt.status)
			contains(t, out, tt.want...)
		})
	}
}

func TestGrowthOfAnotherChannel(t *testing.T) {
	s, args := sample(t)
	args = append(args, "--growth-channel", "tcp_local", "--growth-channel", "ims-ms")
	start := s.Now.Add(-30 * time.Minute)
	for i := 0; i <= 6; i++ {
		setCount(t, s, "tcp_local", 100*i) // plus 002/ZZf0r4i0Wdy51.01 of the sample
		res, out := run(t, start.Add(time.Duration(i)*5*time.Minute), args...)
		if i == 6 {
			wantStatus(t, res, out, plugin.WARNING)
			contains(t, out, "MSGQUEUE WARNING - tcp_local queue growing: 1 -> 601 messages in 30m |", "[OK] ims-ms growth: +0/h")
			if strings.Contains(out, "not taking mail in") {
				t.Errorf("the store hint is for ims-ms only:\n%s", out)
			}
		}
	}
}

func TestGrowthState(t *testing.T) {
	t.Run("corrupt history starts anew", func(t *testing.T) {
		s, args := sample(t)
		dir := args[len(args)-1]
		run(t, s.Now.Add(-10*time.Minute), args...)
		files, _ := filepath.Glob(filepath.Join(dir, "check_msgqueue.growth.*.json"))
		if len(files) != 1 {
			t.Fatalf("state files: %v", files)
		}
		if err := os.WriteFile(files[0], []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		res, out := run(t, s.Now.Add(-5*time.Minute), args...)
		wantStatus(t, res, out, plugin.OK)
		contains(t, out, "[OK] queue history was unreadable and has been started anew", "collecting history (1 run so far")
		_, out = run(t, s.Now, args...)
		contains(t, out, "collecting history (2 runs so far")
	})
	t.Run("state dir unusable", func(t *testing.T) {
		s, _ := sample(t)
		file := filepath.Join(t.TempDir(), "a-file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		res, out := run(t, s.Now, "-B", s.Base(), "--state-dir", file)
		wantStatus(t, res, out, plugin.UNKNOWN)
		contains(t, out, "MSGQUEUE UNKNOWN - cannot keep the queue history: growth not checked |",
			"[UNKNOWN] cannot keep the queue history (state dir "+file+" is not a directory (a regular file))",
			"give a writable --state-dir or --no-growth",
			"[OK] ims-ms: 1 message")
	})
	t.Run("a finding outranks the state problem", func(t *testing.T) {
		s, _ := sample(t)
		file := filepath.Join(t.TempDir(), "a-file")
		os.WriteFile(file, nil, 0o600)
		res, out := run(t, s.Now, "-B", s.Base(), "--state-dir", file, "-c", "0")
		wantStatus(t, res, out, plugin.CRITICAL)
		contains(t, out, "MSGQUEUE CRITICAL - ims-ms: 1 message waiting (critical 0) (+2 more)")
	})
	t.Run("--no-growth writes nothing", func(t *testing.T) {
		s, args := sample(t)
		dir := args[len(args)-1]
		res, out := run(t, s.Now, append(args, "--no-growth")...)
		wantStatus(t, res, out, plugin.OK)
		if strings.Contains(out, "growth") {
			t.Errorf("growth reported with --no-growth:\n%s", out)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("state dir created with --no-growth: %v", err)
		}
	})
	t.Run("history is bounded", func(t *testing.T) {
		s, args := sample(t)
		dir := args[len(args)-1]
		for i := 0; i < 130; i++ {
			run(t, s.Now.Add(time.Duration(i-130)*time.Minute), append(args, "--growth-window", "1h")...)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "check_msgqueue.growth.*.json"))
		h, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(h), "],["); n+1 > maxGrowthSamples {
			t.Errorf("%d samples kept, more than %d", n+1, maxGrowthSamples)
		}
		if fi, _ := os.Stat(files[0]); fi.Mode().Perm() != 0o600 {
			t.Errorf("state file mode %v", fi.Mode())
		}
	})
}
