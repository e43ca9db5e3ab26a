package adversarial

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// allPlugins names every plugins/check_*/ with a main.go: a new plugin is
// covered without being listed here.
func allPlugins(t *testing.T) []string {
	t.Helper()
	mains, err := filepath.Glob(filepath.Join(plugintest.ModuleRoot(), "plugins", "check_*", "main.go"))
	if err != nil || len(mains) == 0 {
		t.Fatalf("no plugins found: %v", err)
	}
	var names []string
	for _, m := range mains {
		names = append(names, filepath.Base(filepath.Dir(m)))
	}
	return names
}

// valueOption matches an option that takes a value in --help:
// "  -w, --warning=RANGE   ..." or "      --age-warning=DURATION ...".
var valueOption = regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([a-z0-9-]+)=`)

// goWords are what Go, not the user, would call a value: a package's type
// (threshold.Range, units.Duration, disk.spaceThreshold), a builtin number
// type as the expectation, or strconv's function names.
var goWords = regexp.MustCompile(`\b[a-z]+\.[a-z]*[A-Z][A-Za-z]*\b|\(expected (u?int\d*|float\d+|bool|string)\)|strconv\.|Parse(Int|Uint|Float)`)

// TestBadOptionValuesInUserWords gives every option of every plugin (as
// --help lists them) a value no option type accepts: the answer must be
// one line in the user's words, never a Go type name.
func TestBadOptionValuesInUserWords(t *testing.T) {
	for _, name := range allPlugins(t) {
		name := name
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			bin := plugintest.Build(t, name)
			help := plugintest.Run(t, bin, nil, "--help").Stdout
			opts := valueOption.FindAllStringSubmatch(help, -1)
			stateful := strings.Contains(help, "--state-dir=")
			if len(opts) < 2 {
				t.Fatalf("--help lists %d options with values:\n%s", len(opts), help)
			}
			for _, m := range opts {
				opt := "--" + m[1]
				// base and timeout keep the run short when the option
				// takes any string.
				args := []string{"-B", "/nonexistent/msgstore", "-t", "2", opt + "=x!2"}
				if opt == "--base" || opt == "--timeout" {
					args = []string{opt + "=x!2"}
				}
				// Never the system's default state directory.
				if stateful && opt != "--state-dir" {
					args = append(args, "--state-dir", t.TempDir())
				}
				out := plugintest.Run(t, bin, nil, args...)
				if goWords.MatchString(out.Stdout) {
					t.Errorf("%s %s: the answer names a Go type or function:\n%s", name, strings.Join(args, " "), out.Stdout)
				}
				if out.Code == 3 && strings.Contains(out.Line1, opt) && strings.Contains(out.Line1, "invalid argument for flag") {
					t.Errorf("%s %s: go-flags' wording: %s", name, opt, out.Line1)
				}
			}
		})
	}
}
