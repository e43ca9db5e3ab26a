package disk

import (
	"strconv"

	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// addVerbose adds what -v, -vv and -vvv show: root's reserve on each file
// system, the paths in use and where they came from, every path read.
func addVerbose(env *plugin.Env, res *plugin.Result, o *options, l *layout.Layout, conf layout.Conf, parts []layout.Partition, targets []target, fss []*filesystem, lockAt float64) {
	if env.Verbose == 0 {
		return
	}
	for _, f := range fss {
		u := f.usage
		reserve := uint64(0)
		if u.Free > u.Avail {
			reserve = u.Free - u.Avail
		}
		res.Detail(env, plugin.VerboseDetail, "%s: %s in all, %s free of which %s is reserved for root; %d inodes in all, %d free",
			f.label(), units.FormatBytes(u.Total), units.FormatBytes(u.Free), units.FormatBytes(reserve), u.Files, u.FilesFree)
	}

	res.Config(env, "msg-svr-base %s (from %s)", l.Base, layout.BaseSource(o.Base, env.Getenv))
	storeRoot := "BASE/data/store"
	if o.StoreRoot != "" {
		storeRoot = "--store-root"
	}
	res.Config(env, "store root %s (from %s)", l.StoreRoot, storeRoot)
	for _, p := range parts {
		res.Config(env, "partition %s = %s (from %s)", p.Nick, p.Path, p.Source)
	}
	res.Config(env, "stored locks a partition at %s (from %s)", lockText(lockAt), lockSource(o, conf))

	res.Reads(env, l.MsgConfPath())
	for _, t := range targets {
		res.Reads(env, t.path)
	}
}

func lockText(at float64) string {
	if at == 0 {
		return "no use: local.store.checkdiskusage is off"
	}
	return strconv.FormatFloat(at, 'f', -1, 64) + "% used"
}

// lockSource follows lockThreshold's order of precedence.
func lockSource(o *options, conf layout.Conf) string {
	switch {
	case o.LockThreshold != 0:
		return "--lock-threshold"
	case !conf.Bool("local.store.checkdiskusage", true):
		return "msg.conf local.store.checkdiskusage"
	case conf["local.store.diskusagethreshold"] != "":
		return "msg.conf local.store.diskusagethreshold"
	default:
		return "stored's default"
	}
}
