package integration

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// updateDocs rewrites the outputs shown under the README examples with
// what the commands print now (go test ./test/integration -run TestREADMEExamples
// -update-docs); the commands themselves are never rewritten.
var updateDocs = flag.Bool("update-docs", false, "rewrite the README example outputs from a run")

// docExample is one "$ command" line of a fenced block and the output the
// README shows under it, up to the next "$ " line or the end of the block.
type docExample struct {
	line     int // 1-based line of the command
	command  string
	expected []string // may end with "(exit N)"
	end      int      // 1-based line after the last expected line
}

// readmeExamples reads the examples of one README.
func readmeExamples(t *testing.T, path string) []docExample {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []docExample
	inBlock := false
	var cur *docExample
	n := 0
	flush := func() {
		if cur != nil {
			for len(cur.expected) > 0 && strings.TrimSpace(cur.expected[len(cur.expected)-1]) == "" {
				cur.expected = cur.expected[:len(cur.expected)-1]
			}
			cur.end = cur.line + len(cur.expected) + 1
			out = append(out, *cur)
			cur = nil
		}
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		n++
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "```"):
			flush()
			inBlock = !inBlock
		case inBlock && strings.HasPrefix(l, "$ "):
			flush()
			cur = &docExample{line: n, command: strings.TrimPrefix(l, "$ ")}
		case inBlock && cur != nil:
			cur.expected = append(cur.expected, l)
		}
	}
	return out
}

// demoTree lays out what `make demo` leaves in the repository, under ws:
// build/bin with the plugins, build/demo/healthy and build/demo/broken
// sample servers with stand-in daemons running from their BASE/lib as
// scripts/demo.sh starts them (the healthy one all its msg.conf expects,
// imapd twice, and its pid file naming its stand-in stored; the broken one
// without imapd and watcher), and build/demo/state.
func demoTree(t *testing.T, ws, bin string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(ws, "build", "demo", "state"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(bin, filepath.Join(ws, "build", "bin")); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, name := range []string{"healthy", "broken"} {
		dir := filepath.Join(ws, "build", "demo", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		s, err := fixture.Materialize(dir, now)
		if err == nil && name == "broken" {
			err = s.Break()
		}
		if err != nil {
			t.Fatal(err)
		}
		if name == "healthy" {
			pids := plugintest.StartDaemons(t, s.Base(), "stored", "enpd", "imapd", "imapd", "popd", "mshttpd", "imsched",
				"dispatcher", "job_controller", "tcp_smtp_server", "watcher")
			s.Write(fixture.BaseRel+"/data/proc/store", fmt.Sprintf("%d ready\n", pids["stored"][0]), 7*time.Hour)
		} else {
			plugintest.StartDaemons(t, s.Base(), "stored", "enpd", "popd", "mshttpd", "imsched", "dispatcher",
				"job_controller", "tcp_smtp_server")
		}
	}
}

var (
	absDemo   = regexp.MustCompile(`\S*/build/demo/`)
	timestamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)
	duration  = regexp.MustCompile(`\b(\d+(\.\d+)?(w|d|h|m|s|ms))+\b`)
	size      = regexp.MustCompile(`\b\d+(\.\d+)? ?(B|KiB|MiB|GiB|TiB)\b`)
	number    = regexp.MustCompile(`\d+(\.\d+)?`)
	hash      = regexp.MustCompile(`\b[0-9a-f]{12}\b`) // state file names hash the paths
)

// normalize keeps what a README can promise: the words, states and
// labels, not the times, ages, sizes, pids and numbers of one run.
func normalize(s string) string {
	s = absDemo.ReplaceAllString(s, "build/demo/")
	s = timestamp.ReplaceAllString(s, "TIME")
	s = hash.ReplaceAllString(s, "HASH")
	s = size.ReplaceAllString(s, "SIZE")
	s = duration.ReplaceAllString(s, "AGE")
	s = number.ReplaceAllString(s, "N")
	return strings.TrimRight(s, " ")
}

// matches: a README line ending in "..." stands for any rest of the line;
// a last README line "..." for any further lines.
func matches(want []string, got []string) (bool, string) {
	for i, w := range want {
		if w == "..." && i == len(want)-1 {
			return true, ""
		}
		if i >= len(got) {
			return false, fmt.Sprintf("line %d missing: %q", i+1, w)
		}
		nw, ng := normalize(w), normalize(got[i])
		if p, ok := strings.CutSuffix(nw, "..."); ok && strings.HasPrefix(ng, p) {
			continue
		}
		if nw != ng {
			return false, fmt.Sprintf("line %d:\n README: %s\n    run: %s", i+1, w, got[i])
		}
	}
	if len(got) > len(want) {
		return false, fmt.Sprintf("the run prints %d more lines, from %q", len(got)-len(want), got[len(want)])
	}
	return true, ""
}

// TestREADMEExamples runs every "$ " command of README.md and
// plugins/*/README.md, in order, from the root of a tree laid out as
// `make demo` leaves it, and compares what it prints (and its exit code,
// when the README shows "(exit N)") with the README.
func TestREADMEExamples(t *testing.T) {
	_, bin := plugins(t)
	root := plugintest.ModuleRoot()
	readmes, _ := filepath.Glob(filepath.Join(root, "plugins", "check_*", "README.md"))
	readmes = append([]string{filepath.Join(root, "README.md")}, readmes...)
	total := 0
	for _, readme := range readmes {
		rel, _ := filepath.Rel(root, readme)
		examples := readmeExamples(t, readme)
		if len(examples) == 0 {
			continue
		}
		t.Run(rel, func(t *testing.T) {
			ws := t.TempDir()
			demoTree(t, ws, bin)
			var updated []docExample
			var outputs [][]string
			for _, ex := range examples {
				total++
				got, code := runExample(t, ws, ex.command)
				// The plugins' examples show their exit code; other commands
				// (setting up a case) only a failure.
				showExit := strings.HasPrefix(ex.command, "build/bin/") || code != 0
				if len(ex.expected) > 0 && strings.HasPrefix(ex.expected[len(ex.expected)-1], "(exit ") || *updateDocs && showExit {
					got = append(got, fmt.Sprintf("(exit %d)", code))
				}
				if *updateDocs {
					updated = append(updated, ex)
					outputs = append(outputs, got)
					continue
				}
				if ok, why := matches(ex.expected, got); !ok {
					t.Errorf("%s:%d: $ %s\n%s", rel, ex.line, ex.command, why)
				}
			}
			if *updateDocs {
				rewriteExamples(t, readme, updated, outputs)
			}
		})
	}
	if total == 0 {
		t.Fatal("no README example found")
	}
}

// runExample runs one command line with sh from ws, as a user would after
// make demo in the repository.
func runExample(t *testing.T, ws, command string) ([]string, int) {
	t.Helper()
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir = ws
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C", "NO_COLOR=1", "HOME=" + ws}
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("sh -c %q: %v", command, err)
	}
	text := strings.TrimRight(absDemo.ReplaceAllString(string(out), "build/demo/"), "\n")
	if text == "" {
		return nil, code
	}
	return strings.Split(text, "\n"), code
}

// rewriteExamples replaces each example's output lines in the README.
func rewriteExamples(t *testing.T, path string, examples []docExample, outputs [][]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	var out []string
	next := 0 // next README line (0-based) to copy
	for i, ex := range examples {
		out = append(out, lines[next:ex.line]...) // up to and including the command
		out = append(out, outputs[i]...)
		next = ex.line + len(ex.expected)
	}
	out = append(out, lines[next:]...)
	if err := os.WriteFile(path, []byte(strings.Join(out, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}
