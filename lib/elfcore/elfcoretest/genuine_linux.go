//go:build linux

package elfcoretest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// GenuineLinuxCore has the kernel dump a real process into dir: `sleep
// 60`, started with core dumps enabled (limitKiB 0: unlimited; else the
// core size limit, which cuts the dump midway) and killed with SIGSEGV.
// It returns the core's path and the process's pid.
//
// The kernel writes "core" (or "core.PID") into the process's directory
// only when kernel.core_pattern is a relative file name, the default; with
// a pipe (systemd-coredump, apport) or an absolute directory the test is
// skipped. The test never changes core_pattern: it is the host's.
func GenuineLinuxCore(t testing.TB, dir string, limitKiB int) (string, int) {
	t.Helper()
	pattern, err := os.ReadFile("/proc/sys/kernel/core_pattern")
	p := strings.TrimSpace(string(pattern))
	if err != nil || p == "" || strings.HasPrefix(p, "|") || strings.HasPrefix(p, "/") || strings.Contains(p, "/") {
		t.Skipf("kernel.core_pattern %q does not write into the process's directory", p)
	}
	limit := "unlimited"
	if limitKiB > 0 {
		limit = strconv.Itoa(limitKiB)
	}
	cmd := exec.Command("/bin/sh", "-c", "ulimit -c "+limit+" && exec sleep 60")
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	pid := cmd.Process.Pid
	// The signal must reach sleep, not the shell before its exec.
	comm := "/proc/" + strconv.Itoa(pid) + "/comm"
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if b, _ := os.ReadFile(comm); strings.TrimSpace(string(b)) == "sleep" {
			break
		}
	}
	_ = cmd.Process.Signal(syscall.SIGSEGV)
	err = cmd.Wait()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.CoreDump() {
		t.Skipf("the kernel wrote no core (%v): core dumps are disabled on this host", err)
	}
	for _, name := range []string{"core", "core." + strconv.Itoa(pid)} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return filepath.Join(dir, name), pid
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), strings.SplitN(p, "%", 2)[0]) {
			return filepath.Join(dir, e.Name()), pid
		}
	}
	t.Skipf("the kernel reported a core but none is in %s (core_pattern %q)", dir, p)
	return "", 0
}
