// Package layout knows where a Messaging Server installation keeps things:
// msg-svr-base discovery, the paths derived from it, msg.conf
// settings, and the message store partitions.
package layout

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
	Base      string // msg-svr-base
	Config    string // BASE/config
	Data      string // BASE/data
	Log       string // BASE/log, else BASE/data/log
	StoreRoot string // BASE/data/store, or --store-root
	Proc      string // BASE/data/proc
	Telemetry string // BASE/data/telemetry
	Queue     string // BASE/data/queue
	Lib       string // BASE/lib (daemons)
	Sbin      string // BASE/sbin (admin tools)
}

// ResolveBase picks msg-svr-base: the option, else $MSG_SVR_BASE, else the
// first default that exists. The chosen base must be a directory.
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
		return "", fmt.Errorf("msg-svr-base %s (from %s): %v", base, source, errText(err))
	case !fi.IsDir():
		return "", fmt.Errorf("msg-svr-base %s (from %s) is not a directory", base, source)
	}
	return base, nil
}

// New derives the paths of the installation at base. storeRoot overrides
// BASE/data/store when not empty.
func New(base, storeRoot string) *Layout {
	data := filepath.Join(base, "data")
	l := &Layout{
		Base:      base,
		Config:    filepath.Join(base, "config"),
		Data:      data,
		Log:       filepath.Join(base, "log"),
		StoreRoot: filepath.Join(data, "store"),
		Proc:      filepath.Join(data, "proc"),
		Telemetry: filepath.Join(data, "telemetry"),
		Queue:     filepath.Join(data, "queue"),
		Lib:       filepath.Join(base, "lib"),
		Sbin:      filepath.Join(base, "sbin"),
	}
	if _, err := os.Stat(l.Log); err != nil {
		if _, err2 := os.Stat(filepath.Join(data, "log")); err2 == nil {
			l.Log = filepath.Join(data, "log")
		}
	}
	if storeRoot != "" {
		l.StoreRoot = storeRoot
	}
	return l
}

// Open resolves the base from the option, the environment and the defaults
// and derives the layout.
func Open(baseOption, storeRoot string, getenv func(string) string) (*Layout, error) {
	base, err := ResolveBase(baseOption, getenv, DefaultBases)
	if err != nil {
		return nil, err
	}
	return New(base, storeRoot), nil
}

// MsgConfPath is BASE/config/msg.conf.
func (l *Layout) MsgConfPath() string { return filepath.Join(l.Config, "msg.conf") }

// Mboxlist is STORE_ROOT/mboxlist, the Berkeley DB environment.
func (l *Layout) Mboxlist() string { return filepath.Join(l.StoreRoot, "mboxlist") }

// errText is the reason of a path error without the repeated path.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
