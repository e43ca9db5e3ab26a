package command

import (
	"errors"
	"sync"
)

// ErrExiting is returned by Start after KillAll: the plugin is on its way
// out and must not start anything that would outlive it.
var ErrExiting = errors.New("the plugin is exiting: nothing more is started")

// errKilledAll is the reason recorded for programs that KillAll ended.
var errKilledAll = errors.New("killed with the plugin")

// live is every program started and not yet reaped, so that a plugin that
// is being terminated can kill their groups before it exits.
var live struct {
	sync.Mutex
	procs   map[*Process]struct{}
	closing bool
}

func register(p *Process) error {
	live.Lock()
	defer live.Unlock()
	if live.closing {
		return ErrExiting
	}
	if live.procs == nil {
		live.procs = map[*Process]struct{}{}
	}
	live.procs[p] = struct{}{}
	return nil
}

func unregister(p *Process) {
	live.Lock()
	delete(live.procs, p)
	live.Unlock()
}

// KillAll sends SIGKILL to the process group of every program this
// process started that is still running, and makes every later Start fail
// with ErrExiting. It is for a plugin that is about to exit (caught a
// termination signal, or its watchdog gave up on a check): its children
// must not run on under init. It returns how many groups it killed.
func KillAll() int {
	live.Lock()
	live.closing = true
	procs := make([]*Process, 0, len(live.procs))
	for p := range live.procs {
		procs = append(procs, p)
	}
	live.Unlock()
	for _, p := range procs {
		p.kill(errKilledAll)
	}
	return len(procs)
}

// Running is how many programs started through this package have not been
// reaped yet.
func Running() int {
	live.Lock()
	defer live.Unlock()
	return len(live.procs)
}
