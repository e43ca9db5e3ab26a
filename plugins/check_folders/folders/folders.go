// Package folders is check_folders: it runs `reconstruct -r -n`
// (recursive, check only, never fix) and reports the user folders it says
// are damaged ("Check User Folders", Administration Guide 20.14.1.6).
//
// On a large store reconstruct runs far longer than a check may, so the
// plugin has three modes: run (reconstruct now, within the timeout),
// refresh (run it, e.g. from cron, and save the parsed result under
// --state-dir) and cached (report the saved result, and its age).
package folders

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// Name and Service of the plugin.
const (
	Name    = "check_folders"
	Service = "FOLDERS"
)

// defaultTimeout is longer than the suite's 10 s: reconstruct reads every
// folder's index. It stays below Icinga 2's 60 s kill.
const defaultTimeout = 45

type options struct {
	plugin.Common
	state.Option
	Reconstruct       string          `long:"reconstruct" value-name:"PATH" description:"absolute path of reconstruct (default: BASE/sbin/reconstruct, else BASE/bin/reconstruct as in OCMS 7/8)"`
	Partition         string          `short:"p" long:"partition" value-name:"NICK" description:"check only this store partition (reconstruct -p NICK); a partition nickname such as primary: lowercase letters and digits"`
	Mailboxes         []string        `long:"mailbox" value-name:"MAILBOX" description:"check only this mailbox and the folders below it, e.g. user/jdoe/ (repeatable; given to reconstruct after its options)"`
	Warning           threshold.Range `short:"w" long:"warning" value-name:"RANGE" description:"warning range for the number of damaged folders (e.g. 0 to warn on any)"`
	Critical          threshold.Range `short:"c" long:"critical" value-name:"RANGE" default:"0" description:"critical range for the number of damaged folders; the default 0 makes any damaged folder CRITICAL"`
	Patterns          []string        `long:"pattern" value-name:"REGEX" description:"also count lines matching this Go regular expression as a damaged folder (repeatable); a group named folder, else the first group, names the folder, else a user/... name in the line"`
	NoDefaultPatterns bool            `long:"no-default-patterns" description:"count only --pattern matches, not the documented strings (Needs reconstruct, Mailbox corrupted, missing fixed headers, start_offset beyond EOF, Invalid cache data)"`
	NotRunningPattern string          `long:"not-running-pattern" value-name:"REGEX" description:"lines matching this say that stored is not running (the wording is not documented: this default is an assumption; empty disables)" default-mask:"stored ... not running, cannot connect to stored, ..."`
	Mode              string          `long:"mode" value-name:"MODE" choice:"run" choice:"refresh" choice:"cached" default:"run" description:"run: run reconstruct now and report; refresh: run it and save the result in --state-dir (for cron; give a long --timeout); cached: report the saved result without running anything"`
	Refresh           bool            `long:"refresh" description:"same as --mode=refresh"`
	Cached            bool            `long:"cached" description:"same as --mode=cached"`
	ResultAgeWarning  units.Duration  `long:"result-age-warning" value-name:"DURATION" default:"26h" description:"cached mode: WARNING when the saved result is older than this (a stale result is not health)"`
	ResultAgeCritical units.Duration  `long:"result-age-critical" value-name:"DURATION" default:"3d" description:"cached mode: CRITICAL when the saved result is older than this"`
	SudoUser          string          `long:"sudo-user" value-name:"USER" description:"run reconstruct as USER through sudo -n -u USER (the sudoers rule, which must match the exact arguments, is in /usr/share/doc/msgstore-plugins/README.check_folders.md)"`
	SudoPath          string          `long:"sudo-path" value-name:"PATH" default:"/usr/bin/sudo" description:"sudo program for --sudo-user"`
	// The names of the result age limits before the options followed one scheme.
	MaxResultAge     units.Duration `long:"max-result-age" hidden:"true" alias-of:"result-age-warning"`
	MaxResultAgeCrit units.Duration `long:"max-result-age-critical" hidden:"true" alias-of:"result-age-critical"`
}

// Spec returns the plugin with fresh default options.
func Spec() plugin.Spec {
	o := &options{NotRunningPattern: DefaultNotRunning}
	return plugin.Spec{
		Name:    Name,
		Service: Service,
		Description: "Runs `reconstruct -r -n` (recursive, check only: it never passes -f, -i, -e, -m or anything that " +
			"repairs) without a shell, in a minimal environment and its own process group, and counts the folders its " +
			"output reports damaged: the documented strings \"Needs reconstruct\", \"Mailbox corrupted\", \"missing fixed " +
			"headers\", \"start_offset beyond EOF\", \"Invalid cache data\", plus --pattern. The output format and exit " +
			"codes of reconstruct -n are not documented: lines are matched wherever they occur, a non-zero exit without " +
			"a finding is UNKNOWN with the last line, and reconstruct still running near the timeout is killed with " +
			"all its children (UNKNOWN). For stores where reconstruct takes longer than a check may, run " +
			"--mode=refresh from cron (same options, long --timeout) and check with --mode=cached.",
		Examples: []string{
			"check_folders -B /opt/SUNWmsgsr",
			"check_folders -p primary --mailbox user/jdoe/ -w 0 -c 5",
			"check_folders --mode=refresh -t 4h --sudo-user mailsrv   # from cron, nightly",
			"check_folders --mode=cached --sudo-user mailsrv --result-age-warning 26h",
		},
		Timeout: defaultTimeout,
		Options: o,
		Check:   func(env *plugin.Env) (*plugin.Result, error) { return check(env, o) },
	}
}

// partitionNick is a store partition nickname (AG63 bgaxq: lowercase
// alphanumeric).
var partitionNick = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]{1,64}$`) })

// userName is what sudo accepts as a user without surprises.
var userName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,31}$`) })

// config is the validated form of the options.
type config struct {
	mode        string
	layout      *layout.Layout
	reconstruct string
	args        []string // reconstruct's arguments
	program     string   // what is executed: reconstruct or sudo
	argv        []string // the program's arguments
	stateFile   string
	patterns    []string // --pattern
	noDefaults  bool     // --no-default-patterns
	notRunning  string   // --not-running-pattern
}

func check(env *plugin.Env, o *options) (*plugin.Result, error) {
	c, err := configure(env, o)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	switch c.mode {
	case "cached":
		return checkCached(env, o, c)
	case "refresh":
		return refresh(env, o, c)
	}
	rec := runReconstruct(env, c, nil)
	return evaluate(env, o, c, rec, view{}), nil
}

// Validate is called by the harness once the options are parsed: what
// can be judged without the installation.
func (o *options) Validate() error {
	switch {
	case o.Refresh && o.Cached:
		return fmt.Errorf("--refresh and --cached exclude each other")
	case (o.Refresh || o.Cached) && o.Mode != "run":
		return fmt.Errorf("give either --mode or --refresh/--cached, not both")
	}
	if o.ResultAgeWarning <= 0 || o.ResultAgeCritical <= 0 {
		return fmt.Errorf("--result-age-warning and --result-age-critical must be greater than 0")
	}
	if o.ResultAgeCritical < o.ResultAgeWarning {
		return fmt.Errorf("--result-age-critical %s is shorter than --result-age-warning %s",
			units.FormatAge(o.ResultAgeCritical.D()), units.FormatAge(o.ResultAgeWarning.D()))
	}
	if o.Partition != "" && !partitionNick().MatchString(o.Partition) {
		return fmt.Errorf("--partition %q: a partition nickname is lowercase letters and digits (e.g. primary), not a path", o.Partition)
	}
	for _, m := range o.Mailboxes {
		if err := validMailbox(m); err != nil {
			return err
		}
	}
	// Bad patterns are rejected before running, in every mode; the
	// documented ones are compiled only when output is parsed.
	if err := ValidatePatterns(o.Patterns, o.NoDefaultPatterns, o.NotRunningPattern); err != nil {
		return err
	}
	if o.SudoUser != "" {
		if !userName().MatchString(o.SudoUser) {
			return fmt.Errorf("--sudo-user %q is not a user name", o.SudoUser)
		}
		if !filepath.IsAbs(o.SudoPath) {
			return fmt.Errorf("--sudo-path %s: the path must be absolute", o.SudoPath)
		}
	}
	return nil
}

// configure derives what the run needs from the validated options and the
// installation (the state dir, msg-svr-base, reconstruct's path).
func configure(env *plugin.Env, o *options) (*config, error) {
	c := &config{mode: o.Mode, patterns: o.Patterns, noDefaults: o.NoDefaultPatterns, notRunning: o.NotRunningPattern}
	switch {
	case o.Refresh:
		c.mode = "refresh"
	case o.Cached:
		c.mode = "cached"
	}
	if err := o.Resolve(env.Getenv); err != nil {
		return nil, err
	}
	l, err := o.OpenLayout(env, "")
	if err != nil {
		return nil, err
	}
	c.layout = l
	c.reconstruct = o.Reconstruct
	if c.reconstruct == "" {
		// BASE/sbin in 6.x, BASE/bin in 7/8.
		c.reconstruct = l.Command("reconstruct")
	}
	if !filepath.IsAbs(c.reconstruct) {
		return nil, fmt.Errorf("--reconstruct %s: the path must be absolute", c.reconstruct)
	}
	c.reconstruct = filepath.Clean(c.reconstruct)
	c.args = reconstructArgs(o)
	c.program, c.argv = c.reconstruct, c.args
	if o.SudoUser != "" {
		c.program = o.SudoPath
		c.argv = append([]string{"-n", "-u", o.SudoUser, "--", c.reconstruct}, c.args...)
	}
	c.stateFile = state.Key(Name, stateItem(o), stateParts(o, c)...)
	return c, nil
}

// reconstructArgs is the fixed argument list: -r -n, then -p NICK, then
// the mailboxes. Nothing here can repair: the options that do (-f, -i, -e,
// -m, -l, -q) are never added, and the validated values cannot pass for
// options.
func reconstructArgs(o *options) []string {
	args := []string{"-r", "-n"}
	if o.Partition != "" {
		args = append(args, "-p", o.Partition)
	}
	return append(args, o.Mailboxes...)
}

// validMailbox keeps a mailbox prefix from being read as an option or
// carrying control characters.
func validMailbox(m string) error {
	switch {
	case m == "":
		return fmt.Errorf("--mailbox must not be empty")
	case strings.HasPrefix(m, "-"):
		return fmt.Errorf("--mailbox %q: a mailbox name cannot start with '-'", m)
	case len(m) > 1024:
		return fmt.Errorf("--mailbox: longer than 1024 bytes")
	}
	for _, r := range m {
		if r < 0x20 || r == 0x7f || r == '\uFFFD' {
			return fmt.Errorf("--mailbox %q: control characters or invalid UTF-8 are not allowed", m)
		}
	}
	return nil
}

func stateItem(o *options) string {
	if o.Partition != "" {
		return o.Partition
	}
	return "all"
}

// stateParts are what make a saved result mean something else: two check
// definitions that differ in any of them never share a state file.
func stateParts(o *options, c *config) []string {
	parts := []string{c.layout.Base, c.program, strings.Join(c.argv, "\x00"), o.NotRunningPattern, fmt.Sprint(o.NoDefaultPatterns)}
	return append(parts, o.Patterns...)
}

// commandLine shows a command as one would type it.
func commandLine(program string, args []string) string {
	parts := []string{shellQuote(program)}
	for _, a := range args {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

var plainWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_./:=@%+,-]+$`) })

func shellQuote(s string) string {
	if plainWord().MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// refreshCommand is the command line that creates the state a cached check
// reads: the same options, --mode=refresh and a long timeout.
func refreshCommand(o *options, c *config) string {
	args := []string{"--mode=refresh", "-t", "4h", "-B", c.layout.Base}
	if o.Reconstruct != "" {
		args = append(args, "--reconstruct", o.Reconstruct)
	}
	if o.Partition != "" {
		args = append(args, "-p", o.Partition)
	}
	for _, m := range o.Mailboxes {
		args = append(args, "--mailbox", m)
	}
	for _, p := range o.Patterns {
		args = append(args, "--pattern", p)
	}
	if o.NoDefaultPatterns {
		args = append(args, "--no-default-patterns")
	}
	if o.NotRunningPattern != DefaultNotRunning {
		args = append(args, "--not-running-pattern", o.NotRunningPattern)
	}
	if o.SudoUser != "" {
		args = append(args, "--sudo-user", o.SudoUser)
		if o.SudoPath != "/usr/bin/sudo" {
			args = append(args, "--sudo-path", o.SudoPath)
		}
	}
	// Cron's environment may not resolve the default as this run did:
	// name the directory unless it is the packaged one.
	if o.StateDir != state.SystemDir {
		args = append(args, "--state-dir", o.StateDir)
	}
	return commandLine(Name, args)
}

// ageText is "3h12m" for durations, rounded to seconds.
func ageText(d time.Duration) string { return units.FormatAge(d.Round(time.Second)) }

// resultAgeLimits are the limits on the age of a saved result.
func (o *options) resultAgeLimits() threshold.DurationLimits {
	return threshold.DurationLimits{Warning: o.ResultAgeWarning.D(), Critical: o.ResultAgeCritical.D()}
}
