package adversarial

import "github.com/msgstore-plugins/msgstore/lib/fixture"

func init() {
	register(subject{
		plugin: "check_dblogs", service: "DBLOGS",
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base()}
		},
		modes: [][]string{{"-w", "10", "-c", "20"}, {"--age-warning", "1h", "--age-critical", "1d", "-v"}},
		inputs: []input{
			// The mboxlist directory: not a directory is CRITICAL (named),
			// unlistable or without logs UNKNOWN.
			{rel: fixture.VarRel + "/store/mboxlist", expect: map[string]want{
				"empty": named(2), "binary garbage": named(2), "invalid utf-8": named(2),
				"10 MB single line": named(2), "enormous numbers": named(2), "negative numbers": named(2),
				"replaced by a directory": named(3), "fifo": named(2), "dangling symlink": named(2),
				"symlink loop": named(3), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": named(2), "permission denied": named(3),
			}},
			// The newest log: its contents are never read; only names, sizes
			// and mtimes count.
			{rel: fixture.VarRel + "/store/mboxlist/log.0000000042", expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				// Anything but a regular file is not a log: one log left, OK.
				"replaced by a directory": code(0), "fifo": code(0), "dangling symlink": code(0),
				"symlink loop": code(0), "mtime in the future": code(0),
				// no age limits by default: the age is in perfdata
				"mtime at epoch 0": code(0),
				"missing":          code(0), "permission denied": code(0),
			}},
		},
		blind: fixture.VarRel + "/store/mboxlist",
	})
}
