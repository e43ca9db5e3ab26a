package layout

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
)

// Mode is how an installation keeps its configuration.
type Mode int

// The configuration modes: none found, msg.conf (6.x, and 7/8 configured
// with --noxml), Unified Configuration (7u5 and later: config.xml, read
// through msconfig).
const (
	ModeNone Mode = iota
	ModeLegacy
	ModeUnified
)

func (m Mode) String() string {
	switch m {
	case ModeLegacy:
		return "legacy configuration (msg.conf)"
	case ModeUnified:
		return "Unified Configuration (config.xml)"
	}
	return "no configuration file"
}

// Setting is one configuration value and where it came from.
type Setting struct {
	Name   string // option name as found, e.g. imap.logfile.logdir
	Value  string
	Source string // "msg.conf", "msconfig", "config.xml", "imta_tailor", "default", or an option
}

// String is "VALUE (from SOURCE)".
func (s Setting) String() string { return fmt.Sprintf("%s (from %s)", s.Value, s.Source) }

// ReadOptions tune how Unified Configuration is read.
type ReadOptions struct {
	// Msconfig is the msconfig program; "" looks for BASE/bin/msconfig,
	// then BASE/sbin/msconfig; "none" never runs it.
	Msconfig string
	// Timeout bounds msconfig's run (default 5 s).
	Timeout time.Duration
	// Stage, when set, is told what is being read (for a watchdog).
	Stage func(string)
}

// Configuration answers "what does this installation's configuration
// say": partitions, the store's lock threshold, log, queue and MTA log
// directories, enabled services, each with its source. Legacy files are
// read at once; Unified Configuration only when a value is first asked
// for, since running msconfig costs more than reading a file.
type Configuration struct {
	Mode   Mode
	layout *Layout
	legacy Conf              // msg.conf
	tailor map[string]string // imta_tailor (legacy)
	// TailorErr is set when imta_tailor exists but cannot be read.
	TailorErr error

	ctx     context.Context
	opts    ReadOptions
	ucOnce  sync.Once
	uc      map[string]Setting // by lower-case name, leading "role." dropped
	ucFrom  string             // "msconfig" or "config.xml"
	ucWhy   string             // why Unified Configuration could not be read
	ucNotes []string           // how it was read
}

// ReadConfiguration reads the installation's configuration. The error is
// for a msg.conf that exists but cannot be read (a directory, a link to
// nothing, a permission): the returned Configuration is then still
// usable, with defaults.
func (l *Layout) ReadConfiguration(ctx context.Context, o ReadOptions) (*Configuration, error) {
	c := &Configuration{layout: l, ctx: ctx, opts: o, legacy: Conf{}}
	stage := func(p string) {
		if o.Stage != nil {
			o.Stage("reading " + p)
		}
	}
	var err error
	switch {
	case present(l.MsgConfPath()):
		c.Mode = ModeLegacy
		stage(l.MsgConfPath())
		var conf Conf
		if conf, err = l.ReadConf(); err == nil {
			c.legacy = conf
		}
	case present(l.ConfigXMLPath()) || c.msconfigPath() != "" && exists(c.msconfigPath()):
		c.Mode = ModeUnified
	}
	if c.Mode != ModeUnified {
		stage(l.TailorPath())
		c.tailor, c.TailorErr = readTailor(l.TailorPath())
	}
	return c, err
}

// present is true when something (even a dangling link or an unreadable
// file) is at p.
func present(p string) bool {
	_, err := os.Lstat(p)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}

func (c *Configuration) msconfigPath() string {
	switch c.opts.Msconfig {
	case "none":
		return ""
	case "":
		for _, d := range []string{c.layout.Bin, c.layout.Sbin} {
			if p := filepath.Join(d, "msconfig"); exists(p) {
				return p
			}
		}
		return filepath.Join(c.layout.Bin, "msconfig")
	}
	return c.opts.Msconfig
}

// Unreadable is why a Unified Configuration could not be read, "" when it
// was read or the installation does not use one. When it is not "",
// values come from defaults that may be wrong: a plugin must say so.
func (c *Configuration) Unreadable() string {
	c.loadUC()
	return c.ucWhy
}

// Partial words what a plugin could not learn: "WHAT: Unified
// Configuration not readable, REMEDY", or "" when the configuration was
// read.
func (c *Configuration) Partial(what, remedy string) string {
	if c.Unreadable() == "" {
		return ""
	}
	s := what + ": Unified Configuration not readable"
	if remedy != "" {
		s += ", " + remedy
	}
	return s
}

// Notes describe how the configuration was read, for verbose output.
func (c *Configuration) Notes() []string {
	c.loadUC()
	var out []string
	switch c.Mode {
	case ModeLegacy:
		out = append(out, fmt.Sprintf("configuration: %s, %d settings", c.layout.MsgConfPath(), len(c.legacy)))
	case ModeUnified:
		out = append(out, c.ucNotes...)
	default:
		out = append(out, fmt.Sprintf("configuration: neither %s nor %s: defaults", c.layout.MsgConfPath(), c.layout.ConfigXMLPath()))
	}
	if c.tailor != nil {
		out = append(out, fmt.Sprintf("MTA paths: %s", c.layout.TailorPath()))
	}
	return out
}

// Get returns the first of names that is set, legacy names and Unified
// Configuration names alike (names are compared in lower case).
func (c *Configuration) Get(names ...string) (Setting, bool) {
	for _, n := range names {
		n = strings.ToLower(n)
		if v, ok := c.legacy[n]; ok {
			return Setting{Name: n, Value: v, Source: "msg.conf"}, true
		}
	}
	if c.Mode != ModeUnified {
		return Setting{}, false
	}
	c.loadUC()
	for _, n := range names {
		if s, ok := c.uc[strings.ToLower(n)]; ok {
			return s, true
		}
	}
	return Setting{}, false
}

// Bool reads a yes/no setting.
func (c *Configuration) Bool(def bool, names ...string) (bool, Setting, bool) {
	s, ok := c.Get(names...)
	if !ok {
		return def, Setting{}, false
	}
	switch strings.ToLower(s.Value) {
	case "yes", "y", "true", "on", "1", "enabled":
		return true, s, true
	case "no", "n", "false", "off", "0", "disabled":
		return false, s, true
	}
	return def, s, false
}

// DefaultLockThreshold is stored's documented default
// (local.store.diskusagethreshold).
const DefaultLockThreshold = 99

// LockThreshold is the used percentage at which stored locks a partition,
// 0 when stored does not check (local.store.checkdiskusage = no). Its
// Unified Configuration name is not documented: store.diskusagethreshold
// and store.checkdiskusage are assumed. known is false when the value is
// the default only because the configuration could not be read.
func (c *Configuration) LockThreshold() (pct float64, s Setting, known bool) {
	known = c.Unreadable() == ""
	if on, cs, ok := c.Bool(true, "local.store.checkdiskusage", "store.checkdiskusage"); ok && !on {
		return 0, cs, true
	}
	if s, ok := c.Get("local.store.diskusagethreshold", "store.diskusagethreshold"); ok && s.Value != "" {
		if f, err := strconv.ParseFloat(s.Value, 64); err == nil && f >= 1 && f <= 100 {
			return f, s, true
		}
		// stored documents 1-99; an unusable value means its default.
	}
	return DefaultLockThreshold, Setting{Name: "local.store.diskusagethreshold", Value: "99", Source: "default"}, known
}

// LogDir is the log directory of a service (imap, pop, http, admin,
// default, imta): logfile.<svc>.logdir (legacy) or <svc>.logfile.logdir
// (Unified Configuration), else BASE/log (DATA/log when BASE/log does not
// exist). known is false when the default stands in for a configuration
// that could not be read.
func (c *Configuration) LogDir(service string) (Setting, bool) {
	service = strings.ToLower(service)
	if s, ok := c.Get("logfile."+service+".logdir", service+".logfile.logdir"); ok && usableDir(s.Value) {
		s.Value = filepath.Clean(s.Value)
		return s, true
	}
	return Setting{Name: "logfile." + service + ".logdir", Value: c.layout.Log, Source: "default"}, c.Unreadable() == ""
}

// MTALogDir is where the MTA writes mail.log_current: IMTA_LOG from
// imta_tailor (legacy), DATA/log with Unified Configuration (the
// documented value of its IMTA_LOG symbol), else BASE/log.
func (c *Configuration) MTALogDir() Setting {
	if d := c.tailor["IMTA_LOG"]; usableDir(d) {
		return Setting{Name: "IMTA_LOG", Value: filepath.Clean(d), Source: "imta_tailor"}
	}
	if c.Mode == ModeUnified {
		return Setting{Name: "IMTA_LOG", Value: join(c.layout.Data, "log"), Source: "Unified Configuration: DATA/log"}
	}
	return Setting{Name: "IMTA_LOG", Value: c.layout.Log, Source: "default"}
}

// QueueDir is the MTA queue: IMTA_QUEUE from imta_tailor (legacy), DATA/queue
// with Unified Configuration (its IMTA_QUEUE symbol), else DATA/queue. An
// imta_tailor that exists but cannot be read is an error: the queue may
// be elsewhere.
func (c *Configuration) QueueDir() (Setting, error) {
	if c.TailorErr != nil {
		return Setting{}, fmt.Errorf("cannot read %s: %s", c.layout.TailorPath(), errtext.Reason(c.TailorErr))
	}
	if d := c.tailor["IMTA_QUEUE"]; usableDir(d) {
		return Setting{Name: "IMTA_QUEUE", Value: filepath.Clean(d), Source: "IMTA_QUEUE in " + c.layout.TailorPath()}, nil
	}
	if c.Mode == ModeUnified {
		return Setting{Name: "IMTA_QUEUE", Value: c.layout.Queue, Source: "Unified Configuration: DATA/queue"}, nil
	}
	return Setting{Name: "IMTA_QUEUE", Value: c.layout.Queue, Source: "BASE/data/queue"}, nil
}

// ServiceEnabled says whether a service is enabled: service.<svc>.enable
// (legacy) or <svc>.enable (Unified Configuration); the watcher's switch
// is local.watcher.enable / watcher.enable. known is false when the
// configuration does not say (the caller chooses the default).
func (c *Configuration) ServiceEnabled(service string) (enabled bool, source string, known bool) {
	service = strings.ToLower(service)
	names := []string{"service." + service + ".enable", service + ".enable"}
	if service == "watcher" {
		names = []string{"local.watcher.enable", "watcher.enable"}
	}
	on, s, ok := c.Bool(false, names...)
	if !ok {
		return false, "", false
	}
	return on, s.Name + " in " + s.Source, true
}

// LogDirs are every log directory the installation uses, each once, in a
// stable order: the service logs, the MTA's, and BASE/log.
func (c *Configuration) LogDirs() []Setting {
	seen := map[string]bool{}
	var out []Setting
	add := func(s Setting) {
		if s.Value != "" && !seen[s.Value] {
			seen[s.Value] = true
			out = append(out, s)
		}
	}
	for _, svc := range []string{"default", "imap", "pop", "http", "admin", "imta"} {
		s, _ := c.LogDir(svc)
		add(s)
	}
	add(c.MTALogDir())
	for _, name := range c.names() {
		if svc, ok := logdirService(name); ok {
			s, _ := c.LogDir(svc)
			add(s)
		}
	}
	return out
}

// names lists every setting name, sorted.
func (c *Configuration) names() []string {
	var out []string
	for k := range c.legacy {
		out = append(out, k)
	}
	if c.Mode == ModeUnified {
		c.loadUC()
		for k := range c.uc {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// logdirService picks the service out of logfile.<svc>.logdir or
// <svc>.logfile.logdir.
func logdirService(name string) (string, bool) {
	if s, ok := strings.CutPrefix(name, "logfile."); ok {
		if svc, ok := strings.CutSuffix(s, ".logdir"); ok && svc != "" && !strings.Contains(svc, ".") {
			return svc, true
		}
	}
	if svc, ok := strings.CutSuffix(name, ".logfile.logdir"); ok && svc != "" && !strings.Contains(svc, ".") {
		return svc, true
	}
	return "", false
}

// usableDir is an absolute path without control characters: a relative
// one would be read from the plugin's working directory, and control
// characters (NUL, CR) make no real directory.
func usableDir(d string) bool {
	return filepath.IsAbs(d) && strings.IndexFunc(d, unicode.IsControl) < 0
}

// maxTailorBytes bounds what is read of imta_tailor (a few hundred bytes
// on a real server).
const maxTailorBytes = 1 << 20

// readTailor reads imta_tailor. A missing file is nil with no error; one
// that exists but cannot be read (a directory, a link to nothing) is an
// error, not "no imta_tailor".
func readTailor(p string) (map[string]string, error) {
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Lstat(p); lerr == nil {
			return nil, &fs.PathError{Op: "open", Path: p, Err: errors.New("dangling symbolic link")}
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: p, Err: errors.New("is a directory")}
	}
	return ParseTailor(io.LimitReader(f, maxTailorBytes)), nil
}
