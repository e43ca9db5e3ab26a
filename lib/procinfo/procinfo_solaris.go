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
	return parsePsinfo(b, pid, path)
}

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
