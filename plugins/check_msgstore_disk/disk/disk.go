package disk

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/fsstat"
	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

type options struct {
	plugin.Common
	StoreRoot     string         `long:"store-root" value-name:"DIR" description:"store root (default: BASE/data/store)"`
	Partitions    []string       `short:"p" long:"partition" value-name:"NICK=PATH" description:"check this store partition (repeatable or comma list; NICK=PATH, PATH, or a NICK known from the configuration); default: the store.partition.*.path settings of msg.conf, or the partition:*.path settings of Unified Configuration (msconfig), else the directories in STORE_ROOT/partition"`
	Warning       spaceThreshold `short:"w" long:"warning" value-name:"FREE" default:"25%" description:"warn when space available to non-root users falls below this: a percentage (25%) or a size (10GiB, 500MiB, 20GB)"`
	Critical      spaceThreshold `short:"c" long:"critical" value-name:"FREE" default:"10%" description:"critical when available space falls below this (msprobe's own alarm.diskavail.msgalarmthreshold defaults to 10%)"`
	InodeWarning  inodeThreshold `short:"W" long:"inode-warning" value-name:"PCT" default:"10%" description:"warn when free inodes fall below this percentage"`
	InodeCritical inodeThreshold `short:"K" long:"inode-critical" value-name:"PCT" default:"5%" description:"critical when free inodes fall below this percentage"`
	LockThreshold float64        `long:"lock-threshold" value-name:"PCT" description:"used percentage at which stored locks a partition (default: local.store.diskusagethreshold from msg.conf, store.diskusagethreshold from Unified Configuration (name assumed), else 99)"`
	NoMboxlist    bool           `long:"no-mboxlist" description:"do not check STORE_ROOT/mboxlist"`
	NoLogs        bool           `long:"no-logs" description:"do not check the file systems of the log directories (logfile.*.logdir, IMTA_LOG, BASE/log); one already measured as a partition, mboxlist or queue is only listed"`
	NoQueue       bool           `long:"no-queue" description:"do not check the MTA queue (IMTA_QUEUE of imta_tailor, else DATA/queue)"`

	// --predict, --predict-warning/--predict-critical, --state-dir: predict.go.
	predictOptions
}

// probe is how the check reaches the file systems; tests replace it.
type probe struct {
	stat   func(string) (fsstat.Usage, error)
	device func(string) (uint64, error)
}

var defaultProbe = probe{stat: fsstat.Stat, device: fsstat.Device}

// Spec returns the plugin with fresh default options; check_msgstore_disk's
// main and the check_msgstore aggregate both run it.
func Spec() plugin.Spec { return newSpec(&options{}, defaultProbe) }

func newSpec(o *options, p probe) plugin.Spec {
	return plugin.Spec{
		Name:    "check_msgstore_disk",
		Service: "MSGSTORE_DISK",
		Description: "Checks free space and inodes of every message store partition, the mboxlist database " +
			"directory and the MTA queue directory, as msprobe does. Space is what non-root users can still " +
			"use (f_bavail); percentages are of used + available, as check_disk computes them. Paths on one " +
			"file system are measured once. CRITICAL also when usage reaches the store's own lock threshold " +
			"(local.store.diskusagethreshold, default 99%): stored then locks the partition and mail waits in " +
			"the MTA queues.",
		Examples: []string{
			"check_msgstore_disk -B /opt/sun/comms/messaging64",
			"check_msgstore_disk -w 20% -c 10% -W 10% -K 5%",
			"check_msgstore_disk -w 50GiB -c 20GiB -p primary -p secondary=/store2/partition",
			"check_msgstore_disk --predict-warning 14d --predict-critical 3d --state-dir /var/lib/nagios/msgstore",
		},
		Options: o,
		Check:   func(env *plugin.Env) (*plugin.Result, error) { return check(env, o, p) },
	}
}

// target is one path to measure.
type target struct {
	name      string
	path      string
	partition bool
	// extra targets (the log directories) are measured only when they are
	// on a file system of their own; on one already measured they are only
	// listed, so that its label, perfdata and prediction history stay
	// what they were.
	extra bool
}

// filesystem is a group of targets on one device, measured once.
type filesystem struct {
	targets []target
	usage   fsstat.Usage
	status  plugin.Status
	reasons []string
}

func (f *filesystem) label() string {
	names := make([]string, 0, len(f.targets))
	for _, t := range f.named() {
		names = append(names, t.name)
	}
	return strings.Join(names, "+")
}

// named are the targets that name the file system: all but the extra ones
// that joined it.
func (f *filesystem) named() []target {
	out := make([]target, 0, len(f.targets))
	for i, t := range f.targets {
		if i == 0 || !t.extra {
			out = append(out, t)
		}
	}
	return out
}

func (f *filesystem) hasPartition() bool {
	for _, t := range f.targets {
		if t.partition {
			return true
		}
	}
	return false
}

// Validate is called by the harness once the options are parsed.
func (o *options) Validate() error {
	if o.LockThreshold != 0 && (o.LockThreshold < 1 || o.LockThreshold > 100) {
		return fmt.Errorf("--lock-threshold %v: must be between 1 and 100", o.LockThreshold)
	}
	return nil
}

func check(env *plugin.Env, o *options, p probe) (*plugin.Result, error) {
	l, err := o.OpenLayout(env, o.StoreRoot)
	if layout.IsDataMissing(err) {
		// Nothing to measure is an outage, as a missing partition is.
		return nil, plugin.Criticalf("%v", err)
	}
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	cfg, err := o.ReadConfiguration(env, l)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	env.Stage("listing partitions")
	parts, err := cfg.Partitions(o.Partitions)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	var partial []string
	if len(o.Partitions) == 0 {
		if p := cfg.Partial("partitions from STORE_ROOT/partition only", "give -p"); p != "" {
			partial = append(partial, p)
		}
	}
	lockAt, lockSource := lockThreshold(o, cfg)
	if lockSource.Source == "default" && o.LockThreshold == 0 {
		if p := cfg.Partial("lock threshold assumed 99%", "give --lock-threshold"); p != "" {
			partial = append(partial, p)
		}
	}
	targets := make([]target, 0, len(parts)+2)
	for _, pt := range parts {
		targets = append(targets, target{name: pt.Nick, path: pt.Path, partition: true})
	}
	if !o.NoMboxlist {
		targets = append(targets, target{name: "mboxlist", path: l.Mboxlist()})
	}
	queue := queueDir(l, cfg)
	if !o.NoQueue {
		targets = append(targets, target{name: "queue", path: queue})
	}
	var logs []layout.Setting
	if !o.NoLogs {
		logs = cfg.LogDirs()
		targets = append(targets, logTargets(logs)...)
	}

	res := &plugin.Result{}
	fss := measure(env, p, targets, res)
	for _, f := range fss {
		evaluate(f, o, lockAt)
		report(res, f, o)
	}
	predict(env, res, fss, &o.predictOptions, o.Critical.freeThreshold, lockAt)
	res.Summary = summary(res, fss)
	if len(partial) > 0 {
		// A view narrowed by an unreadable configuration is never OK.
		res.Raise(plugin.WARNING)
		res.Summary = strings.Join(partial, ", ") + " - " + res.Summary
	}
	addVerbose(env, res, o, l, cfg, sources{parts: parts, lockAt: lockAt, lock: lockSource, queue: queue, logs: logs}, targets, fss)
	return res, nil
}

// logTargets are the log directories the installation uses, each
// directory once, labelled log, log2, ...: the services' logs, the MTA's
// and BASE/log. A default directory that does not exist is no log
// directory of this installation; a configured one that is missing is
// reported as any missing target is.
func logTargets(dirs []layout.Setting) []target {
	var out []target
	var seen []os.FileInfo
	for _, d := range dirs {
		fi, err := os.Stat(d.Value)
		if err != nil && d.Source == "default" {
			continue
		}
		if err == nil && containsFile(seen, fi) {
			continue
		}
		if err == nil {
			seen = append(seen, fi)
		}
		name := "log"
		if len(out) > 0 {
			name = "log" + strconv.Itoa(len(out)+1)
		}
		out = append(out, target{name: name, path: d.Value, extra: true})
	}
	return out
}

func containsFile(fis []os.FileInfo, fi os.FileInfo) bool {
	for _, f := range fis {
		if os.SameFile(f, fi) {
			return true
		}
	}
	return false
}

// queueDir is the MTA queue the configuration names, kept as
// BASE/data/queue when that is the same directory, so that the label and
// the prediction history of a server stay what they were.
func queueDir(l *layout.Layout, cfg *layout.Configuration) string {
	q, err := cfg.QueueDir()
	if err != nil || q.Value == l.Queue {
		return l.Queue
	}
	a, aerr := os.Stat(q.Value)
	b, berr := os.Stat(l.Queue)
	if aerr == nil && berr == nil && os.SameFile(a, b) {
		return l.Queue
	}
	return q.Value
}

// addSources says, with -v, where each configured value came from.
// lockThreshold is the used percentage at which stored locks a partition,
// or 0 when stored does not check (local.store.checkdiskusage = no).
func lockThreshold(o *options, cfg *layout.Configuration) (float64, layout.Setting) {
	if o.LockThreshold != 0 {
		return o.LockThreshold, layout.Setting{Source: "--lock-threshold"}
	}
	pct, s, _ := cfg.LockThreshold()
	return pct, s
}

// measure stats every target, groups them by device and statfs's each
// device once. Targets that cannot be reached are CRITICAL lines.
func measure(env *plugin.Env, p probe, targets []target, res *plugin.Result) []*filesystem {
	byDev := map[uint64]*filesystem{}
	var order []uint64
	for _, t := range targets {
		env.Stage("stat %s", t.path)
		dev, err := p.device(t.path)
		if err == nil {
			if fi, serr := os.Stat(t.path); serr == nil && !fi.IsDir() {
				err = fmt.Errorf("not a directory")
			}
		}
		if err != nil {
			res.Add(plugin.CRITICAL, "%s: %s %s", t.name, t.path, describe(err))
			continue
		}
		if f, ok := byDev[dev]; ok {
			f.targets = append(f.targets, t)
			continue
		}
		env.Stage("statfs %s", t.path)
		u, err := p.stat(t.path)
		if err != nil {
			res.Add(plugin.CRITICAL, "%s: cannot statfs %s: %s", t.name, t.path, describe(err))
			continue
		}
		byDev[dev] = &filesystem{targets: []target{t}, usage: u}
		order = append(order, dev)
	}
	out := make([]*filesystem, 0, len(order))
	for _, d := range order {
		out = append(out, byDev[d])
	}
	return out
}

// describe follows a path that is the subject of the sentence, so a
// permission failure reads "is not readable" rather than errtext's bare
// "permission denied".
func describe(err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return "is not readable (permission denied)"
	}
	return errtext.Reason(err)
}

func evaluate(f *filesystem, o *options, lockAt float64) {
	u := f.usage
	basis := u.Basis()
	raise := func(s plugin.Status, format string, args ...any) {
		f.status = plugin.Worst(f.status, s)
		f.reasons = append(f.reasons, fmt.Sprintf(format, args...))
	}
	switch {
	case o.Critical.below(u.Avail, basis):
		raise(plugin.CRITICAL, "below critical %s", o.Critical)
	case o.Warning.below(u.Avail, basis):
		raise(plugin.WARNING, "below warning %s", o.Warning)
	}
	if u.HasInodeLimit() {
		ifree := u.InodesFreePercent()
		switch {
		case ifree < o.InodeCritical.percent:
			raise(plugin.CRITICAL, "inodes %.1f%% free, below critical %s", ifree, o.InodeCritical)
		case ifree < o.InodeWarning.percent:
			raise(plugin.WARNING, "inodes %.1f%% free, below warning %s", ifree, o.InodeWarning)
		}
	}
	if lockAt > 0 && f.hasPartition() && 100-u.FreePercent() >= lockAt {
		raise(plugin.CRITICAL, "%.1f%% used: stored has locked the partition (local.store.diskusagethreshold %s%%), incoming mail waits in the MTA queues",
			100-u.FreePercent(), strconv.FormatFloat(lockAt, 'f', -1, 64))
	}
}

// describeSpace is "4.2 GiB free (3.1%) of 135 GiB".
func describeSpace(u fsstat.Usage) string {
	return fmt.Sprintf("%s free (%.1f%%) of %s", units.FormatBytes(u.Avail), u.FreePercent(), units.FormatBytes(u.Basis()))
}

func report(res *plugin.Result, f *filesystem, o *options) {
	u := f.usage
	inodes := "no inode limit"
	if u.HasInodeLimit() {
		inodes = fmt.Sprintf("inodes %.1f%% free (%d of %d)", u.InodesFreePercent(), u.FilesAvail, u.Files)
	}
	text := fmt.Sprintf("%s: %s, %s; %s", f.label(), describeSpace(u), inodes, pathList(f.targets))
	if len(f.reasons) > 0 {
		text = fmt.Sprintf("%s: %s (%s), %s; %s", f.label(), describeSpace(u), strings.Join(f.reasons, "; "), inodes, pathList(f.targets))
	}
	res.Add(f.status, "%s", text)

	label := f.label()
	used := plugin.NewPerf(label+"_used", float64(u.Used()), "B").Bounds(0, float64(u.Total))
	used.Warn = usedThreshold(o.Warning.freeThreshold, u)
	used.Crit = usedThreshold(o.Critical.freeThreshold, u)
	free := plugin.NewPerf(label+"_free_pct", round(u.FreePercent(), 2), "%").Bounds(0, 100)
	if o.Warning.isPct {
		free.Warn = strconv.FormatFloat(o.Warning.percent, 'f', -1, 64) + ":"
	}
	if o.Critical.isPct {
		free.Crit = strconv.FormatFloat(o.Critical.percent, 'f', -1, 64) + ":"
	}
	res.AddPerf(used, free)
	if u.HasInodeLimit() {
		res.AddPerf(plugin.NewPerf(label+"_inodes_used", float64(u.InodesUsed()), "").Bounds(0, float64(u.Files)))
	}
}

// usedThreshold converts a free-space threshold to the used-bytes value at
// which it fires, as check_disk's perfdata does.
func usedThreshold(t freeThreshold, u fsstat.Usage) string {
	basis := u.Basis()
	free := t.freeBytes(basis)
	if free > basis {
		return "0"
	}
	return strconv.FormatUint(basis-free, 10)
}

func pathList(ts []target) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.path
	}
	return strings.Join(parts, ", ")
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// summary names the worst finding and its free space, or, when all is
// well, the file system with the least free space. Line 1 goes to pagers:
// no paths, no inode figures unless they are the problem.
func summary(res *plugin.Result, fss []*filesystem) string {
	var worst *filesystem
	for _, f := range fss {
		if worst == nil || plugin.Worse(f.status, worst.status) ||
			f.status == worst.status && f.usage.FreePercent() < worst.usage.FreePercent() {
			worst = f
		}
	}
	problems := 0
	for _, l := range res.Lines {
		if l.Status != plugin.OK {
			problems++
		}
	}
	var s string
	switch {
	case res.Status == plugin.OK && len(fss) == 1:
		return fmt.Sprintf("%s: %s", worst.label(), describeSpace(worst.usage))
	case res.Status == plugin.OK:
		return fmt.Sprintf("%d filesystems OK, least free %s: %s", len(fss), worst.label(), describeSpace(worst.usage))
	case worst != nil && worst.status == res.Status:
		s = fmt.Sprintf("%s: %s, %s", worst.label(), describeSpace(worst.usage), strings.Join(worst.reasons, ", "))
	default:
		// An unreachable target is the worst finding.
		for _, l := range res.Lines {
			if l.Status == res.Status {
				s = l.Text
				break
			}
		}
	}
	if problems > 1 {
		s += fmt.Sprintf(" (+%d more)", problems-1)
	}
	return s
}
