package folders_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

const service = "FOLDERS"

// Exit codes.
const (
	ok = iota
	warning
	critical
	unknown
)

var (
	simulateRel = fixture.BaseRel + "/sbin/reconstruct.simulate"
	pidRel      = fixture.VarRel + "/proc/store"
)

func bin(t *testing.T) string { return plugintest.Build(t, "check_folders") }

// run runs the plugin on the sample server s with a private state dir.
func run(t *testing.T, s *fixture.Server, args ...string) plugintest.Output {
	t.Helper()
	all := append([]string{"-B", s.Base(), "--state-dir", filepath.Join(s.Root, "state")}, args...)
	return plugintest.Run(t, bin(t), nil, all...)
}

// printing is a reconstruct that prints text and exits with code.
func printing(t *testing.T, text string, code int) string {
	t.Helper()
	return plugintest.Script(t, "reconstruct", fmt.Sprintf("cat <<'EOF'\n%s\nEOF\nexit %d\n", text, code))
}

func TestHealthySampleIsOK(t *testing.T) {
	s := fixture.New(t)
	out := run(t, s)
	out.Expect(t, service, ok)
	if out.Summary != "no damaged folders" {
		t.Errorf("summary %q", out.Summary)
	}
	p := out.Perf["damaged_folders"]
	if p.Value != 0 || p.Crit != "0" || p.Min != "0" || out.Perf["result_age"].Value != 0 {
		t.Errorf("perfdata %+v", out.Perf)
	}
	if _, ok := out.Perf["duration"]; !ok {
		t.Error("no duration perfdata")
	}
	out.Contains(t, "reconstruct -r -n: exit status 0, 2 output lines")
	out = run(t, s, "-vv")
	out.Contains(t, "[OK] output: Checking mailbox user/jdoe/INBOX")
}

func TestDamagedSampleIsCritical(t *testing.T) {
	s := fixture.New(t)
	s.Write(simulateRel, "damaged\n", 0)
	out := run(t, s)
	out.Expect(t, service, critical)
	if out.Summary != "3 damaged folders: user/jdoe/INBOX, user/jdoe/Sent (+1 more)" || out.Perf["damaged_folders"].Value != 3 {
		t.Errorf("summary %q perf %+v", out.Summary, out.Perf)
	}
	out.Contains(t,
		"[CRITICAL] user/jdoe/INBOX: invalid cache data (msg 102)",
		"[CRITICAL] user/jdoe/Sent: missing fixed headers",
		"[CRITICAL] user/ann/INBOX: start_offset beyond EOF",
		"reconstruct user/jdoe/INBOX (Administration Guide 20.14.3)")
}

func TestEachDocumentedString(t *testing.T) {
	tests := []struct {
		line, folder, kind string
	}{
		{"Invalid cache data for msg 102 in mailbox user/joe/INBOX. Needs reconstruct", "user/joe/INBOX", "invalid cache data (msg 102)"},
		{"Mailbox corrupted, missing fixed headers: user/joe/INBOX", "user/joe/INBOX", "missing fixed headers"},
		{"Mailbox corrupted, start_offset beyond EOF: user/joe/INBOX", "user/joe/INBOX", "start_offset beyond EOF"},
		{"Mailbox corrupted: user/joe/Trash", "user/joe/Trash", "mailbox corrupted"},
		{"Invalid cache data in user/joe/Drafts", "user/joe/Drafts", "invalid cache data"},
		{"Mailbox user/joe/Sent needs reconstruct", "user/joe/Sent", "needs reconstruct"},
	}
	s := fixture.New(t)
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			// On stderr, between ordinary lines: both streams are read.
			rc := plugintest.Script(t, "reconstruct", fmt.Sprintf("echo 'Checking mailbox user/joe/INBOX'\necho '%s' >&2\necho done\n", tt.line))
			out := run(t, s, "--reconstruct", rc)
			out.Expect(t, service, critical)
			if out.Summary != "1 damaged folder: "+tt.folder || out.Perf["damaged_folders"].Value != 1 {
				t.Errorf("summary %q perf %+v", out.Summary, out.Perf)
			}
			out.Contains(t, "[CRITICAL] "+tt.folder+": "+tt.kind)
		})
	}
}

func TestThresholds(t *testing.T) {
	s := fixture.New(t)
	s.Write(simulateRel, "damaged\n", 0)
	out := run(t, s, "-w", "0", "-c", "5")
	out.Expect(t, service, warning)
	if p := out.Perf["damaged_folders"]; p.Warn != "0" || p.Crit != "5" {
		t.Errorf("perf %+v", p)
	}
	out = run(t, s, "-w", "10", "-c", "10")
	out.Expect(t, service, ok)
	if !strings.HasSuffix(out.Summary, "(within thresholds)") {
		t.Errorf("summary %q", out.Summary)
	}
	run(t, s, "-c", "abc").Expect(t, service, unknown)
}

func TestCustomPattern(t *testing.T) {
	s := fixture.New(t)
	rc := printing(t, "ERROR folder=user/x/INBOX bad index\nMailbox user/y/INBOX needs reconstruct", 0)
	out := run(t, s, "--reconstruct", rc, "--pattern", `folder=(?P<folder>\S+) bad index`)
	out.Expect(t, service, critical)
	out.Contains(t, "2 damaged folders: user/x/INBOX, user/y/INBOX", "[CRITICAL] user/x/INBOX: matches --pattern")

	out = run(t, s, "--reconstruct", rc, "--pattern", `bad index`, "--no-default-patterns")
	out.Expect(t, service, critical)
	out.Contains(t, "1 damaged folder: (folder not named)")

	out = run(t, s, "--reconstruct", rc, "--pattern", `(`)
	out.Expect(t, service, unknown)
	out.Contains(t, `--pattern "(": error parsing regexp`)
}

func TestNonZeroExit(t *testing.T) {
	s := fixture.New(t)
	out := run(t, s, "--reconstruct", printing(t, "working\nreconstruct: Unable to open mailbox list", 4))
	out.Expect(t, service, unknown)
	if out.Summary != "reconstruct exited with status 4: reconstruct: Unable to open mailbox list" {
		t.Errorf("summary %q", out.Summary)
	}
	if _, ok := out.Perf["damaged_folders"]; ok {
		t.Error("a failed run must not graph 0 damaged folders")
	}
	out = run(t, s, "--reconstruct", plugintest.Script(t, "reconstruct", "exit 1\n"))
	out.Expect(t, service, unknown)
	out.Contains(t, "reconstruct exited with status 1 and printed nothing")

	// Findings count even when the run failed, and the run is flagged.
	out = run(t, s, "--reconstruct", printing(t, "Mailbox corrupted: user/a/INBOX\nfatal error", 1))
	out.Expect(t, service, critical)
	out.Contains(t, "1 damaged folder: user/a/INBOX - incomplete: exit status 1", "[UNKNOWN] incomplete check, more folders may be damaged")
	// ... also when the thresholds let the count pass: never OK.
	out = run(t, s, "--reconstruct", printing(t, "Mailbox corrupted: user/a/INBOX\nfatal error", 1), "-c", "5")
	out.Expect(t, service, unknown)
}

func TestStoredNotRunning(t *testing.T) {
	s := fixture.New(t)
	s.Write(pidRel, "28250 init\n", 0) // the stand-in reads it as stored's state
	out := run(t, s)
	out.Expect(t, service, unknown)
	if out.Summary != "stored is not running: folders not checked" {
		t.Errorf("summary %q", out.Summary)
	}
	out.Contains(t, "reconstruct: stored is not running; start it with start-msg store")
	// Exit 0 does not make it OK, and the wording is configurable.
	rc := printing(t, "ims: store server down", 0)
	run(t, s, "--reconstruct", rc).Expect(t, service, ok)
	out = run(t, s, "--reconstruct", rc, "--not-running-pattern", "store server down")
	out.Expect(t, service, unknown)
	out.Contains(t, "stored is not running: folders not checked")
}

func TestHangingReconstructIsKilledWithItsChildren(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	s := fixture.New(t)
	pidfile := filepath.Join(t.TempDir(), "pids")
	// A child that forks a grandchild; all three sleep. Each records its pid.
	rc := plugintest.Script(t, "reconstruct", fmt.Sprintf(`( sleep 300 & echo $! >> %[1]s; sleep 300 ) &
echo $! >> %[1]s
echo $$ >> %[1]s
until [ "$(grep -c . %[1]s)" -ge 3 ]; do sleep 0.02; done
echo "Checking mailbox user/jdoe/INBOX"
sleep 300
`, pidfile))
	out := run(t, s, "--reconstruct", rc, "-t", "2")
	out.Expect(t, service, unknown)
	// The plugin kills reconstruct at 1.8 s and reports it; on a loaded
	// machine the harness's watchdog at 2 s may speak first, after killing
	// the same group through OnTimeout. Either way: UNKNOWN, said so, and
	// (below) no process left.
	switch out.Summary {
	case "reconstruct -r -n killed after 1.80s with its children, unfinished (use --mode=cached)":
		out.Contains(t, "it was killed with its children; for a store this size run --mode=refresh from cron")
	case "timed out after 2s while running " + rc + " -r -n (killed with its children at the timeout)":
	default:
		t.Errorf("summary %q", out.Summary)
	}
	if out.Elapsed > 10*time.Second {
		t.Errorf("took %s", out.Elapsed)
	}
	b, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatal(err)
	}
	pids := strings.Fields(string(b))
	if len(pids) != 3 {
		t.Fatalf("pids %q", pids)
	}
	// SIGKILL is delivered at once but a process vanishes asynchronously.
	deadline := time.Now().Add(5 * time.Second)
	for _, f := range pids {
		pid, _ := strconv.Atoi(f)
		for plugintest.Alive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("process %d of the reconstruct group was left behind", pid)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func TestReconstructThatCannotRun(t *testing.T) {
	s := fixture.New(t)
	plain := filepath.Join(t.TempDir(), "reconstruct")
	os.WriteFile(plain, []byte("#!/bin/sh\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing", []string{"--reconstruct", "/nonexistent/sbin/reconstruct"}, "cannot run reconstruct: /nonexistent/sbin/reconstruct does not exist (give its path with --reconstruct)"},
		{"not executable", []string{"--reconstruct", plain}, "cannot run reconstruct: " + plain + " is not executable (mode 0644)"},
		{"directory", []string{"--reconstruct", s.Base()}, "is a directory"},
		{"relative", []string{"--reconstruct", "sbin/reconstruct"}, "--reconstruct sbin/reconstruct: the path must be absolute"},
		{"missing sudo", []string{"--sudo-user", "mailsrv", "--sudo-path", "/nonexistent/sudo"}, "cannot run sudo (--sudo-path): /nonexistent/sudo does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := run(t, s, tt.args...)
			out.Expect(t, service, unknown)
			out.Contains(t, tt.want)
		})
	}
	// The default path: BASE/sbin/reconstruct.
	s.Remove(fixture.BaseRel + "/sbin/reconstruct")
	out := run(t, s)
	out.Expect(t, service, unknown)
	out.Contains(t, s.Base()+"/sbin/reconstruct does not exist")
}

// argsRecorder is a reconstruct that records its arguments, one per line,
// and its environment.
func argsRecorder(t *testing.T) (rc, argsFile, envFile string) {
	dir := t.TempDir()
	argsFile, envFile = filepath.Join(dir, "args"), filepath.Join(dir, "env")
	rc = plugintest.Script(t, "reconstruct", fmt.Sprintf("for a in \"$@\"; do printf '%%s\\n' \"$a\"; done > %s\nenv > %s\n", argsFile, envFile))
	return rc, argsFile, envFile
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestArgumentsAndEnvironment(t *testing.T) {
	s := fixture.New(t)
	rc, argsFile, envFile := argsRecorder(t)
	out := plugintest.Run(t, bin(t), []string{"SECRET=x", "LD_PRELOAD=/tmp/evil.so"},
		"-B", s.Base(), "--reconstruct", rc, "-p", "primary", "--mailbox", "user/jdoe/", "--mailbox", "user/a b;$(id)/")
	out.Expect(t, service, ok)
	if got := readFile(t, argsFile); got != "-r\n-n\n-p\nprimary\nuser/jdoe/\nuser/a b;$(id)/\n" {
		t.Errorf("arguments %q", got)
	}
	env := readFile(t, envFile)
	for _, w := range []string{"PATH=/usr/bin:/bin\n", "LANG=C\n", "MSG_SVR_BASE=" + s.Base() + "\n"} {
		if !strings.Contains(env, w) {
			t.Errorf("environment lacks %q:\n%s", w, env)
		}
	}
	for _, bad := range []string{"SECRET", "LD_PRELOAD"} {
		if strings.Contains(env, bad) {
			t.Errorf("environment leaks %s:\n%s", bad, env)
		}
	}
}

func TestOptionValuesCannotBecomeOptions(t *testing.T) {
	s := fixture.New(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-p", "-f"}, "-p/--partition needs a value, but got `-f'"},
		{[]string{"--partition=-f"}, "--partition \"-f\""},
		{[]string{"-p", "Primary"}, "lowercase letters and digits"},
		{[]string{"-p", "/store/primary"}, "not a path"},
		{[]string{"--mailbox", "-f"}, "--mailbox needs a value"},
		{[]string{"--mailbox=-e"}, "cannot start with '-'"},
		{[]string{"--mailbox", "user/a\nb"}, "control characters"},
		{[]string{"--mailbox", ""}, "must not be empty"},
		{[]string{"--sudo-user=-s"}, "is not a user name"},
		{[]string{"--refresh", "--cached"}, "exclude each other"},
		{[]string{"--mode", "cached", "--refresh"}, "not both"},
		{[]string{"--mode", "fix"}, "Invalid value `fix'"},
		{[]string{"--result-age-warning", "3d", "--result-age-critical", "1d"}, "is shorter than"},
	}
	for _, tt := range tests {
		out := run(t, s, tt.args...)
		out.Expect(t, service, unknown)
		out.Contains(t, tt.want)
	}
}

func TestSudo(t *testing.T) {
	s := fixture.New(t)
	rc, argsFile, _ := argsRecorder(t)
	sudoArgs := filepath.Join(t.TempDir(), "sudo-args")
	// A fake sudo: records its arguments, drops "-n -u USER --", runs the rest.
	sudo := plugintest.Script(t, "reconstruct", fmt.Sprintf("echo \"$*\" > %s\nshift 4\nexec \"$@\"\n", sudoArgs))
	out := run(t, s, "--reconstruct", rc, "--sudo-user", "mailsrv", "--sudo-path", sudo)
	out.Expect(t, service, ok)
	if got := readFile(t, sudoArgs); got != "-n -u mailsrv -- "+rc+" -r -n\n" {
		t.Errorf("sudo got %q", got)
	}
	if got := readFile(t, argsFile); got != "-r\n-n\n" {
		t.Errorf("reconstruct got %q", got)
	}
	refusing := printing(t, "sudo: a password is required", 1)
	out = run(t, s, "--sudo-user", "mailsrv", "--sudo-path", refusing)
	out.Expect(t, service, unknown)
	out.Contains(t, "sudo refused to run reconstruct (exit status 1): sudo: a password is required; see the sudoers rule in /usr/share/doc/msgstore-plugins/README.check_folders.md")
}

// stateFile is the one result file in the sample's state dir.
func stateFile(t *testing.T, s *fixture.Server) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(s.Root, "state", "check_folders.*.json"))
	if len(m) != 1 {
		t.Fatalf("state files: %v", m)
	}
	return m[0]
}

// backdate moves the saved result's start time into the past.
func backdate(t *testing.T, s *fixture.Server, age time.Duration) {
	t.Helper()
	p := stateFile(t, s)
	var rec map[string]any
	if err := json.Unmarshal([]byte(readFile(t, p)), &rec); err != nil {
		t.Fatal(err)
	}
	rec["started"] = time.Now().Add(-age).Format(time.RFC3339Nano)
	b, _ := json.Marshal(rec)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCachedMode(t *testing.T) {
	s := fixture.New(t)

	// Missing: say how to create it.
	out := run(t, s, "--mode=cached")
	out.Expect(t, service, unknown)
	out.Contains(t, "no saved result yet in "+filepath.Join(s.Root, "state"),
		"check_folders --mode=refresh -t 4h -B "+s.Base()+" --state-dir "+filepath.Join(s.Root, "state"))

	// Refresh saves, fresh cached result reports it.
	s.Write(simulateRel, "damaged\n", 0)
	out = run(t, s, "--refresh")
	out.Expect(t, service, critical)
	out.Contains(t, "result saved in "+filepath.Join(s.Root, "state"))
	if fi, err := os.Stat(stateFile(t, s)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", fi, err)
	}
	s.Write(simulateRel, "hang\n", 0) // cached mode must not run reconstruct
	out = run(t, s, "--cached")
	out.Expect(t, service, critical)
	if !strings.HasPrefix(out.Summary, "3 damaged folders: user/jdoe/INBOX, user/jdoe/Sent (+1 more) (result ") || out.Perf["damaged_folders"].Value != 3 {
		t.Errorf("summary %q perf %+v", out.Summary, out.Perf)
	}
	if p := out.Perf["result_age"]; p.Value > 60 || p.Warn != "93600" || p.Crit != "259200" || p.Unit != "s" {
		t.Errorf("result_age %+v", p)
	}

	// A clean refresh, then stale and very stale.
	s.Remove(simulateRel)
	run(t, s, "--mode=refresh").Expect(t, service, ok)
	run(t, s, "--mode=cached").Expect(t, service, ok)
	backdate(t, s, 30*time.Hour)
	out = run(t, s, "--mode=cached")
	out.Expect(t, service, warning)
	out.Contains(t, "no damaged folders (result 1d6h old: stale)", "older than 1d2h (--result-age-warning): is the refresh job running?")
	backdate(t, s, 4*24*time.Hour)
	out = run(t, s, "--mode=cached")
	out.Expect(t, service, critical)
	out.Contains(t, "(--result-age-critical)")
	run(t, s, "--mode=cached", "--result-age-warning", "5d", "--result-age-critical", "6d").Expect(t, service, ok)

	// Corrupt: UNKNOWN, and the next refresh replaces it.
	for _, junk := range []string{"{not json", `{"version":99}`, ""} {
		os.WriteFile(stateFile(t, s), []byte(junk), 0o600)
		out = run(t, s, "--mode=cached")
		out.Expect(t, service, unknown)
		out.Contains(t, "is corrupt", "the next refresh replaces it: check_folders --mode=refresh")
	}
	run(t, s, "--mode=refresh").Expect(t, service, ok)
	run(t, s, "--mode=cached").Expect(t, service, ok)

	// Different options are a different result.
	out = run(t, s, "--mode=cached", "-p", "primary")
	out.Expect(t, service, unknown)
	out.Contains(t, "no saved result yet", "-p primary")
}

func TestRefreshSavesFailuresToo(t *testing.T) {
	s := fixture.New(t)
	s.Write(pidRel, "28250 init\n", 0)
	run(t, s, "--mode=refresh").Expect(t, service, unknown)
	out := run(t, s, "--mode=cached")
	out.Expect(t, service, unknown)
	out.Contains(t, "stored is not running: folders not checked (result ")

	// An unusable state dir is reported before reconstruct runs.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	out = plugintest.Run(t, bin(t), nil, "-B", s.Base(), "--mode=refresh", "--state-dir", filepath.Join(file, "sub"))
	out.Expect(t, service, unknown)
	out.Contains(t, "cannot save the result: state dir "+filepath.Join(file, "sub"))
}

func TestHelp(t *testing.T) {
	out := plugintest.Run(t, bin(t), nil, "--help")
	if out.Code != unknown {
		t.Fatalf("exit %d", out.Code)
	}
	out.Contains(t, "--mode=MODE[run|refresh|cached]", "not documented", "BASE/sbin/reconstruct,", "BASE/bin/reconstruct", "--sudo-user")
}

func TestConcurrentRefreshIsRefused(t *testing.T) {
	s := fixture.New(t)
	run(t, s, "--mode=refresh").Expect(t, service, ok)
	lock := stateFile(t, s) + ".lock"

	// A live owner (this test process) holds the lock.
	os.WriteFile(lock, []byte(fmt.Sprintf("%d %d\n", os.Getpid(), time.Now().Unix())), 0o600)
	out := run(t, s, "--mode=refresh")
	out.Expect(t, service, unknown)
	out.Contains(t, fmt.Sprintf("another refresh (pid %d) has been running since", os.Getpid()))

	// A dead owner's lock, or garbage, is taken over and released.
	for _, content := range []string{fmt.Sprintf("%d 1\n", plugintest.DeadPid(t)), "junk"} {
		os.WriteFile(lock, []byte(content), 0o600)
		run(t, s, "--mode=refresh").Expect(t, service, ok)
		if _, err := os.Stat(lock); !os.IsNotExist(err) {
			t.Fatalf("lock not released: %v", err)
		}
	}
}

func TestDatabaseResyncHintWarns(t *testing.T) {
	s := fixture.New(t)
	rc := printing(t, "Recovering database from snapshot. Run reconstruct -m soon after startup to resync redundant data", 0)
	out := run(t, s, "--reconstruct", rc)
	out.Expect(t, service, warning)
	if out.Summary != "no damaged folders, mailbox database needs reconstruct -m" {
		t.Errorf("summary %q", out.Summary)
	}
	out.Contains(t, "[WARNING] mailbox database needs resync (run reconstruct -m): Recovering database from snapshot.")
}
