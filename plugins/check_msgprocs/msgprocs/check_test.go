package msgprocs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
	"github.com/msgstore-plugins/msgstore/lib/procinfo"
)

// The in-process tests give the check a made-up process table; the tests
// in process_test.go run the built binary on real stand-in processes.

// healthyNames are the default set on the sample server (its msg.conf
// enables imap, pop, http and the watcher).
var healthyNames = plugintest.SampleDaemons

// table builds a process table; pids start at 1000.
type table struct {
	lib   string
	now   time.Time
	procs []procinfo.Info
	next  int // pids are never reused within a table
}

func (t *table) add(i procinfo.Info) *table {
	i.Pid = 1000 + t.next
	t.next++
	t.procs = append(t.procs, i)
	return t
}

// daemon adds a process of BASE/lib/name started age ago.
func (t *table) daemon(name string, age time.Duration) *table {
	return t.add(procinfo.Info{Name: name, Exe: filepath.Join(t.lib, name), Argv0: filepath.Join(t.lib, name), Start: t.now.Add(-age)})
}

func (t *table) healthy() *table {
	for _, n := range healthyNames {
		t.daemon(n, 7*time.Hour)
	}
	return t.daemon("imapd", 5*time.Minute)
}

// run runs the plugin on the sample server s with the table.
func run(t *testing.T, s *fixture.Server, snap snapshot, args ...string) plugintest.Output {
	t.Helper()
	list := func() (snapshot, error) { return snap, nil }
	return plugintest.RunSpec(t, specWith(list), nil, append([]string{"-B", s.Base()}, args...)...)
}

type want struct {
	code    int
	summary string   // line 1's text, exactly, when not ""
	has     []string // substrings of the output
	hasNot  []string
	perf    map[string]string // label -> "value;warn;crit"
}

func (w want) check(t *testing.T, o plugintest.Output) {
	t.Helper()
	o.Expect(t, "MSGPROCS", w.code)
	if w.summary != "" && o.Summary != w.summary {
		t.Errorf("line 1 %q, want %q", o.Summary, w.summary)
	}
	o.Contains(t, w.has...)
	for _, s := range w.hasNot {
		if strings.Contains(o.Stdout, s) {
			t.Errorf("output has %q:\n%s", s, o.Stdout)
		}
	}
	for label, v := range w.perf {
		p, ok := o.Perf[label]
		got := plugintest.FormatPerfValue(p.Value) + ";" + p.Warn + ";" + p.Crit
		if !ok || got != v || p.Min != "0" {
			t.Errorf("perfdata %s = %q (min %q, present %v), want %q;0", label, got, p.Min, ok, v)
		}
	}
}

func TestCheck(t *testing.T) {
	self, parent := selfAndParent()
	cases := []struct {
		name  string
		setup func(s *fixture.Server, tb *table) snapshot
		args  []string
		want  want
	}{
		{"healthy", func(s *fixture.Server, tb *table) snapshot { return snapshot{procs: tb.healthy().procs} }, nil,
			want{code: 0, summary: "all 10 expected daemons running (11 processes)",
				has:  []string{"[OK] imapd: 2 processes running (expected: service.imap.enable = yes in msg.conf): pid 1002 up 7h, pid 1010 up 5m", "[OK] stored: 1 process running (expected: always): pid 1000 up 7h"},
				perf: map[string]string{"procs_imapd": "2;;1:", "procs_stored": "1;;1:", "procs_watcher": "1;1:;", "procs_tcp_lmtp_server": "0;;", "procs_impurge": "0;;"}}},
		{"nothing runs", func(s *fixture.Server, tb *table) snapshot { return snapshot{} }, nil,
			want{code: 2, summary: "stored is not running: nothing else starts without it - also not running: enpd, imapd, popd, mshttpd, imsched, dispatcher, job_controller, tcp_smtp_server - watcher is not running: crashed daemons will not be restarted",
				perf: map[string]string{"procs_stored": "0;;1:", "procs_imapd": "0;;1:"}}},
		{"stored alone is missing", func(s *fixture.Server, tb *table) snapshot { return snapshot{procs: tb.healthy().procs[1:]} }, nil,
			want{code: 2, summary: "stored is not running: nothing else starts without it",
				has: []string{"[CRITICAL] stored: not running (expected: always): message store housekeeping; nothing else starts without it"}}},
		{"imapd and watcher missing", func(s *fixture.Server, tb *table) snapshot {
			return snapshot{procs: without(tb.healthy().procs, "imapd", "watcher")}
		}, nil, want{code: 2, summary: "not running: imapd - watcher is not running: crashed daemons will not be restarted",
			has: []string{"[CRITICAL] imapd: not running (expected: service.imap.enable = yes in msg.conf): IMAP service", "[WARNING] watcher: not running"}}},
		{"watcher alone missing is a warning", func(s *fixture.Server, tb *table) snapshot {
			return snapshot{procs: without(tb.healthy().procs, "watcher")}
		}, nil, want{code: 1, summary: "watcher is not running: crashed daemons will not be restarted", perf: map[string]string{"procs_watcher": "0;1:;"}}},
		{"a zombie imapd does not count", func(s *fixture.Server, tb *table) snapshot {
			tb.procs = without(tb.healthy().procs, "imapd")
			tb.add(procinfo.Info{Name: "imapd", Zombie: true, PPid: 1009}) // the watcher's child
			return snapshot{procs: tb.procs}
		}, nil, want{code: 2, summary: "not running: imapd (defunct)", has: []string{"[CRITICAL] imapd: not running (expected: service.imap.enable = yes in msg.conf): IMAP service; defunct (exited, not reaped by its parent): pid 1011"},
			perf: map[string]string{"procs_imapd": "0;;1:"}}},
		{"a zombie of unknown installation is named with -v only", func(s *fixture.Server, tb *table) snapshot {
			tb.procs = without(tb.healthy().procs, "imapd")
			tb.add(procinfo.Info{Name: "imapd", Zombie: true, PPid: 4242})
			return snapshot{procs: tb.procs}
		}, []string{"-v"}, want{code: 2, summary: "not running: imapd", has: []string{"[CRITICAL] imapd: not running (expected: service.imap.enable = yes in msg.conf): IMAP service; defunct, installation unknown (its parent is not of this one): pid 1011"}}},
		{"another installation's imapd does not count", func(s *fixture.Server, tb *table) snapshot {
			tb.procs = without(tb.healthy().procs, "imapd")
			tb.add(procinfo.Info{Name: "imapd", Exe: "/opt/other/lib/imapd"})
			tb.add(procinfo.Info{Name: "imapd", Argv0: "/opt/third/lib/imapd"}) // exe unreadable, argv0 says where
			return snapshot{procs: tb.procs}
		}, []string{"-v"}, want{code: 2, summary: "not running: imapd",
			has: []string{"not counted, another installation: pid 1011 runs /opt/other/lib/imapd, pid 1012 runs /opt/third/lib/imapd"}}},
		{"another installation is only named with -v", func(s *fixture.Server, tb *table) snapshot {
			tb.healthy().add(procinfo.Info{Name: "imapd", Exe: "/opt/other/lib/imapd"})
			return snapshot{procs: tb.procs}
		}, nil, want{code: 0, hasNot: []string{"/opt/other"}, perf: map[string]string{"procs_imapd": "2;;1:"}}},
		{"a process whose path is unreadable counts by its command name", func(s *fixture.Server, tb *table) snapshot {
			tb.procs = without(tb.healthy().procs, "stored")
			tb.add(procinfo.Info{Name: "stored", Argv0: "stored"})
			return snapshot{procs: tb.procs}
		}, []string{"-v"}, want{code: 0, has: []string{"pid 1011 (program path unreadable: counted by its command name, installation not verified)"}, perf: map[string]string{"procs_stored": "1;;1:"}}},
		{"the plugin and its parent never count", func(s *fixture.Server, tb *table) snapshot {
			procs := without(tb.healthy().procs, "stored")
			lib := filepath.Join(s.Base(), "lib")
			procs = append(procs, procinfo.Info{Pid: self, Name: "stored", Exe: lib + "/stored"}, procinfo.Info{Pid: parent, Name: "stored", Exe: lib + "/stored"})
			return snapshot{procs: procs}
		}, nil, want{code: 2, summary: "stored is not running: nothing else starts without it"}},
		{"ps-like substrings are not names", func(s *fixture.Server, tb *table) snapshot {
			tb.procs = without(tb.healthy().procs, "imapd")
			tb.add(procinfo.Info{Name: "imapd.sh", Exe: filepath.Join(tb.lib, "imapd.sh")})
			tb.add(procinfo.Info{Name: "vi", Exe: "/usr/bin/vi", Argv0: "vi imapd"})
			return snapshot{procs: tb.procs}
		}, nil, want{code: 2, summary: "not running: imapd"}},
		{"a disabled service is not expected and its process is noted", func(s *fixture.Server, tb *table) snapshot {
			s.Set("service.pop.enable", "no")
			s.Set("local.watcher.enable", "0")
			return snapshot{procs: without(tb.healthy().procs, "watcher")}
		}, nil, want{code: 0, summary: "all 8 expected daemons running (10 processes) - also running though not expected: popd",
			has: []string{"[OK] popd: 1 process running though not expected: pid 1003"}, perf: map[string]string{"procs_popd": "1;;", "procs_watcher": "0;;"}}},
		{"a switch that is neither yes nor no keeps the default", func(s *fixture.Server, tb *table) snapshot {
			s.Set("service.pop.enable", "perhaps")
			return snapshot{procs: without(tb.healthy().procs, "popd")}
		}, nil, want{code: 2, summary: "not running: popd", has: []string{"[CRITICAL] popd: not running (expected: default set): POP service"}}},
		{"--ignore and --expect", func(s *fixture.Server, tb *table) snapshot {
			return snapshot{procs: without(tb.healthy().procs, "popd", "mshttpd")}
		}, []string{"--ignore", "popd", "--ignore=mshttpd,enpd", "--expect", "tcp_lmtp_server,AService"},
			want{code: 2, summary: "not running: tcp_lmtp_server, AService",
				has:  []string{"[CRITICAL] AService: not running (expected: --expect): named with --expect or --count-critical", "[OK] enpd: 1 process running (--ignore)"},
				perf: map[string]string{"procs_AService": "0;;1:", "procs_popd": "0;;", "procs_tcp_lmtp_server": "0;;1:"}}},
		{"--count-critical range", func(s *fixture.Server, tb *table) snapshot {
			for i := 0; i < 4; i++ {
				tb.daemon("imapd", time.Minute)
			}
			return snapshot{procs: tb.healthy().procs}
		}, []string{"--count-critical", "imapd=1:4,mshttpd=1:", "--count-warning", "mshttpd=2:"},
			want{code: 2, summary: "imapd: 6 processes (critical outside 1:4) - mshttpd: 1 process (warning outside 2:)",
				has:  []string{"[CRITICAL] imapd: 6 processes running (critical outside 1:4) (expected: service.imap.enable = yes in msg.conf): pid 1000 up 1m, pid 1001 up 1m, pid 1002 up 1m, pid 1003 up 1m, pid 1006 up 7h, and 1 more"},
				perf: map[string]string{"procs_imapd": "6;;1:4", "procs_mshttpd": "1;2:;1:"}}},
		{"--count-warning alone keeps an expected daemon's critical", func(s *fixture.Server, tb *table) snapshot {
			return snapshot{procs: without(tb.healthy().procs, "mshttpd")}
		}, []string{"--count-warning", "mshttpd=2:"}, want{code: 2, summary: "not running: mshttpd", perf: map[string]string{"procs_mshttpd": "0;2:;1:"}}},
		{"hidepid: a missing daemon cannot be told", func(s *fixture.Server, tb *table) snapshot {
			return snapshot{procs: without(tb.healthy().procs, "stored"), hidden: true}
		}, nil, want{code: 3, summary: "cannot tell whether stored run: /proc hides other users' processes (mounted with hidepid) - run the plugin as root or as the server's user"}},
		{"hidepid does not matter when all are seen", func(s *fixture.Server, tb *table) snapshot {
			return snapshot{procs: tb.healthy().procs, hidden: true}
		}, nil, want{code: 0}},
		{"impurge is expected when installed (7 and later)", func(s *fixture.Server, tb *table) snapshot {
			s.Write(fixture.BaseRel+"/lib/impurge", "", 0)
			return snapshot{procs: tb.healthy().procs}
		}, nil, want{code: 2, summary: "not running: impurge", has: []string{"(expected: " + "BASE/lib/impurge exists)"}}},
		{"no msg.conf: the default set", func(s *fixture.Server, tb *table) snapshot {
			if err := os.Remove(s.Path(fixture.VarRel + "/config/msg.conf")); err != nil {
				t.Fatal(err)
			}
			return snapshot{procs: tb.healthy().procs}
		}, []string{"-v"}, want{code: 0, has: []string{"expected (from the default set (no ", "[OK] imapd: 2 processes running (expected: default set)"}}},
		{"unreadable msg.conf: the default set, said", func(s *fixture.Server, tb *table) snapshot {
			p := s.Path(fixture.VarRel + "/config/msg.conf")
			os.Remove(p)
			os.Mkdir(p, 0o755)
			return snapshot{procs: tb.healthy().procs}
		}, nil, want{code: 1, has: []string{"[WARNING] cannot read BASE/config/msg.conf: is a directory: expecting the default set"},
			perf: map[string]string{"procs_imapd": "2;;1:"}}},
		{"unreadable processes are counted with -v", func(s *fixture.Server, tb *table) snapshot {
			return snapshot{procs: tb.healthy().procs, unreadable: 3}
		}, []string{"-v"}, want{code: 0, has: []string{"3 processes could not be read from /proc and are not counted"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := fixture.New(t)
			tb := &table{lib: filepath.Join(s.Base(), "lib"), now: time.Now()}
			snap := c.setup(s, tb)
			out := run(t, s, snap, c.args...)
			c.want.has = replaceBase(c.want.has, s.Base())
			c.want.check(t, out)
		})
	}
}

// replaceBase writes the sample's base for BASE in the expected texts.
func replaceBase(texts []string, base string) []string {
	out := make([]string, len(texts))
	for i, s := range texts {
		out[i] = strings.ReplaceAll(s, "BASE/", base+"/")
	}
	return out
}

func without(procs []procinfo.Info, names ...string) []procinfo.Info {
	var out []procinfo.Info
	for _, p := range procs {
		keep := true
		for _, n := range names {
			if p.Name == n {
				keep = false
			}
		}
		if keep {
			out = append(out, p)
		}
	}
	return out
}

// The perfdata labels are the same whatever runs: a graphing tool keeps
// one series per daemon.
func TestPerfLabelsStable(t *testing.T) {
	s := fixture.New(t)
	tb := &table{lib: filepath.Join(s.Base(), "lib"), now: time.Now()}
	healthy := run(t, s, snapshot{procs: tb.healthy().procs})
	down := run(t, s, snapshot{})
	labels := func(o plugintest.Output) string {
		var l []string
		for _, f := range strings.Fields(o.PerfText) {
			l = append(l, strings.SplitN(f, "=", 2)[0])
		}
		return strings.Join(l, " ")
	}
	want := "procs_stored procs_enpd procs_imapd procs_popd procs_mshttpd procs_imsched procs_dispatcher procs_job_controller procs_tcp_smtp_server procs_tcp_lmtp_server procs_impurge procs_watcher"
	if labels(healthy) != want || labels(down) != want {
		t.Errorf("labels:\n healthy %s\n down    %s\n want    %s", labels(healthy), labels(down), want)
	}
}

func TestBadOptions(t *testing.T) {
	s := fixture.New(t)
	cases := []struct {
		args []string
		line string
	}{
		{[]string{"--count-critical", "imapd"}, `--count-critical "imapd": expected NAME=RANGE, e.g. imapd=1:4`},
		{[]string{"--count-critical", "imapd=x"}, `--count-critical imapd: invalid range "x"`},
		{[]string{"--count-critical", "imapd=1:,imapd=2:"}, "--count-critical gives imapd twice"},
		{[]string{"--count-warning", "=1:"}, `--count-warning "=1:": empty program name`},
		{[]string{"--expect", "lib/imapd"}, `--expect "lib/imapd": a program name is a file name in BASE/lib`},
		{[]string{"--expect", "imapd,"}, `--expect "": empty program name`},
		{[]string{"--ignore", "imap*"}, `--ignore "imap*": a program name is a file name`},
		{[]string{"--expect", "popd", "--ignore", "popd"}, "popd is given to both --expect and --ignore"},
	}
	for _, c := range cases {
		out := run(t, s, snapshot{}, c.args...)
		out.Expect(t, "MSGPROCS", 3)
		if !strings.Contains(out.Summary, c.line) || len(out.Lines) != 0 {
			t.Errorf("%q: %q, want one line with %q", c.args, out.Stdout, c.line)
		}
	}
	// A lister that fails: UNKNOWN with its reason.
	fail := func() (snapshot, error) { return snapshot{}, procinfo.ErrUnsupported }
	out := plugintest.RunSpec(t, specWith(fail), nil, "-B", s.Base())
	out.Expect(t, "MSGPROCS", 3)
	out.Contains(t, "cannot list the processes: process lookup is not supported on this platform")
}
