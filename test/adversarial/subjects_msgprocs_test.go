package adversarial

import (
	"fmt"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// withLiveDaemons starts stand-ins for the sample's daemons from BASE/lib
// (stopped when the test ends) and names stored's in its pid file: the
// sample is then a running server for check_msgprocs and check_stored.
func withLiveDaemons(t *testing.T, s *fixture.Server) {
	pids := plugintest.StartDaemons(t, s.Base(), plugintest.SampleDaemons...)
	s.Write(storedPidRel, fmt.Sprintf("%d ready\n", pids["stored"][0]), 7*time.Hour)
}

func init() {
	register(subject{
		plugin: "check_msgprocs", service: "MSGPROCS",
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base()}
		},
		prepare: withLiveDaemons,
		modes:   [][]string{{"-v"}, {"--ignore", "popd", "--count-critical", "imapd=1:4", "-vvv"}},
		inputs: []input{
			// msg.conf says which daemons should run. Whatever it holds,
			// the default set stands in for settings it does not give; one
			// that exists and cannot be read is a warning naming it (the
			// processes are still checked), one whose open blocks the
			// timeout naming it.
			{rel: fixture.VarRel + "/config/msg.conf", expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": listed(1), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": listed(1), "fifo": named(3),
				"dangling symlink": listed(1), "symlink loop": listed(1),
				"mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": code(0), "permission denied": listed(1),
			}},
		},
		// Without BASE/config the configuration cannot be read.
		blind: fixture.VarRel + "/config",
	})
}
