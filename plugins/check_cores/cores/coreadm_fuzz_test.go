package cores

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCoreadmPatterns checks the reading of /etc/coreadm.conf: every
// pattern it returns is a non-empty part of one line of a
// COREADM_GLOB_PATTERN or COREADM_INIT_PATTERN setting, and each turns into
// search directories and globs without a panic.
func FuzzCoreadmPatterns(f *testing.F) {
	for _, s := range []string{
		"COREADM_GLOB_PATTERN=/var/cores/core.%f.%p\nCOREADM_INIT_PATTERN=core\nCOREADM_GLOB_ENABLED=yes\n",
		"COREADM_GLOB_PATTERN=\"\"\nCOREADM_INIT_PATTERN='x'\n", "COREADM_GLOB_PATTERN=\"\n", "=\n", "\x00COREADM_INIT_PATTERN=%\n",
	} {
		f.Add(s)
	}
	path := filepath.Join(f.TempDir(), "coreadm.conf")
	f.Fuzz(func(t *testing.T, content string) {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		set, _ := readCoreadmConf(path)
		ps := set.patterns()
		if len(ps) > strings.Count(content, "COREADM_") {
			t.Fatalf("%d patterns from %q", len(ps), content)
		}
		for _, p := range ps {
			if p == "" || strings.ContainsAny(p, "\n") || !strings.Contains(content, p) {
				t.Fatalf("pattern %q from %q", p, content)
			}
			dirs, globs := fromPattern(p, "coreadm pattern")
			for _, d := range dirs {
				if !filepath.IsAbs(d.path) {
					t.Fatalf("pattern %q: relative search directory %q", p, d.path)
				}
			}
			for _, g := range globs {
				if _, err := filepath.Match(g, ""); err != nil {
					t.Fatalf("pattern %q: invalid glob %q", p, g)
				}
			}
		}
	})
}

// FuzzCoreadmOutput checks the reading of the coreadm command's output:
// whatever it prints, the settings hold only what a line said, and the
// long-output lines and directories they give are sound.
func FuzzCoreadmOutput(f *testing.F) {
	for _, s := range []string{solaris10Output, solaris11Output, disabledOutput, "", ":", "global core dumps:", "GLOBAL   CORE DUMPS : Enabled\n",
		"global core file pattern: %\ninit core file pattern: /%d/%%\n", "\x00:\x00\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, out string) {
		set, ok := parseCoreadmOutput(out)
		if !ok && set != (coreadmSettings{source: "coreadm"}) {
			t.Fatalf("nothing known, yet %+v", set)
		}
		for _, p := range set.patterns() {
			if strings.Contains(p, "\n") || !strings.Contains(out, p) {
				t.Fatalf("pattern %q from %q", p, out)
			}
			dirs, globs := fromPattern(p, "coreadm pattern")
			for _, d := range dirs {
				if !filepath.IsAbs(d.path) {
					t.Fatalf("pattern %q: relative directory %q", p, d.path)
				}
			}
			for _, g := range globs {
				if _, err := filepath.Match(g, ""); err != nil {
					t.Fatalf("pattern %q: invalid glob %q", p, g)
				}
			}
		}
		lines, why := set.expectations()
		for _, l := range lines {
			if strings.Contains(l, "\n") {
				t.Fatalf("a long-output line with a newline: %q", l)
			}
		}
		if (why != "") != (set.global == disabled && set.process == disabled) {
			t.Fatalf("disabled %q for %+v", why, set)
		}
	})
}

// FuzzCoredumpConf: systemd's coredump.conf is a host file. A setting is
// one trimmed line's value, taken from the [Coredump] section only.
func FuzzCoredumpConf(f *testing.F) {
	for _, s := range []string{"[Coredump]\nStorage=none\n", "[Coredump]\n#Storage=external\nProcessSizeMax=0\n",
		"[Other]\nStorage=none\n", "Storage=none", "[Coredump\nStorage = Journal \n", "[]\n=\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		storage, sizeMax := parseCoredumpConf(text)
		for _, v := range []string{storage, sizeMax} {
			if strings.ContainsAny(v, "\n") || v != strings.TrimSpace(v) {
				t.Fatalf("value %q from %q", v, text)
			}
		}
		if storage != strings.ToLower(storage) {
			t.Fatalf("storage %q not lower-case", storage)
		}
		if (storage != "" || sizeMax != "") && !strings.Contains(text, "Coredump") {
			t.Fatalf("a setting outside [Coredump]: %q", text)
		}
	})
}
