package overview

import (
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// Command definitions written before the threshold options were renamed
// keep working: each old spelling, given to the built plugin, does what
// the new name does (the output names the new option), and giving both
// spellings is refused.
func TestOldOptionSpellingsThroughTheBinaries(t *testing.T) {
	tests := []struct {
		plugin string
		args   []string
		code   int
		want   []string
	}{
		{"check_telemetry", []string{"--max-age", "1s"}, 1, []string{"(over --age-warning 1s)"}},
		{"check_telemetry", []string{"--max-age-critical", "1s"}, 2, []string{"(over --age-critical 1s)"}},
		{"check_telemetry", []string{"--max-size", "500B"}, 1, []string{"over --size-warning 500 B"}},
		{"check_telemetry", []string{"--max-size-critical", "500B"}, 2, []string{"over --size-critical 500 B"}},
		{"check_telemetry", []string{"--max-age", "1s", "--age-warning", "2s"}, 3,
			[]string{"TELEMETRY UNKNOWN - --max-age is the old name of --age-warning: give only one of them (see check_telemetry --help)"}},
		{"check_folders", []string{"--max-result-age", "3d", "--max-result-age-critical", "1d"}, 3,
			[]string{"--result-age-critical 1d is shorter than --result-age-warning 3d"}},
		{"check_msgprocs", []string{"--count", "imapd=x"}, 3, []string{`--count-critical imapd: invalid range "x"`}},
		{"check_msglogs", []string{"--stale", "imap=soon"}, 3, []string{`--stale-warning "imap=soon"`}},
		// A check run inside the overview takes the old spellings too.
		{"check_msgstore", []string{"--check", "telemetry", "--with", "telemetry=--max-size=500B"}, 1, []string{"[WARNING] telemetry: captures hold 574 B", "telemetry.bytes=574B;500;"}},
		// Either limit turns the prediction on, which then starts its history.
		{"check_msgstore_disk", []string{"--predict-warn", "7d"}, 0, []string{"time to full after more history"}},
		{"check_msgstore_disk", []string{"--predict-crit", "2d"}, 0, []string{"time to full after more history"}},
		{"check_msgstore_disk", []string{"--predict-crit", "2d", "--predict-critical=3d"}, 3,
			[]string{"MSGSTORE_DISK UNKNOWN - --predict-crit is the old name of --predict-critical: give only one of them"}},
	}
	for _, tc := range tests {
		t.Run(tc.plugin+" "+strings.Join(tc.args, " "), func(t *testing.T) {
			s := fixture.New(t)
			args := append([]string{"-B", s.Base()}, tc.args...)
			if tc.plugin == "check_msglogs" || tc.plugin == "check_msgstore_disk" || tc.plugin == "check_msgstore" {
				args = append(args, "--state-dir", t.TempDir())
			}
			out := plugintest.Run(t, plugintest.Build(t, tc.plugin), nil, args...)
			if out.Code != tc.code {
				t.Errorf("exit %d, want %d:\n%s", out.Code, tc.code, out.Stdout)
			}
			out.Contains(t, tc.want...)
		})
	}
}
