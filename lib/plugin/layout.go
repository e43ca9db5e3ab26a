package plugin

import "github.com/msgstore-plugins/msgstore/lib/layout"

// OpenLayout finds the installation the common options name (--base,
// --data-root, --config-root; storeRoot is a plugin's --store-root). It
// fails with the reason when msg-svr-base is not an installation to look
// at, so that no plugin reports OK on an empty directory or an unmounted
// data file system.
func (c *Common) OpenLayout(env *Env, storeRoot string) (*layout.Layout, error) {
	env.Stage("finding msg-svr-base")
	return layout.OpenRoots(layout.Roots{Base: c.Base, Data: c.DataRoot, Config: c.ConfigRoot, Store: storeRoot}, env.Getenv)
}

// ReadConfiguration reads what the installation's configuration says.
// msconfig, when it has to run, gets at most half of the timeout.
func (c *Common) ReadConfiguration(env *Env, l *layout.Layout) (*layout.Configuration, error) {
	env.Stage("reading %s", l.MsgConfPath())
	return l.ReadConfiguration(env.Context(), layout.ReadOptions{
		Msconfig: c.Msconfig,
		Timeout:  env.Timeout / 2,
		Stage:    func(s string) { env.Stage("%s", s) },
	})
}
