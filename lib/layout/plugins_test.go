package layout_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// The plugins that look at an installation, with the line-1 service name
// and whether they keep state.
var everyPlugin = []struct {
	name, service string
	state         bool
}{
	{"check_msgstore_disk", "MSGSTORE_DISK", true},
	{"check_msglogs", "MSGLOGS", true},
	{"check_telemetry", "TELEMETRY", false},
	{"check_stored", "STORED", false},
	{"check_dblogs", "DBLOGS", true},
	{"check_folders", "FOLDERS", true},
	{"check_cores", "CORES", false},
	{"check_msgqueue", "MSGQUEUE", true},
	{"check_msgprocs", "MSGPROCS", false},
}

func runPlugin(t *testing.T, name string, state bool, env []string, args ...string) plugintest.Output {
	t.Helper()
	if state {
		args = append(args, "--state-dir", t.TempDir())
	}
	return plugintest.Run(t, plugintest.Build(t, name), env, args...)
}

// Blind is not OK: an empty directory, a data link to nothing (the data
// file system not mounted) and MSG_SVR_BASE=/ are answered with the reason
// on line 1, never OK. The unmounted data root is CRITICAL where a plugin
// reports missing data so (disk, stored), UNKNOWN elsewhere.
func TestBlindIsNotOK(t *testing.T) {
	empty := t.TempDir()
	dangling := fixture.New(t)
	link := dangling.Path(fixture.BaseRel + "/data")
	os.Remove(link)
	os.Symlink("/nonexistent/var/opt/SUNWmsgsr", link)
	cases := []struct {
		name string
		env  []string
		args []string
		want string
		code func(plugin string) int
	}{
		{"empty msg-svr-base", nil, []string{"-B", empty}, empty + " is not a Messaging Server installation", func(string) int { return 3 }},
		{"MSG_SVR_BASE=/", []string{"MSG_SVR_BASE=/"}, nil, "/ is not a Messaging Server installation", func(string) int { return 3 }},
		{"data link to nothing", nil, []string{"-B", dangling.Base()},
			"data root " + link + " -> /nonexistent/var/opt/SUNWmsgsr is missing: data file system not mounted?",
			func(p string) int {
				if p == "check_msgstore_disk" || p == "check_stored" {
					return 2
				}
				return 3
			}},
	}
	for _, tc := range cases {
		for _, p := range everyPlugin {
			t.Run(tc.name+"/"+p.name, func(t *testing.T) {
				out := runPlugin(t, p.name, p.state, tc.env, tc.args...)
				out.Expect(t, p.service, tc.code(p.name))
				if !strings.HasPrefix(out.Summary, tc.want) {
					t.Errorf("line 1 %q, want it to start with %q", out.Line1, tc.want)
				}
			})
		}
	}
}

// On the Unified Configuration sample (no msg.conf, no imta_tailor, no
// data link, msconfig in BASE/bin) every plugin finds what it checks with
// -B alone.
func TestUnifiedSampleWithBaseOnly(t *testing.T) {
	s := fixture.NewUC(t)
	want := map[string]struct {
		code int
		text []string
	}{
		"check_msgstore_disk": {0, []string{"MSGSTORE_DISK OK - primary+archive+mboxlist+queue: ", "partition archive: " + s.Var("archive/partition") + " (from msconfig)", "lock threshold: 99% (from msconfig)"}},
		"check_msglogs":       {0, []string{"first check of 7 logs", s.Var("log/imap"), s.Var("log/mail.log_current"), "log directory of imap: " + s.Var("log") + " (imap.logfile.logdir from msconfig)"}},
		"check_telemetry":     {0, []string{"telemetry on: imap/redb", s.Var("telemetry/imap/redb")}},
		"check_stored":        {2, []string{"pid 28250 from " + s.Var("proc/store") + " is dead", "stored.ckp: last database checkpoint"}},
		"check_dblogs":        {0, []string{"2 database logs in " + s.Var("store/mboxlist")}},
		"check_folders":       {0, []string{"FOLDERS OK - no damaged folders", "ran " + filepath.Join(s.Base(), "bin", "reconstruct") + " -r -n"}},
		"check_cores":         {0, []string{"CORES OK - no core files"}},
		"check_msgprocs":      {2, []string{"stored is not running: nothing else starts without it", "Unified Configuration"}},
		"check_msgqueue":      {0, []string{"2 messages waiting in 2 channels", "queue " + s.Var("queue") + " (Unified Configuration: DATA/queue)"}},
	}
	for _, p := range everyPlugin {
		t.Run(p.name, func(t *testing.T) {
			out := runPlugin(t, p.name, p.state, nil, "-B", s.Base(), "-v")
			w := want[p.name]
			out.Expect(t, p.service, w.code)
			out.Contains(t, w.text...)
		})
	}
}

// Without msconfig, config.xml is read; without either, the plugins that
// need a configured value say on line 1 what they could not read.
func TestUnifiedSampleUnreadable(t *testing.T) {
	s := fixture.NewUC(t)
	os.Remove(filepath.Join(s.Base(), "bin", "msconfig"))
	out := runPlugin(t, "check_msgstore_disk", true, nil, "-B", s.Base(), "-v")
	out.Expect(t, "MSGSTORE_DISK", 0)
	out.Contains(t, "partition archive: "+s.Var("archive/partition")+" (from config.xml)", "settings read from "+s.Var("config/config.xml"))

	os.WriteFile(s.Var("config/config.xml"), []byte("<configuration/>\n"), 0o644)
	out = runPlugin(t, "check_msgstore_disk", true, nil, "-B", s.Base())
	out.Expect(t, "MSGSTORE_DISK", 1)
	if want := "partitions from STORE_ROOT/partition only: Unified Configuration not readable, give -p, lock threshold assumed 99%: Unified Configuration not readable, give --lock-threshold - primary+mboxlist+queue: "; !strings.HasPrefix(out.Summary, want) {
		t.Errorf("line 1 %q, want %q...", out.Line1, want)
	}
	// The options that override the configuration end the warning.
	out = runPlugin(t, "check_msgstore_disk", true, nil, "-B", s.Base(), "-p", "primary", "--lock-threshold", "99")
	out.Expect(t, "MSGSTORE_DISK", 0)

	out = runPlugin(t, "check_msglogs", true, nil, "-B", s.Base())
	out.Expect(t, "MSGLOGS", 1)
	if want := "log directories default to " + s.Var("log") + ": Unified Configuration not readable, give --log-dir, "; !strings.HasPrefix(out.Summary, want) {
		t.Errorf("line 1 %q, want %q...", out.Line1, want)
	}
	out = runPlugin(t, "check_msglogs", true, nil, "-B", s.Base(), "--log-dir", s.Var("log"))
	out.Expect(t, "MSGLOGS", 0)

	// check_msgprocs cannot know which services are switched off: with
	// every daemon of the default set running it is a WARNING saying so.
	plugintest.StartDaemons(t, s.Base(), "stored", "enpd", "imapd", "popd", "mshttpd", "imsched", "dispatcher",
		"job_controller", "tcp_smtp_server", "watcher")
	out = runPlugin(t, "check_msgprocs", false, nil, "-B", s.Base())
	out.Expect(t, "MSGPROCS", 1)
	if want := "enabled services unknown, expecting the default set: Unified Configuration not readable, give --expect/--ignore"; !strings.Contains(out.Summary, want) {
		t.Errorf("line 1 %q, want it to say %q", out.Line1, want)
	}
}

// A relative -B means the same as the absolute one, in every path and
// every command derived from it.
func TestRelativeBase(t *testing.T) {
	s := fixture.New(t)
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(cwd, s.Base())
	if err != nil {
		t.Fatal(err)
	}
	out := runPlugin(t, "check_folders", true, nil, "-B", rel)
	out.Expect(t, "FOLDERS", 0)
	out.Contains(t, "ran "+filepath.Join(s.Base(), "sbin", "reconstruct")+" -r -n")
	out = runPlugin(t, "check_msgstore", true, nil, "-B", rel, "--check", "folders,disk,dblogs")
	out.Expect(t, "MSGSTORE", 0)
}

// check_msgstore hands the roots to every check: with the data elsewhere
// and no link, --data-root and --config-root make every check see it.
func TestAggregatePassesTheRoots(t *testing.T) {
	s := fixture.NewUC(t)
	// Move the data root where no rule finds it.
	elsewhere := filepath.Join(t.TempDir(), "msgdata")
	if err := os.Rename(s.Var(""), elsewhere); err != nil {
		t.Fatal(err)
	}
	out := runPlugin(t, "check_msgstore", true, nil, "-B", s.Base(), "--check", "disk,dblogs,msgqueue,telemetry")
	out.Expect(t, "MSGSTORE", 3)
	out.Contains(t, "is not a Messaging Server installation")
	// (msconfig still names the partitions where they were: disk is left
	// out, it would rightly say they are missing.)
	out = runPlugin(t, "check_msgstore", true, nil, "-B", s.Base(), "--data-root", elsewhere, "--config-root", filepath.Join(elsewhere, "config"),
		"--check", "dblogs,msgqueue,telemetry")
	out.Expect(t, "MSGSTORE", 0)
	out.Contains(t, "all 3 checks OK")
}

// A msconfig that hangs costs at most half of the timeout: the check still
// answers, saying what it could not read, and the hung msconfig is killed.
func TestHungMsconfig(t *testing.T) {
	s := fixture.NewUC(t)
	os.WriteFile(filepath.Join(s.Base(), "bin", "msconfig.simulate"), []byte("hang\n"), 0o644)
	os.WriteFile(s.Var("config/config.xml"), []byte("<configuration/>\n"), 0o644)
	out := runPlugin(t, "check_msgstore_disk", true, nil, "-B", s.Base(), "-t", "2", "-v")
	out.Expect(t, "MSGSTORE_DISK", 1)
	if !strings.HasPrefix(out.Summary, "partitions from STORE_ROOT/partition only: Unified Configuration not readable, give -p") {
		t.Errorf("line 1 %q", out.Line1)
	}
	out.Contains(t, filepath.Join(s.Base(), "bin", "msconfig")+": did not finish within 1s")
}
