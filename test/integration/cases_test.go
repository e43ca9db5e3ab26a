package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// brokenState is how each plugin must react to the broken sample server,
// and breakers (below) build that server. A plugin without an entry is
// still run on it and compared with a direct run, and it must say UNKNOWN
// on a missing server; add its breaker here to assert a real alert.
var brokenState = map[string]string{
	"check_dblogs":        "CRITICAL",
	"check_folders":       "CRITICAL",
	"check_msglogs":       "WARNING",
	"check_msgprocs":      "CRITICAL",
	"check_msgstore":      "CRITICAL",
	"check_msgstore_disk": "CRITICAL",
	"check_stored":        "CRITICAL",
}

// breakers damage the sample server the way each plugin detects; they are
// all applied to one "broken" copy, as `tools/mksample -broken` does.
var breakers = map[string]func(s *fixture.Server){
	// stored locks partitions at 1% use: the test machine's disk is fuller.
	"check_msgstore_disk": func(s *fixture.Server) { s.Set("local.store.diskusagethreshold", "1") },
	// The pid file names a process that is gone (the sample's own pid).
	"check_stored": func(s *fixture.Server) {
		s.Write(fixture.VarRel+"/proc/store", fmt.Sprintf("%d ready\n", deadPid), time.Hour)
	},
	// Log cleanup stopped 3 hours ago and the logs piled up.
	"check_dblogs": func(s *fixture.Server) {
		s.SetAge(fixture.VarRel+"/config/stored.lcu", 3*time.Hour)
		for i := 43; i <= 52; i++ {
			s.Write(fmt.Sprintf("%s/store/mboxlist/log.%010d", fixture.VarRel, i), "", time.Duration(60-i)*time.Minute)
		}
	},
	// The stand-in reconstruct of the sample reports three damaged folders.
	"check_folders": func(s *fixture.Server) {
		s.Write(fixture.BaseRel+"/sbin/reconstruct.simulate", "damaged\n", 0)
	},
	// The MTA has written nothing to mail.log_current for two hours.
	"check_msglogs": func(s *fixture.Server) {
		s.SetAge(fixture.VarRel+"/log/mail.log_current", 2*time.Hour)
	},
	// check_msgprocs: no daemon runs on the broken sample (livenHealthy
	// starts them on the healthy one only), so stored is not running.
	// check_cores looks at the host's core directories, check_msgqueue and
	// check_telemetry alert only on thresholds given as options: the test
	// passes only -B, so they have no breaker and are compared with a
	// direct run.
}

// deadPid is a pid no process has: above the kernel's pid_max.
const deadPid = 4194305

// livenHealthy gives the healthy sample server what only a running server
// has: its daemons, stand-ins (copies of sleep named stored, imapd, ...)
// started from BASE/lib and stopped when the test ends, with stored's pid
// in the pid file.
func livenHealthy(t testing.TB, s *fixture.Server) {
	t.Helper()
	pids := plugintest.StartDaemons(t, s.Base(), plugintest.SampleDaemons...)
	s.Write(fixture.VarRel+"/proc/store", fmt.Sprintf("%d ready\n", pids["stored"][0]), time.Hour)
}

// variant is one sample server the plugins are pointed at.
type variant struct {
	name string // healthy, broken, missing
	base string // msg-svr-base
}

// sampleServers materialises a healthy and a broken sample server in dir
// (readable by the daemon user) and names a missing one.
func sampleServers(t testing.TB, dir string) []variant {
	t.Helper()
	now := time.Now()
	mk := func(name string) *fixture.Server {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		s, err := fixture.Materialize(d, now)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	healthy, broken := mk("healthy"), mk("broken")
	livenHealthy(t, healthy)
	names := make([]string, 0, len(breakers))
	for n := range breakers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		breakers[n](broken)
	}
	return []variant{
		{"healthy", healthy.Base()},
		{"broken", broken.Base()},
		{"missing", filepath.Join(dir, "missing", fixture.BaseRel)},
	}
}

// check is one plugin run on one sample server, as a service.
type check struct {
	plugin  string
	variant variant
	args    []string // what the monitoring system passes
	// icingaVars, when set, are the Icinga 2 custom variables (DSL lines)
	// that make the CheckCommand pass args; else they are derived from
	// args as "-B VALUE" / "--option VALUE" pairs.
	icingaVars []string
	suffix     string // distinguishes extra checks of one plugin and variant
}

// name is the service name in every daemon.
func (c check) name() string { return c.plugin + "-" + c.variant.name + c.suffix }

// checks are the cartesian product of plugins and sample servers. A plugin
// that remembers things between runs gets its own --state-dir under
// stateDir (owned by the daemon user), never the system default.
func checks(t testing.TB, bin string, names []string, servers []variant, stateDir string) []check {
	t.Helper()
	var out []check
	for _, p := range names {
		stateful := acceptsOption(t, filepath.Join(bin, p), "--state-dir")
		for _, v := range servers {
			args := []string{"-B", v.base}
			if stateful {
				args = append(args, "--state-dir", filepath.Join(stateDir, p+"-"+v.name))
			}
			out = append(out, check{plugin: p, variant: v, args: args})
		}
	}
	return out
}

// acceptsOption reads a plugin's --help.
func acceptsOption(t testing.TB, bin, option string) bool {
	t.Helper()
	out, _ := exec.Command(bin, "--help").Output()
	if !strings.Contains(string(out), "Usage:") {
		t.Fatalf("%s --help printed no usage:\n%s", bin, out)
	}
	return strings.Contains(string(out), option+"=") || strings.Contains(string(out), option+" ")
}

// expectedState is what a check must end in, where the test knows.
func (c check) expectedState() string {
	switch c.variant.name {
	case "healthy":
		return "OK"
	case "missing":
		return "UNKNOWN"
	default:
		return brokenState[c.plugin] // "" = whatever a direct run says
	}
}

// direct runs the plugin as the daemon user would, outside any daemon,
// with a state directory of its own: the reference for what the daemon
// recorded.
func direct(t testing.TB, a account, bin string, c check, stateRoot string) plugintest.Output {
	t.Helper()
	args := append([]string(nil), c.args...)
	for i := range args {
		if i > 0 && args[i-1] == "--state-dir" {
			args[i] = filepath.Join(stateRoot, filepath.Base(args[i]))
		}
	}
	cmd := exec.Command(filepath.Join(bin, c.plugin), args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(a.uid), Gid: uint32(a.gid)}}
	var stdout strings.Builder
	cmd.Stdout = &stdout
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", c.plugin, err)
	}
	return parseOutput(code, stdout.String())
}

// parseOutput reads plugin output the way plugintest does: all perfdata,
// including a last "|..." line's, in Perf.
func parseOutput(code int, stdout string) plugintest.Output { return plugintest.Parse(code, stdout) }

var stateCodes = map[string]int{"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}

// recorded is what a daemon kept of a check result.
type recorded struct {
	state  string // OK, WARNING, CRITICAL, UNKNOWN
	output string // line 1 without perfdata
	perf   string // perfdata as the daemon parsed it
}

// compare asserts a daemon's record against the direct run and the known
// expectation: same state, same service and state words on line 1, the
// same perfdata labels with units.
func compare(t testing.TB, daemonName string, c check, got recorded, want plugintest.Output) {
	t.Helper()
	where := daemonName + " " + c.name()
	if code, ok := stateCodes[want.State]; !ok || code != want.Code {
		t.Errorf("%s: a direct run exits %d but line 1 says %q:\n%s", where, want.Code, want.State, want.Stdout)
	}
	if exp := c.expectedState(); exp != "" && got.state != exp {
		t.Errorf("%s: recorded state %s, the test expects %s:\n %s | %s", where, got.state, exp, got.output, got.perf)
	}
	if exp := c.expectedState(); exp != "" && want.State != exp {
		t.Errorf("%s: a direct run says %s, the test expects %s:\n%s", where, want.State, exp, want.Stdout)
	}
	if got.state != want.State {
		t.Errorf("%s: state %s, a direct run says %s\n daemon: %s | %s\n direct: %s", where, got.state, want.State, got.output, got.perf, want.Line1)
	}
	prefix := want.Service + " " + want.State + " - "
	if !strings.HasPrefix(got.output, prefix) {
		t.Errorf("%s: plugin output %q does not start with %q", where, got.output, prefix)
	}
	if c.variant.name != "missing" && len(want.Perf) == 0 {
		t.Errorf("%s: no perfdata from a plugin that could look (every number it reports should be graphable): %q", where, want.Line1)
	}
	gotPerf := plugintest.ParsePerf(got.perf)
	if len(gotPerf) != len(want.Perf) {
		t.Errorf("%s: %d perfdata items %q, a direct run has %d: %q", where, len(gotPerf), got.perf, len(want.Perf), want.Line1)
	}
	for label, w := range want.Perf {
		g, ok := gotPerf[label]
		if !ok {
			t.Errorf("%s: perfdata lacks %q: %q", where, label, got.perf)
			continue
		}
		if g.Unit != w.Unit || g.Warn != w.Warn || g.Crit != w.Crit || g.Min != w.Min || g.Max != w.Max {
			t.Errorf("%s: perfdata %q is %+v, a direct run gives %+v", where, label, g, w)
		}
	}
}
