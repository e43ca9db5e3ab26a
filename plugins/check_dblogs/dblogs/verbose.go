package dblogs

import (
	"path/filepath"

	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/stamps"
	"github.com/msgstore-plugins/msgstore/lib/state"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// addVerbose adds what -v, -vv and -vvv show: the newest log, the paths in
// use and where they came from, every path read. l is nil when only
// --store-root is known.
func addVerbose(env *plugin.Env, res *plugin.Result, o *options, l *layout.Layout, dir string, logs []logFile) {
	if env.Verbose == 0 || len(logs) == 0 {
		return
	}
	newest := logs[0]
	for _, f := range logs {
		if f.seq > newest.seq {
			newest = f
		}
	}
	res.Detail(env, plugin.VerboseDetail, "newest log %s: %s, last written %s ago", newest.name,
		units.FormatBytes(uint64(max(newest.size, 0))), units.FormatAge(max(env.Now.Sub(newest.modTime), 0)))

	if l != nil {
		res.Config(env, "msg-svr-base %s (from %s)", l.Base, layout.BaseSource(o.Base, env.Getenv))
	} else {
		res.Config(env, "no msg-svr-base: stored's stamps are not consulted")
	}
	from := "BASE/data/store"
	if o.StoreRoot != "" {
		from = "--store-root"
	}
	res.Config(env, "database logs in %s (store root from %s)", dir, from)
	if l != nil {
		res.Config(env, "stored's stamps in %s", l.Config)
	}
	if o.enabled() {
		res.Config(env, "log count history in %s (--state-dir)", o.StateDir)
	}

	res.Reads(env, dir)
	for _, f := range logs {
		res.Reads(env, filepath.Join(dir, f.name))
	}
	if l != nil {
		for _, s := range []stamps.Stamp{stamps.Checkpoint, stamps.LogCleanup} {
			res.Reads(env, filepath.Join(l.Config, s.File))
		}
	}
	if o.enabled() {
		res.Reads(env, filepath.Join(o.StateDir, state.Key("check_dblogs", "rate", dir)))
	}
}
