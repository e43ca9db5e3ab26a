package adversarial

import "github.com/msgstore-plugins/msgstore/lib/fixture"

const imapLogRel = fixture.VarRel + "/log/imap"

func init() {
	register(subject{
		plugin: "check_msglogs", service: "MSGLOGS",
		// --from-start reads the logs on the first run: the mutated
		// contents are parsed, not skipped as the past.
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--state-dir", state, "--from-start"}
		},
		// The read-only test runs each mode twice: a first run (positions
		// saved) and a next run (reads from the saved positions).
		modes: [][]string{{"-s", "imap", "-s", "mta"}, {"--show", "5", "-m", "Login", "-v", "-v"}},
		inputs: []input{
			{rel: imapLogRel, expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": named(3), "fifo": named(3),
				// A log name that leads nowhere: the log is gone (CRITICAL).
				"dangling symlink": named(2),
				// written in the future: a wrong clock, not a fresh log
				"symlink loop": named(3), "mtime in the future": code(1),
				// silent for longer than --stale-warning (1h)
				"mtime at epoch 0": named(1),
				// Without --service, the first run checks the logs it finds.
				"missing": code(0), "permission denied": named(3),
			}},
			// The imap log changed after a run saved its position.
			// A rewritten file is a new inode unless the file system reuses
			// the old one at once: "rotated log not found, unread lines
			// lost" (WARNING), or read as the same log (OK).
			{rel: imapLogRel, name: "imap, next run", afterRun: true, expect: map[string]want{
				"empty": code(0, 1), "binary garbage": code(0, 1), "invalid utf-8": code(0, 1),
				"10 MB single line": code(0, 1), "enormous numbers": code(0, 1), "negative numbers": code(0, 1),
				"replaced by a directory": named(3), "fifo": named(3),
				// a log seen by an earlier run that is gone: CRITICAL
				"dangling symlink": named(2), "symlink loop": named(3),
				"mtime in the future": code(1), "mtime at epoch 0": named(1),
				"missing": named(2), "permission denied": named(3),
			}},
			// imap's saved position (a state file): unusable state is a
			// WARNING (lines since the last check were not read), named in
			// the long output, and the log is read on from its end; one that
			// is not a regular file (a symlink, a FIFO, a directory) cannot
			// be trusted: UNKNOWN naming it. Gone, it is a first check
			// again. State is kept per user: the run as nobody has its own
			// (a first check), root's unreadable file is not its state.
			{rel: "state/imap", name: "imap state", stateGlob: "check_msglogs.imap.*.json", expect: map[string]want{
				"empty": listed(1), "binary garbage": listed(1), "invalid utf-8": listed(1),
				"10 MB single line": listed(1), "enormous numbers": listed(1), "negative numbers": listed(1),
				"replaced by a directory": named(3), "fifo": named(3), "dangling symlink": named(3),
				"symlink loop": named(3), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": code(0), "permission denied": code(0),
			}},
			// A rotated imap log: read only to finish lines written before a
			// rotation, counted for --rotated-warning.
			{rel: fixture.VarRel + "/log/imap.37.1795737600", expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": code(0), "fifo": code(0), "dangling symlink": code(0),
				"symlink loop": code(0), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": code(0), "permission denied": code(0),
			}},
			// The MTA's log: line 1 says "mta: ...", the long output names
			// the file.
			{rel: fixture.VarRel + "/log/mail.log_current", expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": listed(3), "fifo": listed(3), "dangling symlink": listed(2),
				"symlink loop": listed(3), "mtime in the future": code(1), "mtime at epoch 0": listed(1),
				"missing": code(0), "permission denied": listed(3),
			}},
			// The log directory: without it nothing can be read.
			{rel: fixture.VarRel + "/log", expect: map[string]want{
				"empty": named(3), "binary garbage": named(3), "invalid utf-8": named(3),
				"10 MB single line": named(3), "enormous numbers": named(3), "negative numbers": named(3),
				"replaced by a directory": named(3), "fifo": named(3), "dangling symlink": named(3),
				"symlink loop": named(3), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": named(3), "permission denied": named(3),
			}},
		},
		blind: fixture.VarRel + "/log",
	})
}
