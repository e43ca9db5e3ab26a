package plugin

import "fmt"

// ParseOptions parses args into spec.Options as the plugin's own command
// line would, for running a check inside another command (check_msgstore).
// Help and version flags are refused there.
func ParseOptions(spec Spec, args []string) error {
	parser := newParser(spec)
	rest, err := parser.ParseArgs(args)
	if err != nil {
		return fmt.Errorf("%s: %s", spec.Name, oneLineError(err))
	}
	if len(rest) > 0 {
		return fmt.Errorf("%s: unexpected argument %q", spec.Name, rest[0])
	}
	if spec.Options.CommonOptions().Version {
		return fmt.Errorf("%s: --version is not a check option", spec.Name)
	}
	return nil
}

// RunCheck runs an already parsed spec's check with env and returns its
// result, turning errors and panics into one-line results as Main does.
// It has no watchdog of its own: the caller's covers it.
func RunCheck(spec Spec, env *Env) *Result {
	return runRecovered(spec, env)
}

// SubEnv returns an Env for a check run inside another: it shares the
// parent's clock, environment, cancellation and watchdog stage, so a hang
// inside the sub-check is reported by the parent's watchdog.
func (e *Env) SubEnv(verbose int) *Env {
	return &Env{parent: e, Now: e.Now, Getenv: e.Getenv, Verbose: verbose, Timeout: e.Timeout, Stderr: e.Stderr,
		Invoker: e.Invoker, Interactive: e.Interactive, ctx: e.Context()}
}

// root is the Env that owns the watchdog's stage and hooks.
func (e *Env) root() *Env {
	for e.parent != nil {
		e = e.parent
	}
	return e
}
