//go:build linux

package procinfo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"sync"
	"syscall"
)

// procRoot is where procfs is mounted; tests may point it elsewhere.
var procRoot = "/proc"

// Lookup reads /proc/<pid>. The command name and state come from
// /proc/<pid>/stat (readable for every process); exe and cmdline are
// best-effort, since another user's exe link is not readable without
// privileges.
func Lookup(pid int) (Info, error) {
	if pid <= 0 {
		return Info{}, fmt.Errorf("invalid pid %d", pid)
	}
	dir := procRoot + "/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		// ESRCH: the process exited between the open and the read.
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
			// /proc mounted with hidepid hides other users' processes:
			// kill(pid, 0) still tells a hidden process from none.
			if syscall.Kill(pid, 0) == syscall.EPERM {
				return Info{}, ErrHidden
			}
			return Info{}, ErrNoProcess
		}
		return Info{}, err
	}
	info, err := parseStat(stat)
	if err != nil {
		return Info{}, fmt.Errorf("%s/stat: %v", dir, err)
	}
	if info.Pid != pid {
		// A thread id of another process: not a process of its own.
		return Info{}, ErrNoProcess
	}
	if ticks, ok := parseStartTicks(stat); ok {
		if boot, ok := bootTime(); ok {
			info.Start = startTime(boot, ticks)
		}
	}
	if exe, err := os.Readlink(dir + "/exe"); err == nil {
		info.Exe = exe
	}
	if cmd, err := os.ReadFile(dir + "/cmdline"); err == nil {
		info.Argv0 = argv0(cmd)
	}
	return info, nil
}

// bootTime is read from /proc/stat once per run: it does not change.
var bootTime = sync.OnceValues(func() (int64, bool) {
	b, err := os.ReadFile(procRoot + "/stat")
	if err != nil {
		return 0, false
	}
	return parseBootTime(b)
})

// Hidden reports whether /proc hides other users' processes from this
// user (mounted with hidepid): init, pid 1, exists on every system, so not
// seeing it while kill(1, 0) says it exists means Pids lists only some
// processes.
func Hidden() bool {
	_, err := Lookup(1)
	return errors.Is(err, ErrHidden)
}
