package msglogs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

const expireRE = "imexpire.*Expire finished"

var expireOpt = "default=" + expireRE + "/26h"

// expireLine is imexpire's line dated t, with the zone a real site has.
func expireLine(t time.Time) string {
	return t.In(time.FixedZone("", 2*3600)).Format("[02/Jan/2006:15:04:05 -0700]") + " mailhost imexpire[24489]: General Notice: Expire finished\n"
}

// runAt runs the check in-process as of now, so that a test can let days
// pass without waiting for them.
func runAt(t *testing.T, v *server, now time.Time, args ...string) plugintest.Output {
	t.Helper()
	env := plugin.NewTestEnv(now, nil)
	o := &options{Show: 3, MaxBytes: 256 << 20}
	o.Base, o.StateDir = v.s.Base(), v.state
	for i := 0; i < len(args); i += 2 {
		switch args[i] {
		case "-s":
			o.Services = append(o.Services, args[i+1])
		case "--expect":
			o.Expect = append(o.Expect, args[i+1])
		case "--stale-warning":
			o.StaleWarning = append(o.StaleWarning, args[i+1])
		case "--max-bytes":
			o.MaxBytes = units.Size(mustSize(t, args[i+1]))
		default:
			t.Fatalf("runAt: option %s", args[i])
		}
	}
	res, err := check(env, o)
	if err != nil {
		res = &plugin.Result{Status: plugin.UNKNOWN, Summary: err.Error()}
	}
	// As the harness does before printing: save the positions, release the locks.
	if err := env.Commit(); err != nil {
		t.Fatalf("saving state: %v", err)
	}
	return plugintest.Parse(int(res.Status), plugin.Render("MSGLOGS", res))
}

func mustSize(t *testing.T, s string) uint64 {
	n, err := units.ParseSize(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// writeLog replaces a log with lines and gives it an mtime.
func (v *server) writeLog(name string, mtime time.Time, lines ...string) {
	v.t.Helper()
	if err := os.WriteFile(v.log(name), []byte(strings.Join(lines, "")), 0o644); err != nil {
		v.t.Fatal(err)
	}
	if err := os.Chtimes(v.log(name), mtime, mtime); err != nil {
		v.t.Fatal(err)
	}
}

// TestExpectAppearsAgesOutReappearsAcrossRotation follows the sample's
// nightly "Expire finished" through three nights.
func TestExpectAppearsAgesOutReappearsAcrossRotation(t *testing.T) {
	v := newServer(t)
	args := []string{"-s", "default", "--stale-warning", "0", "--expect", expireOpt}
	last := fixture.LastExpire(v.s.Now)

	// First run: the sample's line is found in the log itself.
	now := last.Add(2 * time.Hour)
	o := runAt(t, v, now, args...)
	o.Expect(t, "MSGLOGS", 0)
	o.Contains(t, "[OK] default: last '"+expireRE+"' line 2h ago (limit 1d2h): ", "imexpire[24489]: General Notice: Expire finished")
	perfValue(t, o, "default_expect_age", 7200)
	if p := o.Perf["default_expect_age"]; p.Warn != "93600" {
		t.Errorf("default_expect_age warn %q, want 93600", p.Warn)
	}

	// The next night imexpire does not finish: past 26h it is a WARNING.
	now = last.Add(27 * time.Hour)
	o = runAt(t, v, now, args...)
	o.Expect(t, "MSGLOGS", 1)
	if o.Summary != "default: no '"+expireRE+"' line for 1d3h (limit 1d2h)" {
		t.Fatalf("summary %q", o.Summary)
	}
	perfValue(t, o, "default_expect_age", 27*3600)

	// It finishes late, the log is rotated, and the new log has nothing:
	// the line is found in the rotated file by the incremental read.
	v.append("default", expireLine(now.Add(-10*time.Minute)))
	rotated := v.rotate("default")
	o = runAt(t, v, now, args...)
	o.Expect(t, "MSGLOGS", 0)
	o.Contains(t, "default: rotated since the last check: read "+rotated+", then default", "[OK] default: last '"+expireRE+"' line 10m ago")
	perfValue(t, o, "default_expect_age", 600)

	// Still there a day later, from the state alone (nothing new read).
	o = runAt(t, v, now.Add(25*time.Hour), args...)
	o.Expect(t, "MSGLOGS", 0)
	perfValue(t, o, "default_expect_age", 25*3600+600)
	o = runAt(t, v, now.Add(27*time.Hour), append(args[:len(args):len(args)], "--expect", "default=never written/1h")...)
	// A new --expect is a new definition: its first run searches back
	// again and finds the old line in the rotated file.
	o.Expect(t, "MSGLOGS", 1)
	o.Contains(t, "default: no '"+expireRE+"' line for 1d3h (limit 1d2h)", "no 'never written' line in ")
	if _, ok := o.Perf["default_expect_age_2"]; !ok {
		t.Fatalf("no perfdata for the second --expect:\n%s", o.Stdout)
	}
}

// TestBinaryExpectFirstRunFindsItInARotatedFile: the current log is fresh
// from a rotation; the first run searches the rotated files, newest first.
func TestBinaryExpectFirstRunFindsItInARotatedFile(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name     string
		rotated  []string // oldest first: default.<n>.<epoch>, each its lines
		current  string
		code     int
		summary  string
		contains []string
		age      float64 // -1: U
	}{
		{
			name:    "in the newest rotated file",
			rotated: []string{expireLine(now.Add(-50 * time.Hour)), svcLine("stored[1]", "General", "Notice", "x") + expireLine(now.Add(-20*time.Hour))},
			current: svcLine("stored[1]", "General", "Notice", "Log created (1)"),
			code:    0, summary: "first check of 1 log", age: 20 * 3600,
			contains: []string{"[OK] default: last '" + expireRE + "' line 20h ago (limit 1d2h)"},
		},
		{
			name:    "only in an old rotated file",
			rotated: []string{expireLine(now.Add(-74 * time.Hour)), svcLine("stored[1]", "General", "Notice", "nothing")},
			current: svcLine("stored[1]", "General", "Notice", "Log created (1)"),
			code:    1, summary: "default: no '" + expireRE + "' line for 3d2h (limit 1d2h)", age: 74 * 3600,
		},
		{
			name:    "never, in 3 days of logs",
			rotated: []string{dated(now.Add(-72*time.Hour), "Log created (1)"), dated(now.Add(-30*time.Hour), "Log created (2)")},
			current: dated(now.Add(-time.Hour), "Log created (3)"),
			code:    1, summary: "default: no '" + expireRE + "' line in 3d of logs (limit 1d2h)", age: -1,
		},
		{
			name:    "never, but the logs cover 5 hours",
			current: dated(now.Add(-5*time.Hour), "Log created (3)"),
			code:    0, age: -1,
			contains: []string{"[OK] default: no '" + expireRE + "' line yet, but the logs cover only 5h (limit 1d2h)"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := newServer(t)
			for i, content := range tc.rotated {
				name := fmt.Sprintf("default.%d.%d", 10+i, 1795000000+i)
				v.writeLog(name, now.Add(-time.Duration(len(tc.rotated)-i)*time.Hour), content)
			}
			v.writeLog("default", now.Add(-time.Minute), tc.current)
			o := v.run("-s", "default", "--stale-warning", "0", "--expect", expireOpt)
			o.Expect(t, "MSGLOGS", tc.code)
			if tc.summary != "" && !strings.HasPrefix(o.Summary, tc.summary) {
				t.Fatalf("summary %q, want %q", o.Summary, tc.summary)
			}
			o.Contains(t, tc.contains...)
			checkAge(t, o, tc.age)
			// The second run reads the state, not the rotated files.
			o2 := v.run("-s", "default", "--stale-warning", "0", "--expect", expireOpt)
			o2.Expect(t, "MSGLOGS", tc.code)
			if strings.Contains(o2.Stdout, "first check") {
				t.Fatalf("second run is a first check:\n%s", o2.Stdout)
			}
		})
	}
}

func dated(t time.Time, msg string) string {
	return t.UTC().Format("[02/Jan/2006:15:04:05 -0700]") + " mailhost stored[28250]: General Notice: " + msg + "\n"
}

// checkAge checks default_expect_age to the minute (the binary runs with
// the real clock); -1 wants U.
func checkAge(t *testing.T, o plugintest.Output, want float64) {
	t.Helper()
	if want < 0 {
		if !strings.Contains(o.Stdout, "default_expect_age=U") {
			t.Fatalf("default_expect_age is not U:\n%s", o.Stdout)
		}
		return
	}
	p, ok := o.Perf["default_expect_age"]
	if !ok || p.Value < want || p.Value > want+60 {
		t.Fatalf("default_expect_age %v (present %v), want %v:\n%s", p.Value, ok, want, o.Stdout)
	}
}

// TestBinaryExpectSearchCapped: the line lies beyond what --max-bytes lets
// the first run read; it says so (UNKNOWN, the logs read cover too little to
// judge) and the search is tried again by the next run.
func TestBinaryExpectSearchCapped(t *testing.T) {
	now := time.Now()
	v := newServer(t)
	v.writeLog("default.10.1795000000", now.Add(-3*time.Hour), expireLine(now.Add(-30*time.Hour)))
	filler := strings.Repeat(dated(now.Add(-2*time.Hour), strings.Repeat("filler ", 20)), 2000) // ~300 KiB
	v.writeLog("default.11.1795000001", now.Add(-2*time.Hour), filler)
	v.writeLog("default", now.Add(-time.Minute), dated(now.Add(-time.Hour), "Log created (3)"))
	args := []string{"-s", "default", "--stale-warning", "0", "--expect", expireOpt, "--max-bytes", "64KiB"}
	for run := 0; run < 2; run++ {
		o := v.run(args...)
		o.Expect(t, "MSGLOGS", 3)
		o.Contains(t, "default: search for '"+expireRE+"' incomplete",
			"the search back stopped after 1 file (max bytes reached): the next run searches again")
	}
	o := v.run("-s", "default", "--stale-warning", "0", "--expect", expireOpt)
	o.Expect(t, "MSGLOGS", 1)
	o.Contains(t, "no '"+expireRE+"' line for 1d6h")

	// An old match at the start of a file the cap cut short: a newer one
	// may follow in the unread rest, so it is not taken as the answer.
	w := newServer(t)
	w.writeLog("default", now.Add(-time.Minute), expireLine(now.Add(-30*time.Hour))+filler)
	for run := 0; run < 2; run++ {
		o := w.run(args...)
		o.Expect(t, "MSGLOGS", 3)
		o.Contains(t, "default: '"+expireRE+"' line last seen 1d6h ago, search of older logs incomplete",
			"the search back stopped after 0 files (max bytes reached)")
	}
}

// TestBinaryExpectStateSurvivesCrashes: a run killed at any moment, the
// temporary file a kill during a save leaves, and a half-written state file
// all end in a run that knows (or finds again) the last line.
func TestBinaryExpectStateSurvivesCrashes(t *testing.T) {
	now := time.Now()
	v := newServer(t)
	v.writeLog("default.10.1795000000", now.Add(-3*time.Hour), expireLine(now.Add(-20*time.Hour)))
	// A large rotated file makes the first run's search long enough to be
	// killed in the middle, though the test holds whenever the kill lands.
	v.writeLog("default.11.1795000001", now.Add(-2*time.Hour), strings.Repeat(dated(now.Add(-2*time.Hour), strings.Repeat("busy ", 40)), 100000))
	v.writeLog("default", now.Add(-time.Minute), dated(now.Add(-time.Hour), "Log created (3)"))
	args := []string{"-B", v.s.Base(), "--state-dir", v.state, "-s", "default", "--stale-warning", "0", "--expect", expireOpt}

	cmd := exec.Command(v.bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	o := v.run(args[4:]...)
	if o.Code != 0 {
		t.Fatalf("after a killed run: exit %d:\n%s", o.Code, o.Stdout)
	}
	checkAge(t, o, 20*3600)

	// What a kill between writing and renaming the state leaves behind.
	stateFile := onlyStateFile(t, v.state, "check_msglogs.default.*.json")
	if err := os.WriteFile(filepath.Join(v.state, "."+filepath.Base(stateFile)+".123.tmp"), []byte(`{"version":1,`), 0o600); err != nil {
		t.Fatal(err)
	}
	o = v.run(args[4:]...)
	o.Expect(t, "MSGLOGS", 0)
	checkAge(t, o, 20*3600)

	// A state file cut in the middle: WARNING for the lost position, and
	// the expected line is searched for again, not forgotten.
	b, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stateFile, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	o = v.run(args[4:]...)
	o.Expect(t, "MSGLOGS", 1)
	o.Contains(t, "state was unusable", "[OK] default: last '"+expireRE+"' line 20h ago")
	checkAge(t, o, 20*3600)
	o = v.run(args[4:]...)
	o.Expect(t, "MSGLOGS", 0)
	checkAge(t, o, 20*3600)
}

func onlyStateFile(t *testing.T, dir, glob string) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, glob))
	if err != nil || len(m) != 1 {
		t.Fatalf("state files %v, %v", m, err)
	}
	return m[0]
}

// TestBinaryExpectOnTheSample: the healthy sample's nightly line is
// recent, the broken sample's three days old.
func TestBinaryExpectOnTheSample(t *testing.T) {
	v := newServer(t)
	o := v.run("-s", "default", "--expect", expireOpt)
	o.Expect(t, "MSGLOGS", 0)
	o = v.run("-s", "default", "--expect", expireOpt, "--expect-critical")
	o.Expect(t, "MSGLOGS", 0)

	b := newServer(t)
	if err := b.s.Break(); err != nil {
		t.Fatal(err)
	}
	o = b.run("-s", "default", "--expect", expireOpt)
	o.Expect(t, "MSGLOGS", 1)
	o.Contains(t, "default: no '"+expireRE+"' line for 3d")
	o = b.run("-s", "default", "--expect", expireOpt, "--expect-critical")
	o.Expect(t, "MSGLOGS", 2)
	if p := o.Perf["default_expect_age"]; p.Crit != "93600" || p.Warn != "" {
		t.Errorf("with --expect-critical: warn %q crit %q", p.Warn, p.Crit)
	}
}

func TestBinaryExpectBadOptions(t *testing.T) {
	v := newServer(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--expect", "default=Expire finished"}, "no MAXAGE"},
		{[]string{"--expect", "default=x/soon"}, `MAXAGE "soon" after the last '/'`},
		{[]string{"-s", "imap", "--expect", expireOpt}, "default is not among --service imap"},
		{[]string{"--mta-xml-code", "e c"}, "not an attribute name"},
	} {
		o := v.run(tc.args...)
		o.Expect(t, "MSGLOGS", 3)
		o.Contains(t, tc.want)
	}
}
