// Package msgprocs is check_msgprocs: is the Messaging Server up? It finds
// the server's daemons (stored, imapd, popd, mshttpd, the MTA's
// dispatcher, job_controller and SMTP server, enpd, imsched, watcher,
// impurge in 7 and later) in /proc, by the executable in BASE/lib or the
// command name the kernel reports, and compares them with those the
// configuration says should run. stored comes first: "If stored doesn't
// start when start-msg is run, no other processes will start."
package msgprocs

import (
	"fmt"
	"sort"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
)

type options struct {
	plugin.Common
	Expect        []string `long:"expect" value-name:"NAME" description:"also expect this program of BASE/lib to run, e.g. tcp_lmtp_server (repeatable, or a comma list); a missing one is critical"`
	Ignore        []string `long:"ignore" value-name:"NAME" description:"do not expect this program, whatever the configuration says, e.g. popd (repeatable, or a comma list); its count is still reported"`
	CountCritical []string `long:"count-critical" value-name:"NAME=RANGE" description:"critical when the number of NAME processes is outside RANGE, e.g. imapd=1:4 (repeatable, or a comma list). Default for an expected program: 1: (at least one; for watcher that is a warning)"`
	CountWarning  []string `long:"count-warning" value-name:"NAME=RANGE" description:"warn when the number of NAME processes is outside RANGE, e.g. mshttpd=1:2 (repeatable, or a comma list)"`
	// --count was the critical count before the options followed one scheme.
	Count []string `long:"count" hidden:"true" alias-of:"count-critical"`
}

// Spec returns the plugin with fresh default options; check_msgprocs' main
// and the aggregate check_msgstore both run it.
func Spec() plugin.Spec { return specWith(readProc) }

// specWith is the plugin reading the processes with list.
func specWith(list lister) plugin.Spec {
	o := &options{}
	return plugin.Spec{
		Name:    "check_msgprocs",
		Service: "MSGPROCS",
		Description: "Is the Messaging Server up? Finds its daemons in /proc: stored, enpd, imapd, popd, mshttpd, " +
			"imsched, dispatcher, job_controller, tcp_smtp_server, tcp_lmtp_server, impurge (7 and later) and " +
			"watcher, by their executable in BASE/lib (or, where that is unreadable, the command name the kernel " +
			"reports), never by matching ps output, never counting itself or its parent; zombies and processes of " +
			"another installation do not count. Which should run comes from msg.conf (service.imap.enable, " +
			"service.pop.enable, service.http.enable, local.watcher.enable, ...), else a default set; --expect and " +
			"--ignore adjust it. stored not running is critical (nothing else starts without it), so is an expected " +
			"daemon; a missing watcher is a warning (crashed daemons will not be restarted). Run it on the " +
			"Messaging Server host (NRPE or an Icinga 2 agent), as root or the server's user where /proc hides " +
			"other users' processes.",
		Examples: []string{
			"check_msgprocs -B /opt/sun/comms/messaging64",
			"check_msgprocs --ignore popd,mshttpd --expect tcp_lmtp_server",
			"check_msgprocs --count-critical imapd=1:4 --count-warning mshttpd=1:2 -v",
		},
		Options: o,
		Check:   func(env *plugin.Env) (*plugin.Result, error) { return check(env, o, list) },
	}
}

// settings are the options, checked and resolved.
type settings struct {
	expect, ignore []string
	crit, warn     map[string]threshold.Range
}

// Validate is called by the harness once the options are parsed; the
// check derives its settings again (they are pure and cheap).
func (o *options) Validate() error {
	_, err := o.settings()
	return err
}

func (o *options) settings() (settings, error) {
	var s settings
	var err error
	if s.expect, err = splitNames("--expect", o.Expect); err != nil {
		return s, err
	}
	if s.ignore, err = splitNames("--ignore", o.Ignore); err != nil {
		return s, err
	}
	for _, n := range s.expect {
		for _, m := range s.ignore {
			if n == m {
				return s, fmt.Errorf("%s is given to both --expect and --ignore", n)
			}
		}
	}
	if s.crit, err = parseCounts("--count-critical", o.CountCritical); err != nil {
		return s, err
	}
	if s.warn, err = parseCounts("--count-warning", o.CountWarning); err != nil {
		return s, err
	}
	return s, nil
}

// parseCounts reads NAME=RANGE values, repeatable and in comma lists.
func parseCounts(opt string, values []string) (map[string]threshold.Range, error) {
	out := map[string]threshold.Range{}
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			name, rng, ok := strings.Cut(strings.TrimSpace(item), "=")
			if !ok {
				return nil, fmt.Errorf("%s %q: expected NAME=RANGE, e.g. imapd=1:4", opt, item)
			}
			if err := validName(name); err != nil {
				return nil, fmt.Errorf("%s %q: %v", opt, item, err)
			}
			r, err := threshold.ParseRange(rng)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %v", opt, name, err)
			}
			if _, dup := out[name]; dup {
				return nil, fmt.Errorf("%s gives %s twice", opt, name)
			}
			out[name] = r
		}
	}
	return out, nil
}

func check(env *plugin.Env, o *options, list lister) (*plugin.Result, error) {
	s, err := o.settings()
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	l, err := o.OpenLayout(env, "")
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	conf, confErr := o.ReadConfiguration(env, l)
	exp := expectedFromConfig(conf, confErr, l)
	exp.applyOptions(s.expect, s.ignore)
	tracked := trackedNames(exp, s)

	env.Stage("reading /proc")
	snap, err := list()
	if err != nil {
		return nil, plugin.Unknownf("cannot list the processes: %v", err)
	}
	self, parent := selfAndParent()
	c := take(snap, tracked, newInstallation(l.Lib), self, parent)
	return report(env, exp, s, tracked, snap, c), nil
}

// trackedNames are the programs counted and given a perfdata label: every
// known daemon, in the table's order, then those only the options name,
// sorted, so that the labels are the same from run to run.
func trackedNames(exp expectation, s settings) []string {
	var names []string
	seen := map[string]bool{}
	for _, d := range daemons {
		names = append(names, d.name)
		seen[d.name] = true
	}
	var extra []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			extra = append(extra, n)
		}
	}
	for n := range exp.why {
		add(n)
	}
	for n := range s.crit {
		add(n)
	}
	for n := range s.warn {
		add(n)
	}
	sort.Strings(extra)
	return append(names, extra...)
}
