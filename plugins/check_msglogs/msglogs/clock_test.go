package msglogs

import (
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
)

// A log written "in the future" is a wrong clock, not a log the server
// has just written: --stale-warning must not count it as fresh.
func TestBinaryLogModifiedInTheFuture(t *testing.T) {
	tests := []struct {
		name    string
		ahead   time.Duration
		args    []string
		code    int
		summary string
	}{
		{"two hours ahead", 2 * time.Hour, nil, 1, "imap: log modified 2h in the future (clock?)"},
		{"a year ahead", 365 * 24 * time.Hour, nil, 1, "imap: log modified 365d in the future (clock?)"},
		{"a minute ahead is clock drift", time.Minute, nil, 0, ""},
		{"--stale-warning off", 2 * time.Hour, []string{"--stale-warning", "0"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newServer(t)
			// 30s more: the run may take a moment; the text is in minutes.
			v.s.SetTime(fixture.VarRel+"/log/imap", time.Now().Add(tt.ahead+30*time.Second))
			o := v.run(append([]string{"-s", "imap"}, tt.args...)...)
			o.Expect(t, "MSGLOGS", tt.code)
			if tt.summary != "" && o.Summary != tt.summary {
				t.Errorf("summary %q, want %q", o.Summary, tt.summary)
			}
		})
	}
}
