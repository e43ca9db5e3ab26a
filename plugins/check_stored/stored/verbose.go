package stored

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/stamps"
	"github.com/msgstore-plugins/msgstore/lib/units"
)

// addVerbose adds what -v, -vv and -vvv show: the pid file's own words,
// the configuration in use and where it came from, every path read.
func addVerbose(env *plugin.Env, res *plugin.Result, o *options, l *layout.Layout, readings []stamps.Reading) {
	if env.Verbose == 0 {
		return
	}
	path, fi, found, err := findPidFile(o, l)
	pid := 0
	if found && err == nil {
		if b, err := readPidFile(path); err == nil {
			text := quote(bytes.TrimSpace(b))
			if pf, err := ParsePidFile(b); err == nil {
				pid = pf.Pid
			}
			res.Detail(env, plugin.VerboseDetail, "pid file %s says %s, written %s ago", path, text, units.FormatAge(max(env.Now.Sub(fi.ModTime()), 0)))
		}
	}

	res.Config(env, "msg-svr-base %s (from %s)", l.Base, layout.BaseSource(o.Base, env.Getenv))
	if o.PidFile != "" {
		res.Config(env, "pid file %s (from --pid-file)", o.PidFile)
	} else {
		res.Config(env, "pid file: the first that exists of %s", strings.Join(pidFileCandidates(l), ", "))
	}
	res.Config(env, "process name %s (--process-name)", o.ProcessName)
	res.Config(env, "stamps in %s", l.Config)
	if o.StoredCmd != "" {
		res.Config(env, "status command %s -t (--stored-cmd, relative to msg-svr-base)", o.StoredCmd)
	}

	if found {
		res.Reads(env, path)
	}
	if pid > 0 {
		res.Reads(env, procPaths(pid)...)
	}
	for _, r := range readings {
		res.Reads(env, r.Path)
	}
}

// procPaths are the files procinfo reads about one process.
func procPaths(pid int) []string {
	if runtime.GOOS == "linux" {
		var out []string
		for _, f := range []string{"stat", "comm", "exe", "cmdline"} {
			out = append(out, fmt.Sprintf("/proc/%d/%s", pid, f))
		}
		return out
	}
	return []string{fmt.Sprintf("/proc/%d/psinfo", pid)}
}
