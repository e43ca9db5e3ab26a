package overview

import (
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// The output format and colours follow the harness's Interactive, which
// says whether stdout is a terminal; the check never inspects its streams.
func TestFormatFollowsInteractive(t *testing.T) {
	env := func(interactive bool, vars map[string]string) *plugin.Env {
		return &plugin.Env{Interactive: interactive, Getenv: func(k string) string { return vars[k] }}
	}
	for _, tc := range []struct {
		name        string
		o           options
		interactive bool
		vars        map[string]string
		format      string
		color       bool
	}{
		{"pipe", options{Format: "auto"}, false, nil, "nagios", false},
		{"terminal", options{Format: "auto"}, true, nil, "table", true},
		{"terminal, --no-color", options{Format: "auto", NoColor: true}, true, nil, "table", false},
		{"terminal, NO_COLOR", options{Format: "auto"}, true, map[string]string{"NO_COLOR": "1"}, "table", false},
		{"terminal, TERM=dumb", options{Format: "auto"}, true, map[string]string{"TERM": "dumb"}, "table", false},
		{"pipe, --format=table", options{Format: "table"}, false, nil, "table", false},
		{"terminal, --json", options{Format: "auto", JSON: true}, true, nil, "json", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := env(tc.interactive, tc.vars)
			if got := format(&tc.o, e); got != tc.format {
				t.Errorf("format = %q, want %q", got, tc.format)
			}
			if got := useColor(&tc.o, e); got != tc.color {
				t.Errorf("useColor = %v, want %v", got, tc.color)
			}
		})
	}
}
