package msglogs

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

	"golang.org/x/sys/unix"
)

// server is a sample server, its state dir and the built plugin.
type server struct {
	t     *testing.T
	s     *fixture.Server
	bin   string
	state string
	seq   int
}

func newServer(t *testing.T) *server {
	t.Helper()
	return &server{t: t, s: fixture.New(t), bin: plugintest.Build(t, pluginName), state: filepath.Join(t.TempDir(), "state"), seq: 37}
}

func (v *server) log(name string) string { return v.s.Var("log/" + name) }

func (v *server) run(args ...string) plugintest.Output {
	v.t.Helper()
	return plugintest.Run(v.t, v.bin, nil, append([]string{"-B", v.s.Base(), "--state-dir", v.state}, args...)...)
}

// svcLine is a service log line as AG63 Table 25-8 has it.
func svcLine(proc, category, level, msg string) string {
	return fmt.Sprintf("[28/Nov/2026:16:20:00 +0000] mailhost %s: %s %s: %s\n", proc, category, level, msg)
}

func (v *server) append(name string, lines ...string) {
	v.t.Helper()
	f, err := os.OpenFile(v.log(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		v.t.Fatal(err)
	}
	defer f.Close()
	for _, l := range lines {
		if _, err := f.WriteString(l); err != nil {
			v.t.Fatal(err)
		}
	}
}

// rotate does what the server does: imap becomes imap.<seq>.<epoch> and a
// new imap starts with "Log created".
func (v *server) rotate(svc string) string {
	v.t.Helper()
	v.seq++
	epoch := 1795881600 + v.seq
	name := fmt.Sprintf("%s.%d.%d", svc, v.seq, epoch)
	if err := os.Rename(v.log(svc), v.log(name)); err != nil {
		v.t.Fatal(err)
	}
	v.append(svc, svcLine("imapd[6747]", "General", "Notice", fmt.Sprintf("Log created (%d)", epoch)))
	return name
}

const (
	critLine = "[28/Nov/2026:16:20:00 +0000] mailhost imapd[6747]: Store Critical: Unable to open mailbox user/joe: Mailbox does not exist\n"
	errLine  = "[28/Nov/2026:16:20:01 +0000] mailhost imapd[6747]: Store Error: user/joe: Mailbox has an invalid format; repair requested\n"
	warnLine = "[28/Nov/2026:16:20:02 +0000] mailhost imapd[6747]: Network Warning: connection reset by peer\n"
)

func perfValue(t *testing.T, o plugintest.Output, label string, want float64) {
	t.Helper()
	p, ok := o.Perf[label]
	if !ok {
		t.Fatalf("no perfdata %s:\n%s", label, o.Stdout)
	}
	if p.Value != want {
		t.Fatalf("perfdata %s = %v, want %v:\n%s", label, p.Value, want, o.Stdout)
	}
}

func TestBinaryFirstRunGrowthAndSecondRun(t *testing.T) {
	v := newServer(t)
	o := v.run()
	o.Expect(t, "MSGLOGS", 0)
	o.Contains(t, "first check of 7 logs", "imap: first check, reading starts at the end")
	perfValue(t, o, "imap_critical", 0)
	perfValue(t, o, "log_dir_size", o.Perf["log_dir_size"].Value)
	if o.Perf["log_dir_size"].Value < 3000 {
		t.Fatalf("log dir size %v", o.Perf["log_dir_size"].Value)
	}

	v.append("imap", critLine, errLine, errLine, warnLine)
	v.append("default", svcLine("stored[28250]", "General", "Error", "checkpoint failed"))
	o = v.run()
	o.Expect(t, "MSGLOGS", 2)
	if !strings.HasPrefix(o.Summary, "imap: 1 critical, 2 error since last check - default: 1 error since last check") {
		t.Fatalf("summary %q", o.Summary)
	}
	perfValue(t, o, "imap_critical", 1)
	perfValue(t, o, "imap_error", 2)
	perfValue(t, o, "imap_warning", 1)
	perfValue(t, o, "default_error", 1)
	o.Contains(t, "[CRITICAL] imap critical: [28/Nov/2026:16:20:00 +0000] mailhost imapd[6747]: Store Critical: Unable to open mailbox",
		"[WARNING] imap error: ", "imap: 1 critical, 2 error, 1 warning since last check")
	if p := o.Perf["imap_critical"]; p.Crit != "0" {
		t.Errorf("imap_critical crit threshold %q", p.Crit)
	}

	o = v.run()
	o.Expect(t, "MSGLOGS", 0)
	o.Contains(t, "7 logs OK, nothing alarming since last check (0 B read)")
}

func TestBinaryRotationBetweenRuns(t *testing.T) {
	v := newServer(t)
	v.run("-s", "imap").Expect(t, "MSGLOGS", 0)
	// Written to the old file just before the rotation: must be counted.
	v.append("imap", errLine, "[28/Nov/2026:16:20:01 +0000] mailhost imapd[6747]: Store Error: partial")
	rotated := v.rotate("imap")
	v.append("imap", critLine)
	o := v.run("-s", "imap")
	o.Expect(t, "MSGLOGS", 2)
	perfValue(t, o, "imap_error", 2)
	perfValue(t, o, "imap_critical", 1)
	o.Contains(t, "imap: rotated since the last check: read "+rotated+", then imap")
	v.run("-s", "imap").Expect(t, "MSGLOGS", 0)

	// Two rotations between runs: the middle file is read whole.
	v.append("imap", errLine)
	v.rotate("imap")
	v.append("imap", errLine)
	v.rotate("imap")
	v.append("imap", errLine)
	o = v.run("-s", "imap")
	o.Expect(t, "MSGLOGS", 1)
	perfValue(t, o, "imap_error", 3)
	o = v.run("-s", "imap")
	o.Expect(t, "MSGLOGS", 0)
	perfValue(t, o, "imap_error", 0)
}

func TestBinaryTruncation(t *testing.T) {
	v := newServer(t)
	v.run().Expect(t, "MSGLOGS", 0)
	if err := os.WriteFile(v.log("pop"), []byte(errLine), 0o644); err != nil {
		t.Fatal(err)
	}
	o := v.run()
	o.Expect(t, "MSGLOGS", 1)
	perfValue(t, o, "pop_error", 1)
	o.Contains(t, "pop: the log was truncated or rewritten since the last check: read from its start")
}

func TestBinaryMissingLog(t *testing.T) {
	v := newServer(t)
	v.s.Remove(fixture.VarRel + "/log/http")
	o := v.run("-s", "imap,http")
	o.Expect(t, "MSGLOGS", 2)
	if !strings.HasPrefix(o.Summary, "http: log does not exist") {
		t.Fatalf("summary %q", o.Summary)
	}
	o.Contains(t, "[CRITICAL] http: "+v.log("http")+": log does not exist")

	// Default selection: a log seen before that disappears is CRITICAL.
	v.run().Expect(t, "MSGLOGS", 0)
	v.s.Remove(fixture.VarRel + "/log/pop")
	o = v.run()
	o.Expect(t, "MSGLOGS", 2)
	o.Contains(t, "pop: log has disappeared")
}

func TestBinaryNoLogsAtAll(t *testing.T) {
	v := newServer(t)
	o := v.run("--log-dir", t.TempDir())
	o.Expect(t, "MSGLOGS", 3)
	o.Contains(t, "no service logs in ")
	o = v.run("--log-dir", "/nonexistent/log")
	o.Expect(t, "MSGLOGS", 3)
	o.Contains(t, "cannot list log directory /nonexistent/log: does not exist")
}

func TestBinaryUnreadableLog(t *testing.T) {
	v := newServer(t)
	v.s.Remove(fixture.VarRel + "/log/admin")
	// A named pipe: opening it would block, so it must be refused on sight.
	if err := unix.Mkfifo(v.log("admin"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := v.run()
	o.Expect(t, "MSGLOGS", 3)
	o.Contains(t, "admin: cannot read log: not a regular file")
}

// TestBinaryServiceSubdirectories: a log directory with a directory per
// service (log/imap/imap, log/imap/imap.37.<epoch>; the 6.3 guide's
// log/default/default) is followed, rotation included, instead of being
// reported as not a regular file.
func TestBinaryServiceSubdirectories(t *testing.T) {
	v := newServer(t)
	for _, svc := range []string{"imap", "default"} {
		sub := v.log(svc + ".dir")
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(v.log(svc), filepath.Join(sub, svc)); err != nil {
			t.Fatal(err)
		}
		if svc == "imap" {
			for _, r := range []string{"imap.36.1795651200", "imap.37.1795737600"} {
				if err := os.Rename(v.log(r), filepath.Join(sub, r)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := os.Rename(sub, v.log(svc)); err != nil {
			t.Fatal(err)
		}
	}
	o := v.run("--stale-warning", "0")
	o.Expect(t, "MSGLOGS", 0)
	o.Contains(t, "imap: first check", "log/imap/imap", "log/default/default", "2 rotated files; "+v.log("imap/imap"))
	perfValue(t, o, "imap_rotated", 2)

	v.append("imap/imap", errLine)
	if err := os.Rename(v.log("imap/imap"), v.log("imap/imap.38.1795882800")); err != nil {
		t.Fatal(err)
	}
	v.append("imap/imap", critLine)
	v.append("default/default", svcLine("stored[28250]", "General", "Error", "checkpoint failed"))
	o = v.run("--stale-warning", "0")
	o.Expect(t, "MSGLOGS", 2)
	perfValue(t, o, "imap_error", 1)
	perfValue(t, o, "imap_critical", 1)
	perfValue(t, o, "default_error", 1)
	o.Contains(t, "imap: rotated since the last check: read imap.38.1795882800, then imap")
}

// TestBinaryPermissionDenied runs the plugin as an unprivileged user on a
// log it may not read (as root, chmod alone would not stop it).
func TestBinaryPermissionDenied(t *testing.T) {
	v := newServer(t)
	if err := os.Chmod(v.log("imap"), 0o600); err != nil {
		t.Fatal(err)
	}
	var o plugintest.Output
	if os.Getuid() != 0 {
		if err := os.Chmod(v.log("imap"), 0); err != nil {
			t.Fatal(err)
		}
		o = v.run("-s", "imap")
	} else {
		o = runAsNobody(t, v, "-s", "imap")
	}
	o.Expect(t, "MSGLOGS", 3)
	o.Contains(t, "imap: cannot read log: permission denied")
}

func runAsNobody(t *testing.T, v *server, args ...string) plugintest.Output {
	t.Helper()
	const nobody = 65534
	// Let the unprivileged user reach the sample, the binary and a state dir.
	for _, p := range []string{v.s.Root, filepath.Dir(v.s.Root), filepath.Dir(v.bin), filepath.Dir(v.state)} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(v.state, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(v.state, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(v.bin, append([]string{"-B", v.s.Base(), "--state-dir", v.state}, args...)...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Skipf("cannot run as nobody: %v", err)
	}
	o := plugintest.Output{Code: code, Stdout: string(out)}
	lines := strings.Split(strings.TrimSuffix(o.Stdout, "\n"), "\n")
	o.Line1 = lines[0]
	if f := strings.Fields(o.Line1); len(f) >= 2 {
		o.Service, o.State = f[0], f[1]
	}
	return o
}

func TestBinaryCorruptState(t *testing.T) {
	v := newServer(t)
	v.run().Expect(t, "MSGLOGS", 0)
	files, _ := filepath.Glob(filepath.Join(v.state, "check_msglogs.imap.*.json"))
	if len(files) != 1 {
		t.Fatalf("state files %v", files)
	}
	if err := os.WriteFile(files[0], []byte("{\"version\":1,\"cursor\":{\"offset\":\x00garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	v.append("imap", errLine)
	o := v.run()
	o.Expect(t, "MSGLOGS", 1)
	if !strings.HasPrefix(o.Summary, "imap: state was unusable, lines since the last check were not read") {
		t.Fatalf("summary %q", o.Summary)
	}
	o.Contains(t, "corrupt state file "+files[0], "recovered by starting again at the end of the log")
	perfValue(t, o, "imap_error", 0)
	// Recovered: the next run is normal again.
	v.append("imap", errLine)
	o = v.run()
	o.Expect(t, "MSGLOGS", 1)
	perfValue(t, o, "imap_error", 1)

	// A state file that decodes but cannot be right is corrupt too.
	os.WriteFile(files[0], []byte(`{"version":1,"service":"imap","log":"x","cursor":{"offset":-5}}`), 0o600)
	o = v.run()
	o.Expect(t, "MSGLOGS", 1)
	o.Contains(t, "corrupt state file")
}

func TestBinaryUnwritableStateDir(t *testing.T) {
	v := newServer(t)
	file := filepath.Join(t.TempDir(), "plain-file")
	os.WriteFile(file, nil, 0o644)
	dir := filepath.Join(file, "state")
	o := plugintest.Run(t, v.bin, nil, "-B", v.s.Base(), "--state-dir", dir)
	o.Expect(t, "MSGLOGS", 3)
	if !strings.Contains(o.Line1, dir) {
		t.Fatalf("line 1 does not name the state dir: %s", o.Line1)
	}
}

func TestBinaryGarbageAndTenMegabyteLine(t *testing.T) {
	v := newServer(t)
	v.run("-s", "imap").Expect(t, "MSGLOGS", 0)
	garbage := "\x00\x01\xff\xfe|=|\x1b[31m binary Error: not a header\r\n\x00\x00\x00\n"
	long := "[28/Nov/2026:16:20:03 +0000] mailhost imapd[6747]: Store Error: " + strings.Repeat("A|\x1b", 10<<20/3) + "\n"
	v.append("imap", garbage, long, critLine)
	o := v.run("-s", "imap")
	o.Expect(t, "MSGLOGS", 2)
	perfValue(t, o, "imap_error", 1)
	perfValue(t, o, "imap_critical", 1)
	o.Contains(t, "imap: 1 line longer than 64 KiB, counted by their start")
	for _, l := range o.Lines {
		if strings.ContainsAny(l, "\x00\x1b\r") || strings.Contains(l, "|") {
			t.Errorf("unsanitised long output line %q", l)
		}
	}
	if len(o.Stdout) > 8000 {
		t.Fatalf("output %d bytes", len(o.Stdout))
	}
}

func TestBinaryExcludeAndMatch(t *testing.T) {
	v := newServer(t)
	args := []string{"-s", "imap", "-e", "Mailbox does not exist", "-m", "badlogin"}
	v.run(args...).Expect(t, "MSGLOGS", 0)
	v.append("imap", critLine, strings.Replace(critLine, "Mailbox does not exist", "disk I/O error", 1),
		svcLine("imapd[6747]", "Account", "Notice", "badlogin: [192.168.87.6:45711] plaintext crowe Authentication failed"))
	o := v.run(args...)
	o.Expect(t, "MSGLOGS", 2)
	perfValue(t, o, "imap_critical", 1)
	perfValue(t, o, "imap_match", 1)
	o.Contains(t, "imap match: ", "badlogin", "disk I/O error")
	if strings.Contains(o.Stdout, "Mailbox does not exist") {
		t.Errorf("excluded line shown:\n%s", o.Stdout)
	}
	// Other options are another check definition with its own state.
	o = v.run("-s", "imap")
	o.Expect(t, "MSGLOGS", 0)
	o.Contains(t, "first check")

	// A match line alerts WARNING by default; -c match=0 makes it CRITICAL.
	strict := append(args, "-c", "match=0", "-c", "critical=off")
	v.run(strict...).Expect(t, "MSGLOGS", 0)
	v.append("imap", svcLine("imapd[6747]", "Account", "Notice", "badlogin: x"))
	o = v.run(strict...)
	o.Expect(t, "MSGLOGS", 2)
	o.Contains(t, "imap: 1 match since last check")
}

func TestBinaryMTA(t *testing.T) {
	v := newServer(t)
	v.s.SetAge(fixture.VarRel+"/log/mail.log_current", 2*time.Hour)
	o := v.run("-s", "mta")
	o.Expect(t, "MSGLOGS", 1)
	if o.Summary != "mta: log silent for 2h" {
		t.Fatalf("summary %q", o.Summary)
	}
	if age := o.Perf["mta_age"].Value; age < 7200 || age > 7200+120 {
		t.Fatalf("mta_age %v, want about 7200", age)
	}
	v.run("-s", "mta", "--stale-warning", "mta=3h").Expect(t, "MSGLOGS", 0)
	v.run("-s", "mta", "--stale-warning", "0").Expect(t, "MSGLOGS", 0)

	v.append("mail.log_current",
		"28-Nov-2026 16:30:00.01 tcp_local                 J 0 spammer@bad.example rfc822;jdoe@example.com jdoe@example.com\n",
		"28-Nov-2026 16:30:00.02 tcp_local    ims-ms       EE 5 adam@sesta.com rfc822;jdoe@example.com jdoe@ims-ms-daemon\n",
		"28-Nov-2026 16:30:00.03 tcp_local    ims-ms       Q 0 adam@sesta.com rfc822;over@example.com over@ims-ms-daemon\n")
	o = v.run("-s", "mta", "-m", ` Q \d+ `)
	o.Expect(t, "MSGLOGS", 0) // first run of this definition
	v.append("mail.log_current",
		"28-Nov-2026 16:31:00.03 tcp_local    ims-ms       Q 0 adam@sesta.com rfc822;over@example.com over@ims-ms-daemon\n",
		"28-Nov-2026 16:31:00.04 tcp_local                 J 0 spammer@bad.example rfc822;x@example.com x@example.com\n")
	o = v.run("-s", "mta", "-m", ` Q \d+ `)
	o.Expect(t, "MSGLOGS", 1)
	perfValue(t, o, "mta_rejected", 1)
	perfValue(t, o, "mta_match", 1)
	if _, ok := o.Perf["mta_critical"]; ok {
		t.Errorf("mta has no levels:\n%s", o.Stdout)
	}

	// Nightly rollover: mail.log_current becomes mail.log_yesterday.
	v.append("mail.log_current", "28-Nov-2026 23:59:59.99 tcp_local                 J 0 a@b.example rfc822;y@example.com y@example.com\n")
	os.Rename(v.log("mail.log_current"), v.log("mail.log_yesterday"))
	v.append("mail.log_current", "29-Nov-2026 00:00:01.00 tcp_local                 J 0 a@b.example rfc822;z@example.com z@example.com\n")
	o = v.run("-s", "mta", "-m", ` Q \d+ `)
	perfValue(t, o, "mta_rejected", 2)
	o.Contains(t, "mta: rotated since the last check: read mail.log_yesterday, then mail.log_current")
}

func TestBinaryHygiene(t *testing.T) {
	v := newServer(t)
	o := v.run("--rotated-warning", "1", "--dir-critical", "1KiB")
	o.Expect(t, "MSGLOGS", 2)
	o.Contains(t, "log dir 3.", "imap: 2 rotated files")
	perfValue(t, o, "imap_rotated", 2)
	if o.Perf["log_dir_size"].Crit != "1024" || o.Perf["imap_rotated"].Warn != "1" {
		t.Errorf("thresholds not in perfdata:\n%s", o.Line1)
	}
}

func TestBinaryBadOptions(t *testing.T) {
	v := newServer(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-s", "nntp"}, `--service "nntp": unknown service`},
		{[]string{"-w", "errors=1"}, `unknown level "errors"`},
		{[]string{"-c", "critical"}, `expected [SERVICE:]LEVEL=RANGE`},
		{[]string{"-c", "imap:critical=2:1"}, `invalid range`},
		{[]string{"-e", "("}, `--exclude "(": error parsing regexp`},
		{[]string{"--stale-warning", "imap=soon"}, `--stale-warning "imap=soon"`},
		{[]string{"--show", "99"}, `--show 99`},
		{[]string{"--max-bytes", "1k"}, `--max-bytes`},
	} {
		o := v.run(tc.args...)
		o.Expect(t, "MSGLOGS", 3)
		o.Contains(t, tc.want)
	}
}

func TestBinaryMaxBytesCap(t *testing.T) {
	v := newServer(t)
	v.run("-s", "imap").Expect(t, "MSGLOGS", 0)
	var b strings.Builder
	for b.Len() < 200<<10 {
		b.WriteString(svcLine("imapd[6747]", "Account", "Notice", "login [192.168.10.21:51234] jdoe plaintext"))
	}
	v.append("imap", b.String(), errLine)
	o := v.run("-s", "imap", "--max-bytes", "64KiB")
	o.Expect(t, "MSGLOGS", 0)
	o.Contains(t, "imap: stopped after ", "(max bytes reached): the rest is read by the next run")
	total := 0.0
	for i := 0; i < 10; i++ {
		o = v.run("-s", "imap", "--max-bytes", "64KiB")
		total += o.Perf["imap_error"].Value
		if !strings.Contains(o.Stdout, "stopped after") {
			break
		}
	}
	if total != 1 {
		t.Fatalf("error line counted %v times over capped runs", total)
	}
}

func TestBinaryFromStartAndHelp(t *testing.T) {
	v := newServer(t)
	v.append("imap", errLine)
	o := v.run("-s", "imap", "--from-start")
	o.Expect(t, "MSGLOGS", 1)
	perfValue(t, o, "imap_error", 1)
	o.Contains(t, "imap: first check, read from the start")
	o = v.run("--help")
	if o.Code != 3 || !strings.Contains(o.Stdout, "--stale-warning=[SERVICE=]DURATION") || !strings.Contains(o.Stdout, "256MiB)") {
		t.Fatalf("help:\n%s", o.Stdout)
	}
}

// TestBinaryDefinitionsHaveOwnState: two check definitions on one log each
// see every line; neither takes lines from the other.
func TestBinaryDefinitionsHaveOwnState(t *testing.T) {
	v := newServer(t)
	all := []string{}
	imapOnly := []string{"-s", "imap", "-w", "warning=5"}
	v.run(all...).Expect(t, "MSGLOGS", 0)
	v.run(imapOnly...).Expect(t, "MSGLOGS", 0)
	v.append("imap", errLine)
	o := v.run(all...)
	o.Expect(t, "MSGLOGS", 1)
	perfValue(t, o, "imap_error", 1)
	o = v.run(imapOnly...)
	o.Expect(t, "MSGLOGS", 1)
	perfValue(t, o, "imap_error", 1)
	// Options that shape one run only keep the state.
	o = v.run(append(imapOnly, "--show", "1", "-t", "20", "--max-bytes", "1MiB")...)
	o.Expect(t, "MSGLOGS", 0)
	o.Contains(t, "since last check (0 B read)")
}

func TestBinaryNamedServiceInMissingDir(t *testing.T) {
	v := newServer(t)
	o := v.run("-s", "imap", "--log-dir", "/nonexistent/log")
	o.Expect(t, "MSGLOGS", 3)
	if o.Summary != "imap: cannot list log directory /nonexistent/log: does not exist" {
		t.Fatalf("summary %q", o.Summary)
	}
}
