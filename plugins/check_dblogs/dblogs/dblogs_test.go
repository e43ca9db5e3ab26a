package dblogs_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
	"github.com/msgstore-plugins/msgstore/plugins/check_dblogs/dblogs"
)

const mboxRel = fixture.VarRel + "/store/mboxlist"

// logSize is what each test log reports: Berkeley DB's default 10 MB log
// size, as a sparse file that costs no disk.
const logSize = 10 << 20

// setLogs replaces the sample's logs by logs numbered first, first+1, ...,
// the oldest (first) age old and each later one a minute younger.
func setLogs(t *testing.T, s *fixture.Server, n int, first int, age time.Duration) {
	t.Helper()
	removeLogs(t, s)
	for i := 0; i < n; i++ {
		rel := fmt.Sprintf("%s/log.%010d", mboxRel, first+i)
		s.Write(rel, "", age-time.Duration(i)*time.Minute)
		if err := os.Truncate(s.Path(rel), logSize); err != nil {
			t.Fatal(err)
		}
		s.SetAge(rel, age-time.Duration(i)*time.Minute)
	}
}

func removeLogs(t *testing.T, s *fixture.Server) {
	t.Helper()
	names, err := filepath.Glob(s.Path(mboxRel + "/log.??????????"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.Remove(n); err != nil {
			t.Fatal(err)
		}
	}
}

// addLookAlikes puts files and entries beside the logs that are not logs.
func addLookAlikes(t *testing.T, s *fixture.Server) {
	t.Helper()
	for _, name := range []string{
		"log.1", "log.0000000001.bak", "log.00000000012", "LOG.0000000001", "log.000000000a",
		"log.000000001", "xlog.0000000001", "log.0000000001~", "log-0000000001", "log.０００００００００１",
	} {
		s.Write(mboxRel+"/"+name, "x", 48*time.Hour)
	}
	if err := os.Mkdir(s.Path(mboxRel+"/log.0000000099"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("folder.db", s.Path(mboxRel+"/log.0000000098")); err != nil {
		t.Fatal(err)
	}
}

// run runs the built binary and, in-process, the same Spec; both must agree
// on the exit code.
func run(t *testing.T, args ...string) plugintest.Output {
	t.Helper()
	return plugintest.RunBoth(t, plugintest.Build(t, "check_dblogs"), dblogs.Spec(), nil, args...)
}

type want struct {
	code  int
	line1 []string
	out   []string
	perf  map[string]string // label -> "value;warn;crit" (ages within 5s)
}

func (w want) check(t *testing.T, out plugintest.Output) {
	t.Helper()
	out.Expect(t, "DBLOGS", w.code)
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
		f := strings.Split(spec, ";")
		v, _ := strconv.ParseFloat(f[0], 64)
		if !ok || math.Abs(p.Value-v) > 5 || len(f) > 1 && p.Warn != f[1] || len(f) > 2 && p.Crit != f[2] {
			t.Errorf("perfdata %s = %+v (present %v), want %s\n%s", label, p, ok, spec, out.Line1)
		}
	}
}

func TestCounts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		n    int
		want want
	}{
		{0, want{code: 3, line1: []string{"DBLOGS UNKNOWN - no database log files (log.NNNNNNNNNN) in ", "/mboxlist: wrong --base or --store-root, or database logging is off"}}},
		{2, want{code: 0, line1: []string{"DBLOGS OK - 2 database logs: log.0000000041 .. log.0000000042, 20 MiB - oldest 10m old |"},
			out:  []string{"[OK] stored.ckp {age} old, stored.lcu {age} old"},
			perf: map[string]string{"logs": "2;3;6", "bytes": "20971520;;", "oldest_age": "600;;"}}},
		{3, want{code: 0, line1: []string{"DBLOGS OK - 3 database logs: log.0000000041 .. log.0000000043, 30 MiB"},
			perf: map[string]string{"logs": "3;3;6", "bytes": "31457280"}}},
		{4, want{code: 1, line1: []string{"DBLOGS WARNING - 4 database logs (warning above 3): log.0000000041 .. log.0000000044, 40 MiB - stored's checkpoints and log cleanup are current |"},
			out:  []string{"[WARNING] 4 logs although stored.ckp {age} old and stored.lcu {age} old are current: stored is working, so the logs are still needed"},
			perf: map[string]string{"logs": "4;3;6"}}},
		{7, want{code: 2, line1: []string{"DBLOGS CRITICAL - 7 database logs (critical above 6): log.0000000041 .. log.0000000047, 70 MiB"},
			perf: map[string]string{"logs": "7;3;6", "bytes": "73400320", "oldest_age": "600"}}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.n, " logs"), func(t *testing.T) {
			t.Parallel()
			s := fixture.New(t)
			setLogs(t, s, c.n, 41, 10*time.Minute)
			addLookAlikes(t, s)
			out := run(t, "-B", s.Base())
			c.want.check(t, out)
			if strings.Contains(out.Stdout, "log.0000000099") || strings.Contains(out.Stdout, "log.0000000098") {
				t.Errorf("a directory or symlink was counted:\n%s", out.Stdout)
			}
		})
	}
}

func TestBuildUpExplained(t *testing.T) {
	t.Parallel()
	ckp, lcu := fixture.VarRel+"/config/stored.ckp", fixture.VarRel+"/config/stored.lcu"
	cases := []struct {
		name  string
		setup func(s *fixture.Server)
		want  want
	}{
		{"log cleanup stopped", func(s *fixture.Server) { s.SetAge(lcu, 3*time.Hour) },
			want{code: 2, line1: []string{"12 database logs (critical above 6): log.0000000041 .. log.0000000052, 120 MiB - stored.lcu 3h old: log cleanup has stopped |"},
				out: []string{"[CRITICAL] 12 logs and stored.lcu 3h old: log cleanup has stopped (stored.ckp {age} old; check_stored)"}}},
		{"checkpointing stopped", func(s *fixture.Server) { s.SetAge(ckp, 40*time.Minute) },
			want{code: 2, line1: []string{" - stored.ckp 40m old: checkpointing has stopped |"},
				out: []string{"so no log can be removed"}}},
		{"both stopped", func(s *fixture.Server) { s.SetAge(ckp, 2*time.Hour); s.Remove(lcu) },
			want{code: 2, line1: []string{" - stored.ckp 2h old, stored.lcu missing: stored is neither checkpointing nor cleaning up logs |"},
				out: []string{"is stored running? (check_stored)"}}},
		{"stamps in the future", func(s *fixture.Server) { s.SetAge(ckp, -time.Hour) },
			want{code: 2, out: []string{"stored.ckp {age} in the future"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := fixture.New(t)
			setLogs(t, s, 12, 41, 4*time.Hour)
			c.setup(s)
			c.want.check(t, run(t, "-B", s.Base()))
		})
	}
}

func TestMboxlistMissingOrWrong(t *testing.T) {
	t.Parallel()
	s := fixture.New(t)
	dir := filepath.Join(s.Base(), "data/store/mboxlist")
	s.Remove(mboxRel)
	want{code: 2, line1: []string{"DBLOGS CRITICAL - mboxlist directory " + dir + " does not exist (wrong --base or --store-root, or the mailbox database is gone)"}}.check(t, run(t, "-B", s.Base()))
	s.Write(mboxRel, "not a directory", time.Hour)
	want{code: 2, line1: []string{"DBLOGS CRITICAL - mboxlist " + dir + " is not a directory"}}.check(t, run(t, "-B", s.Base()))
}

func TestOptions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		n     int
		first int
		age   time.Duration
		args  []string
		want  want
	}{
		{"age warning", 2, 41, 2 * time.Hour, []string{"--age-warning", "1h"},
			want{code: 1, line1: []string{"DBLOGS WARNING - 2 database logs: log.0000000041 .. log.0000000042, 20 MiB - oldest 2h old (warning 1h) |"},
				perf: map[string]string{"oldest_age": "7200;3600;"}}},
		{"age critical", 2, 41, 2 * time.Hour, []string{"--age-warning", "1h", "--age-critical", "90m"},
			want{code: 2, line1: []string{"oldest 2h old (critical 1h30m)"}, perf: map[string]string{"oldest_age": "7200;3600;5400"}}},
		{"range below", 1, 41, time.Minute, []string{"-w", "2:3", "-c", "6"},
			want{code: 1, line1: []string{"1 database log (warning outside 2:3): log.0000000041, 10 MiB"}, perf: map[string]string{"logs": "1;2:3;6"}}},
		{"higher limits", 7, 41, 10 * time.Minute, []string{"-w", "8", "-c", "12"},
			want{code: 0, perf: map[string]string{"logs": "7;8;12"}}},
		{"count and age both alert", 7, 41, 2 * time.Hour, []string{"--age-warning", "1h"},
			want{code: 2, line1: []string{"7 database logs (critical above 6): ", " - oldest 2h old (warning 1h) |"}}},
		{"gaps in the sequence", 0, 0, 0, nil,
			want{code: 0, line1: []string{"log.0000000041 .. log.0000000045 (2 missing in between)"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := fixture.New(t)
			if c.n > 0 {
				setLogs(t, s, c.n, c.first, c.age)
			} else {
				s.Write(mboxRel+"/log.0000000045", "", time.Minute)
			}
			c.want.check(t, run(t, append([]string{"-B", s.Base()}, c.args...)...))
		})
	}
}

func TestStoreRootWithoutBase(t *testing.T) {
	t.Parallel()
	for _, b := range layout.DefaultBases {
		if _, err := os.Stat(b); err == nil {
			t.Skipf("%s exists on this machine", b)
		}
	}
	s := fixture.New(t)
	out := run(t, "--store-root", s.Var("store"))
	want{code: 0, line1: []string{"2 database logs: log.0000000041 .. log.0000000042"}}.check(t, out)
	if len(out.Lines) != 2 {
		t.Errorf("without msg-svr-base there are no stamps to relate:\n%s", out.Stdout)
	}
	want{code: 3, line1: []string{"no Messaging Server installation found"}}.check(t, run(t))
}

func TestBadOptions(t *testing.T) {
	t.Parallel()
	s := fixture.New(t)
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--age-warning", "2h", "--age-critical", "1h"}, "--age-warning 2h is above --age-critical 1h"},
		{[]string{"-w", "abc"}, `invalid range "abc"`},
		{[]string{"-c", ""}, "empty range"},
		{[]string{"--age-warning", "later"}, `invalid duration "later"`},
	} {
		out := run(t, append([]string{"-B", s.Base()}, c.args...)...)
		out.Expect(t, "DBLOGS", 3)
		out.Contains(t, c.msg)
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	out := plugintest.Run(t, plugintest.Build(t, "check_dblogs"), nil, "--help")
	help := strings.Join(strings.Fields(out.Stdout), " ")
	for _, w := range []string{"-w, --warning=RANGE", "(default: 3)", "(default: 6)", "--age-warning=AGE", "--store-root", "log.0000000041", "__db.*"} {
		if !strings.Contains(help, w) {
			t.Errorf("--help lacks %q", w)
		}
	}
	if dblogs.Spec().Options == dblogs.Spec().Options {
		t.Error("Spec() must return fresh options")
	}
}

// TestManyOtherFiles: a mboxlist holding 100,000 other files is listed in
// one streaming pass with only the logs stat'ed, well within the timeout.
func TestManyOtherFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 100,000 files")
	}
	t.Parallel()
	s := fixture.New(t)
	// The store root goes on tmpfs when there is one: creating 100,000
	// files on this machine's ext4 takes 15 s, on tmpfs 2 s.
	root := manyFilesRoot(t)
	dir := filepath.Join(root, "mboxlist")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, age := range []time.Duration{10 * time.Minute, 5 * time.Minute, time.Minute} {
		p := filepath.Join(dir, fmt.Sprintf("log.%010d", 41+i))
		if err := os.WriteFile(p, make([]byte, 4096), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, s.Now.Add(-age), s.Now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 100_000; i++ {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("__db.%06d", i)))
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	out := run(t, "-B", s.Base(), "--store-root", root, "-t", "5")
	want{code: 0, line1: []string{"3 database logs: log.0000000041 .. log.0000000043"}}.check(t, out)
	if out.Elapsed > 3*time.Second {
		t.Errorf("took %v on 100,000 files", out.Elapsed)
	}
	t.Logf("100,000 other files: %v", out.Elapsed)
}

// manyFilesRoot is a temporary store root, on /dev/shm when it exists.
func manyFilesRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/dev/shm", "check_dblogs-test-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
