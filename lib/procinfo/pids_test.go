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
