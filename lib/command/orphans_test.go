package command

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests here kill a process that started programs through this
// package and look for survivors. The process is this test binary run
// again as a helper (TestHelperStarter), so that the test itself lives on.

const helperEnv = "COMMAND_TEST_HELPER"

// TestHelperStarter is not a test: run by startHelper, it starts the
// program given in its environment through Start and waits for ever.
func TestHelperStarter(t *testing.T) {
	prog := os.Getenv(helperEnv)
	if prog == "" {
		t.Skip("helper process only")
	}
	if os.Getenv("COMMAND_TEST_NO_WATCHER") != "" {
		watcherShell = ""
	}
	if _, err := Start(context.Background(), Cmd{Path: prog}); err != nil {
		fmt.Println("start:", err)
		os.Exit(1)
	}
	fmt.Println("started")
	select {}
}

// startHelper runs the helper with prog and returns once prog has
// recorded every pid it was meant to (want lines in pidfile).
func startHelper(t *testing.T, prog, pidfile string, want int, noWatcher bool) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStarter$")
	cmd.Env = append(os.Environ(), helperEnv+"="+prog)
	if noWatcher {
		cmd.Env = append(cmd.Env, "COMMAND_TEST_NO_WATCHER=1")
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // as a scheduler starts a plugin
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(pidfile)
		if len(strings.Fields(string(b))) >= want {
			return cmd
		}
		if time.Now().After(deadline) {
			t.Fatalf("the program never recorded its %d pids", want)
		}
		time.Sleep(20 * time.Millisecond) // waiting for the program to start, not timing it
	}
}

func needProc(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
}

// A SIGKILLed plugin cannot clean up: the kernel's parent-death signal
// kills the program it started, even with no watcher.
func TestParentDeathSignalKillsTheProgram(t *testing.T) {
	needProc(t)
	pidfile := filepath.Join(t.TempDir(), "pids")
	prog := script(t, fmt.Sprintf("echo $$ > %s\nexec sleep 300\n", pidfile))
	helper := startHelper(t, prog, pidfile, 1, true)
	helper.Process.Signal(syscall.SIGKILL)
	helper.Wait()
	waitGone(t, readPids(t, pidfile))
}

// The watcher catches what the parent-death signal misses: the
// grandchildren of a SIGKILLed plugin.
func TestWatcherKillsTheGroupWhenThePluginDies(t *testing.T) {
	needProc(t)
	prog, pidfile := hangScript(t)
	helper := startHelper(t, prog, pidfile, 3, false)
	syscall.Kill(-helper.Process.Pid, syscall.SIGKILL) // the plugin's whole group, as Nagios does
	helper.Wait()
	waitGone(t, readPids(t, pidfile))
}

func TestWatcherIsReapedWithTheProgram(t *testing.T) {
	needProc(t)
	p, err := Start(context.Background(), Cmd{Path: script(t, "exit 0\n")})
	if err != nil {
		t.Fatal(err)
	}
	if p.guard == nil {
		t.Fatal("no watcher was started")
	}
	watcherPid := p.guard.cmd.Process.Pid
	if res := p.Wait(); !res.Success() {
		t.Fatalf("result %+v", res)
	}
	if alive(watcherPid) {
		t.Errorf("watcher %d outlived its program", watcherPid)
	}
	if n := Running(); n != 0 {
		t.Errorf("%d programs still registered", n)
	}
}

func TestKillAll(t *testing.T) {
	needProc(t)
	defer func() { live.Lock(); live.closing = false; live.Unlock() }()
	prog, pidfile := hangScript(t)
	var started []*Process
	for range 2 {
		os.Remove(pidfile)
		p, err := Start(context.Background(), Cmd{Path: prog})
		if err != nil {
			t.Fatal(err)
		}
		started = append(started, p)
	}
	if n := KillAll(); n != 2 {
		t.Errorf("KillAll killed %d groups, want 2", n)
	}
	for _, p := range started {
		res := p.Wait()
		if !res.Killed || !errors.Is(res.KillReason, errKilledAll) {
			t.Errorf("result %+v", res)
		}
	}
	if _, err := Start(context.Background(), Cmd{Path: prog}); !errors.Is(err, ErrExiting) {
		t.Errorf("Start after KillAll: %v, want ErrExiting", err)
	}
}
