package msgprocs_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// These tests run the built binary on real processes: stand-ins for the
// daemons, copies of sleep started from BASE/lib as start-msg starts the
// real ones, so that /proc shows BASE/lib/imapd as their executable and
// imapd as their command name.

// nobody is the user of the tests that need another one.
const nobody = 65534

// server materialises a sample server that every user may read (the
// tests run the plugin and daemons as nobody too).
func server(t *testing.T) *fixture.Server {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("process tests read Linux /proc")
	}
	dir, err := os.MkdirTemp("", "check_msgprocs-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := fixture.Materialize(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// start runs BASE/lib/name (as uid when uid > 0) and kills it when the
// test ends.
func start(t *testing.T, s *fixture.Server, name string, uid int) *exec.Cmd {
	t.Helper()
	var cred *syscall.Credential
	if uid > 0 {
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}
	}
	return plugintest.StartDaemon(t, s.Base(), name, cred)
}

// healthyNames are the default set of the sample server.
var healthyNames = plugintest.SampleDaemons

func startAll(t *testing.T, s *fixture.Server, names []string) map[string][]int {
	t.Helper()
	return plugintest.StartDaemons(t, s.Base(), names...)
}

func except(names []string, leave ...string) []string {
	var out []string
	for _, n := range names {
		if !strings.Contains(" "+strings.Join(leave, " ")+" ", " "+n+" ") {
			out = append(out, n)
		}
	}
	return out
}

func run(t *testing.T, args ...string) plugintest.Output {
	t.Helper()
	return plugintest.Run(t, plugintest.Build(t, "check_msgprocs"), nil, args...)
}

// runAs runs the built plugin as another user.
func runAs(t *testing.T, uid int, args ...string) plugintest.Output {
	t.Helper()
	cmd := exec.Command(plugintest.Build(t, "check_msgprocs"), args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return plugintest.Parse(code, string(out))
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("starts processes as another user: needs root")
	}
	// The plugin binary is built under a private temporary directory; the
	// other user must be able to run it.
	bin := plugintest.Build(t, "check_msgprocs")
	for d := filepath.Dir(bin); d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
}

func perfValue(t *testing.T, o plugintest.Output, label string) float64 {
	t.Helper()
	p, ok := o.Perf[label]
	if !ok {
		t.Fatalf("no perfdata %s:\n%s", label, o.Stdout)
	}
	return p.Value
}

func TestStandInsHealthy(t *testing.T) {
	t.Parallel()
	s := server(t)
	pids := startAll(t, s, healthyNames)
	second := start(t, s, "imapd", 0).Process.Pid
	out := run(t, "-B", s.Base())
	out.Expect(t, "MSGPROCS", 0)
	if out.Summary != "all 10 expected daemons running (11 processes)" {
		t.Errorf("line 1: %q", out.Summary)
	}
	if p := out.Perf["procs_imapd"]; p.Value != 2 || p.Warn != "" || p.Crit != "1:" || p.Min != "0" {
		t.Errorf("procs_imapd = %+v, want 2;;1:;0;", p)
	}
	out.Contains(t, fmt.Sprintf("[OK] imapd: 2 processes running (expected: service.imap.enable = yes in msg.conf): pid %d up ", pids["imapd"][0]),
		fmt.Sprintf(", pid %d up ", second),
		fmt.Sprintf("[OK] stored: 1 process running (expected: always): pid %d up ", pids["stored"][0]))
}

// The broken sample of the demo: no imapd, no watcher.
func TestStandInsBroken(t *testing.T) {
	t.Parallel()
	s := server(t)
	startAll(t, s, except(healthyNames, "imapd", "watcher"))
	out := run(t, "-B", s.Base())
	out.Expect(t, "MSGPROCS", 2)
	if want := "not running: imapd - watcher is not running: crashed daemons will not be restarted"; out.Summary != want {
		t.Errorf("line 1 %q, want %q", out.Summary, want)
	}
	out.Contains(t, "[CRITICAL] imapd: not running (expected: service.imap.enable = yes in msg.conf): IMAP service",
		"[WARNING] watcher: not running (expected: local.watcher.enable = yes in msg.conf): restarts crashed daemons")
}

func TestStoredDown(t *testing.T) {
	t.Parallel()
	s := server(t)
	startAll(t, s, except(healthyNames, "stored"))
	out := run(t, "-B", s.Base())
	out.Expect(t, "MSGPROCS", 2)
	if want := "stored is not running: nothing else starts without it"; out.Summary != want {
		t.Errorf("line 1 %q, want %q", out.Summary, want)
	}
}

// A daemon that exited and was reaped: its pid is dead.
func TestDeadDaemon(t *testing.T) {
	t.Parallel()
	s := server(t)
	startAll(t, s, except(healthyNames, "imapd"))
	cmd := exec.Command(plugintest.InstallDaemon(t, s.Base(), "imapd"), "3600")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	out := run(t, "-B", s.Base())
	out.Expect(t, "MSGPROCS", 2)
	if out.Summary != "not running: imapd" || perfValue(t, out, "procs_imapd") != 0 {
		t.Errorf("dead imapd pid %d:\n%s", cmd.Process.Pid, out.Stdout)
	}
}

// A daemon that exited and was not reaped: a zombie is not running.
func TestZombieDaemon(t *testing.T) {
	t.Parallel()
	s := server(t)
	startAll(t, s, except(healthyNames, "imapd"))
	cmd := start(t, s, "imapd", 0)
	cmd.Process.Kill()
	// Not reaped: this test process is its parent and has not waited.
	waitZombie(t, cmd.Process.Pid)
	// Its parent is this test, not a daemon of the installation: the
	// zombie is listed with -v as one whose installation is unknown.
	out := run(t, "-B", s.Base(), "-v")
	out.Expect(t, "MSGPROCS", 2)
	if out.Summary != "not running: imapd" || perfValue(t, out, "procs_imapd") != 0 {
		t.Errorf("zombie imapd:\n%s", out.Stdout)
	}
	out.Contains(t, "defunct, installation unknown (its parent is not of this one): ", fmt.Sprintf("pid %d", cmd.Process.Pid))
}

// The server runs as its own user (mailsrv), the plugin as root or nagios:
// a daemon of another user counts.
func TestDaemonOfAnotherUser(t *testing.T) {
	t.Parallel()
	needRoot(t)
	s := server(t)
	startAll(t, s, except(healthyNames, "imapd"))
	pid := start(t, s, "imapd", nobody).Process.Pid
	out := run(t, "-B", s.Base())
	out.Expect(t, "MSGPROCS", 0)
	out.Contains(t, fmt.Sprintf("imapd: 1 process running (expected: service.imap.enable = yes in msg.conf): pid %d", pid))
}

// The plugin as an unprivileged user cannot read the daemons' executable
// links: it counts them by command name and command line, all the same.
func TestPluginAsAnotherUser(t *testing.T) {
	t.Parallel()
	needRoot(t)
	s := server(t)
	startAll(t, s, healthyNames)
	out := runAs(t, nobody, "-B", s.Base())
	out.Expect(t, "MSGPROCS", 0)
	if perfValue(t, out, "procs_stored") != 1 || perfValue(t, out, "procs_imapd") != 1 {
		t.Errorf("as nobody:\n%s", out.Stdout)
	}
}

// Daemons of another installation on the same host do not count; -v
// names them. xtestd, a name no other test uses, shows the listing
// exactly: the host is shared, and other tests' stand-in imapd are
// another installation too.
func TestAnotherInstallation(t *testing.T) {
	t.Parallel()
	s, other := server(t), server(t)
	startAll(t, s, except(healthyNames, "imapd"))
	start(t, other, "imapd", 0)
	pid := start(t, other, "xtestd", 0).Process.Pid
	out := run(t, "-B", s.Base(), "--expect", "xtestd")
	out.Expect(t, "MSGPROCS", 2)
	if out.Summary != "not running: imapd, xtestd" || perfValue(t, out, "procs_imapd") != 0 || perfValue(t, out, "procs_xtestd") != 0 {
		t.Errorf("another installation's daemons counted:\n%s", out.Stdout)
	}
	if strings.Contains(out.Stdout, other.Base()) {
		t.Errorf("another installation named without -v:\n%s", out.Stdout)
	}
	out = run(t, "-B", s.Base(), "--expect", "xtestd", "-v")
	out.Expect(t, "MSGPROCS", 2)
	out.Contains(t, "[CRITICAL] imapd: not running (expected: service.imap.enable = yes in msg.conf): IMAP service; ",
		fmt.Sprintf("[CRITICAL] xtestd: not running (expected: --expect): named with --expect or --count-critical; not counted, another installation: pid %d runs %s/lib/xtestd\n", pid, other.Base()))
}

// The plugin's own name never makes it count: a plugin copied into BASE/lib
// as imapd is still not an imapd.
func TestPluginItselfNeverCounts(t *testing.T) {
	t.Parallel()
	s := server(t)
	startAll(t, s, except(healthyNames, "imapd"))
	self := filepath.Join(s.Base(), "lib", "imapd")
	b, err := os.ReadFile(plugintest.Build(t, "check_msgprocs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(self, b, 0o755); err != nil {
		t.Fatal(err)
	}
	out := plugintest.Run(t, self, nil, "-B", s.Base())
	out.Expect(t, "MSGPROCS", 2)
	if out.Summary != "not running: imapd" {
		t.Errorf("the plugin named imapd counted itself:\n%s", out.Stdout)
	}
}

// The Solaris and illumos builds: psinfo instead of Linux stat.
func TestSolarisBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles")
	}
	t.Parallel()
	root := plugintest.ModuleRoot()
	for _, c := range [][]string{
		{"solaris", "build", "-o", filepath.Join(t.TempDir(), "check_msgprocs"), "./plugins/check_msgprocs/"},
		{"illumos", "vet", "./plugins/check_msgprocs/...", "./lib/procinfo/"},
	} {
		cmd := exec.Command("go", c[1:]...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS="+c[0], "GOARCH=amd64", "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("GOOS=%s go %s: %v\n%s", c[0], strings.Join(c[1:], " "), err, b)
		}
	}
}

var procsRE = regexp.MustCompile(`^PROCS (OK|WARNING|CRITICAL): ([0-9]+) process`)

// TestAgreesWithCheckProcs: check_procs -C NAME (the kernel's command
// name) with -a BASE/lib/NAME (its command line, which starts with the
// program's path) counts what check_msgprocs counts for each daemon, also
// once one has exited and been reaped.
func TestAgreesWithCheckProcs(t *testing.T) {
	t.Parallel()
	tool := plugintest.RequireTool(t, "/usr/lib/nagios/plugins/check_procs", "monitoring-plugins-basic")
	s := server(t)
	startAll(t, s, append(except(healthyNames, "watcher"), "imapd", "imapd"))
	last := start(t, s, "mshttpd", 0)
	count := func(name string) int {
		t.Helper()
		b, _ := exec.Command(tool, "-C", name, "-a", filepath.Join(s.Base(), "lib", name), "-c", "1:").CombinedOutput()
		m := procsRE.FindSubmatch(b)
		if m == nil {
			t.Fatalf("check_procs said: %s", b)
		}
		n, _ := strconv.Atoi(string(m[2]))
		return n
	}
	compare := func(when string) {
		out := run(t, "-B", s.Base())
		for _, name := range append(healthyNames, "tcp_lmtp_server") {
			if ours, theirs := perfValue(t, out, "procs_"+name), count(name); int(ours) != theirs {
				t.Errorf("%s: %s: check_msgprocs counts %v, check_procs %d", when, name, ours, theirs)
			}
		}
	}
	compare("running")
	last.Process.Kill()
	last.Wait()
	compare("one mshttpd gone")
}

// A zombie imapd whose parent is a daemon of the installation (here a
// watcher that never reaps its children) is this installation's: line 1
// says imapd is defunct.
func TestZombieOfTheInstallation(t *testing.T) {
	t.Parallel()
	s := server(t)
	startAll(t, s, except(healthyNames, "imapd", "watcher"))
	lib := filepath.Join(s.Base(), "lib")
	plugintest.InstallDaemon(t, s.Base(), "imapd")
	plugintest.InstallDaemon(t, s.Base(), "watcher")
	// The shell starts imapd and becomes the watcher (exec keeps the
	// pid), which never waits for its children; imapd is killed once the
	// watcher is its parent.
	launcher := filepath.Join(t.TempDir(), "launch")
	script := fmt.Sprintf("#!/bin/sh\n%s/imapd 3600 &\necho $!\nexec %s/watcher 3600\n", lib, lib)
	if err := os.WriteFile(launcher, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sh", launcher)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var zombie int
	if _, err := fmt.Fscan(stdout, &zombie); err != nil {
		t.Fatal(err)
	}
	waitFor(t, cmd.Process.Pid, "(watcher) ")
	// The shell's child may not have become imapd yet: killed before its
	// exec, the zombie would be named after the shell.
	waitFor(t, zombie, "(imapd) ")
	if err := syscall.Kill(zombie, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitZombie(t, zombie)
	out := run(t, "-B", s.Base())
	out.Expect(t, "MSGPROCS", 2)
	if out.Summary != "not running: imapd (defunct)" || perfValue(t, out, "procs_imapd") != 0 || perfValue(t, out, "procs_watcher") != 1 {
		t.Errorf("zombie child of the watcher:\n%s", out.Stdout)
	}
	out.Contains(t, fmt.Sprintf("defunct (exited, not reaped by its parent): pid %d", zombie))
}

// waitZombie polls until pid shows as a zombie in /proc.
func waitZombie(t *testing.T, pid int) { t.Helper(); waitFor(t, pid, ") Z ") }

// waitFor polls until /proc/pid/stat contains what; the deadline only
// ends a test that would otherwise hang.
func waitFor(t *testing.T, pid int, what string) {
	t.Helper()
	stat := fmt.Sprintf("/proc/%d/stat", pid)
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(stat)
		if err == nil && strings.Contains(string(b), what) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/proc/%d/stat never showed %q (%v)", pid, what, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
