package adversarial

import "github.com/msgstore-plugins/msgstore/lib/fixture"

const reconstructRel = fixture.BaseRel + "/sbin/reconstruct"

func init() {
	register(subject{
		plugin: "check_folders", service: "FOLDERS",
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--state-dir", state}
		},
		// refresh saves a result that cached then reads.
		modes: [][]string{{"--mode=refresh"}, {"--mode=cached"}, {"-p", "primary", "--mailbox", "user/jdoe"}},
		inputs: []input{
			// reconstruct replaced by anything that is not an executable
			// (the mutations write plain 0644 files) cannot be run: UNKNOWN,
			// named.
			{rel: reconstructRel, expect: map[string]want{
				"empty": named(3), "binary garbage": named(3), "invalid utf-8": named(3),
				"10 MB single line": named(3), "enormous numbers": named(3), "negative numbers": named(3),
				"replaced by a directory": named(3), "fifo": named(3), "dangling symlink": named(3),
				"symlink loop": named(3), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": named(3), "permission denied": named(3),
			}},
			// The result --mode=refresh saved, read by --mode=cached: no or
			// a corrupt result is UNKNOWN; an old one (mtime does not
			// count, the saved time does) is not. Results are kept per user:
			// nobody finds no result of its own (UNKNOWN, "no saved result
			// yet").
			{rel: "state/result", name: "cached result", stateGlob: "check_folders.*.json",
				beforeArgs: []string{"--mode=refresh"}, args: []string{"--mode=cached"}, expect: map[string]want{
					"empty": listed(3), "binary garbage": listed(3), "invalid utf-8": listed(3),
					"10 MB single line": listed(3), "enormous numbers": listed(3), "negative numbers": listed(3),
					"replaced by a directory": listed(3), "fifo": code(3), "dangling symlink": code(3),
					"symlink loop": listed(3), "mtime in the future": code(0), "mtime at epoch 0": code(0),
					"missing": code(3), "permission denied": code(3),
				}},
		},
		blind: reconstructRel,
	})
}
