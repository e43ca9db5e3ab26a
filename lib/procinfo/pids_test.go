package procinfo

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

func TestParseStartTicks(t *testing.T) {
	// A real line of a sleep, with a comm holding ") " to show the fields
	// are counted after the last ')'.
	real := "4242 (a) b) S 1 4242 4242 0 -1 4194560 97 0 0 0 0 0 0 0 20 0 1 0 812345 2367488 128 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0"
	cases := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{real, 812345, true},
		{"1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7", 7, true},
		{"1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0", 0, false},
		{"1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 -7", 0, false},
		{"no parenthesis", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		got, ok := parseStartTicks([]byte(c.in))
		if got != c.want || ok != c.ok {
			t.Errorf("parseStartTicks(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseBootTime(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"cpu  1 2 3\nintr 5\nbtime 1796045343\nprocesses 9\n", 1796045343, true},
		{"btime 0\n", 0, false},
		{"btime x\n", 0, false},
		{"cpu 1\n", 0, false},
	}
	for _, c := range cases {
		got, ok := parseBootTime([]byte(c.in))
		if got != c.want || ok != c.ok {
			t.Errorf("parseBootTime(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if got := startTime(1000, 250); !got.Equal(time.Unix(1002, 500e6)) {
		t.Errorf("startTime(1000, 250 ticks) = %v, want 1002.5 s after the epoch", got)
	}
}

func TestIsPidName(t *testing.T) {
	for name, want := range map[string]bool{
		"1": true, "28250": true, "4194304": true,
		"0": false, "01": false, "-1": false, "+1": false, "self": false, "1a": false,
		"": false, "99999999999": false, "thread-self": false,
	} {
		if _, got := isPidName(name); got != want {
			t.Errorf("isPidName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestPsinfoStart(t *testing.T) {
	b := make([]byte, 416)
	le := binary.LittleEndian
	le.PutUint32(b[offPid:], 7)
	le.PutUint64(b[offStart:], 1796045343)
	le.PutUint64(b[offStart+8:], 5e8)
	got, err := parsePsinfo(b, 7, "psinfo")
	if err != nil || !got.Start.Equal(time.Unix(1796045343, 5e8)) {
		t.Errorf("pr_start: %+v, %v", got, err)
	}
	le.PutUint64(b[offStart+8:], 2e9) // nanoseconds out of range: not a time
	if got, _ := parsePsinfo(b, 7, "psinfo"); !got.Start.IsZero() {
		t.Errorf("bad pr_start read as %v", got.Start)
	}
}

// TestPidsLive: the list holds this process and a child started after it,
// and the child's start time is not before this process's.
func TestPidsLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads Linux /proc")
	}
	prog := filepath.Join(t.TempDir(), "imapd")
	copyFile(t, "/bin/sleep", prog)
	cmd := exec.Command(prog, "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	pids, err := Pids()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pids, os.Getpid()) || !slices.Contains(pids, cmd.Process.Pid) || !slices.IsSorted(pids) {
		t.Fatalf("Pids() = %d pids, sorted %v; want this process %d and the child %d", len(pids), slices.IsSorted(pids), os.Getpid(), cmd.Process.Pid)
	}
	self, err := Lookup(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	child, err := Lookup(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	// Start times have a resolution of one clock tick (10 ms).
	if self.Start.IsZero() || child.Start.Before(self.Start.Add(-10*time.Millisecond)) {
		t.Errorf("start times: self %v, child %v", self.Start, child.Start)
	}
	if Hidden() {
		t.Error("Hidden() is true on a /proc without hidepid (tests run as root)")
	}
}
