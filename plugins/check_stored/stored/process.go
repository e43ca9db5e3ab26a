package stored

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/procinfo"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// processResult is the pid file and process finding.
type processResult struct {
	plugin.Finding
	running bool // the pid file's pid is a live stored
	ready   bool // ... and the pid file says ready (or holds no state)
}

// lookupProcess is how the check reads /proc; tests replace it.
var lookupProcess = procinfo.Lookup

// pidFileCandidates are where stored's pid file lives: 6.3 writes
// data/proc/store; its translations and older 6.x releases name it
// pidfile.store, in data/proc or in config.
func pidFileCandidates(l *layout.Layout) []string {
	return []string{
		filepath.Join(l.Proc, "store"),
		filepath.Join(l.Proc, "pidfile.store"),
		filepath.Join(l.Config, "pidfile.store"),
	}
}

// findPidFile returns the pid file to read and its mtime. found is false
// when none exists; err is any other reason it cannot be looked at.
func findPidFile(o *options, l *layout.Layout) (path string, fi fs.FileInfo, found bool, err error) {
	candidates := pidFileCandidates(l)
	if o.PidFile != "" {
		candidates = []string{o.PidFile}
	}
	for _, p := range candidates {
		fi, err := os.Stat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return p, nil, false, err
		case !fi.Mode().IsRegular():
			return p, nil, false, fmt.Errorf("not a regular file")
		}
		return p, fi, true, nil
	}
	return strings.Join(candidates, ", "), nil, false, nil
}

func checkProcess(env *plugin.Env, o *options, l *layout.Layout) processResult {
	env.Stage("looking for stored's pid file")
	path, fi, found, err := findPidFile(o, l)
	switch {
	case err != nil:
		return unknown(fmt.Sprintf("cannot read stored's pid file %s: %s", path, errtext.Reason(err)))
	case !found:
		return critical(fmt.Sprintf("stored is not running: no pid file (looked for %s)", path),
			"stored is not running: no pid file")
	}
	env.Stage("reading %s", path)
	b, err := readPidFile(path)
	if err != nil {
		return unknown(fmt.Sprintf("cannot read stored's pid file %s: %s", path, errtext.Reason(err)))
	}
	pf, err := ParsePidFile(b)
	if err != nil {
		return unknown(fmt.Sprintf("stored's pid file %s %v", path, err))
	}
	env.Stage("reading /proc/%d", pf.Pid)
	return judgeProcess(env, o, pf, path, env.Now.Sub(fi.ModTime()))
}

// judgeProcess decides on a parsed pid file. pidAge is how long the pid
// file has said what it says (its mtime: stored rewrites it when its state
// changes).
func judgeProcess(env *plugin.Env, o *options, pf PidFile, path string, pidAge time.Duration) processResult {
	name := o.ProcessName
	if self, parent := os.Getpid(), os.Getppid(); pf.Pid == self || pf.Pid == parent {
		// The plugin never counts itself or the shell that ran it.
		return critical(fmt.Sprintf("stale pid file: %s names pid %d, which is this plugin or its parent, not %s; %s is not running", path, pf.Pid, name, name),
			fmt.Sprintf("stale pid file: pid %d is not %s", pf.Pid, name))
	}
	info, err := lookupProcess(pf.Pid)
	switch {
	case errors.Is(err, procinfo.ErrNoProcess):
		return critical(fmt.Sprintf("%s is not running: pid %d from %s is dead (the pid file says %s)", name, pf.Pid, path, stateText(pf)),
			fmt.Sprintf("%s is not running: pid %d is dead", name, pf.Pid))
	case err != nil:
		return unknown(fmt.Sprintf("cannot tell whether pid %d from %s is %s: %v", pf.Pid, path, name, err))
	case !info.Is(name):
		return critical(fmt.Sprintf("stale pid file: pid %d from %s is now %s, not %s; %s is not running", pf.Pid, path, describeProcess(info), name, name),
			fmt.Sprintf("stale pid file: pid %d is %s, not %s", pf.Pid, describeProcess(info), name))
	case info.Zombie:
		return critical(fmt.Sprintf("%s has exited: pid %d from %s is defunct (a zombie not yet reaped)", name, pf.Pid, path),
			fmt.Sprintf("%s has exited: pid %d is defunct", name, pf.Pid))
	}
	return judgeState(o, pf, path, max(pidAge, 0))
}

// judgeState decides on the state of a live stored.
func judgeState(o *options, pf PidFile, path string, pidAge time.Duration) processResult {
	name := o.ProcessName
	limit := o.InitCritical.D()
	switch pf.State {
	case StateReady:
		text := fmt.Sprintf("%s running (pid %d), ready", name, pf.Pid)
		return processResult{Finding: found(plugin.OK, text+fmt.Sprintf(" for %s (%s)", units.FormatAge(pidAge), path), text), running: true, ready: true}
	case "":
		text := fmt.Sprintf("%s running (pid %d)", name, pf.Pid)
		return processResult{Finding: found(plugin.OK, text+fmt.Sprintf("; %s holds no state word, so only the process is checked", path), text), running: true, ready: true}
	case StateInit:
		if pidAge > limit {
			short := fmt.Sprintf("%s stuck in init (recovering) for %s (critical %s)", name, units.FormatAge(pidAge), units.FormatAge(limit))
			return processResult{Finding: found(plugin.CRITICAL, fmt.Sprintf("%s; pid %d (%s): database recovery is not finishing, see BASE/log/default", short, pf.Pid, path), short), running: true}
		}
		short := fmt.Sprintf("%s recovering: pid file says init for %s (critical after %s)", name, units.FormatAge(pidAge), units.FormatAge(limit))
		return processResult{Finding: found(plugin.WARNING, fmt.Sprintf("%s; pid %d, %s", short, pf.Pid, path), short), running: true}
	}
	short := fmt.Sprintf("%s pid file says %q, expected ready or init", name, pf.State)
	r := unknown(fmt.Sprintf("%s; %s is running (pid %d), state unknown (%s)", short, name, pf.Pid, path))
	r.Short, r.running = short, true
	return r
}

func stateText(pf PidFile) string {
	if pf.State == "" {
		return "no state"
	}
	return pf.State
}

// describeProcess names what a pid runs now: "sleep" or "sleep (/usr/bin/sleep)".
func describeProcess(i procinfo.Info) string {
	names := i.Names()
	if len(names) == 0 {
		return "an unnamed process"
	}
	if i.Exe != "" && filepath.Base(i.Exe) != names[0] {
		return fmt.Sprintf("%s (%s)", names[0], i.Exe)
	}
	return names[0]
}

func critical(text, summary string) processResult {
	return processResult{Finding: found(plugin.CRITICAL, text, summary)}
}

func unknown(text string) processResult {
	return processResult{Finding: found(plugin.UNKNOWN, text, text)}
}
