package cores

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCoreName: file names come from anywhere on disk.
func FuzzCoreName(f *testing.F) {
	for _, s := range []string{"core", "core.4711", "core.imapd.4711.1795870000", "imapd.mail.example.com.12345.1196035200.core",
		"core.imapd.0.8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a.4711.1795870000000000.zst", ".core", "99999999999999999999.core"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		ni, ok := coreName(name)
		if !ok && (ni.program != "" || ni.pid != 0) {
			t.Fatalf("%q: not a core name but %+v", name, ni)
		}
		if ni.pid < 0 {
			t.Fatalf("%q: pid %d", name, ni.pid)
		}
		if ok && !strings.Contains(name, "core") {
			t.Fatalf("%q: a core name without core in it", name)
		}
	})
}

// FuzzPatternGlob: kernel.core_pattern and coreadm.conf are host files.
// The glob must be valid and must match what the kernel would write for
// a pattern without specifiers.
func FuzzPatternGlob(f *testing.F) {
	for _, s := range []string{"core", "core.%e.%p.%t", "%e-%p-%t.dump", "100%%.%p", "a*b[c", "%", "%%%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		if strings.ContainsAny(pattern, "/\x00") {
			return
		}
		g := patternGlob(pattern)
		if _, err := filepath.Match(g, ""); err != nil {
			t.Fatalf("%q -> invalid glob %q: %v", pattern, g, err)
		}
		if !strings.Contains(pattern, "%") && pattern != "" {
			if ok, _ := filepath.Match(g, pattern); !ok {
				t.Fatalf("%q -> glob %q does not match the literal name", pattern, g)
			}
		}
		_, _ = fromPattern("/var/crash/"+pattern, "test")
	})
}
