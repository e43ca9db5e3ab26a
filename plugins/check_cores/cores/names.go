package cores

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// nameInfo is what a core file's name tells about the process.
type nameInfo struct {
	program    string
	pid        int
	compressed bool // systemd-coredump's .zst/.xz/.lz4: not an ELF file
}

var (
	// core.<pid> (kernel.core_uses_pid) and core.<name>.<pid>[.<more>]
	// (core_pattern core.%e.%p.%t, coreadm core.%f.%p).
	corePID     = regexp.MustCompile(`^core\.([0-9]+)$`)
	coreNamePID = regexp.MustCompile(`^core\.([^.]+)\.([0-9]+)(\..*)?$`)
	// systemd-coredump: core.<comm>.<uid>.<boot id>.<pid>.<usec>[.zst|.xz|.lz4].
	systemdCore = regexp.MustCompile(`^core\.(.+)\.[0-9]+\.[0-9a-f]{32}\.([0-9]+)\.[0-9]+(\.(zst|xz|lz4))?$`)
	digits      = regexp.MustCompile(`^[0-9]+$`)
)

// coreName reports whether a file name looks like a core's, and what the
// name tells: "core", "core.<pid>", "core.<name>.<pid>...", "*.core"
// (coreadm's %f.%n.%p.%t.core of Sun's debugging guide).
func coreName(name string) (nameInfo, bool) {
	switch {
	case name == "core":
		return nameInfo{}, true
	case systemdCore.MatchString(name):
		m := systemdCore.FindStringSubmatch(name)
		return nameInfo{program: m[1], pid: atoi(m[2]), compressed: m[3] != ""}, true
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

// dotCore reads "<program>.<node>.<pid>.<time>" (coreadm %f.%n.%p.%t; the
// node name may hold dots), "<program>.<pid>" or "<program>".
func dotCore(stem string) nameInfo {
	f := strings.Split(stem, ".")
	n := len(f)
	switch {
	case n >= 3 && digits.MatchString(f[n-1]) && digits.MatchString(f[n-2]):
		return nameInfo{program: f[0], pid: atoi(f[n-2])}
	case n >= 2 && digits.MatchString(f[n-1]):
		return nameInfo{program: strings.Join(f[:n-1], "."), pid: atoi(f[n-1])}
	case digits.MatchString(stem):
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
	patternGlobs []string // from the system's core patterns: trusted
	userGlobs    []string // from --name: a core only if its header says so
}

// match returns whether name is a candidate, whether it is trusted (an
// empty or cut file of that name is a failed dump, and one we cannot read
// still counts), and whether its name alone looks like a core's.
func (m *matcher) match(name string) (candidate, trusted, byName bool) {
	if _, ok := coreName(name); ok {
		return true, true, true
	}
	for _, g := range m.patternGlobs {
		if ok, _ := filepath.Match(g, name); ok {
			return true, true, false
		}
	}
	for _, g := range m.userGlobs {
		if ok, _ := filepath.Match(g, name); ok {
			return true, false, false
		}
	}
	return false, false, false
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
