package msglogs

import (
	"errors"
	"io"
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
// Configuration could not be read. sources says where each came from.
func logDirs(l *layout.Layout, conf *layout.Configuration, option string) (dirs, sources map[string]string, partial string) {
	dirs, sources = map[string]string{}, map[string]string{}
	for _, svc := range services {
		var d string
		switch {
		case option != "":
			d, sources[svc] = option, "--log-dir"
		case svc == "mta":
			s := conf.MTALogDir()
			d, sources[svc] = s.Value, s.Name+" from "+s.Source
		default:
			s, known := conf.LogDir(svc)
			d, sources[svc] = s.Value, s.Name+" from "+s.Source
			if svc == "imta" && s.Source == "default" {
				m := conf.MTALogDir()
				d, sources[svc] = m.Value, m.Name+" from "+m.Source+", the MTA's"
			}
			if !known && partial == "" {
				partial = conf.Partial("log directories default to "+d, "give --log-dir")
			}
		}
		dirs[svc] = filepath.Clean(d)
	}
	return dirs, sources, partial
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
		if l.err != nil || !hasEntry(l, currentName(svc)) && l.rotatedCount(svc) == 0 {
			continue
		}
		listings[sub] = l
		dirs[svc] = sub
	}
}

// hasDir: the listing holds a directory (or a link to one) of that name.
func hasDir(d *dirListing, name string) bool {
	switch t, ok := d.currentType[name]; {
	case !ok:
		return false
	case t.IsDir():
		return true
	case t&os.ModeSymlink != 0:
		info, err := os.Stat(filepath.Join(d.path, name))
		return err == nil && info.IsDir()
	}
	return false
}

// dirListing is one log directory, listed once per run. It is read in
// batches and keeps counts, not entries: a directory where an expiry job
// stopped may hold 100,000 rotated files.
type dirListing struct {
	path    string
	err     error
	size    uint64          // total of the regular files in it
	count   int             // entries
	present map[string]bool // which current logs (imap, mail.log_current, ...) it has
	// currentType is the type of each current log's entry: a directory
	// of the service's name may hold its logs (log/default/default).
	currentType map[string]os.FileMode
	nRot        map[string]int // rotated files per service, compressed ones too
	newest      map[string][]rotatedItem
}

// keptRotated is how many of a service's newest readable rotated files a
// listing keeps: the files a log may have been rotated into since the last
// check. Beyond that many rotations between two checks, the older files
// are counted, and their unread lines reported lost.
const keptRotated = 100

// listBatch is how many entries are read at a time.
const listBatch = 1024

// rotatedItem is a rotated file and its place in the order of rotation.
type rotatedItem struct {
	path  string
	seq   int64
	epoch int64
	mtime int64
}

// olderThan orders rotated files oldest first: by sequence number for
// service logs, by mtime for the MTA's.
func (a rotatedItem) olderThan(b rotatedItem) bool {
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
}

func listDir(path string) *dirListing {
	d := &dirListing{path: path, present: map[string]bool{}, currentType: map[string]os.FileMode{}, nRot: map[string]int{}, newest: map[string][]rotatedItem{}}
	f, err := os.Open(path)
	if err != nil {
		d.err = err
		return d
	}
	defer f.Close()
	for {
		batch, err := f.ReadDir(listBatch)
		for _, e := range batch {
			d.add(e)
		}
		if errors.Is(err, io.EOF) || err == nil && len(batch) == 0 {
			break
		}
		if err != nil {
			d.err = err
			break
		}
	}
	for svc := range d.newest {
		d.trim(svc, keptRotated)
	}
	return d
}

// add counts one entry: its size, whether it is a current log, whose
// rotated file it is.
func (d *dirListing) add(e os.DirEntry) {
	d.count++
	name := e.Name()
	var info os.FileInfo
	if e.Type().IsRegular() {
		if i, err := e.Info(); err == nil {
			info = i
			d.size += uint64(i.Size())
		}
	}
	for _, svc := range services {
		if name == currentName(svc) {
			d.present[name] = true
			d.currentType[name] = e.Type()
			continue
		}
		seq, epoch, compressed, ok := rotatedName(svc, name)
		if !ok {
			continue
		}
		d.nRot[svc]++
		if compressed {
			continue
		}
		it := rotatedItem{path: filepath.Join(d.path, name)}
		if svc == "mta" {
			if info == nil {
				info, _ = e.Info()
			}
			if info != nil {
				it.mtime = info.ModTime().UnixNano()
			}
		} else {
			it.seq, _ = strconv.ParseInt(seq, 10, 64)
			it.epoch, _ = strconv.ParseInt(epoch, 10, 64)
		}
		d.newest[svc] = append(d.newest[svc], it)
		if len(d.newest[svc]) >= 2*keptRotated {
			d.trim(svc, keptRotated)
		}
	}
}

// trim keeps a service's n newest rotated files, oldest first.
func (d *dirListing) trim(svc string, n int) {
	items := d.newest[svc]
	sort.Slice(items, func(i, j int) bool { return items[i].olderThan(items[j]) })
	if len(items) > n {
		items = append([]rotatedItem(nil), items[len(items)-n:]...)
	}
	d.newest[svc] = items
}

// rotatedCount is how many rotated files a service has, compressed ones
// too.
func (d *dirListing) rotatedCount(svc string) int { return d.nRot[svc] }

// rotated lists a service's newest readable rotated files (at most
// keptRotated), oldest first.
func (d *dirListing) rotated(svc string) []string {
	items := d.newest[svc]
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.path
	}
	return out
}
