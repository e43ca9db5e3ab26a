package msgqueue

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

const queueRel = fixture.VarRel + "/queue"

// run parses args as the binary would and runs the check at now.
func run(t *testing.T, now time.Time, args ...string) (*plugin.Result, string) {
	t.Helper()
	spec := Spec()
	if _, err := plugin.NewParser(spec).ParseArgs(args); err != nil {
		t.Fatalf("options %v: %v", args, err)
	}
	env := plugin.NewTestEnv(now, nil)
	env.Verbose = spec.Options.CommonOptions().VerboseLevel()
	res, err := spec.Check(env)
	if err != nil {
		var f *plugin.Failure
		if !asFailure(err, &f) {
			t.Fatalf("check: %v", err)
		}
		res = &plugin.Result{Status: f.Status, Summary: f.Msg}
	}
	return res, plugin.Render(spec.Service, res)
}

func asFailure(err error, f **plugin.Failure) bool {
	ff, ok := err.(*plugin.Failure)
	*f = ff
	return ok
}

// sample is the healthy sample server with its queue, and the options that
// point the check at it with a private state directory.
func sample(t *testing.T) (*fixture.Server, []string) {
	t.Helper()
	s := fixture.New(t)
	return s, []string{"-B", s.Base(), "--state-dir", filepath.Join(t.TempDir(), "state")}
}

func perf(t *testing.T, out, label string) plugintest.Perf {
	t.Helper()
	line1, _, _ := strings.Cut(out, "\n")
	_, p, _ := strings.Cut(line1, " | ")
	v, ok := plugintest.ParsePerf(p)[label]
	if !ok {
		t.Fatalf("no perfdata %q in %s", label, line1)
	}
	return v
}

func wantStatus(t *testing.T, res *plugin.Result, out string, s plugin.Status) {
	t.Helper()
	if res.Status != s {
		t.Fatalf("state %v, want %v:\n%s", res.Status, s, out)
	}
}

func contains(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestHealthySample(t *testing.T) {
	s, args := sample(t)
	res, out := run(t, s.Now, args...)
	wantStatus(t, res, out, plugin.OK)
	contains(t, out,
		"MSGQUEUE OK - 2 messages waiting in 2 channels, oldest 1d in ims-ms |",
		"[OK] ims-ms: 1 message, 0 held, oldest 1d, no delivery attempt yet",
		"[OK] tcp_local: 1 message, 0 held, oldest 1d",
		"[OK] ims-ms growth: collecting history (1 run so far")
	for label, want := range map[string]float64{
		"messages": 2, "held": 0, "ims-ms_messages": 1, "tcp_local_messages": 1,
		"ims-ms_held": 0, "ims-ms_oldest": 86400, "tcp_local_oldest": 86400,
	} {
		if got := perf(t, out, label); got.Value != want {
			t.Errorf("%s = %v, want %v", label, got.Value, want)
		}
	}
	if p := perf(t, out, "ims-ms_oldest"); p.Unit != "s" || p.Min != "0" {
		t.Errorf("ims-ms_oldest perfdata %+v", p)
	}
}

// queueTree builds a queue in the documented layouts (6.3 and 7 examples)
// under the sample server's queue directory.
func queueTree(s *fixture.Server) {
	q := queueRel
	s.Remove(q)
	files := []struct {
		rel string
		age time.Duration
	}{
		// 6.3: numbered subdirectories.
		{"/ims-ms/000/ZZ0Kf5r4i0Wdy51.00", 2 * time.Minute},
		{"/ims-ms/000/ZZ1Kf5r4i0Wdy52.00", 5 * time.Minute},
		{"/ims-ms/001/ZY2Kf5r4i0Wdy53.00", 40 * time.Minute}, // 1 attempt
		{"/ims-ms/001/ZZ3Kf5r4i0Wdy54.HELD", 30 * 24 * time.Hour},
		{"/tcp_local/002/ZZf0r4i0Wdy51.01", 3 * time.Hour},
		{"/tcp_local/002/YZf0r4i0Wdy52.01", 50 * time.Hour}, // 36 attempts
		{"/tcp_local/017/ZAf0r4i0Wdy53.00", 6 * time.Hour},  // 25 attempts
		{"/tcp_local/017/ZZf0r4i0Wdy54.00.HELD", time.Hour},
		{"/tcp_local/017/$ZZtmp0001.00", 10 * 24 * time.Hour}, // being written
		// MS 7: files directly in the channel directory.
		{"/tcp_intranet/ZZi0D4d9f5mwC.00", 10 * time.Minute},
		{"/tcp_intranet/Z0i0D4d9f5mwD.00", 20 * time.Minute}, // 35 attempts
		// Not queue files: ignored.
		{"/tcp_intranet/README", 100 * 24 * time.Hour},
		{"/tcp_intranet/.nfs0001", 100 * 24 * time.Hour},
		{"/tcp_intranet/zz", 100 * 24 * time.Hour},
		{"/$ZZtemp.00", time.Hour}, // MTA temp file in the top directory
		{"/ims-ms/000/deeper/ZZ9Kf5r4i0Wdy59.00", 300 * 24 * time.Hour},
	}
	for _, f := range files {
		s.Write(q+f.rel, "Received: from x\n", f.age)
	}
	if err := os.MkdirAll(s.Path(q+"/reprocess"), 0o755); err != nil {
		panic(err)
	}
}

func TestDocumentedLayout(t *testing.T) {
	s, args := sample(t)
	queueTree(s)
	res, out := run(t, s.Now, args...)
	wantStatus(t, res, out, plugin.OK)
	contains(t, out,
		"MSGQUEUE OK - 8 messages waiting in 3 channels, oldest 2d2h in tcp_local |",
		"[OK] ims-ms: 3 messages, 1 held, oldest 40m, up to 1 delivery attempt\n",
		"[OK] tcp_local: 3 messages, 1 held, oldest 2d2h, up to 36 delivery attempts\n",
		"[OK] tcp_intranet: 2 messages, 0 held, oldest 20m, up to 35 delivery attempts\n",
		"[OK] reprocess: 0 messages, 0 held\n",
		"[OK] 2 held messages in 2 channels",
	)
	for label, want := range map[string]float64{
		"messages": 8, "held": 2, "ims-ms_messages": 3, "ims-ms_held": 1, "ims-ms_oldest": 2400,
		"tcp_local_messages": 3, "tcp_local_held": 1, "tcp_local_oldest": 50 * 3600,
		"tcp_intranet_messages": 2, "tcp_intranet_oldest": 1200, "reprocess_messages": 0,
	} {
		if got := perf(t, out, label); got.Value != want {
			t.Errorf("%s = %v, want %v", label, got.Value, want)
		}
	}
	// -v names the oldest file and the files that were left out.
	_, out = run(t, s.Now, append(args, "-v")...)
	contains(t, out,
		"oldest 2d2h (002/YZf0r4i0Wdy52.01)",
		"tcp_intranet: 2 messages, 0 held, oldest 20m (Z0i0D4d9f5mwD.00), up to 35 delivery attempts; 0 being written, 3 other files",
		"tcp_local: 3 messages, 1 held, oldest 2d2h (002/YZf0r4i0Wdy52.01), up to 36 delivery attempts; 1 being written, 0 other files",
		"ims-ms: 3 messages, 1 held, oldest 40m (001/ZY2Kf5r4i0Wdy53.00), up to 1 delivery attempt; 0 being written, 1 other files",
		"1 temporary files in the top directory")
}

func TestThresholds(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		status  plugin.Status
		summary string
		perf    map[string][2]string // label -> warn, crit
	}{
		{"generic warning", []string{"-w", "2"}, plugin.WARNING,
			"ims-ms: 3 messages waiting (warning 2) (+1 more)", map[string][2]string{"tcp_local_messages": {"2", ""}}},
		{"channel override wins", []string{"-w", "2", "--channel-warning", "ims-ms=5", "--channel-warning", "tcp_local=10"}, plugin.OK,
			"8 messages waiting in 3 channels", map[string][2]string{"ims-ms_messages": {"5", ""}, "tcp_intranet_messages": {"2", ""}}},
		{"channel critical", []string{"-c", "100", "--channel-critical", "ims-ms=2"}, plugin.CRITICAL,
			"ims-ms: 3 messages waiting (critical 2)", map[string][2]string{"ims-ms_messages": {"", "2"}, "tcp_local_messages": {"", "100"}}},
		{"range form: at least one", []string{"--channel-warning", "reprocess=1:"}, plugin.WARNING,
			"reprocess: 0 messages waiting (warning 1:)", nil},
		{"age warning", []string{"--age-warning", "1d"}, plugin.WARNING,
			"tcp_local: oldest message waiting 2d2h (warning 1d)", map[string][2]string{"tcp_local_oldest": {"86400", ""}}},
		{"age per channel", []string{"--age-critical", "3d", "--channel-age-critical", "ims-ms=30m"}, plugin.CRITICAL,
			"ims-ms: oldest message waiting 40m (critical 30m)", map[string][2]string{"ims-ms_oldest": {"", "1800"}, "tcp_local_oldest": {"", "259200"}}},
		{"held", []string{"--held-warning", "0", "--held-critical", "5"}, plugin.WARNING,
			"2 held messages (warning 0)", map[string][2]string{"held": {"0", "5"}}},
		{"ignored channel", []string{"-w", "2", "--ignore-channel", "tcp_*", "--ignore-channel", "ims-ms"}, plugin.OK,
			"0 messages", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, args := sample(t)
			queueTree(s)
			res, out := run(t, s.Now, append(args, tt.args...)...)
			wantStatus(t, res, out, tt.status)
			contains(t, out, tt.summary)
			for label, wc := range tt.perf {
				p := perf(t, out, label)
				if p.Warn != wc[0] || p.Crit != wc[1] {
					t.Errorf("%s warn;crit = %q;%q, want %q;%q", label, p.Warn, p.Crit, wc[0], wc[1])
				}
			}
		})
	}
}

func TestIgnoredChannelsAreNotCounted(t *testing.T) {
	s, args := sample(t)
	queueTree(s)
	_, out := run(t, s.Now, append(args, "--ignore-channel", "tcp_*")...)
	if strings.Contains(out, "tcp_local") || strings.Contains(out, "tcp_intranet") {
		t.Errorf("ignored channels reported:\n%s", out)
	}
	contains(t, out, "3 messages waiting in 1 channel,")
}

func TestNamedChannelWithoutDirectory(t *testing.T) {
	s, args := sample(t)
	res, out := run(t, s.Now, append(args, "--channel-critical", "tcp_intranet=5")...)
	wantStatus(t, res, out, plugin.OK)
	contains(t, out, "[OK] tcp_intranet: 0 messages (no queue directory ")
	if p := perf(t, out, "tcp_intranet_messages"); p.Value != 0 || p.Crit != "5" {
		t.Errorf("perf %+v", p)
	}
}

func TestQueueDirectory(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		s, args := sample(t)
		s.Remove(queueRel)
		res, out := run(t, s.Now, args...)
		wantStatus(t, res, out, plugin.UNKNOWN)
		contains(t, out, "MSGQUEUE UNKNOWN - cannot read the MTA queue "+s.Var("queue")+" (IMTA_QUEUE in ", "does not exist")
	})
	t.Run("not a directory", func(t *testing.T) {
		s, args := sample(t)
		s.Remove(queueRel)
		s.Write(queueRel, "x", time.Hour)
		res, out := run(t, s.Now, args...)
		wantStatus(t, res, out, plugin.UNKNOWN)
		contains(t, out, "not a directory")
	})
	t.Run("without imta_tailor: BASE/data/queue", func(t *testing.T) {
		s, args := sample(t)
		s.Remove(fixture.VarRel + "/config/imta_tailor")
		res, out := run(t, s.Now, append(args, "-v")...)
		wantStatus(t, res, out, plugin.OK)
		contains(t, out, "queue "+filepath.Join(s.Base(), "data", "queue")+" (BASE/data/queue)")
	})
	t.Run("IMTA_QUEUE elsewhere", func(t *testing.T) {
		s, args := sample(t)
		other := t.TempDir()
		s.Write(fixture.VarRel+"/config/imta_tailor", "! moved\nIMTA_QUEUE="+other+"/\n", time.Hour)
		res, out := run(t, s.Now, args...)
		wantStatus(t, res, out, plugin.OK)
		contains(t, out, "queue empty (1 channel)") // ims-ms, the growth channel
	})
	t.Run("--queue-dir needs no base", func(t *testing.T) {
		s, _ := sample(t)
		res, out := run(t, s.Now, "--queue-dir", s.Var("queue"), "--no-growth", "-B", "/nonexistent")
		wantStatus(t, res, out, plugin.OK)
		contains(t, out, "2 messages waiting in 2 channels")
	})
	t.Run("no base", func(t *testing.T) {
		res, out := run(t, time.Now(), "-B", "/nonexistent/msg", "--no-growth")
		wantStatus(t, res, out, plugin.UNKNOWN)
		contains(t, out, "/nonexistent/msg (from --base) does not exist")
	})
}

func TestUnreadableChannel(t *testing.T) {
	c := &channel{Name: "tcp_local", Dir: filepath.Join(t.TempDir(), "gone"), Exists: true}
	scanChannel(context.Background(), c, func(string) {})
	if c.Err == nil {
		t.Fatal("no error for a missing channel directory")
	}
	res := &plugin.Result{}
	found := reportChannel(plugin.NewTestEnv(time.Now(), nil), res, c, &options{})
	if res.Status != plugin.UNKNOWN || len(found) != 1 || !strings.Contains(found[0].Short, "tcp_local: cannot read ") {
		t.Errorf("status %v, findings %v", res.Status, found)
	}
}

func TestCancelledScanStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := readDir(ctx, t.TempDir(), func(fs.DirEntry) {}); err == nil {
		t.Error("readDir went on after the timeout")
	}
}

func TestLargeQueueIsStreamed(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 5000 files")
	}
	s, args := sample(t)
	dir := s.Var("queue/tcp_local/003")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	const n = 5000
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("ZZbulk%06d.00", i)
		if i%100 == 0 {
			name += ".HELD"
		}
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, out := run(t, s.Now, args...)
	wantStatus(t, res, out, plugin.OK)
	if p := perf(t, out, "tcp_local_messages"); p.Value != n-n/100+1 {
		t.Errorf("tcp_local_messages = %v", p.Value)
	}
	if p := perf(t, out, "tcp_local_held"); p.Value != n/100 {
		t.Errorf("tcp_local_held = %v", p.Value)
	}
}

// TestNeverWritesUnderTheQueue compares every path and mtime of the sample
// before and after runs with all features on.
func TestNeverWritesUnderTheQueue(t *testing.T) {
	s, args := sample(t)
	queueTree(s)
	before := plugintest.Snapshot(t, s.Root)
	for i := 0; i < 3; i++ {
		run(t, s.Now.Add(time.Duration(i)*5*time.Minute), append(args, "-v", "--age-warning", "1h", "-w", "1")...)
	}
	if d := plugintest.SnapshotDiff(before, plugintest.Snapshot(t, s.Root)); len(d) > 0 {
		t.Errorf("the sample tree changed:\n%s", strings.Join(d, "\n"))
	}
}

func TestClassifyAndAttempts(t *testing.T) {
	tests := []struct {
		name     string
		kind     kind
		attempts int
		ok       bool
	}{
		{"ZZ0Kf5r4i0Wdy51.00", kindMessage, 0, true},
		{"ZY0Kf5r4i0Wdy51.00", kindMessage, 1, true},
		{"ZA0Kf5r4i0Wdy51.00", kindMessage, 25, true},
		{"Z00Kf5r4i0Wdy51.00", kindMessage, 35, true},
		{"YZ0Kf5r4i0Wdy51.00", kindMessage, 36, true},
		{"00abc.00", kindMessage, 35*36 + 35, true},
		{"ZZ0F7O00I03CJHZD.00", kindMessage, 0, true},
		{"zz0abc.00", kindMessage, 0, false}, // lower case: counted, attempts unknown
		{"ZZ0Kf5r4i0Wdy51.HELD", kindHeld, 0, true},
		{"ZZ0Kf5r4i0Wdy51.00.held", kindHeld, 0, true},
		{"$ZZ0Kf5r4i0Wdy51.00", kindTemp, 0, false},
		{".nfs123", kindOther, 0, false},
		{"README", kindOther, 0, false},
		{"ZZ.00", kindOther, 0, false},
		{"ZZabc.", kindOther, 0, false},
		{"Z-abc.00", kindOther, 0, false},
		{"", kindOther, 0, false},
	}
	for _, tt := range tests {
		if k := classify(tt.name); k != tt.kind {
			t.Errorf("classify(%q) = %v, want %v", tt.name, k, tt.kind)
		}
		if tt.kind == kindMessage || tt.kind == kindHeld {
			if a, ok := attempts(tt.name); a != tt.attempts || ok != tt.ok {
				t.Errorf("attempts(%q) = %d %v, want %d %v", tt.name, a, ok, tt.attempts, tt.ok)
			}
		}
	}
}

func TestParseTailor(t *testing.T) {
	m := parseTailor(strings.NewReader("! comment\n# other\nIMTA_QUEUE=/a/\n  IMTA_LOG = /b/ \nbroken\n=x\nIMTA_QUEUE=\"/c/queue/\"\n"))
	if m["IMTA_QUEUE"] != "/c/queue/" || m["IMTA_LOG"] != "/b/" || len(m) != 2 {
		t.Errorf("parseTailor = %v", m)
	}
}

func TestBadOptions(t *testing.T) {
	for _, args := range [][]string{
		{"--channel-warning", "ims-ms"},
		{"--channel-warning", "=5"},
		{"--channel-critical", "ims-ms=abc"},
		{"--channel-age-warning", "ims-ms=soon"},
		{"--age-warning", "x"},
		{"-w", "5:1"},
	} {
		if _, err := plugin.NewParser(Spec()).ParseArgs(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--growth-window", "10s"}, "--growth-window 10s: must be at least 1m"},
		{[]string{"--growth-warning", "0"}, "--growth-warning 0: must be a number of messages above 0"},
		{[]string{"--growth-critical", "-1"}, "--growth-critical -1"},
		{[]string{"--ignore-channel", "[x"}, `--ignore-channel "[x"`},
	} {
		// Refused before the check runs, as go-flags' own errors are.
		_, args := sample(t)
		var out bytes.Buffer
		code := plugin.Execute(Spec(), append(args, tc.args...), &out, &out, func(string) string { return "" })
		if code != 3 || !strings.HasPrefix(out.String(), "MSGQUEUE UNKNOWN - "+tc.want) || !strings.Contains(out.String(), "(see check_msgqueue --help)") {
			t.Errorf("%v: exit %d %q, want UNKNOWN %q", tc.args, code, out.String(), tc.want)
		}
	}
}

func TestSpecIsFresh(t *testing.T) {
	a := Spec()
	if _, err := plugin.NewParser(a).ParseArgs([]string{"-w", "5", "--growth-channel", "x"}); err != nil {
		t.Fatal(err)
	}
	b := Spec()
	o := b.Options.(*options)
	if o.Warning.IsSet() || len(o.GrowthChannels) != 0 {
		t.Errorf("Spec() shares options: %+v", o)
	}
	if _, err := plugin.NewParser(b).ParseArgs(nil); err != nil {
		t.Fatal(err)
	}
	if len(o.GrowthChannels) != 1 || o.GrowthChannels[0] != "ims-ms" || o.GrowthWindow.D() != 30*time.Minute || o.GrowthWarning != 50 {
		t.Errorf("defaults: %+v", o)
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"ZZ0Kf5r4i0Wdy51.00", "$x", ".a", "YZa.HELD", "ZZ\xff.00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		k := classify(name)
		a, ok := attempts(name)
		if ok && (a < 0 || a > 36*36-1) {
			t.Fatalf("attempts(%q) = %d", name, a)
		}
		if k == kindMessage && (name[0] == '$' || name[0] == '.') {
			t.Fatalf("%q is a message", name)
		}
	})
}

func FuzzParseTailor(f *testing.F) {
	f.Add("IMTA_QUEUE=/var/opt/SUNWmsgsr/queue/\n! c\n")
	f.Add("=\n\"\n==\nA=\"")
	f.Fuzz(func(t *testing.T, in string) {
		for k := range parseTailor(strings.NewReader(in)) {
			if k == "" || strings.ContainsAny(k, "\n") {
				t.Fatalf("key %q", k)
			}
		}
	})
}

var _ = math.NaN
