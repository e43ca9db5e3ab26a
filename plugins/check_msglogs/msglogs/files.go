package msglogs

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/layout"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// mtaCurrent is the MTA's current log; at the nightly rollover it becomes
// mail.log_yesterday (AG63 Table 25-1).
const mtaCurrent = "mail.log_current"

// currentName is the file name of a service's current log.
func currentName(svc string) string {
	if svc == "mta" {
		return mtaCurrent
	}
	return svc
}

// rotatedName matches a service's rotated files, service.sequenceNum.timeStamp
// (AG05 `bgbfr`), also compressed by an outside expiry job (counted for
// hygiene, not read), and for the MTA mail.log_<anything> (mail.log_current
// is left to the caller). It is hand-written rather than a regexp: compiling
// one per service on every run was 11% of an idle run.
func rotatedName(svc, name string) (seq, epoch string, compressed, ok bool) {
	if svc == "mta" {
		rest, found := strings.CutPrefix(name, "mail.log_")
		if !found || rest == "" || strings.Contains(rest, "\n") {
			return "", "", false, false
		}
		return "", "", hasCompressedSuffix(name), true
	}
	rest, found := strings.CutPrefix(name, svc+".")
	if !found {
		return "", "", false, false
	}
	seq, rest = leadingDigits(rest)
	if seq == "" || !strings.HasPrefix(rest, ".") {
		return "", "", false, false
	}
	epoch, rest = leadingDigits(rest[1:])
	if epoch == "" {
		return "", "", false, false
	}
	switch rest {
	case "":
		return seq, epoch, false, true
	case ".gz", ".Z", ".bz2", ".xz":
		return seq, epoch, true, true
	}
	return "", "", false, false
}

// leadingDigits splits s after its leading ASCII digits.
func leadingDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}

// hasCompressedSuffix: a file an outside expiry job compressed.
func hasCompressedSuffix(name string) bool {
	for _, ext := range []string{".gz", ".Z", ".bz2", ".xz"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// logDirs finds each service's log directory: --log-dir, else what the
// installation's configuration says (logfile.<svc>.logdir in msg.conf or
// <svc>.logfile.logdir in Unified Configuration; for the MTA IMTA_LOG from
// imta_tailor, DATA/log with Unified Configuration; imta, the MTA's own
// service log, beside it unless it has a logdir of its own), else BASE/log. partial
// is set when a directory is a default only because a Unified
// Configuration could not be read.
func logDirs(l *layout.Layout, conf *layout.Configuration, option string) (dirs map[string]string, partial string) {
	dirs = map[string]string{}
	for _, svc := range services {
		d := l.Log
		switch {
		case option != "":
			d = option
		case svc == "mta":
			d = conf.MTALogDir().Value
		default:
			s, known := conf.LogDir(svc)
			d = s.Value
			if svc == "imta" && s.Source == "default" {
				d = conf.MTALogDir().Value
			}
			if !known && partial == "" {
				partial = conf.Partial("log directories default to "+d, "give --log-dir")
			}
		}
		dirs[svc] = filepath.Clean(d)
	}
	return dirs, partial
}

// followServiceDirs moves a service into its own subdirectory when its
// log directory holds a directory of the service's name with the service's
// logs in it (BASE/log/imap/imap, imap.37.1795737600...; the 6.3 guide
// names the default log msg-svr-base/log/default/default). A directory
// without them is left alone, so that a log replaced by a directory is
// still reported as unreadable. mail.log_current is always a file.
func followServiceDirs(env *plugin.Env, dirs map[string]string, listings map[string]*dirListing) {
	for _, svc := range services {
		d := listings[dirs[svc]]
		if svc == "mta" || d.err != nil || !hasDir(d, currentName(svc)) {
			continue
		}
		sub := filepath.Join(dirs[svc], currentName(svc))
		l, ok := listings[sub]
		if !ok {
			env.Stage("listing %s", sub)
			l = listDir(sub)
		}
		if l.err != nil || !hasEntry(l, currentName(svc)) && len(l.rotated(svc, false)) == 0 {
			continue
		}
		listings[sub] = l
		dirs[svc] = sub
	}
}

// hasDir: the listing holds a directory (or a link to one) of that name.
func hasDir(d *dirListing, name string) bool {
	for _, e := range d.entries {
		if e.Name() != name {
			continue
		}
		if e.IsDir() {
			return true
		}
		if e.Type()&os.ModeSymlink != 0 {
			info, err := os.Stat(filepath.Join(d.path, name))
			return err == nil && info.IsDir()
		}
		return false
	}
	return false
}

// dirListing is one log directory, listed once per run.
type dirListing struct {
	path    string
	entries []os.DirEntry
	err     error
	size    uint64 // total of the regular files in it
}

func listDir(path string) *dirListing {
	d := &dirListing{path: path}
	d.entries, d.err = os.ReadDir(path)
	for _, e := range d.entries {
		if !e.Type().IsRegular() {
			continue
		}
		if info, err := e.Info(); err == nil {
			d.size += uint64(info.Size())
		}
	}
	return d
}

// rotated lists a service's rotated files. readable excludes compressed
// ones; the order is oldest first: by sequence number for service logs, by
// mtime for the MTA's.
func (d *dirListing) rotated(svc string, readableOnly bool) []string {
	type item struct {
		path  string
		seq   int64
		epoch int64
		mtime int64
	}
	var items []item
	for _, e := range d.entries {
		name := e.Name()
		seq, epoch, compressed, ok := rotatedName(svc, name)
		if !ok || name == mtaCurrent {
			continue
		}
		if readableOnly && compressed {
			continue
		}
		it := item{path: filepath.Join(d.path, name)}
		if svc == "mta" {
			if info, err := e.Info(); err == nil {
				it.mtime = info.ModTime().UnixNano()
			}
		} else {
			it.seq, _ = strconv.ParseInt(seq, 10, 64)
			it.epoch, _ = strconv.ParseInt(epoch, 10, 64)
		}
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.seq != b.seq {
			return a.seq < b.seq
		}
		if a.epoch != b.epoch {
			return a.epoch < b.epoch
		}
		if a.mtime != b.mtime {
			return a.mtime < b.mtime
		}
		return a.path < b.path
	})
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.path
	}
	return out
}
