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

func TestStoredCmd(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body string
		relative   bool
		want       want
	}{
		{"exit 0", "[ \"$1\" = -t ] || exit 9\necho checking\necho stored is running\n", false,
			want{code: 0, out: []string{"[OK] ", "/lib/stored-t -t: exit 0: stored is running"}}},
		{"relative to BASE", "exit 0\n", true, want{code: 0, out: []string{"/lib/stored-t -t: exit 0"}}},
		{"exit 1 with its last line", "echo line one\necho 'db env: recovery needed' >&2\nexit 1\n", false,
			want{code: 2, line1: []string{"STORED CRITICAL - stored -t reports a problem (exit 1): db env: recovery needed |"}}},
		{"exit 255 without output", "exit 255\n", false,
			want{code: 2, line1: []string{"stored -t reports a problem (exit 255) |"}, out: []string{"exited 255: no output"}}},
		{"killed by a signal", "kill -9 $$\n", false,
			want{code: 3, line1: []string{"-t ended without a status: signal: killed"}}},
		{"minimal environment", "env | grep -q SECRET && { echo leaked; exit 1; }\n[ \"$LC_ALL\" = C ] || exit 2\nexit 0\n", false,
			want{code: 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := fixture.New(t)
			startStored(t, s, "ready", time.Hour)
			p := plugintest.Script(t, filepath.Join(s.Base(), "lib", "stored-t"), c.body)
			if c.relative {
				p = "lib/stored-t"
			}
			bin := plugintest.Build(t, "check_stored")
			out := plugintest.Run(t, bin, []string{"SECRET=x"}, "-B", s.Base(), "--stored-cmd", p)
			c.want.check(t, out)
		})
	}
}

func TestStoredCmdMissing(t *testing.T) {
	t.Parallel()
	s := fixture.New(t)
	startStored(t, s, "ready", time.Hour)
	out := run(t, "-B", s.Base(), "--stored-cmd", "/no/such/stored")
	want{code: 3, line1: []string{"cannot run /no/such/stored -t: no such file or directory"}}.check(t, out)
}

// TestStoredCmdTimeout: a stored -t that hangs ends in UNKNOWN at the
// timeout, and its whole process group (here a grandchild sleep) is killed.
func TestStoredCmdTimeout(t *testing.T) {
	t.Parallel()
	s := fixture.New(t)
	startStored(t, s, "ready", time.Hour)
	pidFile := s.Path("grandchild.pid")
	p := plugintest.Script(t, filepath.Join(s.Base(), "lib", "stored-hang"), fmt.Sprintf("sleep 300 &\necho $! > %s\nwait\n", pidFile))
	bin := plugintest.Build(t, "check_stored")
	out := plugintest.Run(t, bin, nil, "-B", s.Base(), "--stored-cmd", p, "-t", "2")
	want{code: 3, line1: []string{"STORED UNKNOWN - timed out after 2s while running " + p + " -t (pid "}}.check(t, out)
	if out.Elapsed > 10*time.Second {
		t.Errorf("took %v to time out after 2s", out.Elapsed)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	plugintest.WaitGone(t, []int{pid})
}
