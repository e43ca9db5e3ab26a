package cores

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// systemPaths are the host files that say where cores go. Tests replace
// them; the plugin uses defaultSystem.
type systemPaths struct {
	coreDirs     []sysDir // directories that hold nothing but cores, when they exist
	systemdDir   string   // where systemd-coredump stores cores
	coredumpConf string   // systemd-coredump's settings; drop-ins in coredumpConf+".d"
	corePattern  string   // Linux kernel.core_pattern
	suidDumpable string   // Linux fs.suid_dumpable
	coreadmConf  string   // Solaris 10 coreadm settings
	coreadm      string   // the coreadm command (Solaris 11 keeps its settings in SMF)
}

var defaultSystem = systemPaths{
	coreDirs: []sysDir{
		{path: "/var/cores", why: "the coreadm directory of Sun's debugging guide", dedicated: true},
		{path: "/var/core", why: "the coreadm directory of the coreadm manual's example", dedicated: true},
		{path: "/var/share/cores", why: "Solaris 11.4's core directory", dedicated: true},
	},
	systemdDir:   "/var/lib/systemd/coredump",
	coredumpConf: "/etc/systemd/coredump.conf",
	corePattern:  "/proc/sys/kernel/core_pattern",
	suidDumpable: "/proc/sys/fs/suid_dumpable",
	coreadmConf:  "/etc/coreadm.conf",
	coreadm:      "/usr/bin/coreadm",
}

// sysDir is a system directory to search and why. In a dedicated
// directory every regular file is opened: whatever its name, it counts
// if its header says core.
type sysDir struct {
	path      string
	why       string
	dedicated bool
}

// hostCores is what the host says about its cores.
type hostCores struct {
	dirs []sysDir // system directories to search, most specific first
	// File name globs of the core patterns. A relative pattern's name
	// is written into each daemon's working directory: its glob applies
	// everywhere, trusted when specific (globs), else as --name does
	// (weakGlobs). An absolute pattern's applies in its directory only
	// (dirGlobs).
	globs, weakGlobs, dirGlobs []string
	// namePatterns read program and pid from the names the patterns give.
	namePatterns []namePattern
	expect       []string // where the settings send cores, for long output
	disabled     string   // set when no core can be written at all: why
	problems     []string // settings that could not be read
}

func (h *hostCores) addDir(d sysDir) {
	d.path = filepath.Clean(d.path)
	for _, x := range h.dirs {
		if x.path == d.path {
			return
		}
	}
	h.dirs = append(h.dirs, d)
}

// addPattern adds the directories and globs of a core pattern.
func (h *hostCores) addPattern(pattern string, dirs []sysDir, globs []string) {
	if np, ok := compileNamePattern(pattern); ok {
		h.namePatterns = append(h.namePatterns, np)
	}
	for _, d := range dirs {
		h.addDir(d)
	}
	for _, g := range globs {
		switch {
		case strings.HasPrefix(pattern, "/"):
			h.dirGlobs = append(h.dirGlobs, g)
		case specificGlob(g):
			h.globs = append(h.globs, g)
		default:
			h.weakGlobs = append(h.weakGlobs, g)
		}
	}
}

// isDedicated reports whether dir is one of the system's core directories.
func (h *hostCores) isDedicated(dir string) bool {
	dir = filepath.Clean(dir)
	for _, d := range h.dirs {
		if d.path == dir && d.dedicated {
			return true
		}
	}
	return false
}

// discover reads the host's core settings. A host without these files
// simply has no such directories; only a coreadm that fails is a problem.
// coreadm is the coreadm command to run: explicit when given by --coreadm
// (then it must run), else the default, skipped when absent.
func (s systemPaths) discover(env *plugin.Env, coreadm string, explicit bool) *hostCores {
	h := &hostCores{}
	s.linux(h)
	s.solaris(env, h, coreadm, explicit)
	for _, d := range s.coreDirs {
		h.addDir(d)
	}
	if s.systemdDir != "" {
		h.addDir(sysDir{path: s.systemdDir, why: "systemd-coredump's directory", dedicated: true})
	}
	return h
}

// linux reads kernel.core_pattern and fs.suid_dumpable.
func (s systemPaths) linux(h *hostCores) {
	p := readSmall(s.corePattern)
	switch {
	case p == "":
		return
	case strings.HasPrefix(p, "|"):
		prog := strings.TrimPrefix(p, "|")
		if f := strings.Fields(prog); len(f) > 0 {
			prog = f[0]
		}
		if filepath.Base(prog) == "systemd-coredump" && s.systemdDir != "" {
			s.systemdCoredump(h, prog)
		} else {
			h.expect = append(h.expect, fmt.Sprintf("kernel.core_pattern pipes cores to %s: what it keeps is no file this check can find", prog))
		}
	default:
		usesPID := readSmall(filepath.Join(filepath.Dir(s.corePattern), "core_uses_pid")) == "1"
		d, g := fromPattern(p, "kernel.core_pattern")
		if usesPID && !strings.Contains(p, "%p") {
			for _, x := range g {
				g = append(g, x+".*")
			}
		}
		h.addPattern(p, d, g)
		if strings.HasPrefix(p, "/") {
			h.expect = append(h.expect, fmt.Sprintf("kernel.core_pattern %s: cores go to %s", p, d[0].path))
		} else {
			h.expect = append(h.expect, fmt.Sprintf("kernel.core_pattern %s: a daemon dumps into its working directory", p))
		}
	}
	if readSmall(s.suidDumpable) == "0" {
		h.expect = append(h.expect, "fs.suid_dumpable 0: a process that changed its user or group id (a daemon started as root running as another user) dumps no core")
	}
}

// systemdCoredump says where systemd-coredump keeps cores, after its
// Storage= and ProcessSizeMax= settings (coredump.conf(5)).
func (s systemPaths) systemdCoredump(h *hostCores, prog string) {
	h.addDir(sysDir{path: s.systemdDir, why: "kernel.core_pattern pipes to systemd-coredump", dedicated: true})
	storage, sizeMax := readCoredumpConf(s.coredumpConf)
	switch {
	case storage == "none" || sizeMax == "0":
		setting := "Storage=none"
		if sizeMax == "0" {
			setting = "ProcessSizeMax=0"
		}
		h.expect = append(h.expect, fmt.Sprintf("kernel.core_pattern pipes cores to %s, which keeps none (coredump.conf %s)", prog, setting))
		h.disabled = "core dumps discarded (systemd-coredump " + setting + "): crashes leave no core"
	case storage == "journal":
		h.expect = append(h.expect, fmt.Sprintf("kernel.core_pattern pipes cores to %s, which keeps them in the journal (coredump.conf Storage=journal): coredumpctl lists them, this check cannot", prog))
	default:
		h.expect = append(h.expect, fmt.Sprintf("kernel.core_pattern pipes cores to %s: they go to %s, compressed", prog, s.systemdDir))
	}
}

// readCoredumpConf reads Storage= and ProcessSizeMax= of the [Coredump]
// section of coredump.conf, then of its drop-ins in name order, the last
// setting winning as systemd reads them. Absent files say nothing.
func readCoredumpConf(path string) (storage, sizeMax string) {
	files := []string{path}
	if drop, err := filepath.Glob(path + ".d/*.conf"); err == nil {
		files = append(files, drop...) // Glob sorts them
	}
	for _, f := range files {
		st, sm := parseCoredumpConf(readSmallN(f, 64<<10))
		if st != "" {
			storage = st
		}
		if sm != "" {
			sizeMax = sm
		}
	}
	return storage, sizeMax
}

func parseCoredumpConf(text string) (storage, sizeMax string) {
	section := ""
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || l[0] == '#' || l[0] == ';':
		case l[0] == '[':
			section = strings.Trim(l, "[] ")
		case section == "Coredump":
			k, v, ok := strings.Cut(l, "=")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "Storage":
				storage = strings.ToLower(strings.TrimSpace(v))
			case "ProcessSizeMax":
				sizeMax = strings.TrimSpace(v)
			}
		}
	}
	return storage, sizeMax
}

// solaris reads coreadm's settings: from the coreadm command when there is
// one (Solaris 11 keeps them in SMF), else from /etc/coreadm.conf.
func (s systemPaths) solaris(env *plugin.Env, h *hostCores, coreadm string, explicit bool) {
	var set coreadmSettings
	found := false
	if coreadm != "" {
		if _, err := os.Stat(coreadm); err == nil || explicit {
			set, err = runCoreadm(env, coreadm)
			if err == nil {
				found = true
			} else {
				h.problems = append(h.problems, "cannot read the core settings: "+err.Error())
			}
		}
	}
	if !found {
		set, found = readCoreadmConf(s.coreadmConf)
	}
	if !found {
		return
	}
	for _, p := range set.patterns() {
		d, g := fromPattern(p, set.source+" pattern")
		h.addPattern(p, d, g)
	}
	lines, disabled := set.expectations()
	h.expect = append(h.expect, lines...)
	h.disabled = disabled
}

// sharedDirs hold other files than cores: a core pattern that writes
// into one of them does not make every ELF core there a crash to report.
var sharedDirs = map[string]bool{"/": true, "/tmp": true, "/var/tmp": true, "/var": true, "/root": true,
	"/home": true, "/usr": true, "/opt": true, "/dev/shm": true, "/export/home": true}

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
		dirs = append(dirs, sysDir{path: dir, why: why + " " + pattern, dedicated: !sharedDirs[dir]})
	}
	if g := patternGlob(filepath.Base(pattern)); g != "*" && g != "" {
		globs = append(globs, g)
	}
	return dirs, globs
}

// readSmall reads a one-line system file, or "".
func readSmall(path string) string { return strings.TrimSpace(readSmallN(path, 4096)) }

// readSmallN reads at most n bytes of a system file, or "".
func readSmallN(path string, n int64) string {
	if path == "" {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, n))
	return string(b)
}
