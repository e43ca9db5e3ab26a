package adversarial

import (
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// TestVerboseLevelsAddSomething: -v adds a line of detail, -vv the
// configuration (paths and where they came from), -vvv every path read;
// each level shows all of the level below, and line 1 never changes.
func TestVerboseLevelsAddSomething(t *testing.T) {
	for _, tc := range []struct {
		plugin string
		v      string // a -v line
		reads  string // a path -vvv must name, relative to the base
	}{
		{"check_stored", "pid file ", "/config/stored.ckp"},
		{"check_dblogs", "newest log ", "/config/stored.lcu"},
		{"check_msgstore_disk", "reserved for root", "/config/msg.conf"},
	} {
		tc := tc
		t.Run(tc.plugin, func(t *testing.T) {
			t.Parallel()
			bin := plugintest.Build(t, tc.plugin)
			s := fixture.New(t)
			var prev plugintest.Output
			for level, flag := range []string{"", "-v", "-vv", "-vvv"} {
				args := []string{"-B", s.Base()}
				if flag != "" {
					args = append(args, flag)
				}
				out := plugintest.Run(t, bin, nil, args...)
				if level > 0 {
					if len(out.Lines) <= len(prev.Lines) {
						t.Errorf("%s adds nothing to %d lines:\n%s", flag, len(prev.Lines), out.Stdout)
					}
					if strip(out.Line1) != strip(prev.Line1) || out.Code != prev.Code {
						t.Errorf("%s changes line 1 or the exit code:\n%s\nwas\n%s", flag, out.Line1, prev.Line1)
					}
					// (numbers aside: ages and free space move between runs)
					for _, l := range prev.Lines {
						if !strings.Contains(digitless(out.Stdout), digitless(l)) {
							t.Errorf("%s lost %q", flag, l)
						}
					}
				}
				switch level {
				case 1:
					out.Contains(t, tc.v)
				case 2:
					out.Contains(t, "[OK] config: msg-svr-base "+s.Base()+" (from --base)")
				case 3:
					out.Contains(t, "[OK] read: "+s.Base()+tc.reads+"\n")
				}
				prev = out
			}
		})
	}
}

// strip drops the perfdata and the digits of line 1.
func strip(line1 string) string {
	head, _, _ := strings.Cut(line1, " | ")
	return digitless(head)
}

func digitless(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, s)
}
