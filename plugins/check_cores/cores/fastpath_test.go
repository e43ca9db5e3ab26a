package cores

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// oldCoreName is coreName as it was before the cheap shape test and the
// lazy regexps: the reference the fast path must agree with.
func oldCoreName(name string) (nameInfo, bool) {
	corePID := regexp.MustCompile(`^core\.([0-9]+)$`)
	coreNamePID := regexp.MustCompile(`^core\.([^.]+)\.([0-9]+)(\..*)?$`)
	systemdCore := regexp.MustCompile(`^core\.(.+)\.[0-9]+\.[0-9a-f]{32}\.([0-9]+)\.([0-9]+)(\.(zst|xz|lz4))?$`)
	switch {
	case name == "core":
		return nameInfo{}, true
	case systemdCore.MatchString(name):
		m := systemdCore.FindStringSubmatch(name)
		usec, _ := strconv.ParseInt(m[3], 10, 64)
		return nameInfo{program: unescapeComm(m[1]), pid: atoi(m[2]), systemd: true, usec: usec, compression: m[5]}, true
	case corePID.MatchString(name):
		return nameInfo{pid: atoi(corePID.FindStringSubmatch(name)[1])}, true
	case coreNamePID.MatchString(name):
		m := coreNamePID.FindStringSubmatch(name)
		return nameInfo{program: m[1], pid: atoi(m[2])}, true
	case strings.HasSuffix(name, ".core") && len(name) > len(".core"):
		return dotCore(strings.TrimSuffix(name, ".core")), true
	}
	return nameInfo{}, false
}

var fastPathNames = []string{
	"core", "core.4711", "core.imapd.4711.1795870000", "imapd.mail.example.com.12345.1196035200.core",
	"core.imapd.0.8f6d5b6d0e0a4a9e9f6c1f1f0d1c2b3a.4711.1795870000000000.zst", ".core", "99999999999999999999.core",
	"corefile", "core.", "cores", "1.msg", "Core", "x.core.gz", "core.x", "a.core", "score",
}

func TestCoreNameAgreesWithRegexps(t *testing.T) {
	for _, name := range fastPathNames {
		gi, gok := coreName(name)
		wi, wok := oldCoreName(name)
		if gi != wi || gok != wok {
			t.Errorf("coreName(%q) = %+v, %v; want %+v, %v", name, gi, gok, wi, wok)
		}
	}
}

func FuzzCoreNameFastPath(f *testing.F) {
	for _, s := range fastPathNames {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		gi, gok := coreName(name)
		wi, wok := oldCoreName(name)
		if gi != wi || gok != wok {
			t.Fatalf("coreName(%q) = %+v, %v; want %+v, %v", name, gi, gok, wi, wok)
		}
	})
}

var globCases = []struct{ glob, name string }{
	{"core.*.*.*", "core.imapd.1.2"},
	{"core.*.*.*", "1.msg"},
	{"*.dump", "imapd.dump"},
	{"*.dump", "imapd.dumpx"},
	{`100\%.*`, "100%.7"},
	{`a\*b`, "a*b"},
	{"[ab]c", "bc"},
	{"[ab]c", "bd"},
	{"x[^y]", "xz"},
	{"a]b", "a]b"},
	{"[abc", "abc"},
	{"core", "core"},
	{"co?e", "core"},
	{"", ""},
	{"*", "anything"},
	{"ab*ba", "aba"},
}

func TestGlobLiteralsAgreeWithMatch(t *testing.T) {
	for _, c := range globCases {
		want, _ := filepath.Match(c.glob, c.name)
		if got := literalsOf(c.glob).matches(c.name); got != want {
			t.Errorf("glob %q name %q: %v, filepath.Match says %v", c.glob, c.name, got, want)
		}
	}
}

func FuzzGlobLiterals(f *testing.F) {
	for _, c := range globCases {
		f.Add(c.glob, c.name)
	}
	f.Fuzz(func(t *testing.T, glob, name string) {
		want, _ := filepath.Match(glob, name)
		if got := literalsOf(glob).matches(name); got != want {
			t.Fatalf("glob %q name %q: %v, filepath.Match says %v", glob, name, got, want)
		}
	})
}

func TestJoinPrefix(t *testing.T) {
	for _, dir := range []string{"/", "/var/crash", "/var/crash/", "var/./crash", "a/..", ".", "", "//x//", "/a/b/../c"} {
		for _, name := range []string{"core", "x", "...", ".core"} {
			if got, want := joinPrefix(dir)+name, filepath.Join(dir, name); got != want {
				t.Errorf("joinPrefix(%q)+%q = %q, want %q", dir, name, got, want)
			}
		}
	}
}

// BenchmarkMatchNames is the per-entry cost of a tree walk: message file
// names, which are never cores, through the core name test and a
// core_pattern glob.
func BenchmarkMatchNames(b *testing.B) {
	m := &matcher{patternGlobs: []string{patternGlob("core.%e.%p.%t")}, userGlobs: []string{"*.dump"}}
	names := []string{"1.msg", "17.msg", "store.idx", "store.cache", "=user", "core.imapd.12.1795870000"}
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			m.match(n, false)
		}
	}
}
