package folders

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/command"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

var errNotExist = fs.ErrNotExist

// recordVersion changes when the saved record's meaning changes.
const recordVersion = 1

// tailLines is how many last output lines a record keeps for -vv.
const tailLines = 10

// record is one run of reconstruct, parsed: what a live check evaluates
// and what --mode=refresh saves for --mode=cached.
type record struct {
	Version  int       `json:"version"`
	Started  time.Time `json:"started"`
	Duration float64   `json:"duration_seconds"`
	Command  string    `json:"command"`
	RunError string    `json:"run_error,omitempty"` // it could not be started
	Exit     int       `json:"exit_code"`
	Signal   string    `json:"signal,omitempty"`
	TimedOut bool      `json:"timed_out,omitempty"` // killed, with its group, at the time limit
	Budget   float64   `json:"budget_seconds,omitempty"`
	LastLine string    `json:"last_line,omitempty"`
	Tail     []string  `json:"tail,omitempty"`
	Report   Report    `json:"report"`
}

// completed reports a run that ended by itself with status 0.
func (r *record) completed() bool {
	return r.RunError == "" && !r.TimedOut && r.Signal == "" && r.Exit == 0
}

// runBudget is how long reconstruct may run: the plugin's timeout less a
// margin, so that the check itself kills it and reports what it read.
// The watchdog (env.OnTimeout) is the safety net behind it.
func runBudget(timeout time.Duration) time.Duration {
	margin := min(2*time.Second, timeout/10)
	return timeout - margin
}

// runReconstruct runs reconstruct (or sudo reconstruct) and parses its
// output as it streams. started, if not nil, learns its pid.
func runReconstruct(env *plugin.Env, c *config, started func(pid int)) *record {
	rec := &record{Version: recordVersion, Started: env.Now, Command: commandLine(c.program, c.argv)}
	if err := command.CheckExecutable(c.program); err != nil {
		rec.RunError = describeStartError(c, err)
		return rec
	}
	if c.program != c.reconstruct {
		// Through sudo the monitoring user may not be allowed to look at
		// reconstruct; only a clear "does not exist" is worth stopping for.
		if err := command.CheckExecutable(c.reconstruct); err != nil && errors.Is(err, errNotExist) {
			rec.RunError = describeStartError(c, err)
			return rec
		}
	}
	parser, err := NewParser(c.patterns, c.noDefaults, c.notRunning)
	if err != nil { // configure validated the patterns already
		rec.RunError = err.Error()
		return rec
	}
	budget := runBudget(env.Timeout)
	rec.Budget = budget.Seconds()
	ctx, cancel := context.WithDeadline(env.Context(), env.Now.Add(budget))
	defer cancel()
	tail := make([]string, 0, tailLines)
	onLine := func(l string) {
		parser.Line(l)
		if len(tail) == tailLines {
			tail = append(tail[:0], tail[1:]...)
		}
		tail = append(tail, cut(l, MaxLineLen))
	}
	env.Stage("running %s (killed with its children at the timeout)", rec.Command)
	p, err := command.Start(ctx, command.Cmd{
		Path:   c.program,
		Args:   c.argv,
		Env:    command.MinimalEnv("MSG_SVR_BASE=" + c.layout.Base),
		OnLine: onLine,
	})
	if err != nil {
		rec.RunError = describeStartError(c, err)
		return rec
	}
	env.OnTimeout(p.Kill)
	if started != nil {
		started(p.Pid())
	}
	res := p.Wait()
	rec.Duration = res.Duration.Seconds()
	rec.Exit = res.ExitCode
	rec.Signal = res.Signal
	rec.TimedOut = res.Killed && errors.Is(res.KillReason, context.DeadlineExceeded)
	if res.Killed && !rec.TimedOut && rec.Signal == "" {
		rec.Signal = "killed"
	}
	rec.LastLine = cut(res.LastLine, MaxLineLen)
	rec.Tail = tail
	rec.Report = parser.Report()
	return rec
}

func describeStartError(c *config, err error) string {
	what := "reconstruct"
	if c.program != c.reconstruct && c.program != "" {
		if e := command.CheckExecutable(c.program); e != nil {
			what = "sudo (--sudo-path)"
		}
	}
	switch {
	case errors.Is(err, errNotExist) && what == "reconstruct":
		return fmt.Sprintf("cannot run reconstruct: %v (give its path with --reconstruct)", command.StartReason(err))
	case errors.Is(err, command.ErrNotExecutable) && what == "reconstruct":
		return fmt.Sprintf("cannot run reconstruct: %v", command.StartReason(err))
	}
	return fmt.Sprintf("cannot run %s: %v", what, command.StartReason(err))
}
