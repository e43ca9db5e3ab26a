//go:build solaris || illumos

package procinfo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"time"
)

// procRoot is where procfs is mounted; tests may point it elsewhere.
var procRoot = "/proc"

// Lookup reads /proc/<pid>/psinfo, which every user may read. A zombie has
// no lwps left (pr_nlwp 0).
func Lookup(pid int) (Info, error) {
	if pid <= 0 {
		return Info{}, fmt.Errorf("invalid pid %d", pid)
	}
	path := procRoot + "/" + strconv.Itoa(pid) + "/psinfo"
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Info{}, ErrNoProcess
		}
		return Info{}, err
	}
	info, err := parsePsinfo(b, pid, path)
	if err != nil {
		return info, err
	}
	// path/a.out names the executable (Solaris 10 and later, illumos); like
	// Linux's exe link it is readable by the owner and by root only.
	if exe, err := os.Readlink(procRoot + "/" + strconv.Itoa(pid) + "/path/a.out"); err == nil {
		info.Exe = exe
	}
	return info, nil
}

// Hidden is false: Solaris shows every process's psinfo to every user.
func Hidden() bool { return false }

// BootTime is when the system booted: the start of process 0 (sched),
// which the kernel creates at boot (false when unknown).
func BootTime() (time.Time, bool) {
	path := procRoot + "/0/psinfo"
	b, err := os.ReadFile(path)
	if err != nil {
		return time.Time{}, false
	}
	info, err := parsePsinfo(b, 0, path)
	return info.Start, err == nil && !info.Start.IsZero()
}
