package msgprocs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/procinfo"
)

// snapshot is what /proc shows at one moment.
type snapshot struct {
	procs      []procinfo.Info
	hidden     bool // /proc hides other users' processes (Linux hidepid)
	unreadable int  // processes listed but not readable (other than gone)
}

// lister reads the process table; tests give the check a fake one.
type lister func() (snapshot, error)

// readProc lists every process and looks each up in /proc: the program is
// told by its executable path or the kernel's command name, never by a
// substring of ps output. A process that exits between the listing and
// its lookup is simply not there.
func readProc() (snapshot, error) {
	pids, err := procinfo.Pids()
	if err != nil {
		if errors.Is(err, procinfo.ErrUnsupported) {
			return snapshot{}, err
		}
		return snapshot{}, fmt.Errorf("cannot list /proc: %s", errtext.Reason(err))
	}
	s := snapshot{hidden: procinfo.Hidden()}
	for _, pid := range pids {
		info, err := procinfo.Lookup(pid)
		switch {
		case errors.Is(err, procinfo.ErrNoProcess):
		case err != nil:
			s.unreadable++
		default:
			s.procs = append(s.procs, info)
		}
	}
	return s, nil
}

// instance is one running process of a daemon.
type instance struct {
	pid   int
	start time.Time // zero when unknown
	// unverified: neither the executable path nor an absolute argv[0]
	// could be read, so the installation it belongs to is not known.
	unverified bool
}

// census is the processes of the tracked programs, by name.
type census struct {
	running map[string][]instance
	// defunct are zombies (exited, not yet reaped) whose parent is a
	// process of this installation; strays are the other zombies, whose
	// installation cannot be told (a zombie has no executable left).
	defunct, strays map[string][]int
	foreign         map[string][]string // "pid 4711 runs /opt/other/lib/imapd"
}

// installation is the BASE/lib directory the daemons must run from, as
// given and with symbolic links resolved (the kernel reports the resolved
// executable path).
type installation struct{ libDirs []string }

func newInstallation(lib string) installation {
	in := installation{libDirs: []string{filepath.Clean(lib)}}
	if r, err := filepath.EvalSymlinks(lib); err == nil && r != in.libDirs[0] {
		in.libDirs = append(in.libDirs, r)
	}
	return in
}

// owns reports whether program path p lies directly in BASE/lib.
func (in installation) owns(p string) bool {
	dir := filepath.Dir(strings.TrimSuffix(p, " (deleted)"))
	for _, d := range in.libDirs {
		if dir == d {
			return true
		}
	}
	return false
}

// where tells where a process's program comes from: path is the
// executable path, else an absolute argv[0] (Solaris psargs, a Linux
// cmdline of another user's process), else "" when nothing says.
func where(p procinfo.Info) string {
	if p.Exe != "" {
		return strings.TrimSuffix(p.Exe, " (deleted)")
	}
	if filepath.IsAbs(p.Argv0) {
		return p.Argv0
	}
	return ""
}

// take sorts the snapshot's processes into the census of names. The
// plugin itself and its parent never count, whatever they are called.
func take(s snapshot, names []string, in installation, self, parent int) census {
	c := census{running: map[string][]instance{}, defunct: map[string][]int{}, strays: map[string][]int{}, foreign: map[string][]string{}}
	ours := map[int]bool{} // every live process running a program of BASE/lib
	var zombies []procinfo.Info
	for _, p := range s.procs {
		if path := where(p); path != "" && in.owns(path) {
			ours[p.Pid] = true
		}
		if p.Pid == self || p.Pid == parent {
			continue
		}
		name, ok := programOf(p, names)
		if !ok {
			continue
		}
		if p.Zombie {
			zombies = append(zombies, p)
			continue
		}
		path := where(p)
		if path != "" && !in.owns(path) {
			c.foreign[name] = append(c.foreign[name], fmt.Sprintf("pid %d runs %s", p.Pid, path))
			continue
		}
		c.running[name] = append(c.running[name], instance{pid: p.Pid, start: p.Start, unverified: path == ""})
	}
	for _, z := range zombies {
		name, _ := programOf(z, names)
		if ours[z.PPid] {
			c.defunct[name] = append(c.defunct[name], z.Pid)
		} else {
			c.strays[name] = append(c.strays[name], z.Pid)
		}
	}
	return c
}

// programOf is the tracked name a process runs, if any.
func programOf(p procinfo.Info, names []string) (string, bool) {
	for _, n := range names {
		if p.Is(n) {
			return n, true
		}
	}
	return "", false
}

// selfAndParent are the pids that never count.
func selfAndParent() (int, int) { return os.Getpid(), os.Getppid() }
