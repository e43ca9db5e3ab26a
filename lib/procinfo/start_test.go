package procinfo

import (
	"encoding/binary"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"
)

func TestParseStatStartTicks(t *testing.T) {
	line := "4711 (re construct) S 1 4711 4711 0 -1 4194560 108 0 0 0 0 0 0 0 20 0 1 0 123456 2420736 200 18446744073709551615"
	info, err := parseStat([]byte(line))
	if err != nil || info.startTicks != 123456 || info.Name != "re construct" {
		t.Fatalf("parseStat = %+v, %v", info, err)
	}
	if info, _ := parseStat([]byte("1 (x) S 0")); info.startTicks != 0 {
		t.Errorf("a short stat has no start: %+v", info)
	}
}

func TestParseBootTime(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"cpu  1 2 3\nintr 5\nbtime 1764400000\nprocesses 9\n", 1764400000, true},
		{"cpu 1\n", 0, false},
		{"btime x\n", 0, false},
		{"btime -5\n", 0, false},
	}
	for _, c := range cases {
		got, ok := parseBootTime([]byte(c.in))
		if ok != c.ok || ok && got.Unix() != c.want {
			t.Errorf("parseBootTime(%q) = %v, %v", c.in, got, ok)
		}
	}
}

func TestClockTicks(t *testing.T) {
	auxv := make([]byte, 48)
	binary.LittleEndian.PutUint64(auxv[0:], 6) // AT_PAGESZ
	binary.LittleEndian.PutUint64(auxv[8:], 4096)
	binary.LittleEndian.PutUint64(auxv[16:], 17) // AT_CLKTCK
	binary.LittleEndian.PutUint64(auxv[24:], 250)
	if hz, ok := clockTicks(auxv); !ok || hz != 250 {
		t.Errorf("clockTicks = %d, %v", hz, ok)
	}
	if _, ok := clockTicks(auxv[:16]); ok {
		t.Error("no AT_CLKTCK, yet found")
	}
}

func TestParsePsinfoStart(t *testing.T) {
	b := make([]byte, 416)
	binary.LittleEndian.PutUint32(b[offPid:], 28250)
	binary.LittleEndian.PutUint32(b[offNlwp:], 1)
	binary.LittleEndian.PutUint64(b[offStart:], 1764400000)
	binary.LittleEndian.PutUint64(b[offStart+8:], 5)
	info, err := parsePsinfo(b, 28250, "psinfo")
	if err != nil || info.Start.Unix() != 1764400000 || info.StartKey != "1764400000.000000005" {
		t.Fatalf("parsePsinfo = %+v, %v", info, err)
	}
}

// The start of a live process: stable across lookups, near the time it
// was started, after boot, and not another process's.
func TestLookupStart(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux /proc")
	}
	before := time.Now()
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	a, err := Lookup(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Lookup(cmd.Process.Pid)
	if a.StartKey == "" || a.StartKey != b.StartKey || !b.SameProcess(cmd.Process.Pid, a.StartKey) {
		t.Fatalf("start keys %q %q", a.StartKey, b.StartKey)
	}
	// The boot time is in whole seconds: allow for that and a slow start.
	if d := a.Start.Sub(before); d < -2*time.Second || d > time.Minute {
		t.Errorf("started %s, the test started it at %s", a.Start, before)
	}
	boot, ok := BootTime()
	if !ok || a.Start.Before(boot) {
		t.Errorf("boot %s (%v), start %s", boot, ok, a.Start)
	}
	self, _ := Lookup(os.Getpid())
	if self.SameProcess(cmd.Process.Pid, self.StartKey) || a.SameProcess(cmd.Process.Pid, self.StartKey) {
		t.Error("two processes share a start key")
	}
}
