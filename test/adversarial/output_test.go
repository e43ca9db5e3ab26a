package adversarial

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/msgstore-plugins/msgstore/lib/elfcore/elfcoretest"
	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// hostile is text an attacker or a broken server can put in a file name, a
// log line, a user id or a tool's output: a '|' (starts perfdata), terminal
// escapes (colour, window title, clear screen), a bell, a tab, a carriage
// return, invalid UTF-8 and C1 controls. It has no '/' or NUL, so it can
// be a file name; hostileLine has no newline, hostileName has one.
const (
	hostileLine = "evil|pipe\x1b[31mred\x1b]0;title\x07\x1b[2J\ttab\rcr \xff\xfe\xc2\x9b end"
	hostileName = "evil|pipe\x1b[31mred\nnewline\xff.x"
)

// hostileShell is hostileLine as a printf(1) format.
const hostileShell = `evil|pipe\033[31mred\033]0;title\007\033[2J\011tab\015cr \377\376\302\233 end`

// perfItem is one perfdata item: a label (quoted when it has odd
// characters, a quote inside doubled), a number with an optional unit, and
// up to four ';' fields.
// A value of U (could not be determined) has no unit.
var perfItem = regexp.MustCompile(`^('(?:[^']|'')+'|[^' =]+)=(-?[0-9.]+[a-zA-Z%]*|U)(?:;[0-9.:~@+-]*){0,4}$`)

// splitPerf splits perfdata at spaces outside quoted labels.
func splitPerf(s string) []string {
	var items []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				items = append(items, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		items = append(items, cur.String())
	}
	return items
}

// checkSafeOutput asserts that hostile text reached the output (so the
// test is not vacuous) and could not break it: one line per item, no
// control characters, valid UTF-8, perfdata that still parses.
func checkSafeOutput(t *testing.T, service string, out plugintest.Output, marker string) {
	t.Helper()
	checkContract(t, subject{service: service}, out)
	if !utf8.ValidString(out.Stdout) {
		t.Errorf("output is not valid UTF-8: %q", out.Stdout)
	}
	if strings.ContainsAny(out.Stdout, "\x1b\x07\r\u009b") {
		t.Errorf("output carries an escape, bell, CR or CSI: %q", out.Stdout)
	}
	if !strings.Contains(out.Stdout, marker) {
		t.Errorf("the hostile text (%q) does not appear in the output; the case proves nothing:\n%s", marker, out.Stdout)
	}
	if _, perf, ok := strings.Cut(out.Line1, " | "); ok {
		for _, item := range splitPerf(perf) {
			if !perfItem.MatchString(item) {
				t.Errorf("perfdata item %q does not parse (perfdata: %q)", item, perf)
			}
		}
	}
	if out.Stderr != "" {
		t.Errorf("stderr: %q", out.Stderr)
	}
}

func writeScript(t *testing.T, s *fixture.Server, rel, body string) {
	t.Helper()
	s.Write(rel, "#!/bin/sh\n"+body, 24*time.Hour)
	if err := os.Chmod(s.Path(rel), 0o755); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// hostileCases put hostile text where each plugin reads outside text.
var hostileCases = []struct {
	name, plugin, service string
	setup                 func(t *testing.T, s *fixture.Server)
	args                  func(s *fixture.Server, state string) []string
	marker                string // what of the hostile text must show
}{
	{
		name: "telemetry user directory", plugin: "check_telemetry", service: "TELEMETRY",
		setup: func(t *testing.T, s *fixture.Server) {
			dir := s.Var("telemetry/imap/" + hostileName)
			copyFile(t, s.Path(sessionRel), filepath.Join(dir, "1795881801.1"))
			now := time.Now().Add(-time.Hour)
			os.Chtimes(filepath.Join(dir, "1795881801.1"), now, now)
			os.Chtimes(dir, now, now)
		},
		args:   func(s *fixture.Server, state string) []string { return []string{"-B", s.Base(), "-v"} },
		marker: "evil",
	},
	{
		name: "core file name and program", plugin: "check_cores", service: "CORES",
		setup: func(t *testing.T, s *fixture.Server) {
			c := elfcoretest.Core{Layout: elfcoretest.LinuxAMD64, Program: "im|\x1b[2Jd\xff", Args: hostileLine, PID: 4242, Signal: 11}
			if err := c.WriteFile(s.Path(coreDirRel+"/"+hostileName+".core"), s.Now.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
		},
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--core-dir", s.Path(coreDirRel), "-v", "-v"}
		},
		marker: "evil",
	},
	{
		name: "service log line", plugin: "check_msglogs", service: "MSGLOGS",
		setup: func(t *testing.T, s *fixture.Server) {
			f, err := os.OpenFile(s.Path(imapLogRel), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("[28/Nov/2026:17:00:00 +0000] mailhost imapd[6747]: General Error: " + hostileLine + "\n")
			f.WriteString("[28/Nov/2026:17:00:01 +0000] mailhost imapd[6747]: General Critical: " + hostileLine + "\n")
			f.Close()
		},
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--state-dir", state, "--from-start", "--show", "5"}
		},
		marker: "evil",
	},
	{
		name: "queue channel name", plugin: "check_msgqueue", service: "MSGQUEUE",
		setup: func(t *testing.T, s *fixture.Server) {
			copyFile(t, s.Path(messageRel), s.Path(queueRel+"/"+hostileName+"/000/ZZ0Kf5r4i0Wdy51.00"))
		},
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--state-dir", state, "-w", "0", "-v"}
		},
		marker: "evil",
	},
	{
		name: "reconstruct output", plugin: "check_folders", service: "FOLDERS",
		setup: func(t *testing.T, s *fixture.Server) {
			writeScript(t, s, reconstructRel, "printf 'Mailbox corrupted, missing fixed headers: user/"+hostileShell+"\\n'\n"+
				"printf 'Invalid cache data for msg 3 in mailbox user/"+hostileShell+" needs reconstruct\\n'\n")
		},
		args:   func(s *fixture.Server, state string) []string { return []string{"-B", s.Base(), "--state-dir", state} },
		marker: "evil",
	},
	{
		name: "stored -t output", plugin: "check_stored", service: "STORED",
		setup: func(t *testing.T, s *fixture.Server) {
			withLiveStored(t, s)
			writeScript(t, s, storedCmdRel, "printf '"+hostileShell+"\\n'\nexit 1\n")
		},
		args: func(s *fixture.Server, state string) []string {
			return []string{"-B", s.Base(), "--stored-cmd", "lib/stored"}
		},
		marker: "evil",
	},
}

// Text from files and tools cannot break the output format.
func TestHostileText(t *testing.T) {
	for _, c := range hostileCases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			bin := plugintest.Build(t, c.plugin)
			s := fixture.New(t)
			c.setup(t, s)
			out := plugintest.Run(t, bin, nil, append(c.args(s, t.TempDir()), "-t", "5")...)
			t.Logf("exit %d:\n%s", out.Code, out.Stdout)
			checkSafeOutput(t, c.service, out, c.marker)
		})
	}
	// Everything at once through the aggregate: the checks' lines are
	// re-rendered as one output.
	t.Run("aggregate", func(t *testing.T) {
		t.Parallel()
		bin := plugintest.Build(t, "check_msgstore")
		s := fixture.New(t)
		for _, c := range hostileCases {
			if c.plugin != "check_stored" {
				c.setup(t, s)
			}
		}
		withLiveStored(t, s)
		out := plugintest.Run(t, bin, nil, "-B", s.Base(), "--state-dir", t.TempDir(), "-t", "8", "-v")
		t.Logf("exit %d:\n%s", out.Code, out.Stdout)
		checkSafeOutput(t, "MSGSTORE", out, "evil")
	})
}
