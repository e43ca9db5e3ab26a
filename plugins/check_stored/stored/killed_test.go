package stored_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// A stored -t that hangs, with a child, when the scheduler gives up on
// check_stored: whatever signal ends the plugin, neither survives it.
func TestKilledByTheSchedulerLeavesNoStoredCmd(t *testing.T) {
	plugintest.RequireProc(t)
	tests := []struct {
		name  string
		sig   syscall.Signal
		group bool // to the plugin's whole group, as a scheduler does
	}{
		{"SIGTERM to the group", syscall.SIGTERM, true},
		{"SIGINT to the plugin", syscall.SIGINT, false},
		{"SIGHUP to the plugin", syscall.SIGHUP, false},
		{"SIGKILL to the plugin", syscall.SIGKILL, false},
		{"SIGKILL to the group", syscall.SIGKILL, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := fixture.New(t)
			startStored(t, s, "ready", time.Hour)
			pidfile := filepath.Join(t.TempDir(), "pids")
			cmd := plugintest.Script(t, filepath.Join(s.Base(), "lib", "stored-hang"), fmt.Sprintf("sleep 300 &\necho $! >> %[1]s\necho $$ >> %[1]s\nwait\n", pidfile))
			p := plugintest.Start(t, plugintest.Build(t, "check_stored"), nil, "-B", s.Base(), "--stored-cmd", cmd, "-t", "120")
			pids := plugintest.WaitForPids(t, pidfile, 2)
			if tt.group {
				p.SignalGroup(t, tt.sig)
			} else {
				p.Signal(t, tt.sig)
			}
			out := p.Wait(t)
			if tt.sig == syscall.SIGKILL {
				if out.Code != -1 || out.Stdout != "" {
					t.Errorf("a SIGKILLed plugin printed %q, exit %d", out.Stdout, out.Code)
				}
			} else {
				// The child can write its pids before the plugin has said
				// "running" (a loaded machine): "starting" is as true.
				running := fmt.Sprintf("STORED UNKNOWN - killed by %s while running %s -t (pid %d)", sigName(tt.sig), cmd, pids[1])
				starting := fmt.Sprintf("STORED UNKNOWN - killed by %s while starting %s -t", sigName(tt.sig), cmd)
				if out.Code != 3 || !strings.HasPrefix(out.Line1, running) && !strings.HasPrefix(out.Line1, starting) {
					t.Errorf("exit %d, line 1 %q; want 3 and %q", out.Code, out.Line1, running)
				}
				if len(out.Lines) != 0 {
					t.Errorf("one line expected, got %q", out.Stdout)
				}
			}
			plugintest.WaitGone(t, pids)
		})
	}
}

func sigName(sig syscall.Signal) string {
	return map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT", syscall.SIGHUP: "SIGHUP"}[sig]
}
