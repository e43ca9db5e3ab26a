//go:build linux

package procinfo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
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
	info.Start, info.StartKey = startOf(info.startTicks)
	if exe, err := os.Readlink(dir + "/exe"); err == nil {
		info.Exe = exe
	}
	if cmd, err := os.ReadFile(dir + "/cmdline"); err == nil {
		info.Argv0 = argv0(cmd)
	}
	return info, nil
}

// boot is what turns a start in clock ticks into a time and a key: the
// boot time, the boot's id (ticks restart at every boot) and the ticks per
// second.
var boot = sync.OnceValues(func() (bootInfo, bool) {
	var bi bootInfo
	stat, err := os.ReadFile(procRoot + "/stat")
	if err != nil {
		return bi, false
	}
	var ok bool
	if bi.time, ok = parseBootTime(stat); !ok {
		return bi, false
	}
	bi.hz = 100 // USER_HZ on every Linux architecture Go supports
	if auxv, err := os.ReadFile(procRoot + "/self/auxv"); err == nil {
		if hz, ok := clockTicks(auxv); ok {
			bi.hz = hz
		}
	}
	if id, err := os.ReadFile(procRoot + "/sys/kernel/random/boot_id"); err == nil {
		bi.id = strings.TrimSpace(string(id))
	}
	return bi, true
})

type bootInfo struct {
	time time.Time
	id   string
	hz   uint64
}

// startOf converts a start in clock ticks since boot. The key is exact
// (boot id and ticks), the time approximate: the boot time is in whole
// seconds and moves when the clock is stepped.
func startOf(ticks uint64) (time.Time, string) {
	bi, ok := boot()
	if !ok || ticks == 0 {
		return time.Time{}, ""
	}
	start := bi.time.Add(time.Duration(ticks) * time.Second / time.Duration(bi.hz))
	return start, fmt.Sprintf("%s@%d", bi.id, ticks)
}

// BootTime is when the system booted, from /proc/stat (false when unknown).
func BootTime() (time.Time, bool) {
	bi, ok := boot()
	return bi.time, ok
}

// Hidden reports whether /proc hides other users' processes from this
// user (mounted with hidepid): init, pid 1, exists on every system, so not
// seeing it while kill(1, 0) says it exists means Pids lists only some
// processes.
func Hidden() bool {
	_, err := Lookup(1)
	return errors.Is(err, ErrHidden)
}
