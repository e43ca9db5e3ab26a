package adversarial

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
)

const (
	storedPidRel = fixture.VarRel + "/proc/store"
	// storedCmdRel is a stand-in for BASE/lib/stored (stored -t), run by
	// the --stored-cmd mode: it only prints a line and exits 0.
	storedCmdRel = fixture.BaseRel + "/lib/stored"
)

// withLiveStored puts the pid of the suite's stand-in stored (a live
// process named stored) into the sample's pid file, as a running server's.
func withLiveStored(t *testing.T, s *fixture.Server) {
	s.Write(storedPidRel, fmt.Sprintf("%d ready\n", storedPid), 7*time.Hour)
}

func init() {
	register(subject{
		plugin: "check_stored", service: "STORED",
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base()}
		},
		prepare: func(t *testing.T, s *fixture.Server) {
			withLiveStored(t, s)
			s.Write(storedCmdRel, "#!/bin/sh\necho 'stored: all checks passed'\n", 24*time.Hour)
			if err := os.Chmod(s.Path(storedCmdRel), 0o755); err != nil {
				t.Fatal(err)
			}
		},
		modes: [][]string{{"--stored-cmd", "lib/stored"}, {"--stored-cmd", "lib/stored", "-v", "-v", "-v"}},
		inputs: []input{
			// The pid file: anything but "<pid> ready" of a live stored is
			// malformed (UNKNOWN, named) or says stored is gone (CRITICAL).
			{rel: storedPidRel, expect: map[string]want{
				"empty": named(3), "binary garbage": named(3), "invalid utf-8": named(3),
				"10 MB single line": named(3), "enormous numbers": named(3), "negative numbers": named(3),
				"replaced by a directory": named(3), "fifo": named(3),
				// No pid file: stored is not running; the long output lists
				// the pid files looked for.
				"dangling symlink": listed(2), "symlink loop": named(3),
				// the pid file's mtime only matters while it says init
				"mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": listed(2), "permission denied": named(3),
			}},
			// A stamp: only its mtime counts, so rewritten contents are a
			// fresh stamp; a stamp that is gone or old is CRITICAL.
			{rel: fixture.VarRel + "/config/stored.ckp", expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": named(3), "fifo": named(3), "dangling symlink": named(2),
				"symlink loop": named(3), "mtime in the future": named(1), "mtime at epoch 0": named(2),
				"missing": named(2),
				// stat needs no read permission: the stamp's age is known.
				"permission denied": code(0),
			}},
		},
		blind: storedPidRel,
	})
}
