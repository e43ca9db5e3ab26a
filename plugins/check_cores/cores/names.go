package cores

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/msgstore-plugins/msgstore/lib/words"
)

// nameInfo is what a core file's name tells about the process.
type nameInfo struct {
	program     string
	pid         int
	systemd     bool   // systemd-coredump's core.<comm>.<uid>.<boot id>.<pid>.<usec>[.zst|.lz4|.xz]
	usec        int64  // systemd-coredump: the crash time, microseconds since the epoch
	compression string // systemd-coredump: "zst", "lz4", "xz", or "" when stored as it is
}

// The regexps run only on names that pass coreNameShape, and are compiled
// on first use: most runs never meet a core, and compiling them at package
// load was part of every run's cost.
var (
	// core.<pid> (kernel.core_uses_pid) and core.<name>.<pid>[.<more>]
	// (core_pattern core.%e.%p.%t, coreadm core.%f.%p).
	corePID     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^core\.([0-9]+)$`) })
	coreNamePID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^core\.([^.]+)\.([0-9]+)(\..*)?$`) })
)

// coreNameShape is the cheap test every name of a tree walk goes through:
// only "core", "core.*" and "*.core" can be core names (every case of
// coreName below), and nearly no file is one.
func coreNameShape(name string) bool {
	return strings.HasPrefix(name, "core") && (len(name) == 4 || name[4] == '.') ||
		strings.HasSuffix(name, ".core") && len(name) > len(".core")
}

// coreName reports whether a file name looks like a core's, and what the
// name tells: "core", "core.<pid>", "core.<name>.<pid>...", "*.core"
// (coreadm's %f.%n.%p.%t.core of Sun's debugging guide).
func coreName(name string) (nameInfo, bool) {
	if !coreNameShape(name) {
		return nameInfo{}, false
	}
	switch {
	case name == "core":
		return nameInfo{}, true
	case strings.HasPrefix(name, "core."):
		if n, ok := parseSystemdName(name); ok {
			return nameInfo{program: n.comm, pid: n.pid, systemd: true, usec: n.usec, compression: n.compression}, true
		}
		if m := corePID().FindStringSubmatch(name); m != nil {
			return nameInfo{pid: atoi(m[1])}, true
		}
		if m := coreNamePID().FindStringSubmatch(name); m != nil {
			return nameInfo{program: m[1], pid: atoi(m[2])}, true
		}
	}
	if strings.HasSuffix(name, ".core") && len(name) > len(".core") {
		return dotCore(strings.TrimSuffix(name, ".core")), true
	}
	return nameInfo{}, false
}

// dotCore reads "<program>.<node>.<pid>.<time>" (coreadm %f.%n.%p.%t; the
// node name may hold dots), "<program>.<pid>" or "<program>".
func dotCore(stem string) nameInfo {
	f := strings.Split(stem, ".")
	n := len(f)
	switch {
	case n >= 3 && words.AllDigits(f[n-1]) && words.AllDigits(f[n-2]):
		return nameInfo{program: f[0], pid: atoi(f[n-2])}
	case n >= 2 && words.AllDigits(f[n-1]):
		return nameInfo{program: strings.Join(f[:n-1], "."), pid: atoi(f[n-1])}
	case words.AllDigits(stem):
		return nameInfo{pid: atoi(stem)}
	}
	return nameInfo{program: stem}
}

func atoi(s string) int {
	// pids are 32-bit on every system; a longer number is not a pid.
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 {
		return 0
	}
	return int(n)
}

// matcher decides which files are candidates: names that look like cores,
// names matching the globs of the system's core patterns (kernel
// core_pattern, coreadm), and names matching the --name globs.
type matcher struct {
	patternGlobs []string // from the system's relative core patterns: trusted
	userGlobs    []string // from --name and generic patterns (%e.%p): a core only if its header says so
	dirGlobs     []string // from absolute core patterns: trusted in the core directories only

	// The globs' literal prefixes and suffixes, computed on the first
	// match: a name without them cannot match, and checking them costs
	// far less than filepath.Match on each of a million names.
	patternLits, userLits, dirLits []globLiterals
	ready                          bool
}

// globLiterals are the characters every name a glob matches starts and
// ends with.
type globLiterals struct{ glob, prefix, suffix string }

// literalsOf finds a glob's literal prefix (before the first '*', '?', '['
// or '\') and literal suffix (after the last of those or ']'). A run after
// an escaping '\' is literal too; one inside an unclosed '[' belongs to a
// malformed glob, which filepath.Match never matches anyway.
func literalsOf(glob string) globLiterals {
	const meta = "*?[\\"
	prefix := glob
	if i := strings.IndexAny(glob, meta); i >= 0 {
		prefix = glob[:i]
	}
	suffix := glob
	if i := strings.LastIndexAny(glob, meta+"]"); i >= 0 {
		suffix = glob[i+1:]
	}
	return globLiterals{glob: glob, prefix: prefix, suffix: suffix}
}

func literalsOfAll(globs []string) []globLiterals {
	out := make([]globLiterals, len(globs))
	for i, g := range globs {
		out[i] = literalsOf(g)
	}
	return out
}

// matches is filepath.Match(l.glob, name), the literals tested first.
func (l globLiterals) matches(name string) bool {
	if len(name) < len(l.prefix) || len(name) < len(l.suffix) ||
		!strings.HasPrefix(name, l.prefix) || !strings.HasSuffix(name, l.suffix) {
		return false
	}
	ok, _ := filepath.Match(l.glob, name)
	return ok
}

// match returns whether name is a candidate, whether it is trusted (an
// empty or cut file of that name is a failed dump, and one we cannot read
// still counts), and whether its name alone looks like a core's.
// In a core directory (dedicated) the absolute patterns' globs are
// trusted too.
func (m *matcher) match(name string, dedicated bool) (candidate, trusted, byName bool) {
	if _, ok := coreName(name); ok {
		return true, true, true
	}
	if !m.ready {
		m.patternLits, m.userLits, m.dirLits = literalsOfAll(m.patternGlobs), literalsOfAll(m.userGlobs), literalsOfAll(m.dirGlobs)
		m.ready = true
	}
	if dedicated {
		for _, g := range m.dirLits {
			if g.matches(name) {
				return true, true, false
			}
		}
	}
	for _, g := range m.patternLits {
		if g.matches(name) {
			return true, true, false
		}
	}
	for _, g := range m.userLits {
		if g.matches(name) {
			return true, false, false
		}
	}
	return false, false, false
}

// specificGlob reports whether a glob says more than "some fields
// separated by dots or dashes": "core.*.*" and "*-*.dump" do, "*.*" does
// not. An empty file or one we cannot read counts as a core only by a
// specific name.
func specificGlob(g string) bool {
	return strings.Trim(g, "*?.-_%\\") != ""
}

// patternGlob turns the file name part of a core pattern (kernel
// core_pattern, coreadm) into a shell glob: every %-specifier becomes '*'.
// "core.%e.%p.%t" -> "core.*.*.*"; "%%" is a literal '%'.
func patternGlob(pattern string) string {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '%' && i+1 < len(pattern) && pattern[i+1] == '%':
			b.WriteString(`\%`)
			i++
		case c == '%':
			if !strings.HasSuffix(b.String(), "*") {
				b.WriteByte('*')
			}
			i++
		case c == '*' || c == '?' || c == '[' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
