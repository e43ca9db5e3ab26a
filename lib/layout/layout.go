// Package layout knows where a Messaging Server installation keeps things:
// msg-svr-base discovery, the data and config roots and the paths derived
// from them, whether the directory is an installation at all, what its
// configuration says (msg.conf, imta_tailor or Unified Configuration) and
// the message store partitions.
package layout

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
)

// DefaultBases are tried in order when neither --base nor $MSG_SVR_BASE is
// given: 6.3 64-bit and CMS 8 first, then the 6.3 Linux and Solaris bases.
var DefaultBases = []string{
	"/opt/sun/comms/messaging64",
	"/opt/sun/comms/messaging",
	"/opt/sun/messaging",
	"/opt/SUNWmsgsr",
}

// Layout holds the derived paths of one installation. Symlinks (data ->
// /var/opt/SUNWmsgsr) are followed by the file system as the server follows
// them; the paths are not resolved here.
type Layout struct {
	Base      string // msg-svr-base, absolute
	Config    string // config root: BASE/config, else /var/BASE/config
	Data      string // data root: BASE/data, else /var/BASE
	Log       string // BASE/log, else DATA/log
	StoreRoot string // DATA/store, or --store-root
	Proc      string // DATA/proc
	Telemetry string // DATA/telemetry
	Queue     string // DATA/queue
	Lib       string // BASE/lib (daemons)
	Sbin      string // BASE/sbin (admin tools in 6.x)
	Bin       string // BASE/bin (admin tools in 7/8)

	DataSource   string // how Data was found: "--data-root", "BASE/data", "/var/BASE", "default"
	ConfigSource string // how Config was found, in the same words
}

// Roots are the options that place an installation. Only Base is needed;
// the others override what is derived from it.
type Roots struct {
	Base   string // --base
	Data   string // --data-root
	Config string // --config-root
	Store  string // --store-root
}

// ResolveBase picks msg-svr-base: the option, else $MSG_SVR_BASE, else the
// first default that exists. The chosen base must be a directory; it is
// returned absolute, so that a relative -B means the same in every path
// derived from it and in every command given it.
func ResolveBase(option string, getenv func(string) string, candidates []string) (string, error) {
	base := option
	source := "--base"
	if base == "" && getenv != nil {
		base, source = getenv("MSG_SVR_BASE"), "$MSG_SVR_BASE"
	}
	if base == "" {
		for _, c := range candidates {
			if fi, err := os.Stat(c); err == nil && fi.IsDir() {
				return c, nil
			}
		}
		return "", fmt.Errorf("no Messaging Server installation found (tried $MSG_SVR_BASE and %v): give --base", candidates)
	}
	fi, err := os.Stat(base)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("msg-svr-base %s (from %s) does not exist", base, source)
	case err != nil:
		return "", fmt.Errorf("msg-svr-base %s (from %s): %v", base, source, errtext.Reason(err))
	case !fi.IsDir():
		return "", fmt.Errorf("msg-svr-base %s (from %s) is not a directory", base, source)
	}
	return absolute(base), nil
}

// absolute makes p absolute against the working directory; p is returned
// as it is in the unlikely case that the working directory is gone.
func absolute(p string) string {
	if p == "" {
		return ""
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// New derives the paths of the installation at base, with the data and
// config roots found as the server finds them. storeRoot overrides
// DATA/store when not empty. An empty base derives nothing from the
// working directory.
func New(base, storeRoot string) *Layout {
	return derive(Roots{Base: base, Store: storeRoot})
}

func derive(r Roots) *Layout {
	base := absolute(r.Base)
	l := &Layout{Base: base, Lib: join(base, "lib"), Sbin: join(base, "sbin"), Bin: join(base, "bin")}
	l.Data, l.DataSource = findRoot(r.Data, base, "data", "")
	l.Config, l.ConfigSource = findRoot(r.Config, base, "config", "config")
	l.Log = join(base, "log")
	if base == "" || !exists(l.Log) {
		if d := join(l.Data, "log"); base == "" || exists(d) {
			l.Log = d
		}
	}
	l.StoreRoot = join(l.Data, "store")
	l.Proc = join(l.Data, "proc")
	l.Telemetry = join(l.Data, "telemetry")
	l.Queue = join(l.Data, "queue")
	if r.Store != "" {
		l.StoreRoot = absolute(r.Store)
	}
	return l
}

// join is filepath.Join that keeps an unknown (empty) directory unknown
// instead of turning it into a path relative to the working directory.
func join(dir, name string) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, name)
}

// findRoot locates the data or config root: the option, else BASE/<link>
// when anything is there (a dangling link or an unreadable entry is
// reported by Check, never replaced), else the same under /var (DataRoot may be
// /var/<serverroot> and ConfigRoot /var/<serverroot>/config in 7/8, where
// the links in msg-svr-base are optional), else BASE/<link>.
func findRoot(option, base, link, varSub string) (string, string) {
	if option != "" {
		return absolute(option), "--" + link + "-root"
	}
	if base == "" {
		return "", "default"
	}
	inBase := filepath.Join(base, link)
	if _, err := os.Lstat(inBase); !errors.Is(err, fs.ErrNotExist) {
		// There (perhaps a link to nothing, perhaps unreadable): Check
		// reports what is wrong with it rather than look elsewhere.
		return inBase, "BASE/" + link
	}
	for _, v := range varRoots(base) {
		p := join(v, varSub)
		if varSub == "" {
			p = v
		}
		if isDir(p) {
			return p, "/var/BASE"
		}
	}
	return inBase, "default"
}

// varRoots are where /var/<serverroot> may be: under the system's /var,
// and under the same alternate root as msg-svr-base when the base sits in
// one (ROOT/opt/... -> ROOT/var/opt/..., as packages installed with an
// alternate root, a zone's root or a test tree lay it out).
func varRoots(base string) []string {
	if base == "/" {
		return nil // /var itself is no data root
	}
	out := []string{filepath.Join("/var", base)}
	if i := strings.Index(base, "/opt/"); i > 0 {
		out = append(out, base[:i]+"/var"+base[i:])
	}
	return out
}

// Open resolves the base from the option, the environment and the defaults
// and derives the layout; it fails when the base is not an installation
// (see Check).
func Open(baseOption, storeRoot string, getenv func(string) string) (*Layout, error) {
	return OpenRoots(Roots{Base: baseOption, Store: storeRoot}, getenv)
}

// OpenRoots is Open with the data and config roots as options too.
func OpenRoots(r Roots, getenv func(string) string) (*Layout, error) {
	base, err := ResolveBase(r.Base, getenv, DefaultBases)
	if err != nil {
		return nil, err
	}
	r.Base = base
	l := derive(r)
	if err := l.Check(); err != nil {
		return nil, err
	}
	return l, nil
}

// MsgConfPath is CONFIG/msg.conf.
func (l *Layout) MsgConfPath() string { return filepath.Join(l.Config, "msg.conf") }

// ConfigXMLPath is CONFIG/config.xml, the Unified Configuration file.
func (l *Layout) ConfigXMLPath() string { return filepath.Join(l.Config, "config.xml") }

// TailorPath is CONFIG/imta_tailor, the MTA's paths in legacy mode.
func (l *Layout) TailorPath() string { return filepath.Join(l.Config, "imta_tailor") }

// Mboxlist is STORE_ROOT/mboxlist, the Berkeley DB environment.
func (l *Layout) Mboxlist() string { return filepath.Join(l.StoreRoot, "mboxlist") }

// Command is the path of an administration command: BASE/sbin/name (6.x)
// or BASE/bin/name (7/8), whichever exists, sbin first; sbin when neither
// does, so that the error names the documented 6.3 place.
func (l *Layout) Command(name string) string {
	for _, d := range []string{l.Sbin, l.Bin} {
		if p := filepath.Join(d, name); exists(p) {
			return p
		}
	}
	return filepath.Join(l.Sbin, name)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
