package adversarial

import "github.com/msgstore-plugins/msgstore/lib/fixture"

func init() {
	register(subject{
		plugin: "check_msgstore_disk", service: "MSGSTORE_DISK",
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "-w", "0%", "-c", "0%", "-W", "0", "-K", "0", "--state-dir", state}
		},
		modes: [][]string{{"--no-mboxlist", "--no-queue"}, {"-p", "primary"}, {"--predict"}, {"--predict-warning", "14d", "--predict-critical", "3d"}},
		inputs: []input{
			{rel: fixture.VarRel + "/config/msg.conf", expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": named(3), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": named(3), "fifo": named(3), "dangling symlink": named(3),
				"symlink loop": named(3), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": code(0), "permission denied": named(3),
			}},
			{rel: fixture.VarRel + "/store/partition/primary", expect: map[string]want{
				"empty": named(2), "binary garbage": named(2), "invalid utf-8": named(2),
				"10 MB single line": named(2), "enormous numbers": named(2), "negative numbers": named(2),
				"replaced by a directory": code(0), "fifo": named(2), "dangling symlink": named(2),
				"symlink loop": named(2), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": named(2),
				// statfs needs no read permission: the space is still measured.
				"permission denied": code(0),
			}},
			// The --predict history of the used space: a corrupt one is
			// started anew (said in the long output), one that cannot be
			// read or replaced, or is not a regular file (a symlink, even
			// dangling), is UNKNOWN, as check_msgqueue's history. The run as
			// nobody keeps its own history.
			{rel: "state/history", name: "predict history", stateGlob: "check_msgstore_disk.*.json",
				beforeArgs: []string{"--predict"}, args: []string{"--predict"}, expect: map[string]want{
					"empty": listed(0), "binary garbage": listed(0), "invalid utf-8": listed(0),
					"10 MB single line": listed(0), "enormous numbers": listed(0), "negative numbers": listed(0),
					"replaced by a directory": named(3),
					// "timed out after 2s while reading state DIR"
					"fifo":             code(3),
					"dangling symlink": named(3), "symlink loop": named(3),
					"mtime in the future": code(0), "mtime at epoch 0": code(0),
					"missing": code(0), "permission denied": code(0),
				}},
		},
		blind: fixture.VarRel + "/config",
	})
}
