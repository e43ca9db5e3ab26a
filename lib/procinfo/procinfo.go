// Package procinfo says what program a process id belongs to, read from
// /proc (Linux: comm, exe, cmdline, stat; Solaris and illumos: psinfo),
// never by matching a substring of ps output. Process checks use it to tell
// a live daemon from a pid that the kernel has since given to another
// program.
package procinfo

import (
	"errors"
	"path/filepath"
	"strings"
	"time"
)

// ErrNoProcess means no process has the pid (it exited and was reaped).
var ErrNoProcess = errors.New("no such process")

// ErrHidden means the process exists but /proc does not show it to this
// user (Linux /proc mounted with hidepid): run as root or the owner.
var ErrHidden = errors.New("the process exists but /proc hides it from this user (hidepid); run as root or as the process's owner")

// ErrUnsupported means this platform has no /proc the package can read.
var ErrUnsupported = errors.New("process lookup is not supported on this platform")

// Info is what /proc says about one process.
type Info struct {
	Pid    int
	PPid   int    // parent pid (0 when unknown)
	Name   string // kernel's command name: Linux comm (15 chars at most), Solaris pr_fname
	Exe    string // executable path (Linux /proc/pid/exe; "" when unreadable)
	Argv0  string // first word of the command line ("" when unreadable or empty)
	Zombie bool   // exited but not yet reaped by its parent
	// Start is when the process started (zero when unknown). On Linux it
	// is derived from the boot time and is good to about a second.
	Start time.Time
	// StartKey names the process's start exactly and stably ("" when
	// unknown): the same pid with the same StartKey is the same process,
	// a different StartKey means the pid was given to another one.
	StartKey string

	startTicks uint64 // Linux: clock ticks from boot to the start
}

// SameProcess reports whether info is the process that was recorded as
// (pid, startKey): the same pid, alive, and the same start.
func (i Info) SameProcess(pid int, startKey string) bool {
	return i.Pid == pid && !i.Zombie && startKey != "" && i.StartKey == startKey
}

// Names returns the distinct program names the process goes by: its
// command name and the base names of its executable and argv[0].
func (i Info) Names() []string {
	var out []string
	add := func(s string) {
		if s == "" {
			return
		}
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	add(i.Name)
	add(baseName(i.Exe))
	add(baseName(i.Argv0))
	return out
}

// Is reports whether the process runs the program called name: its command
// name or its executable's base name equals name. argv[0] counts only when
// neither of those could be read, since a process can write any argv[0].
// The kernel truncates command names (Linux to 15 bytes, Solaris to 15), so
// a long name matches its truncated form.
func (i Info) Is(name string) bool {
	if name == "" {
		return false
	}
	if i.Name != "" && (i.Name == name || len(i.Name) == 15 && strings.HasPrefix(name, i.Name)) {
		return true
	}
	if i.Exe != "" {
		return baseName(i.Exe) == name
	}
	if i.Name == "" {
		return baseName(i.Argv0) == name
	}
	return false
}

// baseName is the last element of a path; Linux marks an executable that
// was replaced or removed after exec with " (deleted)".
func baseName(p string) string {
	p = strings.TrimSuffix(p, " (deleted)")
	if p == "" {
		return ""
	}
	return filepath.Base(p)
}
