// Package stamps knows the three stamp files stored touches in
// msg-svr-base/config (Administration Guide 6.3, Table 20-12) and reads
// their ages. check_stored alerts on them; check_dblogs uses them to
// explain a build-up of database logs.
package stamps

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Stamp is one of stored's stamp files.
type Stamp struct {
	Key      string        // short name for options and perfdata: ckp, lcu, per
	File     string        // file name in BASE/config
	Task     string        // what stored does when it touches the file
	Short    string        // the task in a word or two, for status lines
	Stopped  string        // what an admin is told when the stamp is stale
	Interval time.Duration // how often stored touches it (Table 20-12)
	Warn     time.Duration // default warning age (ours: Oracle gives none)
	Crit     time.Duration // default critical age
}

// The stamps of Table 20-12, with default thresholds that allow a few
// missed intervals before warning.
var (
	Checkpoint = Stamp{
		Key: "ckp", File: "stored.ckp", Task: "database checkpoint", Short: "checkpoint",
		Stopped:  "stored not checkpointing",
		Interval: time.Minute, Warn: 5 * time.Minute, Crit: 15 * time.Minute,
	}
	LogCleanup = Stamp{
		Key: "lcu", File: "stored.lcu", Task: "database log cleanup", Short: "log cleanup",
		Stopped:  "stored not cleaning up database logs",
		Interval: 5 * time.Minute, Warn: 15 * time.Minute, Crit: 60 * time.Minute,
	}
	Peruser = Stamp{
		Key: "per", File: "stored.per", Task: "peruser database write-out", Short: "peruser write-out",
		Stopped:  "stored not writing out peruser data",
		Interval: time.Hour, Warn: 2 * time.Hour, Crit: 4 * time.Hour,
	}
)

// All lists the stamps in the order the guide's table does.
var All = []Stamp{Checkpoint, LogCleanup, Peruser}

// Reading is a stamp's state at one moment.
type Reading struct {
	Stamp   Stamp
	Path    string
	Exists  bool
	ModTime time.Time
	Age     time.Duration // now - mtime; negative when the stamp is in the future
	Err     error         // set when the stamp could not be examined (not for a missing one)
}

// Read stats the stamp in configDir as of now. A missing stamp is a
// reading with Exists false, not an error; anything else that prevents the
// look (permission, not a regular file) is in Err.
func Read(configDir string, s Stamp, now time.Time) Reading {
	r := Reading{Stamp: s, Path: filepath.Join(configDir, s.File)}
	fi, err := os.Stat(r.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return r
	case err != nil:
		r.Err = err
		return r
	case !fi.Mode().IsRegular():
		r.Err = fmt.Errorf("%s is not a regular file", r.Path)
		return r
	}
	r.Exists = true
	r.ModTime = fi.ModTime()
	r.Age = now.Sub(r.ModTime)
	return r
}
