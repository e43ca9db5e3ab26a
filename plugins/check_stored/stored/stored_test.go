package stored_test

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
	"github.com/msgstore-plugins/msgstore/plugins/check_stored/stored"
)

const pidRel = fixture.VarRel + "/proc/store"

// fakeStored and fakeOther are copies of sleep named stored and other,
// made once before any test runs in parallel: writing an executable while
// another goroutine forks can make exec fail with "text file busy".
var fakeStored, fakeOther string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "check_stored-test-")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fakeStored, fakeOther = filepath.Join(dir, "stored"), filepath.Join(dir, "other")
	b, err := os.ReadFile("/bin/sleep")
	if err == nil {
		err = os.WriteFile(fakeStored, b, 0o755)
	}
	if err == nil {
		err = os.WriteFile(fakeOther, b, 0o755)
	}
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// start runs prog (a long sleep) and kills it when the test ends.
func start(t *testing.T, prog string, args ...string) *exec.Cmd {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("process tests read Linux /proc")
	}
	if len(args) == 0 {
		args = []string{"3600"}
	}
	cmd := exec.Command(prog, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd
}

// startStored starts a process named stored and writes "<pid> <state>"
// into the pid file, dated age ago.
func startStored(t *testing.T, s *fixture.Server, state string, age time.Duration) int {
	t.Helper()
	pid := start(t, fakeStored).Process.Pid
	s.Write(pidRel, fmt.Sprintf("%d %s\n", pid, state), age)
	return pid
}

// run runs the built binary and, in-process, the same Spec through the
// harness; both must agree on the exit code. The binary's output is
// returned for the assertions.
func run(t *testing.T, args ...string) plugintest.Output {
	t.Helper()
	return plugintest.RunBoth(t, plugintest.Build(t, "check_stored"), stored.Spec(), nil, args...)
}

type want struct {
	code  int
	line1 []string          // substrings of line 1
	out   []string          // substrings anywhere in the output
	perf  map[string]string // label -> "value;warn;crit" (value "*" = any)
}

func (w want) check(t *testing.T, out plugintest.Output) {
	t.Helper()
	out.Expect(t, "STORED", w.code)
	for _, s := range w.line1 {
		if !plugintest.AgePattern(s).MatchString(out.Line1) {
			t.Errorf("line 1 lacks %q:\n%s", s, out.Stdout)
		}
	}
	for _, s := range w.out {
		if !plugintest.AgePattern(s).MatchString(out.Stdout) {
			t.Errorf("output lacks %q:\n%s", s, out.Stdout)
		}
	}
	for label, spec := range w.perf {
		p, ok := out.Perf[label]
		if !ok {
			t.Errorf("no perfdata %s:\n%s", label, out.Line1)
			continue
		}
		f := strings.Split(spec, ";")
		if f[0] != "*" && !near(p.Value, f[0]) || len(f) > 1 && p.Warn != f[1] || len(f) > 2 && p.Crit != f[2] {
			t.Errorf("perfdata %s = %+v, want %s", label, p, spec)
		}
	}
}

// near: perfdata ages may be a few seconds past the fixture's on a busy
// machine.
func near(v float64, want string) bool {
	w, err := strconv.ParseFloat(want, 64)
	return err == nil && math.Abs(v-w) <= 5
}

func TestProcessAndPidFile(t *testing.T) {
	t.Parallel()
	running := map[string]string{"stored_running": "1;;1:", "stored_ready": "1;1:;"}
	cases := []struct {
		name  string
		setup func(t *testing.T, s *fixture.Server) []string
		want  want
	}{
		{"ready", func(t *testing.T, s *fixture.Server) []string {
			startStored(t, s, "ready", 7*time.Hour)
			return nil
		}, want{code: 0, line1: []string{"stored running (pid ", "), ready - checkpoint {age} ago, log cleanup {age} ago, peruser write-out 25m ago"},
			out: []string{"[OK] stored running", "ready for 7h"}, perf: running}},
		{"ready on a second line", func(t *testing.T, s *fixture.Server) []string {
			pid := start(t, fakeStored).Process.Pid
			s.Write(pidRel, fmt.Sprintf("%d\nready\n", pid), time.Hour)
			return nil
		}, want{code: 0, line1: []string{"ready"}, perf: running}},
		{"pid alone", func(t *testing.T, s *fixture.Server) []string {
			pid := start(t, fakeStored).Process.Pid
			s.Write(pidRel, fmt.Sprintf("%d\n", pid), time.Hour)
			return nil
		}, want{code: 0, out: []string{"holds no state word"}, perf: running}},
		{"READY in capitals, CRLF", func(t *testing.T, s *fixture.Server) []string {
			pid := start(t, fakeStored).Process.Pid
			s.Write(pidRel, fmt.Sprintf("%d READY\r\n", pid), time.Hour)
			return nil
		}, want{code: 0, line1: []string{"ready"}}},
		{"init", func(t *testing.T, s *fixture.Server) []string {
			startStored(t, s, "init", 2*time.Minute)
			return nil
		}, want{code: 1, line1: []string{"STORED WARNING - stored recovering: pid file says init for {age} (critical after 15m) |"},
			perf: map[string]string{"stored_running": "1", "stored_ready": "0;1:;"}}},
		{"init for too long", func(t *testing.T, s *fixture.Server) []string {
			startStored(t, s, "init", 23*time.Minute)
			return nil
		}, want{code: 2, line1: []string{"STORED CRITICAL - stored stuck in init (recovering) for 23m (critical 15m) |"},
			out: []string{"database recovery is not finishing"}, perf: map[string]string{"stored_running": "1", "stored_ready": "0"}}},
		{"init within a longer --init-critical", func(t *testing.T, s *fixture.Server) []string {
			startStored(t, s, "init", 23*time.Minute)
			return []string{"--init-critical", "30m"}
		}, want{code: 1, line1: []string{"init for 23m (critical after 30m)"}}},
		{"no pid file", func(t *testing.T, s *fixture.Server) []string {
			s.Remove(pidRel)
			return nil
		}, want{code: 2, line1: []string{"STORED CRITICAL - stored is not running: no pid file |"},
			out: []string{"proc/store, ", "proc/pidfile.store, ", "config/pidfile.store)"}, perf: map[string]string{"stored_running": "0;;1:", "stored_ready": "0"}}},
		{"pidfile.store in config (6 2005Q4)", func(t *testing.T, s *fixture.Server) []string {
			s.Remove(pidRel)
			pid := start(t, fakeStored).Process.Pid
			s.Write(fixture.VarRel+"/config/pidfile.store", fmt.Sprintf("%d ready\n", pid), time.Hour)
			return nil
		}, want{code: 0, out: []string{"config/pidfile.store)"}, perf: running}},
		{"--pid-file", func(t *testing.T, s *fixture.Server) []string {
			pid := start(t, fakeStored).Process.Pid
			s.Write("elsewhere/stored.pid", fmt.Sprintf("%d ready", pid), time.Hour)
			return []string{"--pid-file", s.Path("elsewhere/stored.pid")}
		}, want{code: 0, out: []string{"elsewhere/stored.pid)"}, perf: running}},
		{"--pid-file missing", func(t *testing.T, s *fixture.Server) []string {
			return []string{"--pid-file", s.Path("nowhere/stored.pid")}
		}, want{code: 2, line1: []string{"no pid file"}, out: []string{"nowhere/stored.pid"}}},
		{"dead pid", func(t *testing.T, s *fixture.Server) []string {
			s.Write(pidRel, fmt.Sprintf("%d ready\n", plugintest.DeadPid(t)), time.Hour)
			return nil
		}, want{code: 2, line1: []string{"STORED CRITICAL - stored is not running: pid ", " is dead |"},
			out: []string{"the pid file says ready"}, perf: map[string]string{"stored_running": "0", "stored_ready": "0"}}},
		{"recycled pid: a live process that is not stored", func(t *testing.T, s *fixture.Server) []string {
			pid := start(t, fakeOther).Process.Pid
			s.Write(pidRel, fmt.Sprintf("%d ready\n", pid), time.Hour)
			return nil
		}, want{code: 2, line1: []string{"STORED CRITICAL - stale pid file: pid ", " is other, not stored |"},
			perf: map[string]string{"stored_running": "0"}}},
		{"pid of the plugin's parent is never counted", func(t *testing.T, s *fixture.Server) []string {
			s.Write(pidRel, fmt.Sprintf("%d ready\n", os.Getpid()), time.Hour)
			return nil
		}, want{code: 2, line1: []string{"stale pid file: pid ", " is not stored"}, out: []string{"this plugin or its parent"}}},
		{"--process-name", func(t *testing.T, s *fixture.Server) []string {
			pid := start(t, fakeOther).Process.Pid
			s.Write(pidRel, fmt.Sprintf("%d ready\n", pid), time.Hour)
			return []string{"--process-name", "other"}
		}, want{code: 0, line1: []string{"other running (pid"}}},
		{"dead pid and a stale checkpoint: the process comes first", func(t *testing.T, s *fixture.Server) []string {
			s.Write(pidRel, fmt.Sprintf("%d ready\n", plugintest.DeadPid(t)), time.Hour)
			s.SetAge(fixture.VarRel+"/config/stored.ckp", 40*time.Minute)
			return nil
		}, want{code: 2, line1: []string{"stored is not running", "(+1 more) |"}, out: []string{"[CRITICAL] stored not checkpointing: stored.ckp is 40m old (critical 15m)"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := fixture.New(t)
			args := append([]string{"-B", s.Base()}, c.setup(t, s)...)
			c.want.check(t, run(t, args...))
		})
	}
}

func TestZombieStored(t *testing.T) {
	t.Parallel()
	s := fixture.New(t)
	cmd := start(t, fakeStored)
	s.Write(pidRel, fmt.Sprintf("%d ready\n", cmd.Process.Pid), time.Hour)
	cmd.Process.Kill()
	// Not reaped yet: the test process is its parent and has not waited.
	stat := fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid)
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(stat)
		if err == nil && strings.Contains(string(b), ") Z ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pid %d never became a zombie", cmd.Process.Pid)
		}
		runtime.Gosched()
	}
	out := run(t, "-B", s.Base())
	want{code: 2, line1: []string{"stored has exited: pid ", " is defunct"}}.check(t, out)
}

func TestMalformedPidFile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, content string
		found         string // what the line must say it found
	}{
		{"empty", "", "is empty"},
		{"blank", " \n\t\n", "is empty"},
		{"garbage", "stored is fine\n", `holds 3 words`},
		{"a word", "garbage\n", `starts with "garbage", not a process id |`},
		{"two pids", "28250 28251\n", `holds two numbers, expected one pid and a state (ready or init); found "28250 28251\n"`},
		{"negative", "-28250 ready\n", "names pid -28250, which is negative"},
		{"enormous", "99999999999999999999999999 ready\n", "names pid 999999999999999999999999..., out of range (at most 2147483647)"},
		{"just over pid_t", "2147483648 ready\n", "names pid 2147483648, out of range"},
		{"zero", "0 ready\n", "names pid 0, which is not a process"},
		{"binary", "\x00\x01\x02\xff", `starts with "\x00\x01\x02\xff", not a process id`},
		{"long binary", strings.Repeat("\x17", 30) + " \xcf\xf2", `starts with "` + strings.Repeat(`\x17`, 13) + `"..., not a process id; found "\x17`},
		{"huge file", strings.Repeat("28250 ready\n", 1000), "is over 4096 bytes"},
		{"state alone", "ready\n", `starts with "ready", not a process id`},
		{"state first", "ready 28250\n", `starts with "ready", not a process id`},
		{"state not a word", "28250 re@dy\n", `has a state "re@dy" that is not a word`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := fixture.New(t)
			s.Write(pidRel, c.content, time.Hour)
			out := run(t, "-B", s.Base())
			want{code: 3, line1: []string{"STORED UNKNOWN - stored's pid file " + filepath.Join(s.Base(), "data/proc/store") + " "}, out: []string{c.found}}.check(t, out)
			if _, ok := out.Perf["ckp_age"]; !ok {
				t.Errorf("the stamps must still be checked:\n%s", out.Stdout)
			}
		})
	}
}

func TestUnknownStateWord(t *testing.T) {
	t.Parallel()
	s := fixture.New(t)
	startStored(t, s, "stopping", time.Hour)
	out := run(t, "-B", s.Base())
	want{code: 3, line1: []string{`stored pid file says "stopping", expected ready or init`}, out: []string{"stored is running (pid"}}.check(t, out)
}

func TestStamps(t *testing.T) {
	t.Parallel()
	type stampCase struct {
		age     time.Duration // < 0: in the future; 0: missing
		code    int
		line1   string
		perfVal string // expected perf value, "" = no perfdata
	}
	for _, st := range []struct {
		key, file  string
		warn, crit string
		cases      map[string]stampCase
	}{
		{"ckp", "stored.ckp", "300", "900", map[string]stampCase{
			"fresh":     {20 * time.Second, 0, "checkpoint {age} ago", "20"},
			"warning":   {7 * time.Minute, 1, "STORED WARNING - stored not checkpointing: stored.ckp is {age} old (warning 5m) |", "420"},
			"stale":     {23 * time.Minute, 2, "STORED CRITICAL - stored not checkpointing: stored.ckp is 23m old (critical 15m) |", "1380"},
			"missing":   {0, 2, "STORED CRITICAL - stored not checkpointing: stored.ckp is missing |", ""},
			"in future": {-2 * time.Hour, 1, "STORED WARNING - stored.ckp is {age} in the future: clock skew? |", "-7200"},
			"tolerated": {-1 * time.Minute, 0, "checkpoint 0s ago", "-60"},
		}},
		{"lcu", "stored.lcu", "900", "3600", map[string]stampCase{
			"fresh":     {2 * time.Minute, 0, "log cleanup {age} ago", "120"},
			"warning":   {20 * time.Minute, 1, "stored not cleaning up database logs: stored.lcu is 20m old (warning 15m)", "1200"},
			"stale":     {3 * time.Hour, 2, "stored not cleaning up database logs: stored.lcu is 3h old (critical 1h)", "10800"},
			"missing":   {0, 2, "stored not cleaning up database logs: stored.lcu is missing", ""},
			"in future": {-10 * time.Minute, 1, "stored.lcu is {age} in the future", "-600"},
		}},
		{"per", "stored.per", "7200", "14400", map[string]stampCase{
			"fresh":     {25 * time.Minute, 0, "peruser write-out 25m ago", "1500"},
			"warning":   {3 * time.Hour, 1, "stored not writing out peruser data: stored.per is 3h old (warning 2h)", "10800"},
			"stale":     {5 * time.Hour, 2, "stored not writing out peruser data: stored.per is 5h old (critical 4h)", "18000"},
			"missing":   {0, 2, "stored not writing out peruser data: stored.per is missing", ""},
			"in future": {-24 * time.Hour, 1, "stored.per is {age} in the future", "-86400"},
		}},
	} {
		for name, c := range st.cases {
			t.Run(st.file+" "+name, func(t *testing.T) {
				t.Parallel()
				s := fixture.New(t)
				startStored(t, s, "ready", time.Hour)
				rel := fixture.VarRel + "/config/" + st.file
				if c.age == 0 {
					s.Remove(rel)
				} else {
					s.SetAge(rel, c.age)
				}
				out := run(t, "-B", s.Base())
				w := want{code: c.code, line1: []string{c.line1}}
				if c.perfVal != "" {
					w.perf = map[string]string{st.key + "_age": c.perfVal + ";" + st.warn + ";" + st.crit}
				} else if _, ok := out.Perf[st.key+"_age"]; ok {
					t.Errorf("a missing stamp has no age to graph:\n%s", out.Line1)
				}
				w.check(t, out)
			})
		}
	}
}

func TestStampOptions(t *testing.T) {
	t.Parallel()
	s := fixture.New(t)
	startStored(t, s, "ready", time.Hour)
	s.SetAge(fixture.VarRel+"/config/stored.ckp", 150*time.Second)
	out := run(t, "-B", s.Base(), "--ckp-warning", "90s", "--ckp-critical=2m", "--lcu-warning", "1m", "--lcu-critical", "1h30m", "--per-warning", "1d", "--per-critical", "2d")
	want{code: 2, line1: []string{"stored.ckp is {age} old (critical 2m)", "(+1 more)"},
		perf: map[string]string{"ckp_age": "150;90;120", "lcu_age": "120;60;5400", "per_age": "1500;86400;172800"}}.check(t, out)
}

func TestBadOptions(t *testing.T) {
	t.Parallel()
	s := fixture.New(t)
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--ckp-warning", "20m"}, "--ckp-warning 20m is above --ckp-critical 15m"},
		{[]string{"--lcu-critical", "soon"}, `invalid duration "soon"`},
		{[]string{"--per-warning", "0"}, "--per-warning and --per-critical must be greater than 0"},
		{[]string{"--init-critical", "0s"}, "--init-critical must be greater than 0"},
		{[]string{"--process-name", " "}, "--process-name must not be empty"},
		{[]string{"-w", "3"}, "unknown option -w"},
	} {
		out := run(t, append([]string{"-B", s.Base()}, c.args...)...)
		out.Expect(t, "STORED", 3)
		out.Contains(t, c.msg)
		if len(out.Lines) != 0 {
			t.Errorf("%v: want one line, got:\n%s", c.args, out.Stdout)
		}
	}
	out := run(t, "-B", s.Path("no/such/base"))
	out.Expect(t, "STORED", 3)
	out.Contains(t, "no/such/base (from --base) does not exist")
}

func TestHelpAndDefaults(t *testing.T) {
	t.Parallel()
	out := plugintest.Run(t, plugintest.Build(t, "check_stored"), nil, "--help")
	if out.Code != 3 {
		t.Fatalf("--help exit %d", out.Code)
	}
	help := strings.Join(strings.Fields(out.Stdout), " ")
	for _, w := range []string{"--pid-file", "BASE/data/proc/store", "pidfile.store", "--ckp-warning=AGE", "(default: 5m)", "(default: 15m)", "(default: 1h)", "(default: 2h)", "(default: 4h)", "--future-tolerance", "--stored-cmd", "not documented"} {
		if !strings.Contains(help, w) {
			t.Errorf("--help lacks %q", w)
		}
	}
}

// TestSpecIsFresh: an aggregate runs Spec() many times; options must not
// carry over between runs.
func TestSpecIsFresh(t *testing.T) {
	a, b := stored.Spec(), stored.Spec()
	if a.Options == b.Options {
		t.Fatal("Spec() returned the same options twice")
	}
}

func TestOutputIsSane(t *testing.T) {
	t.Parallel()
	s := fixture.New(t)
	startStored(t, s, "ready", time.Hour)
	out := run(t, "-B", s.Base())
	for label, p := range out.Perf {
		if math.IsNaN(p.Value) {
			t.Errorf("%s is NaN", label)
		}
	}
	if len(out.Lines) != 4 {
		t.Errorf("want one line for the process and one per stamp, got:\n%s", out.Stdout)
	}
}
