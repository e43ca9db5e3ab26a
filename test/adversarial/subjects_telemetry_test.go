package adversarial

import "github.com/msgstore-plugins/msgstore/lib/fixture"

const (
	telemetryRel = fixture.VarRel + "/telemetry"
	captureRel   = telemetryRel + "/imap/redb"
	sessionRel   = captureRel + "/1795881801.1"
)

func init() {
	register(subject{
		plugin: "check_telemetry", service: "TELEMETRY",
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base()}
		},
		modes: [][]string{{"--no-sessions"}, {"--max-sessions", "1", "--max-read-per-file", "1KiB", "-v", "-v"}},
		inputs: []input{
			// A session file: unparsable contents are named in long output
			// and do not change the state; anything but a regular file is
			// not a session; one that cannot be read is UNKNOWN.
			{rel: sessionRel, expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": code(0), "fifo": code(0), "dangling symlink": code(0),
				"symlink loop": code(0), "mtime in the future": code(0),
				// the capture's age is its oldest session's: over --age-warning
				"mtime at epoch 0": code(1),
				"missing":          code(0),
				// line 1: "imap/redb: 1 session file unreadable"
				"permission denied": listed(3),
			}},
			// One user's capture directory: a non-directory is no capture.
			{rel: captureRel, expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": code(0), "fifo": code(0), "dangling symlink": code(0),
				"symlink loop": code(0), "mtime in the future": code(0), "mtime at epoch 0": named(1),
				"missing": code(0), "permission denied": named(3),
			}},
			// BASE/data/telemetry: missing is "telemetry off"; anything
			// else that cannot be listed is UNKNOWN.
			{rel: telemetryRel, expect: map[string]want{
				"empty": named(3), "binary garbage": named(3), "invalid utf-8": named(3),
				"10 MB single line": named(3), "enormous numbers": named(3), "negative numbers": named(3),
				"replaced by a directory": code(0), "fifo": named(3),
				// nothing can be recorded there: "telemetry off", and the
				// long output says the directory does not exist
				"dangling symlink": listed(0),
				"symlink loop":     named(3), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": code(0), "permission denied": named(3),
			}},
		},
		blind: telemetryRel,
	})
}
