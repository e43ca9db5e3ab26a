package integration

import (
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
	"github.com/msgstore-plugins/msgstore/lib/plugintest"
)

// rrdNameLength is how much of a label RRD-based tools keep as the data
// source name.
const rrdNameLength = 19

// TestPerfdataLabelsAreStable runs every plugin twice on the healthy and
// twice on the broken sample server (plugins with state see a first and a
// later run) and requires the same perfdata labels in all four runs: a
// graph keeps its lines whatever the state, and an unknown value is U.
// Within one plugin the labels also differ in their first 19 characters,
// except where a label carries a name the site chose (a partition, an
// MTA channel) or check_msgstore's check prefix: see
// README.md, "Output".
func TestPerfdataLabelsAreStable(t *testing.T) {
	names, bin := plugins(t)
	ws := t.TempDir()
	// The samples of make demo: the broken one has cores, an old
	// telemetry capture, a full queue besides what sampleServers breaks.
	var servers []variant
	roots := map[string]string{}
	for _, name := range []string{"healthy", "broken"} {
		s, err := fixture.Materialize(filepath.Join(ws, name), time.Now())
		if err == nil && name == "broken" {
			err = s.Break()
		}
		if err != nil {
			t.Fatal(err)
		}
		servers = append(servers, variant{name, s.Base()})
		roots[name] = s.Root
	}
	for _, p := range names {
		stateful := acceptsOption(t, filepath.Join(bin, p), "--state-dir")
		var first []string
		var firstRun string
		for _, v := range servers {
			for run := 1; run <= 2; run++ {
				args := []string{"-B", v.base}
				if stateful {
					args = append(args, "--state-dir", filepath.Join(ws, "state", p+"-"+v.name))
				}
				if p == "check_cores" {
					args = append(args, "--core-dir", filepath.Join(roots[v.name], "var", "cores"))
				}
				out := runPlugin(t, filepath.Join(bin, p), args...)
				where := p + " on the " + v.name + " sample, run " + string(rune('0'+run))
				labels := sortedLabels(out)
				if len(labels) == 0 {
					t.Errorf("%s: no perfdata:\n%s", where, out.Stdout)
					continue
				}
				if first == nil {
					first, firstRun = labels, where
					continue
				}
				if !slices.Equal(labels, first) {
					t.Errorf("%s: labels differ from %s:\n got %v\nwant %v", where, firstRun, labels, first)
				}
			}
		}
		if p == "check_msgstore" {
			continue
		}
		seen := map[string]string{}
		for _, l := range first {
			key := l
			if len(key) > rrdNameLength {
				key = key[:rrdNameLength]
			}
			if other, ok := seen[key]; ok && !siteNamed(p) {
				t.Errorf("%s: labels %q and %q share their first %d characters", p, other, l, rrdNameLength)
			}
			seen[key] = l
		}
	}
}

// siteNamed: plugins whose labels start with a name the site chose.
func siteNamed(plugin string) bool {
	return plugin == "check_msgstore_disk" || plugin == "check_msgqueue"
}

func runPlugin(t *testing.T, bin string, args ...string) plugintest.Output {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	var stdout strings.Builder
	cmd.Stdout = &stdout
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", bin, err)
	}
	return parseOutput(code, stdout.String())
}

func sortedLabels(o plugintest.Output) []string {
	var out []string
	for l := range o.Perf {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}
