package folders

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/procinfo"
)

// refreshLock keeps two refreshes of the same result from running
// reconstruct at once (a cron job that overlaps the previous night's run
// would double the load on the store). It is a file created exclusively,
// naming the refresh that holds it and, once started, its reconstruct:
//
//	<pid> <since, Unix seconds> <pid's start key> <reconstruct pid> <its start key>
//
// (an older two-field form "<pid> <since>" is still read). A pid alone
// proves nothing: after a reboot or a long time the kernel gives it to
// another process (pid 1 always exists). So each pid is paired with its
// process's start (lib/procinfo), and the lock holds while either the
// refresh or its reconstruct is that same process, still running: a
// reconstruct left running by a refresh that was killed keeps the lock.
// Otherwise the lock is stale and taken over.
type refreshLock struct {
	path  string
	owner lockOwner
}

// lockOwner is what a lock file says.
type lockOwner struct {
	pid      int
	since    time.Time
	startKey string // "" in the older form, or when /proc could not say
	child    int    // the reconstruct (or sudo) it runs; 0 before it started
	childKey string
}

// startSlack allows for the start time that Linux derives from the boot
// time in whole seconds.
const startSlack = 5 * time.Second

func acquireRefreshLock(path string, now time.Time) (*refreshLock, string, error) {
	me := lockOwner{pid: os.Getpid(), since: now, startKey: startKey(os.Getpid())}
	note := ""
	for attempt := 0; attempt < 2; attempt++ {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, werr := f.WriteString(me.String())
			cerr := f.Close()
			if werr != nil || cerr != nil {
				os.Remove(path)
				return nil, "", fmt.Errorf("cannot write the lock %s: %v", path, errors.Join(werr, cerr))
			}
			return &refreshLock{path: path, owner: me}, note, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, "", fmt.Errorf("cannot create the lock %s: %v", path, errtext.Cause(err))
		}
		owner, ok := readLock(path)
		if ok && owner.pid != me.pid {
			if busy := owner.busy(path); busy != "" {
				return nil, "", errors.New(busy)
			}
		}
		note = staleNote(path, owner, ok)
		os.Remove(path) // stale or unreadable: its owner is gone
	}
	return nil, "", fmt.Errorf("cannot take the lock %s", path)
}

// recordChild adds the reconstruct's pid and start to the lock, so that
// the lock holds while it runs even if this refresh is killed. It replaces
// the file in one rename; a failure leaves the lock as it was.
func (l *refreshLock) recordChild(pid int) {
	l.owner.child, l.owner.childKey = pid, startKey(pid)
	tmp := l.path + ".tmp" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(tmp, []byte(l.owner.String()), 0o600); err != nil {
		os.Remove(tmp)
		return
	}
	if os.Rename(tmp, l.path) != nil {
		os.Remove(tmp)
	}
}

func (l *refreshLock) release() { os.Remove(l.path) }

func (o lockOwner) String() string {
	return fmt.Sprintf("%d %d %s %d %s\n", o.pid, o.since.Unix(), orDash(o.startKey), o.child, orDash(o.childKey))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func fromDash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

func readLock(path string) (lockOwner, bool) {
	b, err := os.ReadFile(path)
	if err != nil || len(b) > 4096 {
		return lockOwner{}, false
	}
	return parseLock(string(b))
}

// parseLock reads either form of the lock file.
func parseLock(s string) (lockOwner, bool) {
	f := strings.Fields(s)
	if len(f) != 2 && len(f) != 5 {
		return lockOwner{}, false
	}
	pid, err1 := strconv.Atoi(f[0])
	since, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return lockOwner{}, false
	}
	o := lockOwner{pid: pid, since: time.Unix(since, 0)}
	if len(f) == 5 {
		child, err := strconv.Atoi(f[3])
		if err != nil || child < 0 {
			return lockOwner{}, false
		}
		o.startKey, o.child, o.childKey = fromDash(f[2]), child, fromDash(f[4])
	}
	return o, true
}

// busy says who still holds the lock, or "" when nobody does.
func (o lockOwner) busy(path string) string {
	when := o.since.Local().Format("2006-01-02 15:04:05 MST")
	if stillRunning(o.pid, o.startKey, o.since) {
		return fmt.Sprintf("another refresh (pid %d) has been running since %s; lock %s", o.pid, when, path)
	}
	if o.child > 0 && stillRunning(o.child, o.childKey, o.since) {
		return fmt.Sprintf("the reconstruct (pid %d) of an earlier refresh (pid %d, since %s) is still running, although that refresh is gone; not starting another; lock %s",
			o.child, o.pid, when, path)
	}
	return ""
}

// stillRunning reports whether pid is still the process that was recorded
// with startKey in a lock written at since.
func stillRunning(pid int, key string, since time.Time) bool {
	if lockedBeforeBoot(since) {
		return false // no process of this boot wrote it
	}
	info, err := procinfo.Lookup(pid)
	switch {
	case errors.Is(err, procinfo.ErrNoProcess):
		return false
	case err != nil:
		// Hidden by /proc, or no /proc here: a live pid is all we know.
		return processExists(pid)
	case info.Zombie:
		return false
	case key != "" && info.StartKey != "":
		return info.StartKey == key
	}
	// The older form has no start key, but its writer started before it
	// wrote the lock: a process that started after that is another one.
	return info.Start.IsZero() || !info.Start.After(since.Add(startSlack))
}

// lockedBeforeBoot: a lock dated before the system booted belongs to a
// process of an earlier boot, whatever now has its pid.
func lockedBeforeBoot(since time.Time) bool {
	boot, ok := procinfo.BootTime()
	return ok && since.Before(boot.Add(-startSlack))
}

// staleNote says, for the long output, which lock was taken over.
func staleNote(path string, o lockOwner, readable bool) string {
	if !readable {
		return fmt.Sprintf("replaced the unreadable lock %s", path)
	}
	return fmt.Sprintf("took over the lock %s of refresh pid %d (%s): it no longer runs", path, o.pid, o.since.Local().Format("2006-01-02 15:04:05 MST"))
}

func startKey(pid int) string {
	info, err := procinfo.Lookup(pid)
	if err != nil {
		return ""
	}
	return info.StartKey
}

// processExists uses signal 0: EPERM means it exists under another user.
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
