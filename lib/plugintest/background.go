package plugintest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Started is a plugin running in the background in a process group of its
// own, as Nagios and Icinga 2 start plugins, so that a test can do to it
// what a scheduler does when it gives up: signal the plugin or its group.
type Started struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	start          time.Time
	waited         bool
}

// Start runs bin with args and a clean environment plus env ("K=V") in
// the background. The test's cleanup kills its group if the test did not
// wait for it.
func Start(t testing.TB, bin string, env []string, args ...string) *Started {
	t.Helper()
	s := &Started{cmd: exec.Command(bin, args...)}
	s.cmd.Env = append([]string{"PATH=/usr/bin:/bin", "LC_ALL=C"}, env...)
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s.start = time.Now()
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		if !s.waited {
			syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			s.cmd.Wait()
		}
	})
	return s
}

// Pid is the plugin's pid, also its process group id.
func (s *Started) Pid() int { return s.cmd.Process.Pid }

// Signal sends sig to the plugin alone.
func (s *Started) Signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(s.Pid(), sig); err != nil {
		t.Fatalf("kill %d: %v", s.Pid(), err)
	}
}

// SignalGroup sends sig to the plugin's process group, as a scheduler
// does at its timeout.
func (s *Started) SignalGroup(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(-s.Pid(), sig); err != nil {
		t.Fatalf("kill -%d: %v", s.Pid(), err)
	}
}

// Wait waits for the plugin to exit and returns its output. A plugin
// killed by a signal has Code -1 and no output.
func (s *Started) Wait(t testing.TB) Output {
	t.Helper()
	err := s.cmd.Wait()
	s.waited = true
	o := Output{Stdout: s.stdout.String(), Stderr: s.stderr.String(), Elapsed: time.Since(s.start)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		o.Code = ee.ExitCode()
	case err != nil:
		t.Fatalf("wait: %v", err)
	}
	o.parse()
	return o
}

// WaitForPids waits (boundedly) until file lists at least n pids, one per
// line, as a stand-in program records them once it runs, and returns them.
func WaitForPids(t testing.TB, file string, n int) []int {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, _ := os.ReadFile(file)
		if f := strings.Fields(string(b)); len(f) >= n {
			pids := make([]int, 0, len(f))
			for _, s := range f {
				pid, err := strconv.Atoi(s)
				if err != nil {
					t.Fatalf("%s: bad pid %q", file, s)
				}
				pids = append(pids, pid)
			}
			return pids
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never listed %d pids (has %q)", file, n, b)
		}
		time.Sleep(20 * time.Millisecond) // waiting for a program to start, not timing it
	}
}

// Alive reports whether pid is a live process: not gone, not a zombie
// (Linux /proc).
func Alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// WaitGone waits (boundedly) until none of pids is alive: a killed process
// disappears asynchronously, once init has reaped it (30 s: a loaded
// machine running two test packages at once took over 10). It fails the test,
// naming the survivors, and kills them so that they do not outlive it.
func WaitGone(t testing.TB, pids []int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var left []int
		for _, p := range pids {
			if Alive(p) {
				left = append(left, p)
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, p := range left {
				syscall.Kill(p, syscall.SIGKILL)
			}
			t.Fatalf("processes survived the plugin: %v", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// RequireProc skips a test that reads Linux /proc where there is none.
func RequireProc(t testing.TB) {
	t.Helper()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs Linux /proc")
	}
}

// RunPeakRSS is Run under GNU time (Debian package time), which also
// gives the plugin's peak resident set size in bytes. The rusage of a
// child that Go starts directly is no use for this: Go starts programs
// with vfork, and Linux counts the parent's memory in the child's peak.
func RunPeakRSS(t testing.TB, bin string, env []string, args ...string) (Output, int64) {
	t.Helper()
	tool := RequireTool(t, "/usr/bin/time", "time")
	file := filepath.Join(t.TempDir(), "rss")
	o := Run(t, tool, env, append([]string{"-f", "%M", "-o", file, bin}, args...)...)
	b, err := os.ReadFile(file)
	kib, perr := strconv.ParseInt(strings.TrimSpace(lastLine(string(b))), 10, 64)
	if err != nil || perr != nil {
		t.Fatalf("GNU time wrote no peak RSS (%v): %q", err, b)
	}
	return o, kib * 1024
}

// lastLine: GNU time puts "Command exited with non-zero status N" first.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
