// Package cores is check_cores: it finds the core dumps that Messaging
// Server daemons leave when they crash, confirms each by its ELF header,
// and says what crashed, with which pid and when ("Check for Core Files",
// Administration Guide 20.14.1.7).
package cores

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/elfcore"
	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
	"github.com/msgstore-plugins/msgstore/lib/threshold"
	"github.com/msgstore-plugins/msgstore/lib/units"
	"github.com/msgstore-plugins/msgstore/lib/words"
)

type options struct {
	plugin.Common
	StoreRoot        string          `long:"store-root" value-name:"DIR" description:"store root (default: BASE/data/store); its partitions, mboxlist and dbdata are never searched"`
	Dirs             []string        `short:"d" long:"dir" value-name:"DIR" description:"search this directory (repeatable or comma list) INSTEAD of all the default directories"`
	CoreDirs         []string        `long:"core-dir" value-name:"DIR" description:"search this system core directory (repeatable or comma list) instead of /var/cores, /var/core, /var/share/cores, /var/lib/systemd/coredump, the directory of an absolute kernel.core_pattern (Linux) and those of coreadm's patterns (Solaris); every regular file there that is an ELF core counts, whatever its name; msg-svr-base's directories are still searched"`
	NoSystemDirs     bool            `long:"no-system-dirs" description:"search msg-svr-base's directories only, no system core directory"`
	Depth            int             `long:"depth" value-name:"N" default:"2" description:"directory levels searched below each directory (0: the directory itself only)"`
	Exclude          []string        `short:"x" long:"exclude" value-name:"DIR" description:"never descend into this directory (repeatable); always excluded: the store partitions (STORE_ROOT/partition and msg.conf's store.partition.*.path), STORE_ROOT/mboxlist and dbdata, the MTA queue, the log directories and telemetry"`
	Names            []string        `short:"n" long:"name" value-name:"GLOB" description:"also open files whose name matches this shell pattern (repeatable), e.g. '*.dump'; they count only if their ELF header says core. Names that always count: core, core.PID, core.NAME.PID..., *.core"`
	Warning          threshold.Range `short:"w" long:"warning" value-name:"RANGE" default:"0" description:"WARNING when the number of cores is outside this range (0: any core)"`
	Critical         threshold.Range `short:"c" long:"critical" value-name:"RANGE" description:"CRITICAL when the number of cores is outside this range (default: never by count)"`
	MaxAge           units.Duration  `long:"max-age" value-name:"DURATION" description:"ignore cores older than this, e.g. 7d: they have been looked at (default: count every core)"`
	CriticalPrograms []string        `short:"C" long:"critical-program" value-name:"PROG" description:"a core of this program is CRITICAL (repeatable or comma list; shell patterns allowed), e.g. stored"`
	Coreadm          string          `long:"coreadm" value-name:"PATH" description:"the coreadm command, run without arguments to learn where Solaris puts cores and whether it dumps any (default: /usr/bin/coreadm when it exists, else /etc/coreadm.conf is read)"`
	DumpsDisabled    string          `long:"dumps-disabled" value-name:"STATE" choice:"ok" choice:"warning" choice:"critical" default:"ok" description:"state when the host keeps no core at all: coreadm's global and per-process core dumps both disabled, or systemd-coredump's Storage=none or ProcessSizeMax=0"`
}

// Spec returns the plugin with fresh default options; check_cores' main
// and the check_msgstore aggregate both run it.
func Spec() plugin.Spec { return newSpec(&options{}, defaultSystem) }

func newSpec(o *options, sys systemPaths) plugin.Spec {
	return plugin.Spec{
		Name:    "check_cores",
		Service: "CORES",
		Description: "Finds core files left by crashed Messaging Server processes, in the directories where " +
			"daemons run (msg-svr-base and its lib, sbin, bin, data and config: files named like cores) and in the " +
			"core directories (/var/cores as Sun's debugging guide sets coreadm up, /var/core, /var/share/cores, " +
			"/var/lib/systemd/coredump, the directory of an absolute Linux kernel.core_pattern, coreadm's: there " +
			"any ELF core counts, whatever its name). Solaris 11's coreadm settings come from the coreadm command, " +
			"Solaris 10's from /etc/coreadm.conf; long output says where cores go, and whether core dumps are " +
			"disabled altogether. Each file is confirmed by its ELF header (ET_CORE; Linux and Solaris, SPARC and " +
			"x86, 32 and 64 bit); systemd-coredump's zstd, lz4 and xz cores are decompressed, their first MiB " +
			"only. The program name and pid come from the core's notes, else from the file name. Zero-length and " +
			"truncated cores count. The store partitions, the MTA queue and the log directories are never " +
			"searched, so the check stays fast on a store of millions of files; symlinks below a search " +
			"directory are not followed. Where Messaging Server daemons dump core without coreadm (their " +
			"working directory) is not documented: add directories with --dir if you know better.",
		Examples: []string{
			"check_cores -B /opt/SUNWmsgsr",
			"check_cores --max-age 7d -C stored -C imapd",
			"check_cores -d /var/cores -d /opt/SUNWmsgsr/lib --depth 0 -w 0 -c 3",
			"check_cores -B /opt/SUNWmsgsr --dumps-disabled warning",
		},
		Options: o,
		Check:   func(env *plugin.Env) (*plugin.Result, error) { return check(env, o, sys) },
	}
}

// core is one file counted as a core dump.
type core struct {
	path     string
	size     int64
	mtime    time.Time
	age      time.Duration
	info     *elfcore.Info // nil when the file could not be read
	note     string        // why it was not inspected, when info is nil
	program  string
	pid      int
	critical bool
}

// findings is the outcome of examining the candidates.
type findings struct {
	cores    []*core
	ignored  []*core  // older than --max-age
	notCores []string // files named like cores that are not
	problems []string // candidates that could not be read
}

// Validate is called by the harness once the options are parsed.
func (o *options) Validate() error {
	if o.Depth < 0 {
		return fmt.Errorf("--depth %d: must be 0 or more", o.Depth)
	}
	for _, p := range words.SplitList(o.CriticalPrograms) {
		if _, err := filepath.Match(p, ""); err != nil {
			return fmt.Errorf("--critical-program %q: %v", p, err)
		}
	}
	for _, g := range o.Names {
		if _, err := filepath.Match(g, ""); err != nil {
			return fmt.Errorf("--name %q: %v", g, err)
		}
	}
	if o.Coreadm != "" && !filepath.IsAbs(o.Coreadm) {
		return fmt.Errorf("--coreadm %s: must be an absolute path", o.Coreadm)
	}
	return nil
}

func check(env *plugin.Env, o *options, sys systemPaths) (*plugin.Result, error) {
	env.Stage("finding msg-svr-base")
	l, err := openLayout(env, o)
	if err != nil {
		return nil, plugin.Unknownf("%v", err)
	}
	env.Stage("reading the core settings")
	host := sys.discover(env, o.coreadmPath(sys), o.Coreadm != "")
	roots := searchRoots(l, o, host)
	exclude := exclusions(env, l, o)
	m := &matcher{patternGlobs: host.globs, userGlobs: append(append([]string(nil), o.Names...), host.weakGlobs...), dirGlobs: host.dirGlobs}
	s := newSearcher(env, o.Depth, m, exclude)
	for _, r := range roots {
		s.searchRoot(r)
	}
	f := examine(env, s.found, host.namePatterns, o)
	res := &plugin.Result{}
	report(env, res, o, host, s, f)
	return res, nil
}

// openLayout finds the installation. With --dir and no installation to be
// found (neither --base nor $MSG_SVR_BASE nor a default base), the check
// still searches the given directories, without store exclusions to apply.
func openLayout(env *plugin.Env, o *options) (*layout.Layout, error) {
	l, err := o.OpenLayout(env, o.StoreRoot)
	if err != nil && len(o.Dirs) > 0 && o.Base == "" && env.Getenv("MSG_SVR_BASE") == "" {
		return nil, nil
	}
	return l, err
}

// coreadmPath is the coreadm command to run: --coreadm, else the default.
func (o *options) coreadmPath(sys systemPaths) string {
	if o.Coreadm != "" {
		return o.Coreadm
	}
	return sys.coreadm
}

// searchRoots lists the directories to search, most specific first so that
// a directory reached twice is read with the larger depth budget once.
// The system's core directories are dedicated: any core there counts,
// whatever its name. A --dir is dedicated when it is one of them.
func searchRoots(l *layout.Layout, o *options, host *hostCores) []root {
	var roots []root
	if dirs := words.SplitList(o.Dirs); len(dirs) > 0 {
		for _, d := range dirs {
			roots = append(roots, root{path: d, explicit: true, why: "--dir", dedicated: host.isDedicated(d)})
		}
		return roots
	}
	roots = append(roots,
		root{path: l.Lib, why: "daemons, BASE/lib"},
		root{path: l.Sbin, why: "admin tools, BASE/sbin"},
		root{path: l.Bin, why: "admin tools, BASE/bin"},
		root{path: l.Config, why: "BASE/config"},
		root{path: l.Data, why: "BASE/data"},
		root{path: l.Base, why: "msg-svr-base"},
	)
	switch {
	case o.NoSystemDirs:
	case len(o.CoreDirs) > 0:
		for _, d := range words.SplitList(o.CoreDirs) {
			roots = append(roots, root{path: d, explicit: true, why: "--core-dir", dedicated: true})
		}
	default:
		for _, d := range host.dirs {
			roots = append(roots, root{path: d.path, why: d.why, dedicated: d.dedicated})
		}
	}
	return roots
}

// exclusions are the identities of the directories never to enter: the
// store's bulk (partitions, mboxlist, dbdata), the MTA queue, the logs,
// telemetry, and --exclude. Paths that do not exist are no danger.
func exclusions(env *plugin.Env, l *layout.Layout, o *options) map[fileID]string {
	type ex struct{ path, why string }
	var list []ex
	for _, d := range o.Exclude {
		list = append(list, ex{d, "--exclude"})
	}
	if l != nil {
		list = append(list,
			ex{filepath.Join(l.StoreRoot, "partition"), "store partitions"},
			ex{l.Mboxlist(), "mboxlist database"},
			ex{filepath.Join(l.StoreRoot, "dbdata"), "database snapshots"},
			ex{l.Queue, "MTA queue"},
			ex{l.Log, "log directory"},
			ex{filepath.Join(l.Data, "log"), "log directory"},
			ex{l.Telemetry, "telemetry"},
		)
		// What the configuration says adds to the defaults above; when it
		// cannot be read, the defaults still keep the store out.
		if cfg, err := o.ReadConfiguration(env, l); err == nil {
			if parts, err := cfg.Partitions(nil); err == nil {
				for _, p := range parts {
					list = append(list, ex{p.Path, "store partition " + p.Nick})
				}
			}
			for _, d := range cfg.LogDirs() {
				list = append(list, ex{d.Value, "log directory"})
			}
			if q, err := cfg.QueueDir(); err == nil {
				list = append(list, ex{q.Value, "MTA queue"})
			}
		}
	}
	out := map[fileID]string{}
	for _, e := range list {
		env.Stage("stat %s", e.path)
		if fi, err := os.Stat(e.path); err == nil {
			if id, ok := idOf(fi); ok {
				if _, dup := out[id]; !dup {
					out[id] = e.why
				}
			}
		}
	}
	return out
}

// examine opens each candidate and decides whether it is a core.
func examine(env *plugin.Env, cands []candidate, pats []namePattern, o *options) *findings {
	f := &findings{}
	critical := words.SplitList(o.CriticalPrograms)
	for _, c := range cands {
		if env.Context().Err() != nil {
			break
		}
		env.Stage("reading the header of %s", c.path)
		k, ok := identify(env, c, pats, f)
		if !ok {
			continue
		}
		k.age = env.Now.Sub(k.mtime)
		if k.age < 0 {
			k.age = 0
		}
		k.critical = matchAny(critical, k.program)
		if o.MaxAge > 0 && k.age > o.MaxAge.D() {
			f.ignored = append(f.ignored, k)
			continue
		}
		f.cores = append(f.cores, k)
	}
	// Cores of critical programs first, then newest first.
	sort.SliceStable(f.cores, func(i, j int) bool {
		a, b := f.cores[i], f.cores[j]
		if a.critical != b.critical {
			return a.critical
		}
		return a.mtime.After(b.mtime)
	})
	return f
}

// identify reads one candidate. It returns the core, or false when the
// file is not one (noted in f when its name says it should be).
func identify(env *plugin.Env, c candidate, pats []namePattern, f *findings) (*core, bool) {
	ni, _ := coreName(c.fi.Name())
	if !ni.systemd {
		// The host's own pattern says best what its names mean.
		if pi, ok := nameFromPatterns(pats, c.fi.Name()); ok {
			ni = pi
		}
	}
	k := &core{path: c.path, size: c.fi.Size(), mtime: c.fi.ModTime(), program: ni.program, pid: ni.pid}
	if ni.systemd {
		if t, ok := (systemdName{usec: ni.usec}).crashTime(env.Now); ok {
			k.mtime = t // to the microsecond, and unchanged by a copy
		}
	}
	if !c.trusted && c.fi.Size() < minHeader {
		// Too short for an ELF header: an untrusted name needs one.
		return nil, false
	}
	var info *elfcore.Info
	var err error
	if ni.compression != "" {
		info, err = identifyCompressed(c.path, ni.compression)
		if errors.Is(err, errDecode) {
			// systemd-coredump named it: the name is evidence enough.
			k.note = "compressed by systemd-coredump, " + err.Error() + "; counted by its name"
			return k, true
		}
	} else {
		info, err = identifyFile(c)
	}
	if err != nil {
		if !c.trusted && !c.dedicated {
			f.problems = append(f.problems, fmt.Sprintf("cannot read %s: %s", c.path, errtext.Reason(err)))
			return nil, false
		}
		// Daemons write their cores mode 0600: a monitoring user often
		// cannot read them. The name, or a directory that holds nothing
		// but cores, is evidence enough to count it.
		k.note = "not readable (" + errtext.Reason(err) + "), not confirmed by its header"
		if !c.trusted {
			k.note += "; counted because it is in a core directory"
		}
		return k, true
	}
	k.info = info
	switch info.Kind {
	case elfcore.NotELF, elfcore.NotCore:
		if c.byName {
			what := info.Describe()
			if ni.compression != "" {
				what = "decompressed: " + what
			}
			f.notCores = append(f.notCores, fmt.Sprintf("not a core: %s (%s)", c.path, what))
		}
		return nil, false
	case elfcore.Empty, elfcore.CutELF:
		if !c.trusted {
			return nil, false
		}
	}
	if ni.compression != "" {
		k.note = compressionName(ni.compression) + "-compressed by systemd-coredump"
	}
	if info.Program != "" {
		k.program = info.Program
	}
	if info.PID > 0 {
		k.pid = info.PID
	}
	return k, true
}

// minHeader is the shortest file that has an ELF e_type: an untrusted
// file shorter than this cannot be a core, and is not even opened.
const minHeader = 18

// identifyFile reads the header and notes of an uncompressed candidate.
func identifyFile(c candidate) (*elfcore.Info, error) {
	file, err := os.Open(c.path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return elfcore.Identify(file, c.fi.Size())
}

// compressionName is the compressor's usual name for a suffix.
func compressionName(suffix string) string {
	switch suffix {
	case "zst":
		return "zstd"
	}
	return suffix
}

func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := filepath.Match(p, name); ok && name != "" {
			return true
		}
	}
	return false
}
