package folders

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/state"
)

// refresh runs reconstruct and saves the parsed result, whatever it is: a
// failed run is saved too, so that a cached check reports the failure
// instead of an older healthy result. It reports the run like a live check
// and adds where the result went.
func refresh(env *plugin.Env, o *options, c *config) (*plugin.Result, error) {
	env.Stage("checking the state dir %s", o.StateDir)
	// Before a run that may take hours, not after it.
	if err := state.CheckWritable(o.StateDir); err != nil {
		return nil, plugin.Unknownf("cannot save the result: %v (give a writable --state-dir)", err)
	}
	lock, tookOver, err := acquireRefreshLock(filepath.Join(o.StateDir, c.stateFile+".lock"), env.Now)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	defer lock.release()
	rec := runReconstruct(env, c, lock.recordChild)
	env.Stage("saving the result in %s", o.StateDir)
	path := filepath.Join(o.StateDir, c.stateFile)
	if err := state.Save(o.StateDir, c.stateFile, rec); err != nil {
		return nil, plugin.Unknownf("reconstruct ran but its result could not be saved: %v", err)
	}
	res := evaluate(env, o, c, rec, view{})
	res.Add(plugin.OK, "result saved in %s for --mode=cached", path)
	if tookOver != "" {
		res.Add(plugin.OK, "%s", tookOver)
	}
	return res, nil
}

// checkCached reports the result that --mode=refresh saved, judged by its
// age; it runs nothing.
func checkCached(env *plugin.Env, o *options, c *config) (*plugin.Result, error) {
	path := filepath.Join(o.StateDir, c.stateFile)
	env.Stage("reading %s", path)
	var rec record
	found, err := state.Load(o.StateDir, c.stateFile, &rec)
	switch {
	case errors.Is(err, state.ErrCorrupt):
		return nil, plugin.Unknownf("saved result %s is corrupt (%v): the next refresh replaces it: %s", path, trimCorrupt(err, path), refreshCommand(o, c))
	case err != nil:
		return nil, plugin.Unknownf("%v", err)
	case !found:
		return nil, plugin.Unknownf("no saved result yet in %s: create it by running, as this user, from cron: %s", path, refreshCommand(o, c))
	case rec.Version != recordVersion || rec.Started.IsZero() || rec.Report.Damaged < 0 || len(rec.Report.Folders) > rec.Report.Damaged:
		return nil, plugin.Unknownf("saved result %s is corrupt (another version, or no start time, or inconsistent counts): the next refresh replaces it: %s", path, refreshCommand(o, c))
	}
	return evaluate(env, o, c, &rec, view{cached: true, age: env.Now.Sub(rec.Started)}), nil
}

// trimCorrupt keeps the decoder's reason from state's error message.
func trimCorrupt(err error, path string) string {
	s := err.Error()
	prefix := fmt.Sprintf("%s %s: ", state.ErrCorrupt, path)
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):]
	}
	return s
}
