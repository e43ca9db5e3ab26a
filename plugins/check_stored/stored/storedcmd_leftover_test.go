package stored_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// A stored -t that exits 0 but leaves a child running (holding its output
// open) is OK, and the child dies with the group: not "UNKNOWN - ... ended
// without a status: exec: WaitDelay expired before I/O complete" with the
// child left running.
func TestStoredCmdLeftoverChildIsKilled(t *testing.T) {
	t.Parallel()
	s := fixture.New(t)
	startStored(t, s, "ready", time.Hour)
	pidFile := s.Path("leftover.pid")
	p := plugintest.Script(t, filepath.Join(s.Base(), "lib", "stored-fork"), fmt.Sprintf("sleep 300 &\necho $! > %s\necho stored is running\nexit 0\n", pidFile))
	out := run(t, "-B", s.Base(), "--stored-cmd", p, "-t", "5")
	want{code: 0, out: []string{p + " -t: exit 0: stored is running"}}.check(t, out)
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	plugintest.WaitGone(t, []int{pid})
}

// What cannot be run is said in words, not as exec's "permission denied".
func TestStoredCmdNotRunnable(t *testing.T) {
	t.Parallel()
	s := fixture.New(t)
	startStored(t, s, "ready", time.Hour)
	cases := []struct{ arg, want string }{
		{"lib", "cannot run " + s.Base() + "/lib -t: is a directory"},
		{"config/msg.conf", "cannot run " + s.Base() + "/config/msg.conf -t: is not executable (mode 0644)"},
		{"lib/none", "cannot run " + s.Base() + "/lib/none -t: no such file or directory"},
	}
	for _, c := range cases {
		out := run(t, "-B", s.Base(), "--stored-cmd", c.arg)
		want{code: 3, line1: []string{c.want}}.check(t, out)
	}
}
