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

// NotInstalledError says that msg-svr-base is not a usable Messaging
// Server installation: a plugin that went on would look at nothing and
// say OK.
type NotInstalledError struct {
	Msg string
	// DataMissing is set when the installation is there but its data root
	// is not (an unmounted data file system): an outage, which plugins
	// that report missing data as CRITICAL may report so.
	DataMissing bool
}

func (e *NotInstalledError) Error() string { return e.Msg }

// IsNotInstalled reports whether err says that there is no installation
// (or no data root) to look at.
func IsNotInstalled(err error) bool {
	var ni *NotInstalledError
	return errors.As(err, &ni)
}

// IsDataMissing reports whether err says that the data root is missing.
func IsDataMissing(err error) bool {
	var ni *NotInstalledError
	return errors.As(err, &ni) && ni.DataMissing
}

// daemons are programs of BASE/lib that only Messaging Server has.
var daemons = []string{"stored", "imapd", "popd", "mshttpd", "dispatcher", "job_controller", "watcher"}

// Check decides once for every plugin whether the layout is a Messaging
// Server installation to look at. It is not when the data root is a
// symbolic link to nothing or an empty directory (the data file system is
// not mounted), when a
// root given as an option does not exist, or when none of the marks of an
// installation is there: a configuration (msg.conf or config.xml), a
// store root, or a daemon in BASE/lib. An empty directory, a data link
// to nothing or msg-svr-base / would otherwise pass for a healthy server
// with nothing to report.
func (l *Layout) Check() error {
	if err := l.checkRoot(l.Data, l.DataSource, "data root"); err != nil {
		return err
	}
	if err := l.checkDataContent(); err != nil {
		return err
	}
	if err := l.checkRoot(l.Config, l.ConfigSource, "config root"); err != nil {
		return err
	}
	if exists(l.MsgConfPath()) || exists(l.ConfigXMLPath()) || isDir(l.StoreRoot) {
		return nil
	}
	for _, d := range daemons {
		if exists(filepath.Join(l.Lib, d)) {
			return nil
		}
	}
	return &NotInstalledError{Msg: fmt.Sprintf(
		"%s is not a Messaging Server installation: it has none of %s, %s, %s, %s (give --base, or --data-root and --config-root)",
		l.Base, l.rel(l.MsgConfPath()), l.rel(l.ConfigXMLPath()), l.rel(l.StoreRoot), l.rel(filepath.Join(l.Lib, "stored")))}
}

// dataDirs are what a data root holds once the server has run.
var dataDirs = []string{"store", "queue", "log", "proc"}

// checkDataContent reports a data root that is an empty directory: the
// mount point of a data file system that is not mounted looks so.
func (l *Layout) checkDataContent() error {
	if !isDir(l.Data) {
		return nil
	}
	for _, d := range dataDirs {
		if present(filepath.Join(l.Data, d)) {
			return nil
		}
	}
	if isDir(l.StoreRoot) {
		return nil // --store-root elsewhere, the rest not created yet
	}
	return &NotInstalledError{DataMissing: true, Msg: fmt.Sprintf(
		"data root %s holds none of %s: data file system not mounted?", l.Data, strings.Join(dataDirs, ", "))}
}

// rel shortens a path below msg-svr-base for messages.
func (l *Layout) rel(p string) string {
	if r, ok := strings.CutPrefix(p, strings.TrimSuffix(l.Base, "/")+"/"); ok && r != "" {
		return r
	}
	return p
}

// checkRoot reports a root that was named (an option, or a link in
// msg-svr-base) but is not there.
func (l *Layout) checkRoot(path, source, what string) error {
	if source == "default" {
		return nil
	}
	_, err := os.Stat(path)
	if err == nil {
		return nil
	}
	ni := &NotInstalledError{}
	fi, lerr := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && lerr == nil && fi.Mode()&os.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		ni.Msg = fmt.Sprintf("%s %s -> %s is missing: %s", what, path, target, mountHint(what))
		ni.DataMissing = what == "data root"
	case source == "--data-root" || source == "--config-root":
		ni.Msg = fmt.Sprintf("%s %s (from %s) %s", what, path, source, errtext.Reason(err))
	default:
		ni.Msg = fmt.Sprintf("%s %s: %s", what, path, errtext.Reason(err))
	}
	return ni
}

func mountHint(what string) string {
	if what == "data root" {
		return "data file system not mounted?"
	}
	return "configuration file system not mounted?"
}
