package telemetry

import (
	"container/heap"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// capture is one BASE/data/telemetry/<protocol>/<userid>/ directory: while
// it exists the server records every session of that user.
type capture struct {
	proto    Protocol
	user     string
	path     string
	dirMtime time.Time
	uid, gid uint32
	hasOwner bool
	mode     fs.FileMode
	listErr  error // the directory could not be listed

	files   int   // regular files: sessions
	bytes   int64 // their size
	oldest  time.Time
	newest  time.Time
	ignored int // entries that are not regular files

	// Filled by reading the sessions.
	parsed     int
	empty      int
	unparsable fileList // not in the session format
	unreadable fileList // could not be opened or read
	notRead    int      // skipped by --max-sessions, --max-read or the time budget
	partial    int      // read only in part
	evicted    bool     // not kept for a line of its own (captureSet): counted in the totals only
}

// fileList counts files and keeps the first few names with their reason.
type fileList struct {
	n     int
	names []string
}

// maxNamed is how many files a long-output line names.
const maxNamed = 3

func (l *fileList) add(name, reason string) {
	l.n++
	if len(l.names) < maxNamed {
		l.names = append(l.names, name+" ("+reason+")")
	}
}

// since is when the capture began, as far as the file system tells: the
// older of the directory's mtime and its oldest session file (mtime moves
// with every new session; files may have been removed since).
func (c *capture) since() time.Time {
	if c.files > 0 && c.oldest.Before(c.dirMtime) {
		return c.oldest
	}
	return c.dirMtime
}

func (c *capture) name() string { return string(c.proto) + "/" + c.user }

// sessionFile is a session file waiting to be read.
type sessionFile struct {
	c     *capture
	name  string
	size  int64
	mtime time.Time
}

// newest keeps the n most recent session files seen (a min-heap on mtime),
// so that memory stays bounded however many files the captures hold.
type newest struct {
	n       int
	files   []sessionFile
	dropped int // files that fell out: not read
}

func (h *newest) Len() int           { return len(h.files) }
func (h *newest) Less(i, j int) bool { return h.files[i].mtime.Before(h.files[j].mtime) }
func (h *newest) Swap(i, j int)      { h.files[i], h.files[j] = h.files[j], h.files[i] }
func (h *newest) Push(x any)         { h.files = append(h.files, x.(sessionFile)) }
func (h *newest) Pop() any {
	last := h.files[len(h.files)-1]
	h.files = h.files[:len(h.files)-1]
	return last
}

// offer adds f and reports the file that fell out, if any.
func (h *newest) offer(f sessionFile) (dropped *sessionFile) {
	if h.n <= 0 {
		h.dropped++
		return &f
	}
	if len(h.files) < h.n {
		heap.Push(h, f)
		return nil
	}
	h.dropped++
	if !f.mtime.After(h.files[0].mtime) {
		return &f
	}
	old := h.files[0]
	h.files[0] = f
	heap.Fix(h, 0)
	return &old
}

// sorted returns the kept files, newest first.
func (h *newest) sorted() []sessionFile {
	out := append([]sessionFile(nil), h.files...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].mtime.After(out[j].mtime) })
	return out
}

// scanResult is everything found under BASE/data/telemetry.
type scanResult struct {
	root     string
	missing  bool       // no telemetry directory at all
	captures []*capture // the most notable ones (captureSet), longest running first
	totals   captureTotals
	set      *captureSet
	problems []plugin.Line // protocol directories that could not be read
	strays   []string      // entries that are not protocol directories
}

// scan finds the captures and lists their session files, keeping the
// newest maxSessions for reading and the most notable captures, as judge
// rates them, for reporting one by one.
func scan(env *plugin.Env, root string, keep *newest, judge func(*capture) plugin.Status) (*scanResult, error) {
	r := &scanResult{root: root, set: newCaptureSet(judge)}
	defer func() { r.captures = r.set.captures() }()
	env.Stage("reading %s", root)
	fi, err := os.Stat(root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.missing = true
		return r, nil
	case err != nil:
		return nil, plugin.Unknownf("cannot read %s: %s", root, errtext.Reason(err))
	case !fi.IsDir():
		return nil, plugin.Unknownf("%s is not a directory", root)
	}
	entries, err := readDirNames(root)
	if err != nil {
		return nil, plugin.Unknownf("cannot list %s: %s", root, errtext.Reason(err))
	}
	for _, name := range entries {
		if !isProtocol(name) {
			r.strays = append(r.strays, name)
		}
	}
	for _, proto := range Protocols {
		r.scanProtocol(env, proto, keep)
	}
	return r, nil
}

func isProtocol(name string) bool {
	for _, p := range Protocols {
		if string(p) == name {
			return true
		}
	}
	return false
}

func (r *scanResult) scanProtocol(env *plugin.Env, proto Protocol, keep *newest) {
	dir := filepath.Join(r.root, string(proto))
	env.Stage("reading %s", dir)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return
	case err != nil:
		r.problems = append(r.problems, plugin.Line{Status: plugin.UNKNOWN, Text: "cannot read " + dir + ": " + errtext.Reason(err)})
		return
	case !fi.IsDir():
		return // a stray file where a protocol directory would be: nothing is captured
	}
	// Listed in batches, each capture counted and then kept or summed
	// up: nothing here grows with the number of captures but the set of
	// user hashes.
	err = eachName(dir, func(name string) {
		path := filepath.Join(dir, name)
		env.Stage("reading %s", path)
		// Follow a symlink as the server does when it creates files there.
		cfi, err := os.Stat(path)
		if err != nil || !cfi.IsDir() {
			return
		}
		c := &capture{proto: proto, user: name, path: path, dirMtime: cfi.ModTime(), mode: cfi.Mode()}
		c.uid, c.gid, c.hasOwner = owner(cfi)
		c.listErr = listSessions(env, c, keep)
		r.totals.add(c)
		r.set.offer(c)
	})
	if err != nil {
		r.problems = append(r.problems, plugin.Line{Status: plugin.UNKNOWN, Text: "cannot list " + dir + ": " + errtext.Reason(err)})
	}
}

// eachName calls fn for every entry of dir, read listBatch at a time.
func eachName(dir string, fn func(name string)) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	for {
		names, err := d.Readdirnames(listBatch)
		for _, n := range names {
			fn(n)
		}
		if errors.Is(err, io.EOF) || err == nil && len(names) == 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// listBatch is how many directory entries are read at a time: a capture
// left on for months may hold a great many files.
const listBatch = 1024

// listSessions counts the regular files of a capture and offers each to
// keep; the rest are counted as not read.
func listSessions(env *plugin.Env, c *capture, keep *newest) error {
	env.Stage("listing %s", c.path)
	d, err := os.Open(c.path)
	if err != nil {
		return err
	}
	defer d.Close()
	for {
		batch, err := d.ReadDir(listBatch)
		for _, e := range batch {
			if !e.Type().IsRegular() {
				c.ignored++
				continue
			}
			info, ierr := e.Info()
			if ierr != nil {
				continue // removed while we looked
			}
			c.addFile(info)
			if dropped := keep.offer(sessionFile{c: c, name: e.Name(), size: info.Size(), mtime: info.ModTime()}); dropped != nil {
				dropped.c.notRead++
			}
		}
		if errors.Is(err, io.EOF) || err == nil && len(batch) == 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (c *capture) addFile(info fs.FileInfo) {
	c.files++
	c.bytes += info.Size()
	m := info.ModTime()
	if c.files == 1 || m.Before(c.oldest) {
		c.oldest = m
	}
	if c.files == 1 || m.After(c.newest) {
		c.newest = m
	}
}

func readDirNames(dir string) ([]string, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.Readdirnames(-1)
}

// openSession opens a session file without following a symlink and
// without blocking should it have been replaced by a FIFO since listing.
func openSession(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}
