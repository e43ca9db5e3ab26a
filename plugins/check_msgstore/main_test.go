package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

func TestOverviewFormats(t *testing.T) {
	bin := plugintest.Build(t, "check_msgstore")
	s := fixture.New(t)
	state := t.TempDir()

	// Nagios: a pipe gets line 1 + one line per check + prefixed perfdata.
	out := plugintest.Run(t, bin, nil, "-B", s.Base(), "--state-dir", state, "--check", "disk", "--with", "disk=-w 1KiB -c 1B")
	out.Expect(t, "MSGSTORE", 0)
	if out.Summary != "all 1 checks OK" || len(out.Lines) != 1 || !strings.HasPrefix(out.Lines[0], "[OK] disk: primary+mboxlist+queue: ") {
		t.Fatalf("nagios output:\n%s", out.Stdout)
	}
	if _, ok := out.Perf["disk.primary+mboxlist+queue_used"]; !ok {
		t.Errorf("perfdata not prefixed with the check name: %s", out.Line1)
	}

	// A broken check makes the whole report WARNING, and says which.
	out = plugintest.Run(t, bin, nil, "-B", s.Base(), "--check", "disk", "--with", "disk=-w 100% -c 0%")
	out.Expect(t, "MSGSTORE", 1)
	out.Contains(t, "MSGSTORE WARNING - 1 warning of 1 checks; disk: primary+mboxlist+queue: ", "below warning 100%")

	// JSON for scripts.
	out = plugintest.Run(t, bin, nil, "-B", s.Base(), "--check", "disk", "--json", "--with", "disk=-w 100% -c 0%")
	var rep struct {
		Status   string
		ExitCode int `json:"exit_code"`
		Checks   []struct {
			Name, Plugin, Status, Summary string
			Perfdata                      []struct{ Label string }
		}
	}
	if err := json.Unmarshal([]byte(out.Stdout), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, out.Stdout)
	}
	if out.Code != 1 || rep.Status != "WARNING" || rep.ExitCode != 1 || len(rep.Checks) != 1 || rep.Checks[0].Plugin != "check_msgstore_disk" || len(rep.Checks[0].Perfdata) == 0 {
		t.Fatalf("json report %+v (exit %d)", rep, out.Code)
	}

	// The table for people, without colour when asked.
	out = plugintest.Run(t, bin, nil, "-B", s.Base(), "--check", "disk", "--format", "table", "--no-color")
	if out.Code != 0 || !strings.HasPrefix(out.Stdout, "CHECK  PLUGIN               STATE     SUMMARY\ndisk   check_msgstore_disk  OK        ") || strings.Contains(out.Stdout, "\x1b[") {
		t.Fatalf("table:\n%s", out.Stdout)
	}
	out = plugintest.Run(t, bin, []string{"TERM=xterm"}, "-B", s.Base(), "--check", "disk", "--format", "table")
	if !strings.Contains(out.Stdout, "\x1b[32mOK") {
		t.Errorf("no colour in the table: %q", out.Stdout)
	}
}

func TestOverviewBadOptions(t *testing.T) {
	bin := plugintest.Build(t, "check_msgstore")
	s := fixture.New(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--check", "nosuch"}, `MSGSTORE UNKNOWN - unknown check "nosuch"`},
		{[]string{"--with", "disk"}, `MSGSTORE UNKNOWN - invalid --with "disk": expected NAME=ARGS`},
		{[]string{"--format", "xml"}, "MSGSTORE UNKNOWN - Invalid value `xml' for option `--format'"},
		{[]string{"--check", "disk", "--skip", "disk"}, "MSGSTORE UNKNOWN - no check left to run"},
	} {
		out := plugintest.Run(t, bin, nil, append([]string{"-B", s.Base()}, tc.args...)...)
		out.Expect(t, "MSGSTORE", 3)
		if !strings.HasPrefix(out.Line1, tc.want) {
			t.Errorf("%v: %q, want prefix %q", tc.args, out.Line1, tc.want)
		}
	}
	// A bad option for one check is that check's UNKNOWN, not the whole run's.
	out := plugintest.Run(t, bin, nil, "-B", s.Base(), "--check", "disk", "--with", "disk=-w nonsense")
	out.Expect(t, "MSGSTORE", 3)
	out.Contains(t, "[UNKNOWN] disk: check_msgstore_disk: invalid argument for flag `-w, --warning'")
}
