package disk

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/fsstat"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

const gib = 1 << 30

// fakeFS gives each target path its own device and usage, so the check can
// be driven into every state without filling a disk.
type fakeFS struct {
	usage map[string]fsstat.Usage // by path suffix
	dev   map[string]uint64
	err   map[string]error
	block chan struct{} // when set, stat blocks on it
}

func (f *fakeFS) find(path string) string {
	for k := range f.usage {
		if strings.HasSuffix(path, k) {
			return k
		}
	}
	return ""
}

func (f *fakeFS) probe() probe {
	return probe{
		stat: func(p string) (fsstat.Usage, error) {
			if f.block != nil {
				<-f.block
			}
			k := f.find(p)
			if err := f.err[k]; err != nil {
				return fsstat.Usage{}, err
			}
			return f.usage[k], nil
		},
		device: func(p string) (uint64, error) {
			if _, err := os.Stat(p); err != nil {
				return 0, err
			}
			return f.dev[f.find(p)], nil
		},
	}
}

// usage builds a file system of total GiB with free GiB available to all
// (no root reserve) and the given inodes.
func usage(total, free float64, files, ffree uint64) fsstat.Usage {
	return fsstat.Usage{Total: uint64(total * gib), Free: uint64(free * gib), Avail: uint64(free * gib), Files: files, FilesFree: ffree, FilesAvail: ffree}
}

func run(t *testing.T, f *fakeFS, s *fixture.Server, args ...string) (int, plugintest.Output) {
	t.Helper()
	out := plugintest.RunSpec(t, newSpec(&options{}, f.probe()), nil, append([]string{"-B", s.Base()}, args...)...)
	return out.Code, out
}

func TestStates(t *testing.T) {
	tests := []struct {
		name    string
		primary fsstat.Usage
		args    []string
		code    int
		line1   string
		perf    map[string]string // label -> "value;warn;crit;min;max" as rendered
	}{
		{
			name: "healthy", primary: usage(100, 60, 1000, 900), code: 0,
			line1: "MSGSTORE_DISK OK - 3 filesystems OK, least free primary: 60 GiB free (60.0%) of 100 GiB",
			perf: map[string]string{
				"primary_used":        "42949672960B;80530636800;96636764160;0;107374182400",
				"primary_free_pct":    "60%;25:;10:;0;100",
				"primary_inodes_used": "100;;;0;1000",
			},
		},
		{
			name: "warning below 25%", primary: usage(100, 20, 1000, 900), code: 1,
			line1: "MSGSTORE_DISK WARNING - primary: 20 GiB free (20.0%) of 100 GiB, below warning 25%",
		},
		{
			name: "critical below 10%", primary: usage(100, 5, 1000, 900), code: 2,
			line1: "MSGSTORE_DISK CRITICAL - primary: 5 GiB free (5.0%) of 100 GiB, below critical 10%",
		},
		{
			name: "absolute thresholds", primary: usage(100, 30, 1000, 900), args: []string{"-w", "40GiB", "-c", "20GiB"}, code: 1,
			line1: "MSGSTORE_DISK WARNING - primary: 30 GiB free (30.0%) of 100 GiB, below warning 40 GiB",
			perf:  map[string]string{"primary_used": "75161927680B;64424509440;85899345920;0;107374182400", "primary_free_pct": "30%;;;0;100"},
		},
		{
			name: "inode warning", primary: usage(100, 60, 1000, 80), code: 1,
			line1: "MSGSTORE_DISK WARNING - primary: 60 GiB free (60.0%) of 100 GiB, inodes 8.0% free, below warning 10%",
		},
		{
			name: "inode critical", primary: usage(100, 60, 1000, 40), code: 2,
			line1: "MSGSTORE_DISK CRITICAL - primary: 60 GiB free (60.0%) of 100 GiB, inodes 4.0% free, below critical 5%",
		},
		{
			name: "no inode limit (btrfs)", primary: usage(100, 60, 0, 0), code: 0,
			perf: map[string]string{"primary_free_pct": "60%;25:;10:;0;100"},
		},
		{
			name: "store lock threshold", primary: usage(100, 0.5, 1000, 900), args: []string{"-c", "0%"}, code: 2,
			line1: "MSGSTORE_DISK CRITICAL - primary: 512 MiB free (0.5%) of 100 GiB, below warning 25%, 99.5% used: stored has locked the partition (local.store.diskusagethreshold 99%), incoming mail waits in the MTA queues",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := fixture.New(t)
			f := &fakeFS{
				usage: map[string]fsstat.Usage{"partition/primary": tc.primary, "mboxlist": usage(50, 40, 1000, 990), "queue": usage(50, 45, 1000, 990), "log": usage(50, 45, 1000, 990)},
				dev:   map[string]uint64{"partition/primary": 1, "mboxlist": 2, "queue": 3, "log": 3},
			}
			code, o := run(t, f, s, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s", code, tc.code, o.Stdout)
			}
			if tc.line1 != "" && !strings.HasPrefix(o.Line1, tc.line1) {
				t.Errorf("line 1:\n got %q\nwant %q", o.Line1, tc.line1)
			}
			for label, want := range tc.perf {
				if got := perfString(o, label); got != want {
					t.Errorf("perf %s = %q, want %q", label, got, want)
				}
			}
			if len(o.Lines) != 3 {
				t.Errorf("want one long-output line per file system, got %q", o.Lines)
			}
		})
	}
}

func perfString(o plugintest.Output, label string) string {
	p, ok := o.Perf[label]
	if !ok {
		return "<missing>"
	}
	return plugintest.FormatPerfValue(p.Value) + p.Unit + ";" + p.Warn + ";" + p.Crit + ";" + p.Min + ";" + p.Max
}

func TestSharedFilesystemMeasuredOnce(t *testing.T) {
	s := fixture.New(t)
	calls := 0
	f := &fakeFS{usage: map[string]fsstat.Usage{"partition/primary": usage(10, 8, 0, 0), "mboxlist": usage(10, 8, 0, 0), "queue": usage(10, 8, 0, 0), "log": usage(10, 8, 0, 0)},
		dev: map[string]uint64{"partition/primary": 7, "mboxlist": 7, "queue": 7, "log": 7}}
	p := f.probe()
	stat := p.stat
	p.stat = func(path string) (fsstat.Usage, error) { calls++; return stat(path) }
	var out bytes.Buffer
	code := plugin.Execute(newSpec(&options{}, p), []string{"-B", s.Base()}, &out, &out, func(string) string { return "" })
	if code != 0 || calls != 1 || !strings.HasPrefix(out.String(), "MSGSTORE_DISK OK - primary+mboxlist+queue: 8 GiB free (80.0%) of 10 GiB | primary+mboxlist+queue_used=") {
		t.Fatalf("code %d, %d statfs calls:\n%s", code, calls, out.String())
	}
}

// The log directories' file system is measured when it is one of its own,
// with the same thresholds; on a file system already measured the log
// directory is only listed, the label staying as it was.
func TestLogFilesystem(t *testing.T) {
	logDir := func(s *fixture.Server) string { return s.Var("log") }
	tests := []struct {
		name   string
		setup  func(s *fixture.Server)
		logDev uint64
		args   []string
		code   int
		line1  string
		lines  []string
		perf   []string
		noPerf []string
	}{
		{name: "own file system, filling", logDev: 4, code: 1,
			line1:  "MSGSTORE_DISK WARNING - log: 5 GiB free (10.0%) of 50 GiB, below warning 25%",
			lines:  []string{"[WARNING] log: 5 GiB free (10.0%) of 50 GiB (below warning 25%)"},
			perf:   []string{"log_used", "log_free_pct", "primary_used"},
			noPerf: []string{"queue+log_used"}},
		{name: "shares the queue's file system", logDev: 3, code: 0,
			lines:  []string{"[OK] queue: 45 GiB free (90.0%) of 50 GiB, inodes 99.0% free (990 of 1000); "},
			perf:   []string{"queue_used"},
			noPerf: []string{"log_used", "queue+log_used"}},
		{name: "--no-logs", logDev: 4, args: []string{"--no-logs"}, code: 0, noPerf: []string{"log_used"}},
		{name: "a configured log directory is missing",
			setup: func(s *fixture.Server) { s.Set("logfile.http.logdir", "/nonexistent/http-logs") }, logDev: 3, code: 2,
			line1: "MSGSTORE_DISK CRITICAL - log2: /nonexistent/http-logs does not exist"},
		{name: "a second log directory on its own file system",
			setup: func(s *fixture.Server) {
				os.MkdirAll(s.Path("srv/imaplogs"), 0o755)
				s.Set("logfile.imap.logdir", s.Path("srv/imaplogs"))
			}, logDev: 3, code: 0,
			lines: []string{"[OK] log2: 45 GiB free (90.0%) of 50 GiB", "srv/imaplogs"},
			perf:  []string{"log2_used"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := fixture.New(t)
			if tc.setup != nil {
				tc.setup(s)
			}
			f := &fakeFS{
				usage: map[string]fsstat.Usage{"partition/primary": usage(100, 60, 1000, 900), "mboxlist": usage(50, 40, 1000, 990), "queue": usage(50, 45, 1000, 990),
					"log": usage(50, 5, 1000, 990), "imaplogs": usage(50, 45, 1000, 990)},
				dev: map[string]uint64{"partition/primary": 1, "mboxlist": 2, "queue": 3, "log": tc.logDev, "imaplogs": 5},
			}
			code, o := run(t, f, s, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s", code, tc.code, o.Stdout)
			}
			if !strings.HasPrefix(o.Line1, tc.line1) {
				t.Errorf("line 1:\n got %q\nwant %q", o.Line1, tc.line1)
			}
			o.Contains(t, tc.lines...)
			if tc.name == "shares the queue's file system" {
				o.Contains(t, filepath.Join(s.Base(), "data", "queue")+", "+logDir(s))
			}
			for _, p := range tc.perf {
				if _, ok := o.Perf[p]; !ok {
					t.Errorf("no perfdata %s: %s", p, o.PerfText)
				}
			}
			for _, p := range tc.noPerf {
				if _, ok := o.Perf[p]; ok {
					t.Errorf("perfdata %s: %s", p, o.PerfText)
				}
			}
		})
	}
}

func TestUnreachableTargets(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(s *fixture.Server)
		args   []string
		statEr error
		code   int
		line1  string
	}{
		{"missing partition", func(s *fixture.Server) { s.Remove(fixture.VarRel + "/store/partition/primary") }, nil, nil, 2,
			"MSGSTORE_DISK CRITICAL - primary: %VAR%/store/partition/primary does not exist"},
		{"partition is a file", func(s *fixture.Server) {
			s.Remove(fixture.VarRel + "/store/partition/primary")
			s.Write(fixture.VarRel+"/store/partition/primary", "x", 0)
		}, nil, nil, 2, "MSGSTORE_DISK CRITICAL - primary: %VAR%/store/partition/primary not a directory"},
		{"statfs fails", nil, nil, syscall.EIO, 2, "MSGSTORE_DISK CRITICAL - primary: cannot statfs %VAR%/store/partition/primary: input/output error"},
		{"statfs permission", nil, nil, &fs.PathError{Op: "statfs", Path: "x", Err: fs.ErrPermission}, 2, "is not readable (permission denied)"},
		{"missing queue, --no-queue", func(s *fixture.Server) { s.Remove(fixture.VarRel + "/queue") }, []string{"--no-queue"}, nil, 0, "MSGSTORE_DISK OK"},
		{"unknown partition option", nil, []string{"-p", "archive"}, nil, 3, `MSGSTORE_DISK UNKNOWN - unknown partition "archive"`},
		{"bad lock threshold", nil, []string{"--lock-threshold", "150"}, nil, 3, "MSGSTORE_DISK UNKNOWN - --lock-threshold 150: must be between 1 and 100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := fixture.New(t)
			if tc.setup != nil {
				tc.setup(s)
			}
			f := &fakeFS{usage: map[string]fsstat.Usage{"partition/primary": usage(10, 8, 0, 0), "mboxlist": usage(10, 8, 0, 0), "queue": usage(10, 8, 0, 0)},
				dev: map[string]uint64{"partition/primary": 1, "mboxlist": 2, "queue": 3},
				err: map[string]error{"partition/primary": tc.statEr}}
			code, o := run(t, f, s, tc.args...)
			want := strings.ReplaceAll(tc.line1, "%VAR%", s.Var(""))
			if code != tc.code || !strings.Contains(o.Line1, want) {
				t.Fatalf("exit %d (want %d), line 1 %q, want %q", code, tc.code, o.Line1, want)
			}
		})
	}
}

func TestLockThresholdFromMsgConf(t *testing.T) {
	for _, tc := range []struct {
		key, value string
		code       int
	}{
		{"local.store.diskusagethreshold", "70", 2},
		{"local.store.diskusagethreshold", "90", 0},
		{"local.store.checkdiskusage", "no", 0},
	} {
		s := fixture.New(t)
		s.Set("local.store.diskusagethreshold", "70")
		s.Set(tc.key, tc.value)
		f := &fakeFS{usage: map[string]fsstat.Usage{"partition/primary": usage(100, 28, 0, 0), "mboxlist": usage(10, 8, 0, 0), "queue": usage(10, 8, 0, 0)},
			dev: map[string]uint64{"partition/primary": 1, "mboxlist": 2, "queue": 3}}
		code, o := run(t, f, s, "-w", "20%")
		if code != tc.code {
			t.Errorf("%s=%s: exit %d, want %d: %s", tc.key, tc.value, code, tc.code, o.Line1)
		}
	}
}

func TestBlockedStatfsTimesOut(t *testing.T) {
	s := fixture.New(t)
	f := &fakeFS{usage: map[string]fsstat.Usage{"partition/primary": usage(10, 8, 0, 0)}, dev: map[string]uint64{}, block: make(chan struct{})}
	defer close(f.block)
	start := time.Now()
	code, o := run(t, f, s, "-t", "1")
	if code != 3 || !strings.HasPrefix(o.Line1, "MSGSTORE_DISK UNKNOWN - timed out after 1s while statfs "+s.Var("store/partition/primary")) {
		t.Fatalf("exit %d: %q", code, o.Line1)
	}
	if time.Since(start) > 20*time.Second {
		t.Fatal("watchdog did not fire")
	}
}

func TestThresholdOptionErrors(t *testing.T) {
	s := fixture.New(t)
	f := &fakeFS{}
	for _, args := range [][]string{{"-w", "25"}, {"-w", "abc"}, {"-c", "101%"}, {"-W", "-5%"}, {"-K", "x"}, {"-w", "5XB"}} {
		code, o := run(t, f, s, args...)
		if code != 3 || !strings.HasPrefix(o.Line1, "MSGSTORE_DISK UNKNOWN - "+args[0]) || !strings.Contains(o.Line1, args[1]) {
			t.Errorf("%v: exit %d, %q", args, code, o.Line1)
		}
	}
	if _, o := run(t, f, s, "-w", "25"); !strings.Contains(o.Line1, "ambiguous free space") {
		t.Errorf("bare number: %q", o.Line1)
	}
}

func TestMissingBase(t *testing.T) {
	var out bytes.Buffer
	code := plugin.Execute(newSpec(&options{}, defaultProbe), []string{"-B", "/nonexistent/SUNWmsgsr"}, &out, &out, func(string) string { return "" })
	if code != 3 || out.String() != "MSGSTORE_DISK UNKNOWN - msg-svr-base /nonexistent/SUNWmsgsr (from --base) does not exist\n" {
		t.Fatalf("exit %d: %q", code, out.String())
	}
}
