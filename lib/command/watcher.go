package command

import (
	"os"
	"os/exec"
	"syscall"
)

// watcherShell runs the watcher; a variable so that a test can do without
// it and see what the parent-death signal alone does.
var watcherShell = "/bin/sh"

// watcherScript reads standard input until it ends, then kills its own
// process group ("kill 0" is the sender's group in POSIX sh): the group of
// the program it guards. Its input is a pipe whose only write end is held
// by the plugin, so it ends exactly when the plugin closes it or dies.
const watcherScript = "while read x; do :; done; kill -9 0"

// watcher is a /bin/sh living in a program's process group that kills the
// group when the plugin dies. It is what stops a program (and everything
// it forked) from running on under init after the plugin was SIGKILLed,
// where no parent-death signal exists (Solaris, illumos) or where it does
// not reach (grandchildren; set-user-ID programs such as sudo, for which
// Linux clears it).
type watcher struct {
	cmd  *exec.Cmd
	hold *os.File // the write end; closing it (or dying) sets the watcher off
}

// startWatcher puts a watcher into process group pgid. It is best effort:
// without /bin/sh, or once the group has gone, it returns nil and the
// group relies on the parent-death signal and KillAll.
func startWatcher(pgid int) *watcher {
	if watcherShell == "" {
		return nil
	}
	r, w, err := os.Pipe() // close-on-exec: no program inherits the write end
	if err != nil {
		return nil
	}
	defer r.Close()
	cmd := &exec.Cmd{
		Path:        watcherShell,
		Args:        []string{"sh", "-c", watcherScript},
		Env:         MinimalEnv(),
		Dir:         "/",
		Stdin:       r,
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true, Pgid: pgid},
	}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil
	}
	return &watcher{cmd: cmd, hold: w}
}

// stop ends the watcher once the group is gone (killLeftovers killed it
// with the group already; closing the pipe covers a watcher that was not
// in time to join) and reaps it.
func (w *watcher) stop() {
	if w == nil {
		return
	}
	w.hold.Close()
	w.cmd.Wait()
}
