package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

func TestOverviewFormats(t *testing.T) {
	bin := plugintest.Build(t, "check_msgstore")
	s := fixture.New(t)
	state := t.TempDir()

	// Nagios: a pipe gets line 1 + one line per check + prefixed perfdata.
	out := plugintest.Run(t, bin, nil, "-B", s.Base(), "--state-dir", state, "--check", "disk", "--with", "disk=-w 1KiB -c 1B")
	out.Expect(t, "MSGSTORE", 0)
	if out.Summary != "all 1 checks OK" || len(out.Lines) != 1 || !strings.HasPrefix(out.Lines[0], "[OK] disk: primary+mboxlist+queue: ") {
		t.Fatalf("nagios output:\n%s", out.Stdout)
	}
	if _, ok := out.Perf["disk.primary+mboxlist+queue_used"]; !ok {
		t.Errorf("perfdata not prefixed with the check name: %s", out.Line1)
	}

	// A broken check makes the whole report WARNING, and says which.
	out = plugintest.Run(t, bin, nil, "-B", s.Base(), "--check", "disk", "--with", "disk=-w 100% -c 0%")
	out.Expect(t, "MSGSTORE", 1)
	out.Contains(t, "MSGSTORE WARNING - 1 warning (disk) of 1 checks", "[WARNING] disk: primary+mboxlist+queue: ", "below warning 100%")

	// JSON for scripts.
	out = plugintest.Run(t, bin, nil, "-B", s.Base(), "--check", "disk", "--json", "--with", "disk=-w 100% -c 0%")
	var rep struct {
		Status   string
		ExitCode int `json:"exit_code"`
		Checks   []struct {
			Name, Plugin, Status, Summary string
			Perfdata                      []struct{ Label string }
		}
	}
	if err := json.Unmarshal([]byte(out.Stdout), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, out.Stdout)
	}
	if out.Code != 1 || rep.Status != "WARNING" || rep.ExitCode != 1 || len(rep.Checks) != 1 || rep.Checks[0].Plugin != "check_msgstore_disk" || len(rep.Checks[0].Perfdata) == 0 {
		t.Fatalf("json report %+v (exit %d)", rep, out.Code)
	}

	// The table for people, without colour when asked.
	out = plugintest.Run(t, bin, nil, "-B", s.Base(), "--check", "disk", "--format", "table", "--no-color")
	if out.Code != 0 || !strings.HasPrefix(out.Stdout, "CHECK  PLUGIN               STATE     SUMMARY\ndisk   check_msgstore_disk  OK        ") || strings.Contains(out.Stdout, "\x1b[") {
		t.Fatalf("table:\n%s", out.Stdout)
	}
	// Through a pipe, even a forced table has no colours; on a terminal
	// (script(1) gives the plugin a pty) it has.
	out = plugintest.Run(t, bin, []string{"TERM=xterm"}, "-B", s.Base(), "--check", "disk", "--format", "table")
	if strings.Contains(out.Stdout, "\x1b[") {
		t.Errorf("colours on a pipe: %q", out.Stdout)
	}
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) not installed (util-linux)")
	}
	cmd := exec.Command(script, "-qec", bin+" -B "+s.Base()+" --check disk", "/dev/null")
	cmd.Env = []string{"TERM=xterm", "PATH=/usr/bin:/bin"}
	tty, _ := cmd.Output()
	if !strings.Contains(string(tty), "CHECK  PLUGIN") || !strings.Contains(string(tty), "\x1b[32mOK") {
		t.Errorf("on a terminal: want a coloured table (auto format), got %q", tty)
	}
	cmd = exec.Command(script, "-qec", bin+" -B "+s.Base()+" --check disk --no-color", "/dev/null")
	cmd.Env = []string{"TERM=xterm", "PATH=/usr/bin:/bin"}
	tty, _ = cmd.Output()
	if !strings.Contains(string(tty), "CHECK  PLUGIN") || strings.Contains(string(tty), "\x1b[") {
		t.Errorf("--no-color on a terminal: %q", tty)
	}
}

func TestOverviewBadOptions(t *testing.T) {
	bin := plugintest.Build(t, "check_msgstore")
	s := fixture.New(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--check", "nosuch"}, `MSGSTORE UNKNOWN - unknown check "nosuch"`},
		{[]string{"--with", "disk"}, `MSGSTORE UNKNOWN - invalid --with "disk": expected NAME=ARGS`},
		{[]string{"--format", "xml"}, "MSGSTORE UNKNOWN - Invalid value `xml' for option `--format'"},
		{[]string{"--check", "disk", "--skip", "disk"}, "MSGSTORE UNKNOWN - no check left to run"},
	} {
		out := plugintest.Run(t, bin, nil, append([]string{"-B", s.Base()}, tc.args...)...)
		out.Expect(t, "MSGSTORE", 3)
		if !strings.HasPrefix(out.Line1, tc.want) {
			t.Errorf("%v: %q, want prefix %q", tc.args, out.Line1, tc.want)
		}
	}
	// A bad option for one check is that check's UNKNOWN, not the whole run's.
	out := plugintest.Run(t, bin, nil, "-B", s.Base(), "--check", "disk", "--with", "disk=-w nonsense")
	out.Expect(t, "MSGSTORE", 3)
	out.Contains(t, "[UNKNOWN] disk: check_msgstore_disk: -w/--warning: ")
}

// startStandInStored runs stand-ins for the daemons of the sample server
// (copies of sleep, named stored, imapd, ...) from BASE/lib and writes
// "<pid> ready" into stored's pid file, as a live server has it.
func startStandInStored(t *testing.T, s *fixture.Server) {
	t.Helper()
	pids := plugintest.StartDaemons(t, s.Base(), plugintest.SampleDaemons...)
	s.Write(fixture.VarRel+"/proc/store", fmt.Sprintf("%d ready\n", pids["stored"][0]), 7*time.Hour)
}

// The README's two reports: a healthy server is all OK, a broken one names
// every check that found something, in the table and for Nagios.
func TestOverviewHealthyAndBrokenServer(t *testing.T) {
	bin := plugintest.Build(t, "check_msgstore")

	healthy := fixture.New(t)
	startStandInStored(t, healthy)
	out := plugintest.Run(t, bin, nil, "-B", healthy.Base(), "--state-dir", t.TempDir(), "--format", "nagios",
		"--with", "cores=--core-dir "+healthy.Path("var/cores"))
	out.Expect(t, "MSGSTORE", 0)
	if out.Summary != "all 9 checks OK" || len(out.Lines) != 9 {
		t.Fatalf("healthy:\n%s", out.Stdout)
	}
	for _, name := range []string{"disk", "msglogs", "telemetry", "stored", "procs", "dblogs", "folders", "cores", "msgqueue"} {
		out.Contains(t, "[OK] "+name+": ")
	}

	broken := fixture.New(t)
	if err := broken.Break(); err != nil {
		t.Fatal(err)
	}
	args := []string{"-B", broken.Base(), "--state-dir", t.TempDir(),
		"--with", "cores=--core-dir " + broken.Path("var/cores"), "--with", "telemetry=--response-warning 2",
		"--with", "msgqueue=--channel-warning ims-ms=50 --held-warning 0"}
	out = plugintest.Run(t, bin, nil, append(args, "--format", "nagios")...)
	out.Expect(t, "MSGSTORE", 2)
	if want := "5 critical (disk, stored, procs, dblogs, folders), 3 warning (telemetry, cores, msgqueue) of 9 checks"; out.Summary != want {
		t.Errorf("summary %q, want %q", out.Summary, want)
	}
	out.Contains(t, "[CRITICAL] stored: stored is not running: pid 28250 is dead",
		"[CRITICAL] procs: stored is not running: nothing else starts without it", "[CRITICAL] dblogs: 12 database logs",
		"[CRITICAL] folders: 3 damaged folders", "[WARNING] cores: 2 cores: imapd (pid 4711, 3h ago), stored (pid 28250, 2d ago)",
		"[OK] msglogs: first check of 7 logs")
	for _, label := range []string{"disk.primary+mboxlist+queue_used", "stored.ckp_age", "dblogs.logs", "folders.damaged_folders", "cores.cores", "msgqueue.ims-ms_messages", "telemetry.captures", "procs.procs_imapd"} {
		if _, ok := out.Perf[label]; !ok {
			t.Errorf("perfdata %s missing", label)
		}
	}

	table := plugintest.Run(t, bin, nil, append(args, "--format", "table")...)
	if table.Code != 2 || !strings.Contains(table.Stdout, "stored     check_stored         CRITICAL  stored is not running") ||
		!strings.Contains(table.Stdout, "message store: CRITICAL - 5 critical (disk, stored, procs, dblogs, folders)") {
		t.Errorf("table:\n%s", table.Stdout)
	}
}
