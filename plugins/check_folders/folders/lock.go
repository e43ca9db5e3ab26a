package folders

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// refreshLock keeps two refreshes of the same result from running
// reconstruct at once (a cron job that overlaps the previous night's run
// would double the load on the store). It is a file created exclusively,
// holding the owner's pid; a lock whose owner is gone (killed by its own
// watchdog, a reboot) is taken over.
type refreshLock struct{ path string }

func acquireRefreshLock(path string, now time.Time) (*refreshLock, error) {
	for attempt := 0; attempt < 2; attempt++ {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			fmt.Fprintf(f, "%d %d\n", os.Getpid(), now.Unix())
			f.Close()
			return &refreshLock{path: path}, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("cannot create the lock %s: %v", path, trimWrapPath(err))
		}
		pid, since, ok := readLock(path)
		if ok && pid != os.Getpid() && processExists(pid) {
			return nil, fmt.Errorf("another refresh (pid %d) has been running since %s; lock %s",
				pid, time.Unix(since, 0).Local().Format("2006-01-02 15:04:05 MST"), path)
		}
		os.Remove(path) // stale or unreadable: its owner is gone
	}
	return nil, fmt.Errorf("cannot take the lock %s", path)
}

func (l *refreshLock) release() { os.Remove(l.path) }

func readLock(path string) (pid int, since int64, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, false
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0, 0, false
	}
	pid, err1 := strconv.Atoi(f[0])
	since, err2 := strconv.ParseInt(f[1], 10, 64)
	return pid, since, err1 == nil && err2 == nil && pid > 0
}

// processExists uses signal 0: EPERM means it exists under another user.
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func trimWrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
