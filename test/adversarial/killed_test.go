package adversarial

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// Killed by the scheduler: Nagios, Icinga 2 and NRPE end a plugin that
// overruns their own timeout with a signal to its process group, SIGTERM
// or straight SIGKILL. The programs the plugins start (reconstruct,
// stored -t) run in process groups of their own, which that signal does not
// reach; they must die all the same, with whatever they forked, instead of
// running on under init (three overlapping refreshes used to leave three
// reconstructs running at once). A caught signal is one UNKNOWN line.
func TestKilledByTheScheduler(t *testing.T) {
	plugintest.RequireProc(t)
	type tcase struct {
		name, plugin, service string
		scripts               []string // stand-ins that hang, relative to msg-svr-base
		args                  func(s *fixture.Server, state string) []string
	}
	cases := []tcase{
		{"folders run", "check_folders", "FOLDERS", []string{"sbin/reconstruct"}, func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--state-dir", state}
		}},
		{"folders refresh", "check_folders", "FOLDERS", []string{"sbin/reconstruct"}, func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--state-dir", state, "--mode=refresh"}
		}},
		{"stored -t", "check_stored", "STORED", []string{"lib/stored"}, func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--stored-cmd", "lib/stored"}
		}},
		{"overview", "check_msgstore", "MSGSTORE", []string{"sbin/reconstruct", "lib/stored"}, func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--state-dir", state, "--format=nagios", "--check", "folders,stored", "--with", "stored=--stored-cmd lib/stored"}
		}},
	}
	for _, c := range cases {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
			t.Run(fmt.Sprintf("%s/%s", c.name, strings.ToUpper(sig.String()[:4])), func(t *testing.T) {
				t.Parallel()
				s := fixture.New(t)
				withLiveStored(t, s)
				pidfile := filepath.Join(t.TempDir(), "pids")
				for _, rel := range c.scripts {
					hangingScript(t, filepath.Join(s.Base(), rel), pidfile)
				}
				args := append(c.args(s, filepath.Join(s.Root, "state")), "-t", "120")
				p := plugintest.Start(t, plugintest.Build(t, c.plugin), nil, args...)
				pids := plugintest.WaitForPids(t, pidfile, 2*len(c.scripts))
				p.SignalGroup(t, sig)
				out := p.Wait(t)
				if sig == syscall.SIGTERM {
					if out.Code != 3 || !strings.HasPrefix(out.Line1, c.service+" UNKNOWN - killed by SIGTERM while ") {
						t.Errorf("want one UNKNOWN line naming SIGTERM, exit 3; got exit %d:\n%s", out.Code, out.Stdout)
					}
				} else if out.Stdout != "" {
					t.Errorf("a SIGKILLed plugin printed %q", out.Stdout)
				}
				plugintest.WaitGone(t, pids)
			})
		}
	}
}

// hangingScript writes a program that forks a child and waits: both sleep
// until killed; both pids go to pidfile.
func hangingScript(t *testing.T, path, pidfile string) {
	t.Helper()
	body := fmt.Sprintf("#!/bin/sh\nsleep 300 &\necho $! >> %[1]s\necho $$ >> %[1]s\nwait\n", pidfile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}
