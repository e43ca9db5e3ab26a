package plugintest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

// SampleDaemons are the daemons the sample server's msg.conf expects
// (check_msgprocs' default set with imap, pop, http and the watcher on):
// what runs on a healthy server.
var SampleDaemons = []string{"stored", "enpd", "imapd", "popd", "mshttpd", "imsched", "dispatcher", "job_controller", "tcp_smtp_server", "watcher"}

// standIn is one copy of sleep per test process; the daemons are hard
// links to it. Writing an executable while another goroutine forks can
// make its exec fail with "text file busy"; a link writes nothing.
var standIn = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "msgstore-standin-")
	if err != nil {
		return "", err
	}
	// Daemons may be started as another user.
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", err
	}
	b, err := os.ReadFile("/bin/sleep")
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "standin")
	return p, os.WriteFile(p, b, 0o755)
})

// InstallDaemon puts a stand-in for the program name (a copy of sleep)
// into BASE/lib, unless one is there, and returns its path.
func InstallDaemon(t testing.TB, base, name string) string {
	t.Helper()
	p := filepath.Join(base, "lib", name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	src, err := standIn()
	if err != nil {
		t.Skipf("no stand-in daemon: %v", err)
	}
	if err := os.Link(src, p); err != nil {
		// Another file system: copy (before any daemon of this test runs).
		b, err := os.ReadFile(src)
		if err == nil {
			err = os.WriteFile(p, b, 0o755)
		}
		if err != nil {
			t.Fatalf("install the stand-in %s: %v", p, err)
		}
	}
	return p
}

// StartDaemon runs BASE/lib/name as the server's start-msg would (with
// cred, as another user; nil: as the test's user) and kills it when the
// test ends. /proc then shows BASE/lib/name as its executable and name as
// its command name.
func StartDaemon(t testing.TB, base, name string, cred *syscall.Credential) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(InstallDaemon(t, base, name), "3600")
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// StartDaemons starts a stand-in for each name (a name given twice runs
// twice) and returns the pids by name, in the order started.
func StartDaemons(t testing.TB, base string, names ...string) map[string][]int {
	t.Helper()
	pids := map[string][]int{}
	for _, n := range names {
		pids[n] = append(pids[n], StartDaemon(t, base, n, nil).Process.Pid)
	}
	return pids
}
