package folders_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
	"github.com/msgstore-plugins/msgstore/lib/procinfo"
)

// sleepingReconstruct puts into BASE/sbin a reconstruct that forks a
// child; both sleep until killed. Both pids go to the returned file.
func sleepingReconstruct(t *testing.T, s *fixture.Server) (path, pidfile string) {
	t.Helper()
	pidfile = filepath.Join(t.TempDir(), "pids")
	path = filepath.Join(s.Base(), "sbin", "reconstruct")
	body := fmt.Sprintf("#!/bin/sh\nsleep 300 &\necho $! >> %[1]s\necho $$ >> %[1]s\necho 'Checking mailbox user/jdoe/INBOX'\nwait\n", pidfile)
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, pidfile
}

// cleanReconstruct puts back a reconstruct that finds nothing.
func cleanReconstruct(t *testing.T, s *fixture.Server) {
	t.Helper()
	body := "#!/bin/sh\necho 'Checking mailbox user/jdoe/INBOX'\n"
	if err := os.WriteFile(filepath.Join(s.Base(), "sbin", "reconstruct"), []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

func startRefresh(t *testing.T, s *fixture.Server) *plugintest.Started {
	t.Helper()
	return plugintest.Start(t, bin(t), nil, "-B", s.Base(), "--state-dir", filepath.Join(s.Root, "state"), "--mode=refresh", "-t", "120")
}

// The scheduler's SIGTERM to the plugin's group (Icinga 2 at its timeout,
// a Ctrl-C): reconstruct and its child die, the plugin says so in one
// UNKNOWN line, exit 3, and the next refresh is not locked out.
func TestSIGTERMToTheGroupKillsReconstruct(t *testing.T) {
	plugintest.RequireProc(t)
	s := fixture.New(t)
	rc, pidfile := sleepingReconstruct(t, s)
	p := startRefresh(t, s)
	pids := plugintest.WaitForPids(t, pidfile, 2)
	p.SignalGroup(t, syscall.SIGTERM)
	out := p.Wait(t)
	out.Expect(t, service, unknown)
	if want := "killed by SIGTERM while running " + rc + " -r -n (killed with its children at the timeout)"; out.Summary != want {
		t.Errorf("summary %q, want %q", out.Summary, want)
	}
	plugintest.WaitGone(t, pids)

	cleanReconstruct(t, s)
	out = run(t, s, "--mode=refresh")
	out.Expect(t, service, ok)
	out.Contains(t, "took over the lock")
}

// SIGKILL cannot be caught: the kernel's parent-death signal kills
// reconstruct and the group's watcher kills its child.
func TestSIGKILLedPluginTakesReconstructAlong(t *testing.T) {
	plugintest.RequireProc(t)
	for _, group := range []bool{false, true} {
		t.Run(fmt.Sprintf("group=%v", group), func(t *testing.T) {
			s := fixture.New(t)
			_, pidfile := sleepingReconstruct(t, s)
			p := startRefresh(t, s)
			pids := plugintest.WaitForPids(t, pidfile, 2)
			if group {
				p.SignalGroup(t, syscall.SIGKILL)
			} else {
				p.Signal(t, syscall.SIGKILL)
			}
			if out := p.Wait(t); out.Code != -1 || out.Stdout != "" {
				t.Errorf("a SIGKILLed plugin printed %q, exit %d", out.Stdout, out.Code)
			}
			plugintest.WaitGone(t, pids)
			cleanReconstruct(t, s)
			run(t, s, "--mode=refresh").Expect(t, service, ok)
		})
	}
}

// lockPath is where the refresh lock of the default options lives.
func lockPath(t *testing.T, s *fixture.Server) string {
	t.Helper()
	run(t, s, "--mode=refresh").Expect(t, service, ok)
	return stateFile(t, s) + ".lock"
}

// startKey is the start of a live process as the plugin records it.
func startKey(t *testing.T, pid int) string {
	t.Helper()
	info, err := procinfo.Lookup(pid)
	if err != nil || info.StartKey == "" {
		t.Fatalf("no start key for pid %d: %+v %v", pid, info, err)
	}
	return info.StartKey
}

// A lock is judged by the process that wrote it, not by its pid alone:
// pid 1 always exists, a pid is reused, and a reconstruct orphaned by a
// killed refresh still holds the lock.
func TestRefreshLockNamesProcessesNotPids(t *testing.T) {
	plugintest.RequireProc(t)
	s := fixture.New(t)
	lock := lockPath(t, s)
	boot, known := procinfo.BootTime()
	if !known {
		t.Skip("no boot time")
	}
	orphan := exec.Command("sleep", "300") // stands for a reconstruct still running
	if err := orphan.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { orphan.Process.Kill(); orphan.Wait() }()
	dead := plugintest.DeadPid(t)
	now := time.Now().Unix()
	tests := []struct {
		name, lock string
		busy       string // "" when the lock must be taken over
	}{
		{"pid 1 locked before boot", fmt.Sprintf("1 %d\n", boot.Add(-time.Hour).Unix()), ""},
		{"pid 1 with another start", fmt.Sprintf("1 %d not-its-start 0 -\n", now), ""},
		{"live refresh", fmt.Sprintf("%d %d %s 0 -\n", os.Getpid(), now, startKey(t, os.Getpid())),
			fmt.Sprintf("another refresh (pid %d) has been running since", os.Getpid())},
		{"orphaned reconstruct", fmt.Sprintf("%d %d - %d %s\n", dead, now, orphan.Process.Pid, startKey(t, orphan.Process.Pid)),
			fmt.Sprintf("the reconstruct (pid %d) of an earlier refresh (pid %d, since", orphan.Process.Pid, dead)},
		{"reused reconstruct pid", fmt.Sprintf("%d %d - %d not-its-start\n", dead, now, orphan.Process.Pid), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(lock, []byte(tt.lock), 0o600); err != nil {
				t.Fatal(err)
			}
			out := run(t, s, "--mode=refresh")
			if tt.busy != "" {
				out.Expect(t, service, unknown)
				out.Contains(t, tt.busy)
				os.Remove(lock)
				return
			}
			out.Expect(t, service, ok)
			out.Contains(t, "took over the lock "+lock)
			if _, err := os.Stat(lock); !os.IsNotExist(err) {
				t.Errorf("lock not released: %v", err)
			}
		})
	}
}

// While reconstruct runs, the lock names it with its start.
func TestRefreshLockRecordsReconstruct(t *testing.T) {
	plugintest.RequireProc(t)
	s := fixture.New(t)
	lock := lockPath(t, s)
	_, pidfile := sleepingReconstruct(t, s)
	p := startRefresh(t, s)
	pids := plugintest.WaitForPids(t, pidfile, 2)
	rcPid := pids[1] // the script's own pid ($$), written second
	var f []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		b, _ := os.ReadFile(lock)
		if f = strings.Fields(string(b)); len(f) == 5 && f[3] == fmt.Sprint(rcPid) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lock %q never named reconstruct %d", f, rcPid)
		}
	}
	if f[0] != fmt.Sprint(p.Pid()) || f[2] != startKey(t, p.Pid()) || f[4] != startKey(t, rcPid) {
		t.Errorf("lock %q: want plugin %d and reconstruct %d with their starts", f, p.Pid(), rcPid)
	}
	p.SignalGroup(t, syscall.SIGTERM)
	p.Wait(t).Expect(t, service, unknown)
	plugintest.WaitGone(t, pids)
}
