package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/fsstat"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"

	"golang.org/x/sys/unix"
)

// The built binary on the sample server, on this machine's real disk: the
// thresholds are chosen around the disk's actual free space.
func TestBinaryStates(t *testing.T) {
	bin := plugintest.Build(t, "check_msgstore_disk")
	s := fixture.New(t)
	u, err := fsstat.Stat(s.Var("store/partition/primary"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		setup func()
		args  []string
		code  int
		want  []string
	}{
		{"ok", nil, []string{"-w", "1KiB", "-c", "1B", "-W", "0%", "-K", "0%"}, 0, []string{"MSGSTORE_DISK OK - primary+mboxlist+queue: "}},
		{"warning", nil, []string{"-w", "100%", "-c", "0%", "-W", "0", "-K", "0"}, 1, []string{"below warning 100%"}},
		{"critical", nil, []string{"-w", "100%", "-c", "100%"}, 2, []string{"below critical 100%"}},
		{"critical by lock threshold", func() { s.Set("local.store.diskusagethreshold", "1") }, []string{"-w", "0%", "-c", "0%", "-W", "0", "-K", "0"}, 2,
			[]string{"stored has locked the partition (local.store.diskusagethreshold 1%)"}},
		{"missing partition", func() { s.Set("store.partition.secondary.path", "/nonexistent/secondary") }, []string{"-w", "0%", "-c", "0%"}, 2,
			[]string{"MSGSTORE_DISK CRITICAL - secondary: /nonexistent/secondary does not exist"}},
		{"bad option", nil, []string{"--warning=10:20"}, 3, []string{"MSGSTORE_DISK UNKNOWN - -w/--warning: "}},
		{"unknown option", nil, []string{"--nonsense"}, 3, []string{"MSGSTORE_DISK UNKNOWN - unknown option --nonsense"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s = fixture.New(t)
			if tc.setup != nil {
				tc.setup()
			}
			out := plugintest.Run(t, bin, nil, append([]string{"-B", s.Base()}, tc.args...)...)
			out.Expect(t, "MSGSTORE_DISK", tc.code)
			out.Contains(t, tc.want...)
			if out.Stderr != "" {
				t.Errorf("stderr: %s", out.Stderr)
			}
		})
	}

	// Perfdata: used bytes with thresholds as used-space values, min 0,
	// max total; free percent with range thresholds; used inodes.
	s = fixture.New(t)
	out := plugintest.Run(t, bin, nil, "-B", s.Base(), "-w", "20%", "-c", "10%")
	used := out.Perf["primary+mboxlist+queue_used"]
	if used.Unit != "B" || used.Min != "0" || used.Max != strconv.FormatUint(u.Total, 10) {
		t.Errorf("used perfdata %+v (total %d)", used, u.Total)
	}
	warn, _ := strconv.ParseUint(used.Warn, 10, 64)
	if want := u.Basis() - uint64(float64(u.Basis())*0.2); diff(warn, want) > 1<<20 {
		t.Errorf("warn threshold %d, want about %d", warn, want)
	}
	free := out.Perf["primary+mboxlist+queue_free_pct"]
	if free.Unit != "%" || free.Warn != "20:" || free.Crit != "10:" || free.Max != "100" {
		t.Errorf("free perfdata %+v", free)
	}
	if _, ok := out.Perf["primary+mboxlist+queue_inodes_used"]; !ok && u.HasInodeLimit() {
		t.Errorf("no inode perfdata: %s", out.Line1)
	}
}

func diff(a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return b - a
}

// A msg.conf that blocks on open (a FIFO, as a dead NFS mount would) ends
// in UNKNOWN at the timeout, naming the stage.
func TestBinaryTimeoutOnBlockedRead(t *testing.T) {
	bin := plugintest.Build(t, "check_msgstore_disk")
	s := fixture.New(t)
	conf := s.Var("config/msg.conf")
	os.Remove(conf)
	if err := unix.Mkfifo(conf, 0o644); err != nil {
		t.Skip(err)
	}
	out := plugintest.Run(t, bin, nil, "-B", s.Base(), "-t", "1")
	out.Expect(t, "MSGSTORE_DISK", 3)
	if want := "MSGSTORE_DISK UNKNOWN - timed out after 1s while reading " + filepath.Join(s.Base(), "config", "msg.conf"); out.Line1 != want {
		t.Fatalf("got %q, want %q", out.Line1, want)
	}
	if out.Elapsed.Seconds() > 2.5 {
		t.Errorf("took %v, want within timeout + 1s", out.Elapsed)
	}
}

func TestBinaryHelpAndVersion(t *testing.T) {
	bin := plugintest.Build(t, "check_msgstore_disk")
	out := plugintest.Run(t, bin, nil, "--help")
	if out.Code != 3 {
		t.Fatalf("--help exit %d", out.Code)
	}
	// go-flags wraps descriptions to the longest option name: compare
	// with the line breaks and indentation taken out.
	help := strings.Join(strings.Fields(out.Stdout), " ")
	for _, want := range []string{"-w, --warning=FREE", "(default: 25%)", "(default: 10%)", "-W, --inode-warning=PCT", "--no-mboxlist", "-p, --partition=NICK=PATH", "Examples:", "check_msgstore_disk -w 50GiB"} {
		if !strings.Contains(help, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	out = plugintest.Run(t, bin, nil, "-V")
	if out.Code != 3 || !regexp.MustCompile(`^check_msgstore_disk test( \(commit [0-9a-f]{7}\))?\n$`).MatchString(out.Stdout) {
		t.Fatalf("-V: %d %q", out.Code, out.Stdout)
	}
}

// The figures agree with check_disk from monitoring-plugins on the same
// path: free bytes, used bytes, total and free percentage.
func TestAgreesWithCheckDisk(t *testing.T) {
	checkDisk := plugintest.RequireTool(t, "/usr/lib/nagios/plugins/check_disk", "monitoring-plugins-basic")
	bin := plugintest.Build(t, "check_msgstore_disk")
	s := fixture.New(t)
	path := s.Var("store/partition/primary")

	theirs, err := exec.Command(checkDisk, "-w", "1%", "-c", "1%", "-u", "bytes", "-p", path).Output()
	if err != nil && len(theirs) == 0 {
		t.Fatalf("check_disk: %v", err)
	}
	ours := plugintest.Run(t, bin, nil, "-B", s.Base(), "--no-mboxlist", "--no-queue", "-p", "primary")

	// DISK OK - free space: /tmp/x 85597970432B (87% inode=97%);| /tmp/x=12195323904B;...;0;270553174016
	m := regexp.MustCompile(`free space: \S+ (\d+)B \((\d+)% inode=(\d+)%\);\| \S+=(\d+)B;[^;]*;[^;]*;0;(\d+)`).FindStringSubmatch(string(theirs))
	if m == nil {
		t.Fatalf("cannot parse check_disk output %q", theirs)
	}
	theirFree, _ := strconv.ParseUint(m[1], 10, 64)
	theirPct, _ := strconv.ParseFloat(m[2], 64)
	theirUsed, _ := strconv.ParseUint(m[4], 10, 64)
	theirTotal := m[5]

	used := ours.Perf["primary_used"]
	freePct := ours.Perf["primary_free_pct"].Value
	ourUsed := uint64(used.Value)
	// The disk is live (other tests write to it): allow 64 MiB of drift.
	const slack = 64 << 20
	if used.Max != theirTotal {
		t.Errorf("total: ours %s, check_disk %s", used.Max, theirTotal)
	}
	if diff(ourUsed, theirUsed) > slack {
		t.Errorf("used: ours %d, check_disk %d", ourUsed, theirUsed)
	}
	u, _ := fsstat.Stat(path)
	if diff(u.Avail, theirFree) > slack {
		t.Errorf("free: ours %d, check_disk %d", u.Avail, theirFree)
	}
	// check_disk prints the free percentage rounded to a whole number.
	if d := freePct - theirPct; d < -1 || d > 1 {
		t.Errorf("free %%: ours %.2f, check_disk %.0f", freePct, theirPct)
	}
	t.Logf("check_disk: free %d B (%v%%), used %d B; ours: used %d B, free %.2f%%", theirFree, theirPct, theirUsed, ourUsed, freePct)
}
