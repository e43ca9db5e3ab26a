package adversarial

import "github.com/msgstore-plugins/msgstore/lib/fixture"

const (
	queueRel   = fixture.VarRel + "/queue"
	channelRel = queueRel + "/ims-ms"
	messageRel = channelRel + "/000/ZZ0Kf5r4i0Wdy51.00"
)

func init() {
	register(subject{
		plugin: "check_msgqueue", service: "MSGQUEUE",
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--state-dir", state}
		},
		modes: [][]string{
			{"--growth-channel", "tcp_local", "--growth-window", "1h"},
			{"--no-growth"},
			{"--age-warning", "2d", "--ignore-channel", "tcp_*", "-v", "-v"},
		},
		inputs: []input{
			// A channel directory: a channel is a directory (or a symlink
			// to one: a channel moved to another disk), a file is not one;
			// one that cannot be read, or whose link leads nowhere, is
			// UNKNOWN: its messages are hidden.
			{rel: channelRel, expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": code(0), "fifo": code(0), "dangling symlink": named(3),
				"symlink loop": named(3), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": code(0), "permission denied": named(3),
			}},
			// The ims-ms channel after a run started its growth history.
			{rel: channelRel, name: "ims-ms, next run", afterRun: true, expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": code(0), "fifo": code(0), "dangling symlink": named(3),
				"symlink loop": named(3), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": code(0), "permission denied": named(3),
			}},
			// The growth history (a state file): a corrupt one is started
			// anew, said in the long output (growth only needs a few runs to
			// be judged again); one that cannot be read or replaced is
			// UNKNOWN ("cannot keep the queue history"), and so is one that
			// is not a regular file (a symlink, even dangling, a FIFO). The
			// run as nobody keeps its own history: root's unreadable file
			// is not its state.
			{rel: "state/growth", name: "growth state", stateGlob: "check_msgqueue.growth.*.json", expect: map[string]want{
				"empty": listed(0), "binary garbage": listed(0), "invalid utf-8": listed(0),
				"10 MB single line": listed(0), "enormous numbers": listed(0), "negative numbers": listed(0),
				"replaced by a directory": listed(3),
				// "timed out after 2s while reading state DIR"
				"fifo":             code(3),
				"dangling symlink": listed(3), "symlink loop": listed(3),
				"mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": code(0), "permission denied": code(0),
			}},
			// A queued message: only its name and mtime count (stat needs
			// no read permission); a non-file is not a message. No age
			// limit by default: a message from 1970 is in perfdata.
			{rel: messageRel, expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": code(0), "fifo": code(0), "dangling symlink": code(0),
				"symlink loop": code(0), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": code(0), "permission denied": code(0),
			}},
			// imta_tailor: where IMTA_QUEUE may move the queue.
			{rel: fixture.VarRel + "/config/imta_tailor", expect: map[string]want{
				"empty": code(0), "binary garbage": code(0), "invalid utf-8": code(0),
				"10 MB single line": code(0), "enormous numbers": code(0), "negative numbers": code(0),
				"replaced by a directory": named(3), "fifo": named(3), "dangling symlink": named(3),
				"symlink loop": named(3), "mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": code(0), "permission denied": named(3),
			}},
			// The queue directory itself.
			{rel: queueRel, expect: map[string]want{
				"empty": named(3), "binary garbage": named(3), "invalid utf-8": named(3),
				"10 MB single line": named(3), "enormous numbers": named(3), "negative numbers": named(3),
				"replaced by a directory": code(0),
				// the open blocks (a hung NFS mount): UNKNOWN at the timeout
				"fifo":             named(3),
				"dangling symlink": named(3), "symlink loop": named(3),
				"mtime in the future": code(0), "mtime at epoch 0": code(0),
				"missing": named(3), "permission denied": named(3),
			}},
		},
		blind: queueRel,
	})
}
