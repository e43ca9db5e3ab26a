package adversarial

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// Safe with external commands: reconstruct (check_folders) and
// stored -t (check_stored --stored-cmd) run by absolute path, without a
// shell, in a minimal environment, in their own process group. The
// plugins' own tests prove most of it through their binaries:
//
//   - environment and verbatim arguments: check_folders
//     TestArgumentsAndEnvironment (SECRET and LD_PRELOAD do not leak,
//     --mailbox 'user/a b;$(id)/' arrives as one argument), check_stored
//     TestStoredCmd "minimal environment";
//   - option values that look like options: check_folders
//     TestOptionValuesCannotBecomeOptions (-p -f, --mailbox=-e, ...);
//   - relative --reconstruct refused: check_folders
//     TestReconstructThatCannotRun; --stored-cmd is taken from BASE;
//   - a hung child killed with its whole group at the timeout:
//     check_folders TestHangingReconstructIsKilledWithItsChildren and
//     TestWatchdogKillsTheGroup, check_stored TestStoredCmdTimeout,
//     lib/command TestKillEndsTheWholeGroup;
//   - a child left running when the tool exits: lib/command
//     TestLeftoverChildrenDieWithTheLeader, check_stored
//     TestStoredCmdLeftoverChildIsKilled.
//
// This test adds what none of them tries: shell syntax in the program
// path itself. Each value must reach exec as a file name (and fail as a
// missing file), never run a command.
func TestNoShellInProgramPaths(t *testing.T) {
	cases := []struct {
		name, plugin, service string
		args                  func(s *fixture.Server, mark string) []string
	}{
		{"semicolon", "check_folders", "FOLDERS", func(s *fixture.Server, mark string) []string {
			return []string{"--reconstruct", s.Base() + "/sbin/reconstruct; touch " + mark}
		}},
		{"sh -c", "check_folders", "FOLDERS", func(s *fixture.Server, mark string) []string {
			return []string{"--reconstruct", "/bin/sh -c 'touch " + mark + "'"}
		}},
		{"command substitution", "check_folders", "FOLDERS", func(s *fixture.Server, mark string) []string {
			return []string{"--reconstruct", "$(touch " + mark + ")"}
		}},
		{"semicolon", "check_stored", "STORED", func(s *fixture.Server, mark string) []string {
			return []string{"--stored-cmd", "lib/stored; touch " + mark}
		}},
		{"sh -c", "check_stored", "STORED", func(s *fixture.Server, mark string) []string {
			return []string{"--stored-cmd", "/bin/sh -c 'touch " + mark + "'"}
		}},
		{"backquotes", "check_stored", "STORED", func(s *fixture.Server, mark string) []string {
			return []string{"--stored-cmd", "lib/`touch " + mark + "`"}
		}},
	}
	for _, c := range cases {
		c := c
		t.Run(c.plugin+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			bin := plugintest.Build(t, c.plugin)
			s := fixture.New(t)
			withLiveStored(t, s)
			mark := filepath.Join(t.TempDir(), "MARK")
			args := append([]string{"-B", s.Base(), "-t", "5"}, c.args(s, mark)...)
			out := plugintest.Run(t, bin, nil, args...)
			checkContract(t, subject{service: c.service}, out)
			if out.Code != 3 {
				t.Errorf("exit %d, want 3 (cannot run):\n%s", out.Code, out.Stdout)
			}
			if _, err := os.Stat(mark); err == nil {
				t.Errorf("%v ran a shell command", args)
			}
		})
	}
}
