package main

import (
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// Without msg-svr-base every check is UNKNOWN for the same reason: line 1
// says it, not just "8 unknown (disk, ...) of 8 checks" with the reason
// only in the long output.
func TestOneReasonForAllUnknown(t *testing.T) {
	bin := plugintest.Build(t, "check_msgstore")
	out := plugintest.Run(t, bin, nil, "-B", "/nonexistent/msgsvr", "--state-dir", t.TempDir())
	out.Expect(t, "MSGSTORE", 3)
	if want := "all 9 checks unknown: msg-svr-base /nonexistent/msgsvr (from --base) does not exist"; out.Summary != want {
		t.Errorf("line 1 %q, want %q", out.Line1, want)
	}
	// Different reasons keep the per-state count.
	out = plugintest.Run(t, bin, nil, "-B", "/nonexistent/msgsvr", "--check", "disk,stored", "--with", "disk=-w 5x")
	out.Expect(t, "MSGSTORE", 3)
	if want := "2 unknown (disk, stored) of 2 checks"; out.Summary != want {
		t.Errorf("line 1 %q, want %q", out.Line1, want)
	}
}
