// Package plugintest builds the plugin binaries and runs them the way
// Nagios does, so that tests assert what a user sees: exit code, line 1,
// perfdata and long output.
package plugintest

import (
	"bytes"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildMu  sync.Mutex
	built    = map[string]string{}
	buildDir string
)

// ModuleRoot is the repository root, found from this source file.
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Build compiles plugins/<name> once per test process and returns the
// binary's path. The version is set to "test" as a release build sets it.
func Build(t testing.TB, name string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := built[name]; ok {
		return p
	}
	if buildDir == "" {
		d, err := os.MkdirTemp("", "msgstore-plugins-bin-")
		if err != nil {
			t.Fatal(err)
		}
		buildDir = d
	}
	out := filepath.Join(buildDir, name)
	cmd := exec.Command("go", "build", "-o", out,
		"-ldflags", "-X github.com/msgstore-plugins/msgstore/lib/plugin.Version=test",
		"./plugins/"+name)
	cmd.Dir = ModuleRoot()
	// As the Makefile builds them: static, no cgo.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", name, err, b)
	}
	built[name] = out
	return out
}

// Output is a plugin run as a user sees it.
type Output struct {
	Code    int
	Stdout  string
	Stderr  string
	Line1   string          // first line of stdout
	Service string          // e.g. MSGSTORE_DISK
	State   string          // OK, WARNING, CRITICAL, UNKNOWN
	Summary string          // text after "STATE - " and before " | "
	Perf    map[string]Perf // all perfdata by label (quotes removed)
	// Line1Perf is the perfdata of line 1 alone: what an NRPE 2 agent,
	// which carries 1023 bytes, still delivers.
	Line1Perf map[string]Perf
	// PerfText is all perfdata text: line 1's and a last "|..." line's,
	// as Nagios joins them.
	PerfText string
	Lines    []string      // long output lines (without a trailing perfdata line)
	Elapsed  time.Duration // wall time of the run
}

// Perf is one parsed perfdata item.
type Perf struct {
	Value                float64
	Unit                 string
	Warn, Crit, Min, Max string
}

// Run executes bin with args and a clean environment plus env ("K=V").
func Run(t testing.TB, bin string, env []string, args ...string) Output {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "LC_ALL=C"}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	o := Output{Stdout: stdout.String(), Stderr: stderr.String(), Elapsed: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		o.Code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", bin, err)
	}
	o.parse()
	return o
}

var line1RE = regexp.MustCompile(`^([A-Z0-9_]+) (OK|WARNING|CRITICAL|UNKNOWN) - (.*)$`)

func (o *Output) parse() {
	lines := strings.Split(strings.TrimSuffix(o.Stdout, "\n"), "\n")
	o.Line1 = lines[0]
	o.Lines = lines[1:]
	head, perf, _ := strings.Cut(o.Line1, " | ")
	if m := line1RE.FindStringSubmatch(head); m != nil {
		o.Service, o.State, o.Summary = m[1], m[2], m[3]
	}
	o.Line1Perf = ParsePerf(perf)
	o.PerfText = perf
	// Perfdata that did not fit line 1 follows the long output on a last
	// line starting with "|" (the plugin API's multi-line form).
	if n := len(o.Lines); n > 0 && strings.HasPrefix(o.Lines[n-1], "|") {
		o.PerfText = strings.TrimSpace(perf + " " + o.Lines[n-1][1:])
		o.Lines = o.Lines[:n-1]
	}
	o.Perf = ParsePerf(o.PerfText)
}

// perfRE reads one item; a value of U (could not be determined) parses as
// NaN.
var perfRE = regexp.MustCompile(`('(?:[^']|'')+'|[^ '=]+)=([-0-9.]+|U)([a-zA-Z%]*);([^; ]*);([^; ]*);([^; ]*);([^; ]*)`)

// ParsePerf parses a perfdata string into items by label.
func ParsePerf(s string) map[string]Perf {
	m := map[string]Perf{}
	for _, f := range perfRE.FindAllStringSubmatch(s, -1) {
		label := f[1]
		if strings.HasPrefix(label, "'") {
			label = strings.ReplaceAll(label[1:len(label)-1], "''", "'")
		}
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			v = math.NaN()
		}
		m[label] = Perf{Value: v, Unit: f[3], Warn: f[4], Crit: f[5], Min: f[6], Max: f[7]}
	}
	return m
}

// Expect checks the exit code and that line 1 carries the matching state
// and service; it reports the whole output on failure.
func (o Output) Expect(t testing.TB, service string, code int) {
	t.Helper()
	states := []string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}
	if o.Code != code || o.Service != service || code < 0 || code > 3 || o.State != states[code] {
		t.Fatalf("want %s %s (exit %d), got exit %d:\n%s\nstderr: %s", service, states[code], code, o.Code, o.Stdout, o.Stderr)
	}
	if len(o.Stdout) >= 8192 {
		t.Fatalf("output is %d bytes, over Nagios' 8 KiB", len(o.Stdout))
	}
}

// Contains fails unless stdout contains every string.
func (o Output) Contains(t testing.TB, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(o.Stdout, w) {
			t.Errorf("output lacks %q:\n%s", w, o.Stdout)
		}
	}
}

// RequireTool returns the path of a standard tool (e.g. check_disk from
// monitoring-plugins-basic). Without it the test is skipped with the name of
// the Debian package to install, except under CI, where it fails.
func RequireTool(t testing.TB, path, debianPackage string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s missing under CI: .ci/run must install %s", path, debianPackage)
		}
		t.Skipf("%s not installed (apt-get install %s)", path, debianPackage)
	}
	return path
}
