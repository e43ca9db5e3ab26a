// Package disk is check_msgstore_disk: free space and inodes of the message
// store partitions, the mboxlist database directory and the MTA queue
// ("Check Hardware Space", Administration Guide 20.14.1.1).
package disk

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/fsstat"
	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

type options struct {
	plugin.Common
	StoreRoot     string         `long:"store-root" value-name:"DIR" description:"store root (default: BASE/data/store)"`
	Partitions    []string       `short:"p" long:"partition" value-name:"NICK=PATH" description:"check this store partition (repeatable or comma list; NICK=PATH, PATH, or a NICK known from msg.conf); default: the store.partition.*.path settings of BASE/config/msg.conf, else the directories in STORE_ROOT/partition"`
	Warning       spaceThreshold `short:"w" long:"warning" value-name:"FREE" default:"25%" description:"warn when space available to non-root users falls below this: a percentage (25%) or a size (10GiB, 500MiB, 20GB)"`
	Critical      spaceThreshold `short:"c" long:"critical" value-name:"FREE" default:"10%" description:"critical when available space falls below this (msprobe's own alarm.diskavail.msgalarmthreshold defaults to 10%)"`
	InodeWarning  inodeThreshold `short:"W" long:"inode-warning" value-name:"PCT" default:"10%" description:"warn when free inodes fall below this percentage"`
	InodeCritical inodeThreshold `short:"K" long:"inode-critical" value-name:"PCT" default:"5%" description:"critical when free inodes fall below this percentage"`
	LockThreshold float64        `long:"lock-threshold" value-name:"PCT" description:"used percentage at which stored locks a partition (default: local.store.diskusagethreshold from msg.conf, else 99)"`
	NoMboxlist    bool           `long:"no-mboxlist" description:"do not check STORE_ROOT/mboxlist"`
	NoQueue       bool           `long:"no-queue" description:"do not check the MTA queue BASE/data/queue"`

	// --predict, --predict-warn/--predict-crit, --state-dir: predict.go.
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
			"check_msgstore_disk --predict-warn 14d --predict-crit 3d --state-dir /var/lib/nagios/msgstore",
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
}

// filesystem is a group of targets on one device, measured once.
type filesystem struct {
	targets []target
	usage   fsstat.Usage
	status  plugin.Status
	reasons []string
}

func (f *filesystem) label() string {
	names := make([]string, len(f.targets))
	for i, t := range f.targets {
		names[i] = t.name
	}
	return strings.Join(names, "+")
}

func (f *filesystem) hasPartition() bool {
	for _, t := range f.targets {
		if t.partition {
			return true
		}
	}
	return false
}

func check(env *plugin.Env, o *options, p probe) (*plugin.Result, error) {
	env.Stage("finding msg-svr-base")
	l, err := layout.Open(o.Base, o.StoreRoot, env.Getenv)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	env.Stage("reading %s", l.MsgConfPath())
	conf, err := l.ReadConf()
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	env.Stage("listing partitions")
	parts, err := l.Partitions(o.Partitions, conf)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	lockAt, err := lockThreshold(o, conf)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	targets := make([]target, 0, len(parts)+2)
	for _, pt := range parts {
		targets = append(targets, target{name: pt.Nick, path: pt.Path, partition: true})
	}
	if !o.NoMboxlist {
		targets = append(targets, target{name: "mboxlist", path: l.Mboxlist()})
	}
	if !o.NoQueue {
		targets = append(targets, target{name: "queue", path: l.Queue})
	}

	res := &plugin.Result{}
	fss := measure(env, p, targets, res)
	for _, f := range fss {
		evaluate(f, o, lockAt)
		report(res, f, o)
	}
	predict(env, res, fss, &o.predictOptions, o.Critical.freeThreshold, lockAt)
	res.Summary = summary(res, fss)
	addVerbose(env, res, o, l, conf, parts, targets, fss, lockAt)
	return res, nil
}

// lockThreshold is the used percentage at which stored locks a partition,
// or 0 when stored does not check (local.store.checkdiskusage = no).
func lockThreshold(o *options, conf layout.Conf) (float64, error) {
	if o.LockThreshold != 0 {
		if o.LockThreshold < 1 || o.LockThreshold > 100 {
			return 0, fmt.Errorf("--lock-threshold %v: must be between 1 and 100", o.LockThreshold)
		}
		return o.LockThreshold, nil
	}
	if !conf.Bool("local.store.checkdiskusage", true) {
		return 0, nil
	}
	if v, ok := conf["local.store.diskusagethreshold"]; ok && v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 1 || f > 100 {
			return 99, nil // stored documents 1-99; fall back to its default
		}
		return f, nil
	}
	return 99, nil
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

func describe(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "is not readable (permission denied)"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
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
