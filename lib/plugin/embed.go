package plugin

import (
	"context"
	"fmt"
	"time"
)

// ParseOptions parses args into spec.Options as the plugin's own command
// line would, for running a check inside another command (check_msgstore).
// Help and version flags are refused there.
func ParseOptions(spec Spec, args []string) error {
	parser := newParser(spec)
	rest, err := parser.ParseArgs(args)
	if err != nil {
		return fmt.Errorf("%s: %s", spec.Name, oneLineError(err))
	}
	if err := applyAliases(parser, spec.Options); err != nil {
		return fmt.Errorf("%s: %s", spec.Name, err)
	}
	if len(rest) > 0 {
		return fmt.Errorf("%s: unexpected argument %q", spec.Name, rest[0])
	}
	if spec.Options.CommonOptions().Version {
		return fmt.Errorf("%s: --version is not a check option", spec.Name)
	}
	if err := validate(spec.Options); err != nil {
		return fmt.Errorf("%s: %s", spec.Name, err)
	}
	return nil
}

// RunCheck runs an already parsed spec's check with env and returns its
// result, turning errors and panics into one-line results as Main does.
// It has no watchdog of its own: the caller's covers it.
func RunCheck(spec Spec, env *Env) *Result {
	return runRecovered(spec, env)
}

// SubEnv returns an Env for a check run inside another, possibly at the
// same time as others: it shares the parent's clock and environment but
// has its own stage, its own timeout hooks and its own context. Its
// Timeout runs to deadline, which the caller enforces: at the deadline it
// calls Expire (cancelling the context and firing the hooks), so that one
// clock decides whether the check timed out. When the parent's watchdog
// fires (its timeout, a signal) the sub-check's hooks fire too. What the
// sub-check would commit stays with it until the caller hands it on with
// CommitWith, once the sub-check's result is part of the output.
func (e *Env) SubEnv(verbose int, deadline time.Time) *Env {
	ctx, cancel := context.WithCancel(e.Context())
	sub := &Env{Now: e.Now, Getenv: e.Getenv, Verbose: verbose, Timeout: deadline.Sub(e.Now), Stderr: e.Stderr,
		Invoker: e.Invoker, Interactive: e.Interactive, ctx: ctx, cancel: cancel}
	e.mu.Lock()
	e.subs = append(e.subs, sub)
	e.mu.Unlock()
	return sub
}

// Expire gives up on a sub-check: its context is cancelled and its timeout
// hooks run (they kill the programs it started). A check blocked in a
// system call cannot be stopped: its goroutine is left behind.
func (e *Env) Expire() { e.fireTimeout() }

// CurrentStage is what the check last said it was doing ("starting" if
// nothing yet), for a message naming where it hung.
func (e *Env) CurrentStage() string { return e.currentStage() }
