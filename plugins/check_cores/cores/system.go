package cores

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// systemPaths are the host files that say where cores go. Tests replace
// them; the plugin uses defaultSystem.
type systemPaths struct {
	varCores    string // coreadm's directory in Sun's debugging guide
	corePattern string // Linux kernel.core_pattern
	coreadmConf string // Solaris 10 coreadm settings
}

var defaultSystem = systemPaths{
	varCores:    "/var/cores",
	corePattern: "/proc/sys/kernel/core_pattern",
	coreadmConf: "/etc/coreadm.conf",
}

// sysDir is a system directory to search and why.
type sysDir struct {
	path string
	why  string
}

// discover returns the system directories where cores go and the name
// globs their patterns produce. Nothing here is an error: a host without
// these files simply has no such directories.
func (s systemPaths) discover() (dirs []sysDir, globs []string) {
	if s.varCores != "" {
		dirs = append(dirs, sysDir{s.varCores, "coreadm directory"})
	}
	if p := readSmall(s.corePattern); p != "" && !strings.HasPrefix(p, "|") {
		// A pipe ("|/usr/lib/systemd/systemd-coredump ...") hands cores to
		// a program; they are not files we can find.
		usesPID := readSmall(filepath.Join(filepath.Dir(s.corePattern), "core_uses_pid")) == "1"
		d, g := fromPattern(p, "kernel.core_pattern")
		dirs = append(dirs, d...)
		globs = append(globs, g...)
		if usesPID && !strings.Contains(p, "%p") {
			for _, x := range g {
				globs = append(globs, x+".*")
			}
		}
	}
	for _, p := range coreadmPatterns(s.coreadmConf) {
		d, g := fromPattern(p, "coreadm pattern")
		dirs = append(dirs, d...)
		globs = append(globs, g...)
	}
	return dirs, globs
}

// fromPattern splits a core file pattern into the directory it names
// (when absolute: the part before the first %-specifier) and a glob for
// the file name.
func fromPattern(pattern, why string) ([]sysDir, []string) {
	var dirs []sysDir
	var globs []string
	if strings.HasPrefix(pattern, "/") {
		dir := filepath.Dir(pattern)
		if i := strings.IndexByte(dir, '%'); i >= 0 {
			dir = filepath.Dir(dir[:i] + "x")
		}
		dirs = append(dirs, sysDir{dir, why + " " + pattern})
	}
	if g := patternGlob(filepath.Base(pattern)); g != "*" && g != "" {
		globs = append(globs, g)
	}
	return dirs, globs
}

// coreadmPatterns reads COREADM_GLOB_PATTERN and COREADM_INIT_PATTERN from
// /etc/coreadm.conf (Solaris 10; Solaris 11 keeps them in SMF: use --dir).
func coreadmPatterns(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(io.LimitReader(f, 64<<10))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok || (k != "COREADM_GLOB_PATTERN" && k != "COREADM_INIT_PATTERN") {
			continue
		}
		if v = strings.Trim(strings.TrimSpace(v), `"'`); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// readSmall reads a one-line system file, or "".
func readSmall(path string) string {
	if path == "" {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 4096))
	return strings.TrimSpace(string(b))
}
