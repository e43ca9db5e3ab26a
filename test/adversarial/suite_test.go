package adversarial

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// timeout is the -t given to every run; a run must end within it + 1 s.
const timeout = 2

// want is what a plugin must answer to one mutation of one input.
type want struct {
	codes     []int // acceptable exit codes
	namesPath bool  // line 1 must name the mutated path
	// listsPath: the output (line 1 or long output) must name the
	// mutated path, for findings that line 1 sums up (e.g. "1 core: imapd
	// (pid 4242)") while a long-output line names the file.
	listsPath bool
}

func code(c ...int) want      { return want{codes: c} }
func named(c ...int) want     { return want{codes: c, namesPath: true} }
func listed(c ...int) want    { return want{codes: c, listsPath: true} }
func (w want) String() string { return strconv.Itoa(w.codes[0]) }

// input is one path a plugin reads, and the answer expected for every
// mutation of it. Every mutation must have an entry: a new mutation or a
// new input cannot go untested by omission.
type input struct {
	rel    string // relative to the sample root
	expect map[string]want
	// setup, when set, creates the input on the sample before it is
	// mutated (e.g. a core file, which a healthy sample has none of).
	setup func(t *testing.T, s *fixture.Server)
	// afterRun: the plugin runs once on the healthy sample before the
	// mutation, so that the mutated run starts from saved state (a log
	// position, a queue history).
	afterRun bool
	// name tells apart two entries for one path (e.g. "imap, next run").
	name string
	// stateGlob, when set, makes the input a state file: the one file of
	// the state directory that matches it after the first run (afterRun
	// is implied); rel is then only a label.
	stateGlob string
	// beforeArgs are added to the run before the mutation, args to the
	// mutated run (e.g. check_folders --mode=refresh, then --mode=cached).
	beforeArgs, args []string
}

// subject is one plugin under test.
type subject struct {
	plugin, service string
	// args are the plugin's options for a run on sample s.
	args func(s *fixture.Server, stateDir string) []string
	// modes are extra option sets for the read-only test (every mode the
	// plugin has).
	modes  [][]string
	inputs []input
	// blind is the input without which the plugin cannot look: unreadable,
	// it must never answer OK.
	blind string
	// prepare, when set, completes every sample before a test uses it
	// (e.g. the pid of a live stored in the pid file).
	prepare func(t *testing.T, s *fixture.Server)
}

// sample materialises a healthy sample server for sub.
func (sub subject) sample(t *testing.T) *fixture.Server {
	t.Helper()
	s := fixture.New(t)
	if sub.prepare != nil {
		sub.prepare(t, s)
	}
	return s
}

var subjects []subject

func register(s subject) { subjects = append(subjects, s) }

var line1RE = regexp.MustCompile(`^([A-Z0-9_]+) (OK|WARNING|CRITICAL|UNKNOWN) - \S`)

// checkContract asserts what every run must satisfy, whatever the input.
func checkContract(t *testing.T, sub subject, out plugintest.Output) {
	t.Helper()
	m := line1RE.FindStringSubmatch(out.Line1)
	if m == nil || m[1] != sub.service {
		t.Errorf("line 1 is not '%s STATE - ...': %q", sub.service, out.Line1)
	}
	states := map[string]int{"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
	if m != nil && states[m[2]] != out.Code {
		t.Errorf("state %s does not match exit code %d", m[2], out.Code)
	}
	if len(out.Stdout) >= 8192 {
		t.Errorf("stdout is %d bytes", len(out.Stdout))
	}
	if containsAny(out.Stdout, "goroutine ", "panic:", "runtime error", "[recovered]") {
		t.Errorf("Go trace on stdout:\n%s", out.Stdout)
	}
	all := strings.Split(strings.TrimSuffix(out.Stdout, "\n"), "\n")
	for i, l := range all {
		for _, r := range l {
			if r < 0x20 && r != '\t' || r == 0x7f {
				t.Errorf("line %d has control character %U: %q", i+1, r, l)
				break
			}
		}
		// Perfdata that does not fit line 1 may follow on a last line
		// starting with "|" (the plugin API's multi-line form); no other
		// long output line may contain '|'.
		tailPerf := i == len(all)-1 && i > 0 && strings.HasPrefix(l, "|") && strings.Count(l, "|") == 1
		if i > 0 && strings.Contains(l, "|") && !tailPerf {
			t.Errorf("long output line %d contains '|': %q", i+1, l)
		}
	}
	if strings.Count(out.Line1, "|") > 1 {
		t.Errorf("line 1 has more than one '|': %q", out.Line1)
	}
	if out.Elapsed > (timeout+1)*time.Second {
		t.Errorf("took %v, more than the timeout + 1 s", out.Elapsed)
	}
}

// runAs runs the plugin, as nobody when asked (through setpriv).
func runAs(t *testing.T, bin string, nobody bool, args []string) plugintest.Output {
	t.Helper()
	if !nobody {
		return plugintest.Run(t, bin, nil, args...)
	}
	if os.Geteuid() != 0 {
		t.Skip("permission cases need root to switch to nobody")
	}
	setpriv := "/usr/bin/setpriv"
	full := append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", "--", bin}, args...)
	return plugintest.Run(t, setpriv, nil, full...)
}

func TestHostileInputs(t *testing.T) {
	for _, sub := range subjects {
		sub := sub
		t.Run(sub.plugin, func(t *testing.T) {
			t.Parallel()
			bin := plugintest.Build(t, sub.plugin)
			for _, in := range sub.inputs {
				in := in
				for _, m := range mutations {
					w, ok := in.expect[m.name]
					if !ok {
						t.Errorf("%s: no expectation for mutation %q of %s", sub.plugin, m.name, in.rel)
						continue
					}
					m := m
					name := in.name
					if name == "" {
						name = filepath.Base(in.rel)
					}
					t.Run(name+"/"+m.name, func(t *testing.T) {
						t.Parallel()
						s := sub.sample(t)
						state := t.TempDir()
						if in.setup != nil {
							in.setup(t, s)
						}
						if in.afterRun || in.stateGlob != "" {
							if out := plugintest.Run(t, bin, nil, append(sub.args(s, state), in.beforeArgs...)...); out.Code != 0 {
								t.Fatalf("run before the mutation: exit %d:\n%s", out.Code, out.Stdout)
							}
						}
						target := s.Path(in.rel)
						if in.stateGlob != "" {
							m, _ := filepath.Glob(filepath.Join(state, in.stateGlob))
							if len(m) != 1 {
								t.Fatalf("state files %v match %s, want one", m, in.stateGlob)
							}
							target = m[0]
						}
						m.apply(t, s, target)
						if m.asNobody {
							openToNobody(t, s.Root)
							openToNobody(t, state)
							giveToNobody(t, state)
							os.Chmod(target, 0)
						}
						args := append(append(sub.args(s, state), in.args...), "-t", strconv.Itoa(timeout))
						out := runAs(t, bin, m.asNobody, args)
						checkContract(t, sub, out)
						if !intIn(out.Code, w.codes) {
							t.Errorf("exit %d, want one of %v:\n%s", out.Code, w.codes, out.Stdout)
						}
						t.Logf("exit %d: %s", out.Code, strings.SplitN(out.Line1, " | ", 2)[0])
						if w.namesPath && !namesFile(out.Line1, target) {
							t.Errorf("line 1 does not name %s: %q", target, out.Line1)
						}
						if w.listsPath && !namesFile(out.Stdout, target) {
							t.Errorf("the output does not name %s:\n%s", target, out.Stdout)
						}
						if out.Stderr != "" {
							t.Errorf("stderr: %q", out.Stderr)
						}
					})
				}
			}
		})
	}
}

// A plugin that could not read what it must check never says OK.
func TestNeverOKWhenBlind(t *testing.T) {
	for _, sub := range subjects {
		// The plugin's own input, and the whole of msg-svr-base or of its
		// data directory: unreadable, none of them leaves a plugin able
		// to look.
		for _, b := range []struct{ name, rel string }{{"input", sub.blind}, {"base", fixture.BaseRel}, {"data", fixture.VarRel}} {
			sub, blind := sub, b.rel
			t.Run(sub.plugin+"/"+b.name, func(t *testing.T) {
				t.Parallel()
				bin := plugintest.Build(t, sub.plugin)
				s := sub.sample(t)
				state := t.TempDir()
				openToNobody(t, s.Root)
				openToNobody(t, state)
				giveToNobody(t, state)
				os.Chmod(s.Path(blind), 0)
				out := runAs(t, bin, true, sub.args(s, state))
				checkContract(t, sub, out)
				t.Logf("exit %d: %s", out.Code, strings.SplitN(out.Line1, " | ", 2)[0])
				if out.Code == 0 {
					t.Fatalf("%s said OK with %s unreadable:\n%s", sub.plugin, blind, out.Stdout)
				}
			})
		}
	}
}

// namesFile tells whether text names the file at path: by its full path,
// or by its base name as a word of its own ("log/imap", "imap: cannot
// read"), so that "stored is not running" does not count as naming the
// pid file "store".
func namesFile(text, path string) bool {
	if strings.Contains(text, path) {
		return true
	}
	base := filepath.Base(path)
	for i := 0; ; {
		j := strings.Index(text[i:], base)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(base)
		if (start == 0 || !wordByte(text[start-1])) && (end == len(text) || !wordByte(text[end])) {
			return true
		}
		i = start + 1
	}
}

func wordByte(c byte) bool {
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func intIn(v int, set []int) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// TestCaseTable prints (with -v) the expectations as a table, one row per
// plugin input, one column per mutation: the exit code, "n" when line 1
// must name the path, "l" when the output must. It is generated from the
// subjects so that it cannot drift from what the suite checks.
func TestCaseTable(t *testing.T) {
	var b strings.Builder
	short := map[string]string{
		"empty": "empty", "binary garbage": "garbage", "invalid utf-8": "utf8", "10 MB single line": "10MB",
		"enormous numbers": "huge", "negative numbers": "neg", "replaced by a directory": "dir", "fifo": "fifo",
		"dangling symlink": "dangl", "symlink loop": "loop", "mtime in the future": "future",
		"mtime at epoch 0": "epoch0", "missing": "missing", "permission denied": "perm",
	}
	b.WriteString("| plugin | input |")
	for _, m := range mutations {
		b.WriteString(" " + short[m.name] + " |")
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(mutations)) + "\n")
	for _, sub := range subjects {
		for _, in := range sub.inputs {
			label := strings.TrimPrefix(strings.TrimPrefix(in.rel, fixture.VarRel+"/"), fixture.BaseRel+"/")
			if in.name != "" {
				label = in.name
			}
			fmt.Fprintf(&b, "| %s | %s |", sub.plugin, label)
			for _, m := range mutations {
				w := in.expect[m.name]
				var codes []string
				for _, c := range w.codes {
					codes = append(codes, strconv.Itoa(c))
				}
				mark := ""
				if w.namesPath {
					mark = "n"
				} else if w.listsPath {
					mark = "l"
				}
				fmt.Fprintf(&b, " %s%s |", strings.Join(codes, "/"), mark)
			}
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "| %s | blind: %s, BASE, BASE/data unreadable | never 0 |\n", sub.plugin, sub.blind)
	}
	t.Log("\n" + b.String())
}
