package msgqueue

import (
	"context"

	"github.com/msgstore-plugins/msgstore/lib/layout"
)

// parseTailor reads imta_tailor's NAME=VALUE lines (lib/layout owns it).
var parseTailor = layout.ParseTailor

// queueDir is where the MTA keeps its queue: --queue-dir, else what the
// installation's configuration says (IMTA_QUEUE from imta_tailor in legacy
// mode, DATA/queue with Unified Configuration), else BASE/data/queue.
// source says which, for messages. A broken imta_tailor is an error.
func queueDir(option string, l *layout.Layout, stage func(string)) (dir, source string, err error) {
	if option != "" {
		return option, "--queue-dir", nil
	}
	// Reading imta_tailor needs no msconfig run: no options, no context.
	cfg, _ := l.ReadConfiguration(context.Background(), layout.ReadOptions{Msconfig: "none", Stage: stage})
	s, err := cfg.QueueDir()
	if err != nil {
		return "", "", err
	}
	return s.Value, s.Source, nil
}
