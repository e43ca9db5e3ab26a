package disk

import (
	"strconv"

	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// addVerbose adds what -v, -vv and -vvv show: root's reserve on each file
// system, the paths in use and where they came from, every path read.
// sources are the configuration values a run used, with where each came
// from.
type sources struct {
	parts  []layout.Partition
	lockAt float64
	lock   layout.Setting
	queue  string
	logs   []layout.Setting
}

// addVerbose adds what -v, -vv and -vvv ask for: each file system's
// figures and where every measured path came from (-v), the base and store
// root (-vv), every path read (-vvv).
func addVerbose(env *plugin.Env, res *plugin.Result, o *options, l *layout.Layout, cfg *layout.Configuration, src sources, targets []target, fss []*filesystem) {
	if env.Verbose == 0 {
		return
	}
	for _, f := range fss {
		u := f.usage
		reserve := uint64(0)
		if u.Free > u.Avail {
			reserve = u.Free - u.Avail
		}
		res.Detail(env, plugin.VerboseDetail, "%s: %s in all, %s free of which %s is reserved for root, %d inodes in all, %d free",
			f.label(), units.FormatBytes(u.Total), units.FormatBytes(u.Free), units.FormatBytes(reserve), u.Files, u.FilesFree)
	}
	for _, n := range cfg.Notes() {
		res.Detail(env, plugin.VerboseDetail, "%s", n)
	}
	for _, p := range src.parts {
		res.Detail(env, plugin.VerboseDetail, "partition %s: %s (from %s)", p.Nick, p.Path, p.Source)
	}
	res.Detail(env, plugin.VerboseDetail, "lock threshold: %s (from %s)", lockText(src.lockAt), src.lock.Source)
	res.Detail(env, plugin.VerboseDetail, "queue: %s", src.queue)
	for _, d := range src.logs {
		res.Detail(env, plugin.VerboseDetail, "log directory: %s (%s from %s)", d.Value, d.Name, d.Source)
	}

	res.Config(env, "msg-svr-base %s (from %s)", l.Base, layout.BaseSource(o.Base, env.Getenv))
	storeRoot := "BASE/data/store"
	if o.StoreRoot != "" {
		storeRoot = "--store-root"
	}
	res.Config(env, "store root %s (from %s)", l.StoreRoot, storeRoot)

	res.Reads(env, l.MsgConfPath())
	for _, t := range targets {
		res.Reads(env, t.path)
	}
}

// lockText is the lock threshold in words.
func lockText(at float64) string {
	if at == 0 {
		return "none: local.store.checkdiskusage is off"
	}
	return strconv.FormatFloat(at, 'f', -1, 64) + "%"
}
