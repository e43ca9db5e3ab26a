package folders_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
	"github.com/msgstore-plugins/msgstore/plugins/check_folders/folders"
)

// execute runs spec in-process through the harness: option parsing,
// watchdog and rendering as in the binary.
func execute(t *testing.T, spec plugin.Spec, args ...string) (int, string) {
	t.Helper()
	out := plugintest.RunSpec(t, spec, nil, args...)
	return out.Code, out.Stdout
}

func TestInProcessSpecsAreIndependent(t *testing.T) {
	s := fixture.New(t)
	s.Write(simulateRel, "damaged\n", 0)
	a, b := folders.Spec(), folders.Spec()
	code, out := execute(t, a, "-B", s.Base(), "-c", "10")
	if code != 0 || !strings.HasPrefix(out, "FOLDERS OK - 3 damaged folders") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// b has its own (default) options: -c 0.
	code, out = execute(t, b, "-B", s.Base())
	if code != 2 || !strings.HasPrefix(out, "FOLDERS CRITICAL - 3 damaged folders") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// The watchdog is the safety net behind the check's own deadline: when it
// fires first, its OnTimeout hook kills reconstruct's whole group before
// UNKNOWN is printed.
func TestWatchdogKillsTheGroup(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	s := fixture.New(t)
	pidfile := filepath.Join(t.TempDir(), "pids")
	rc := plugintest.Script(t, "reconstruct", fmt.Sprintf(`( sleep 300 & echo $! >> %[1]s; sleep 300 ) &
echo $! >> %[1]s
echo $$ >> %[1]s
until [ "$(grep -c . %[1]s)" -ge 3 ]; do sleep 0.02; done
sleep 300
`, pidfile))
	spec := folders.Spec()
	check := spec.Check
	spec.Check = func(env *plugin.Env) (*plugin.Result, error) {
		env.Now = env.Now.Add(time.Hour) // pushes the check's own deadline past the watchdog's
		return check(env)
	}
	code, out := execute(t, spec, "-B", s.Base(), "--reconstruct", rc, "-t", "1")
	want := "FOLDERS UNKNOWN - timed out after 1s while running " + rc + " -r -n (killed with its children at the timeout)"
	if code != 3 || !strings.HasPrefix(out, want) {
		t.Fatalf("exit %d:\n%s\nwant %s", code, out, want)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(pidfile)
		var left []string
		for _, f := range strings.Fields(string(b)) {
			pid, _ := strconv.Atoi(f)
			if plugintest.Alive(pid) {
				left = append(left, f)
			}
		}
		if len(strings.Fields(string(b))) == 3 && len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pids %q, still alive %v", b, left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
