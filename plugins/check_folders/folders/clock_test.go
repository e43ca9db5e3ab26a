package folders_test

import (
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
)

// A saved result dated in the future is not fresh: a wrong clock (then or
// now) says nothing about when reconstruct last looked.
func TestCachedResultFromTheFuture(t *testing.T) {
	tests := []struct {
		name    string
		damaged bool
		ahead   time.Duration
		code    int
		summary string
	}{
		{"clean, a year ahead", false, 365 * 24 * time.Hour, unknown, "no damaged folders (result dated 365d in the future: not trusted)"},
		{"clean, 2h ahead", false, 2 * time.Hour, unknown, "no damaged folders (result dated 2h in the future: not trusted)"},
		{"damaged, a year ahead", true, 365 * 24 * time.Hour, critical, "3 damaged folders: user/jdoe/INBOX, user/jdoe/Sent (+1 more) (result dated 365d in the future: not trusted)"},
		{"a minute ahead is clock drift", false, time.Minute, ok, "no damaged folders (result 0s old)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture.New(t)
			if tt.damaged {
				s.Write(simulateRel, "damaged\n", 0)
			}
			run(t, s, "--mode=refresh")
			backdate(t, s, -tt.ahead-30*time.Second) // 30s: the text is in minutes
			out := run(t, s, "--mode=cached")
			out.Expect(t, service, tt.code)
			if out.Summary != tt.summary {
				t.Errorf("summary %q, want %q", out.Summary, tt.summary)
			}
			if _, has := out.Perf["result_age"]; has == (tt.code == unknown || tt.code == critical) {
				t.Errorf("result_age perfdata present: %v (a result from the future has no age to graph)", has)
			}
		})
	}
}
