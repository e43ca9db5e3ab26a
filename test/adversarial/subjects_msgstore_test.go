package adversarial

import "github.com/msgstore-plugins/msgstore/lib/fixture"

func init() {
	register(subject{
		plugin: "check_msgstore", service: "MSGSTORE",
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--state-dir", state}
		},
		prepare: withLiveDaemons,
		modes:   [][]string{{"--check", "stored,dblogs"}, {"--skip", "folders", "-v"}, {"--format", "nagios"}},
		inputs: []input{
			// msg.conf: every check reads it through lib/layout. One that
			// cannot be read is UNKNOWN for disk and a WARNING for procs
			// (it still checks the daemons, against the default set); a
			// warning outranks unknown in the aggregate.
			{rel: fixture.VarRel + "/config/msg.conf", expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": listed(1), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": listed(1),
				// the open blocks the checks that read it as a file: each
				// is UNKNOWN at its own deadline, naming the FIFO in the
				// long output; the others report
				"fifo":             listed(3),
				"dangling symlink": listed(1), "symlink loop": listed(1),
				"mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": code(0), "permission denied": listed(1),
			}},
			// stored's pid file: line 1 names the failing check, the long
			// output stored's reason with the file.
			{rel: storedPidRel, expect: map[string]want{
				"empty": listed(3), "binary garbage": listed(3), "invalid utf-8": listed(3),
				"10 MB single line": listed(3), "enormous numbers": listed(3), "negative numbers": listed(3),
				"replaced by a directory": listed(3), "fifo": listed(3),
				// "stored: stored is not running: no pid file": the aggregate
				// keeps one line per check, stored's own long output lists
				// the pid files looked for.
				"dangling symlink": code(2),
				"symlink loop":     listed(3), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": code(2), "permission denied": listed(3),
			}},
		},
		blind: fixture.VarRel + "/store",
	})
}
