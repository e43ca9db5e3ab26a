package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// ErrLocked is returned by Lock when another run still holds the lock at
// the deadline.
var ErrLocked = errors.New("locked by another run")

// Lock is an exclusive hold on one state file, from before it is read
// until after the new state is saved, so that overlapping runs of a check
// (a retry started while the previous run still reads) take turns instead
// of counting the same lines twice.
type Lock struct {
	mu sync.Mutex
	f  *os.File
}

// lockPoll is how often a waiting run tries the lock again.
const lockPoll = 20 * time.Millisecond

// LockFile takes the lock of the state file dir/name: a hidden
// ".NAME.lock" file beside it, checked like a state file. It waits until
// deadline (or ctx's end) at most, then fails with ErrLocked. The lock ends
// with Unlock, or with the process.
func LockFile(ctx context.Context, dir, name string, deadline time.Time) (*Lock, error) {
	if err := checkDir(dir, true); err != nil {
		return nil, err
	}
	p := filepath.Join(dir, "."+name+".lock")
	f, err := openNoFollow(p, os.O_RDWR|os.O_CREATE)
	if err != nil {
		return nil, err
	}
	if err := checkFile(f, p); err != nil {
		f.Close()
		return nil, err
	}
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot lock state %s: %w", p, err)
		}
		if ok {
			return &Lock{f: f}, nil
		}
		if !time.Now().Before(deadline) || ctx.Err() != nil {
			f.Close()
			return nil, fmt.Errorf("state %s: %w (still running at the deadline)", filepath.Join(dir, name), ErrLocked)
		}
		select {
		case <-ctx.Done():
		case <-time.After(min(lockPoll, time.Until(deadline))):
		}
	}
}

// Unlock releases the lock; it may be called more than once, from any
// goroutine (a commit, or the watchdog ending the run).
func (l *Lock) Unlock() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return
	}
	unlock(l.f)
	l.f.Close()
	l.f = nil
}
