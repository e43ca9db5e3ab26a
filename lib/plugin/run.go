package plugin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	flags "github.com/jessevdk/go-flags"

	"github.com/msgstore-plugins/msgstore/lib/command"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// Version and Commit are set at build time (the Makefile derives them with
// scripts/version.sh and git rev-parse):
// -ldflags "-X github.com/msgstore-plugins/msgstore/lib/plugin.Version=1.2.3
// -X github.com/msgstore-plugins/msgstore/lib/plugin.Commit=abc1234".
// Without Commit, the commit that `go build` recorded is used, if any.
var (
	Version = "dev"
	Commit  = ""
)

// VersionLine is what -V prints: "check_x 1.0.0 (commit abc1234)".
func VersionLine(name string) string {
	c := Commit
	if c == "" {
		c = builtFromCommit()
	}
	if c == "" {
		return name + " " + Version
	}
	return fmt.Sprintf("%s %s (commit %s)", name, Version, c)
}

// builtFromCommit is the short commit go build stamped into the binary
// (a build from a git checkout without the Makefile).
func builtFromCommit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 7 {
			return s.Value[:7]
		}
	}
	return ""
}

// Spec describes a plugin binary.
type Spec struct {
	Name        string   // binary name, e.g. check_msgstore_disk
	Service     string   // line-1 service name, e.g. MSGSTORE_DISK
	Description string   // what the plugin checks, for --help and man pages
	Examples    []string // command lines shown at the end of --help
	Timeout     int      // default timeout in seconds (DefaultTimeout if 0)
	Options     Options  // pointer to the plugin's options struct
	// OptionHelp replaces the description of options (by long name) with
	// text known only at run time, e.g. a list of names.
	OptionHelp map[string]string
	// Check does the work. It never prints and never exits.
	Check func(env *Env) (*Result, error)
}

// Env is what a running check gets besides its options.
type Env struct {
	Now     time.Time           // when the run started
	Getenv  func(string) string // the process environment
	Verbose int                 // -v count, 0-3
	Timeout time.Duration       // the effective timeout
	Stderr  io.Writer           // for -vvv debugging only; Nagios ignores it
	// Invoker is the name of the top-level command (check_msgstore for a
	// check it runs in-process): state that a run consumes is kept per
	// invoker. Empty when a test calls a check directly.
	Invoker string
	// Interactive is true when stdout is a terminal: a person is looking,
	// not the scheduler whose next run expects to find what this one read.
	Interactive bool
	ctx         context.Context    // cancelled at the timeout
	mu          sync.Mutex         // guards stage, hooks, commits and subs
	stage       string             // what the check is doing now
	hooks       []func()           // run when the watchdog fires
	commits     []func() error     // run once the check's own result is to be printed
	committed   bool               // Commit ran: later commits are dropped
	cancel      context.CancelFunc // cancels ctx
	subs        []*Env             // checks run inside this one (SubEnv)
}

// Stage records what the check is doing, for the watchdog's message
// "timed out after 10s while <stage>".
func (e *Env) Stage(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	e.mu.Lock()
	e.stage = s
	e.mu.Unlock()
}

func (e *Env) currentStage() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stage == "" {
		return "starting"
	}
	return e.stage
}

// Context is cancelled when the timeout expires.
func (e *Env) Context() context.Context {
	if e.ctx == nil {
		return context.Background()
	}
	return e.ctx
}

// OnTimeout registers fn to run when the watchdog fires, before the plugin
// prints UNKNOWN and exits (e.g. to kill a child's process group).
func (e *Env) OnTimeout(fn func()) {
	e.mu.Lock()
	e.hooks = append(e.hooks, fn)
	e.mu.Unlock()
}

func (e *Env) fireTimeout() {
	if e.cancel != nil {
		e.cancel()
	}
	e.mu.Lock()
	hooks := append([]func(){}, e.hooks...)
	subs := append([]*Env{}, e.subs...)
	e.mu.Unlock()
	for _, h := range hooks {
		h()
	}
	for _, s := range subs {
		s.fireTimeout()
	}
}

// OnCommit registers fn to run when the check's result is about to be
// printed, and only then: a check saves what it consumed (log positions)
// this way, so that a run the watchdog ends (which prints only UNKNOWN)
// leaves the old state and the next run reports what this one read. A
// check run inside another keeps them until its caller hands them on with
// CommitWith.
func (e *Env) OnCommit(fn func() error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.committed {
		e.commits = append(e.commits, fn)
	}
}

// Commit runs the registered commit functions in order, once, and returns
// their errors joined. The harness calls it; a test calling a check
// directly calls it to save the check's state.
func (e *Env) Commit() error {
	e.mu.Lock()
	fns := e.commits
	e.commits, e.committed = nil, true
	e.mu.Unlock()
	var errs []error
	for _, fn := range fns {
		if err := fn(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// CommitWith hands what a sub-check would commit on to e: the caller of a
// check run inside another calls it once the sub-check's own result (not
// a timeout) is part of its output. A sub-check given up on never commits.
func (e *Env) CommitWith(sub *Env) {
	e.OnCommit(sub.Commit)
}

// NewTestEnv returns an Env for calling a check in-process.
func NewTestEnv(now time.Time, getenv func(string) string) *Env {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return &Env{Now: now, Getenv: getenv, Timeout: DefaultTimeout * time.Second, Stderr: io.Discard}
}

// Main runs the plugin as a process: it parses os.Args, runs the check under
// the watchdog and exits with the state's code. It never returns.
//
// A scheduler that gives up on a plugin terminates it (SIGTERM to its
// process group; SIGINT and SIGHUP from a terminal): the plugin then kills
// the process groups of the programs it started and prints one UNKNOWN
// line naming the signal and what it was doing. Whatever way it ends,
// nothing it started outlives it (see lib/command for SIGKILL).
func Main(spec Spec) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	code := execute(spec, os.Args[1:], os.Stdout, os.Stderr, os.Getenv, sigs, func() { command.KillAll() })
	// A check the watchdog left behind may still have a program running.
	command.KillAll()
	os.Exit(code)
}

// Execute runs the plugin with args, writes its output to stdout and
// returns the exit code. When the timeout expires it returns at once with
// UNKNOWN, leaving the check's goroutine behind: Main then exits, which ends
// it even if it is blocked in a system call.
func Execute(spec Spec, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return execute(spec, args, stdout, stderr, getenv, nil, nil)
}

// execute is Execute that also ends the run, UNKNOWN, on a signal from
// sigs, after the check's timeout hooks and onSignal have run.
func execute(spec Spec, args []string, stdout, stderr io.Writer, getenv func(string) string, sigs <-chan os.Signal, onSignal func()) int {
	r, env := parseAndRun(spec, args, isTerminal(stdout), stderr, getenv, interrupt{sigs, onSignal})
	out := Render(spec.Service, r)
	if r.Text != "" {
		out = r.Text
	}
	if env == nil {
		// Help and version output is not a check result.
		out = r.Summary
		if !strings.HasSuffix(out, "\n") {
			out += "\n"
		}
	}
	io.WriteString(stdout, out)
	return int(r.Status)
}

// parseAndRun returns the result to print and the Env of the run (nil when
// the result is help or version text to print as it is).
func parseAndRun(spec Spec, args []string, interactive bool, stderr io.Writer, getenv func(string) string, stop interrupt) (*Result, *Env) {
	parser := newParser(spec)
	rest, err := parser.ParseArgs(args)
	if err != nil {
		var fe *flags.Error
		if errors.As(err, &fe) && fe.Type == flags.ErrHelp {
			return &Result{Status: UNKNOWN, Summary: helpText(spec, parser)}, nil
		}
		return usageError(spec, oneLineError(err)), &Env{}
	}
	if err := applyAliases(parser, spec.Options); err != nil {
		return usageError(spec, err.Error()), &Env{}
	}
	common := spec.Options.CommonOptions()
	if common.Version {
		return &Result{Status: UNKNOWN, Summary: VersionLine(spec.Name)}, nil
	}
	if len(rest) > 0 {
		return usageError(spec, fmt.Sprintf("unexpected argument %q: this plugin takes options only", rest[0])), &Env{}
	}
	if err := validate(spec.Options); err != nil {
		return usageError(spec, err.Error()), &Env{}
	}
	timeout := time.Duration(common.Timeout)
	if timeout <= 0 {
		return usageError(spec, "--timeout must be greater than 0"), &Env{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := &Env{Now: time.Now(), Getenv: getenv, Verbose: common.VerboseLevel(), Timeout: timeout, Stderr: stderr,
		Invoker: spec.Name, Interactive: interactive, ctx: ctx, cancel: cancel}
	return runWithWatchdog(spec, env, stop), env
}

// interrupt is how a signal ends a run: the signals to watch (nil: none)
// and what to do besides firing the check's timeout hooks.
type interrupt struct {
	sigs     <-chan os.Signal
	onSignal func()
}

func usageError(spec Spec, msg string) *Result {
	return &Result{Status: UNKNOWN, Summary: msg + " (see " + spec.Name + " --help)"}
}

// fmtMissing is what fmt makes of a stray "%c" with no argument.
var fmtMissing = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`%!(.)\(MISSING\)`) })

// oneLineError keeps the first line of a go-flags error, in the user's
// words rather than Go's (userFlagError). go-flags passes
// some messages through a format function a second time, so a '%' in the
// user's value or in our error text comes out as "%!c(MISSING)": undo that.
func oneLineError(err error) string {
	s := fmtMissing().ReplaceAllString(err.Error(), "%$1")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return userFlagError(s)
}

// runWithWatchdog runs the check in its own goroutine and waits for it,
// for the timeout or for a termination signal, whichever comes first.
func runWithWatchdog(spec Spec, env *Env, stop interrupt) *Result {
	done := make(chan *Result, 1)
	go func() { done <- runRecovered(spec, env) }()
	timer := time.NewTimer(env.Timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		// The result is the check's own and will be printed: only now may
		// it save what it consumed. Saving stays under the timeout (a state
		// dir on a hung file system): at the timeout the result is printed
		// all the same, so what was read is reported, and whatever was not
		// saved is read, and reported, again by the next run.
		env.Stage("saving state")
		saved := make(chan error, 1)
		go func() { saved <- env.Commit() }()
		select {
		case err := <-saved:
			if err != nil {
				r.commitFailed(err)
			}
		case <-timer.C:
			r.commitFailed(fmt.Errorf("timed out after %s", units.FormatAge(env.Timeout)))
		}
		return r
	case <-timer.C:
		stage := env.currentStage()
		env.fireTimeout()
		return &Result{Status: UNKNOWN, Summary: fmt.Sprintf("timed out after %s while %s", units.FormatAge(env.Timeout), stage)}
	case sig := <-stop.sigs:
		stage := env.currentStage()
		env.fireTimeout()
		if stop.onSignal != nil {
			stop.onSignal()
		}
		return &Result{Status: UNKNOWN, Summary: fmt.Sprintf("killed by %s while %s", signalName(sig), stage)}
	}
}

// isTerminal reports whether w is a terminal: a character device other
// than /dev/null (cron jobs write there; Nagios, NRPE and Icinga 2 give a
// pipe).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}

// signalName is the name an administrator knows: SIGTERM, not "terminated".
func signalName(sig os.Signal) string {
	switch sig {
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return sig.String()
}

// runRecovered turns a panic into UNKNOWN with one line: no Go trace on
// stdout. With -vvv the trace goes to stderr.
func runRecovered(spec Spec, env *Env) (res *Result) {
	defer func() {
		if p := recover(); p != nil {
			if env.Verbose >= 3 && env.Stderr != nil {
				fmt.Fprintf(env.Stderr, "panic: %v\n%s", p, debug.Stack())
			}
			res = &Result{Status: UNKNOWN, Summary: fmt.Sprintf("internal error while %s: %v", env.currentStage(), p)}
		}
	}()
	r, err := spec.Check(env)
	if err != nil {
		return failureResult(err)
	}
	if r == nil {
		return &Result{Status: UNKNOWN, Summary: "internal error: the check returned no result"}
	}
	return r
}

// newParser builds the go-flags parser. go-flags prints nothing itself
// (PrintErrors off): errors become our own one-line UNKNOWN on stdout.
func newParser(spec Spec) *flags.Parser {
	p := flags.NewNamedParser(spec.Name, flags.HelpFlag|flags.PassDoubleDash)
	p.ShortDescription = spec.Description
	p.LongDescription = spec.Description
	if _, err := p.AddGroup("Options", "", spec.Options); err != nil {
		panic(fmt.Sprintf("%s: bad options struct: %v", spec.Name, err))
	}
	timeout := spec.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	if o := p.FindOptionByLongName("timeout"); o != nil {
		o.Default = []string{fmt.Sprint(timeout)}
	}
	for long, d := range spec.OptionHelp {
		if o := p.FindOptionByLongName(long); o != nil {
			o.Description = d
		}
	}
	return p
}

// NewParser exposes the option parser (for man pages and tests).
func NewParser(spec Spec) *flags.Parser { return newParser(spec) }

func helpText(spec Spec, p *flags.Parser) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s, msgstore plugins\n\n", VersionLine(spec.Name))
	p.WriteHelp(&b)
	if len(spec.Examples) > 0 {
		b.WriteString("\nExamples:\n")
		for _, e := range spec.Examples {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	b.WriteString("\nExit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also --help, --version, bad options, timeout).\n")
	return b.String()
}
