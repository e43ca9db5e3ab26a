package msgprocs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// daemon is one program of the server in BASE/lib.
type daemon struct {
	name string // the program's file name, as the kernel reports it
	role string // what goes wrong without it, for the long output
	// missing is the state when it is expected and none runs: the
	// watcher only restarts the others, so its absence is a warning.
	missing plugin.Status
	// byDefault: expected when the configuration does not say otherwise.
	byDefault bool
	// switches are the msg.conf settings that turn it on or off.
	switches []string
}

// daemons are the programs a 6.x server shows in ps (all under BASE/lib),
// with impurge, the purge daemon of 7 and later. stored comes first:
// start-msg starts nothing else when stored does not start. The rest
// follow start-msg's order.
//
// The default set is what a plain single-host install runs. Left out:
// tcp_lmtp_server, which runs only where a two-tier deployment delivers
// to the store over LMTP, and impurge, which 6.x does not have: it is
// expected when BASE/lib/impurge exists (the version cannot be told from
// the base path, which 6.3 64-bit and 8 share).
var daemons = []daemon{
	{"stored", "message store housekeeping; nothing else starts without it", plugin.CRITICAL, true, nil},
	{"enpd", "event notification service (ENS)", plugin.CRITICAL, true, []string{"local.ens.enable"}},
	{"imapd", "IMAP service", plugin.CRITICAL, true, []string{"service.imap.enable"}},
	{"popd", "POP service", plugin.CRITICAL, true, []string{"service.pop.enable"}},
	{"mshttpd", "webmail (HTTP) service", plugin.CRITICAL, true, []string{"service.http.enable"}},
	{"imsched", "scheduler (msprobe, imexpire, backups)", plugin.CRITICAL, true, []string{"local.sched.enable"}},
	{"dispatcher", "MTA dispatcher: no SMTP server without it", plugin.CRITICAL, true, []string{"local.imta.enable"}},
	{"job_controller", "MTA job controller: queued mail is not delivered without it", plugin.CRITICAL, true, []string{"local.imta.enable"}},
	{"tcp_smtp_server", "SMTP server (started by the dispatcher)", plugin.CRITICAL, true, []string{"local.imta.enable"}},
	{"tcp_lmtp_server", "LMTP server (two-tier delivery to the store)", plugin.CRITICAL, false, nil},
	{"impurge", "purge of expired messages (7 and later)", plugin.CRITICAL, false, nil},
	{"watcher", "restarts crashed daemons", plugin.WARNING, true, []string{"local.watcher.enable"}},
}

// findDaemon returns the known daemon called name, or a plain one for a
// program the user named: expected by --expect, missing is CRITICAL.
func findDaemon(name string) (daemon, bool) {
	for _, d := range daemons {
		if d.name == name {
			return d, true
		}
	}
	return daemon{name: name, role: "named with --expect or --count-critical", missing: plugin.CRITICAL}, false
}

// expectation is which daemons should run, and why each.
type expectation struct {
	source string            // where the set comes from, for -v
	why    map[string]string // expected daemon -> reason
	ignore map[string]bool   // named by --ignore
	note   string            // why the configuration could not be read (a warning), or ""
}

// switchLookup tells one configuration switch: whether it is on, its
// name and value as written and where, and whether it is set to a yes or a no (a switch that
// is unset, or set to neither, keeps the default).
type switchLookup func(key string) (on bool, raw string, set bool)

// readSwitches is the one place the check reads the server's
// configuration, through lib/layout's reader: msg.conf (configutil's
// names) or the Unified Configuration of 7u5 and later, where a name
// loses its "local." or "service." prefix (service.imap.enable ->
// imap.enable). Without either no switch is set: the default set applies.
// A configuration that exists but cannot be read gives the default set
// too, with a note that makes the run a warning: the processes are still
// worth checking, but a plugin that could not read what says which
// daemons should run must not say all is well.
func readSwitches(conf *layout.Configuration, confErr error, l *layout.Layout) (lookup switchLookup, source, note string) {
	switch {
	case confErr != nil:
		source, note = "the default set", fmt.Sprintf("%s: expecting the default set", confErr)
	case conf.Mode == layout.ModeNone:
		source = "the default set (no " + l.MsgConfPath() + " nor " + l.ConfigXMLPath() + ")"
	case conf.Unreadable() != "":
		source = "the default set"
		note = conf.Partial("enabled services unknown, expecting the default set", "give --expect/--ignore")
	default:
		source = conf.Mode.String()
	}
	lookup = func(key string) (bool, string, bool) {
		on, s, set := conf.Bool(false, key, unifiedName(key))
		return on, s.Name + " = " + s.Value + " in " + s.Source, set
	}
	return lookup, source, note
}

// unifiedName is the Unified Configuration's name of a msg.conf switch.
func unifiedName(key string) string {
	for _, prefix := range []string{"local.", "service."} {
		if rest, ok := strings.CutPrefix(key, prefix); ok {
			return rest
		}
	}
	return key
}

// expectedFromConfig is the expected set: the default set, changed by the
// switches the configuration sets; impurge when it is installed.
func expectedFromConfig(conf *layout.Configuration, confErr error, l *layout.Layout) expectation {
	lookup, source, note := readSwitches(conf, confErr, l)
	e := expectation{source: source, note: note, why: map[string]string{}, ignore: map[string]bool{}}
	for _, d := range daemons {
		on, why := d.byDefault, "default set"
		if d.name == "stored" {
			why = "always"
		}
		for _, key := range d.switches {
			if v, raw, set := lookup(key); set {
				on, why = v, raw
				break
			}
		}
		if d.name == "impurge" {
			on, why = impurgeInstalled(l)
		}
		if on {
			e.why[d.name] = why
		}
	}
	return e
}

// impurgeInstalled: 7 and later have the purge daemon, 6.x does not.
func impurgeInstalled(l *layout.Layout) (bool, string) {
	p := filepath.Join(l.Lib, "impurge")
	if exists(p) {
		return true, p + " exists"
	}
	return false, ""
}

// exists: a path that cannot be looked at (BASE/lib unreadable) does not
// count as there, so that it adds no daemon to the expected set.
func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// applyOptions adds --expect and removes --ignore.
func (e *expectation) applyOptions(expect, ignore []string) {
	for _, n := range expect {
		e.why[n] = "--expect"
	}
	for _, n := range ignore {
		delete(e.why, n)
		e.ignore[n] = true
	}
}

// splitNames reads a repeatable option whose values may be comma lists.
func splitNames(opt string, values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		for _, n := range strings.Split(v, ",") {
			n = strings.TrimSpace(n)
			if err := validName(n); err != nil {
				return nil, fmt.Errorf("%s %q: %v", opt, n, err)
			}
			out = append(out, n)
		}
	}
	return out, nil
}

// validName: a program file name in BASE/lib, not a path or a pattern.
func validName(n string) error {
	switch {
	case n == "":
		return errors.New("empty program name")
	case len(n) > 64:
		return errors.New("a program name is at most 64 characters")
	case strings.ContainsAny(n, "/=:*?[] \t"):
		return errors.New("a program name is a file name in BASE/lib, such as imapd (no path, pattern or space)")
	}
	for _, r := range n {
		if r < 0x21 || r == 0x7f {
			return errors.New("control character in a program name")
		}
	}
	return nil
}
