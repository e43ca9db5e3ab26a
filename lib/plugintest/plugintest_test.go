package plugintest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

type echoOptions struct {
	plugin.Common
	Say string `long:"say" value-name:"TEXT" description:"text of line 1"`
}

// echoSpec is a plugin whose line 1 is --say and whose long output names
// the environment variable GREETING, so that a test sees what reached it.
func echoSpec() plugin.Spec {
	o := &echoOptions{}
	return plugin.Spec{
		Name: "check_echo", Service: "ECHO", Options: o,
		Check: func(env *plugin.Env) (*plugin.Result, error) {
			r := &plugin.Result{}
			r.Add(plugin.WARNING, "%s", o.Say)
			r.Add(plugin.OK, "greeting %s, LC_ALL %s", env.Getenv("GREETING"), env.Getenv("LC_ALL"))
			r.AddPerf(plugin.NewPerf("things", 3, ""))
			return r, nil
		},
	}
}

func TestRunSpecParsesAsABinaryRun(t *testing.T) {
	out := plugintest.RunSpec(t, echoSpec(), []string{"GREETING=hello"}, "--say", "look")
	out.Expect(t, "ECHO", 1)
	if out.Summary != "look" {
		t.Errorf("summary %q, want %q\n%s", out.Summary, "look", out.Stdout)
	}
	out.Contains(t, "greeting hello, LC_ALL C")
	if p, ok := out.Perf["things"]; !ok || p.Value != 3 {
		t.Errorf("perfdata things = %+v (present %v)\n%s", p, ok, out.Stdout)
	}
}

func TestRunSpecReportsAnOptionErrorAsUnknown(t *testing.T) {
	out := plugintest.RunSpec(t, echoSpec(), nil, "--no-such-option")
	if out.Code != 3 {
		t.Fatalf("exit %d, want 3\n%s", out.Code, out.Stdout)
	}
}

func TestScriptRuns(t *testing.T) {
	for _, path := range []string{"tool", filepath.Join(t.TempDir(), "sub", "tool")} {
		p := plugintest.Script(t, path, "echo ran \"$1\"\n")
		b, err := exec.Command(p, "x").Output()
		if err != nil || strings.TrimSpace(string(b)) != "ran x" {
			t.Errorf("%s: output %q, error %v", p, b, err)
		}
	}
}

func TestDeadPidIsNotAlive(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	if !plugintest.Alive(os.Getpid()) {
		t.Fatal("this process is not alive")
	}
	if pid := plugintest.DeadPid(t); plugintest.Alive(pid) {
		t.Errorf("pid %d is alive", pid)
	}
}

func TestSnapshotSeesEveryChange(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a", "one")
	write("b", "two")
	before := plugintest.Snapshot(t, dir)
	if d := plugintest.SnapshotDiff(before, plugintest.Snapshot(t, dir)); len(d) != 0 {
		t.Fatalf("unchanged tree differs: %q", d)
	}
	write("a", "ONE")
	os.Remove(filepath.Join(dir, "b"))
	write("c", "three")
	got := plugintest.SnapshotDiff(before, plugintest.Snapshot(t, dir))
	// The directory itself changed too: its mtime moved.
	want := []string{"changed .", "changed a", "created c", "removed b"}
	if len(got) != len(want) {
		t.Fatalf("diff %q, want %d entries", got, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("diff[%d] = %q, want it to start with %q", i, got[i], want[i])
		}
	}
}

func TestAgePattern(t *testing.T) {
	re := plugintest.AgePattern("stored.ckp {age} old (x.y)")
	for s, want := range map[string]bool{
		"stored.ckp 20s old (x.y)":    true,
		"stored.ckp 6m3s old (x.y)":   true,
		"stored.ckp -1s old (x.y)":    true,
		"stored.ckp old (x.y)":        false,
		"stored.ckp 20s old (xzy)":    false,
		"stored.ckp soon old (x.y)":   false,
		"a stored.ckp 2d4h old (x.y)": true,
	} {
		if got := re.MatchString(s); got != want {
			t.Errorf("AgePattern matches %q = %v, want %v", s, got, want)
		}
	}
}
