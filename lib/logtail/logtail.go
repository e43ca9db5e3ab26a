// Package logtail reads what was appended to a log file since the last run,
// without gaps and without reading a line twice, the way check_logfiles does
// it and check_log does not.
//
// A Cursor (kept by the caller in a state file) remembers the file's device
// and inode, the offset read up to, its size and mtime, and a hash of its
// first bytes. On the next run Follow compares the current file with it:
//
//   - same file, grown: read from the offset;
//   - same file, shorter than the offset (or its first bytes changed):
//     truncated or rewritten, read from the start;
//   - a different file: the log was rotated. The old file is looked up by
//     device and inode among the rotated siblings the caller lists
//     (imap.<seq>.<epoch>, mail.log_yesterday), finished from the saved
//     offset, any later rotated files are read whole, then the new file from
//     its start. When the old file is gone (expired, compressed) the gap is
//     reported;
//   - no cursor (first run): start at the end, since history is not news,
//     unless FromStart.
//
// Memory stays bounded whatever the file holds: a fixed buffer, lines cut at
// MaxLine, and at most MaxBytes read per run (the rest is read next time).
package logtail

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// headBytes is how much of a file's beginning identifies it besides its
// inode: a service log starts with "Log created (<epoch>)", so a reused
// inode or a file rewritten in place shows as a different head.
const headBytes = 256

// DefaultMaxBytes bounds the bytes read in one run.
const DefaultMaxBytes = 256 << 20

// Cursor is what is remembered about one log between runs.
type Cursor struct {
	Path     string `json:"path"`              // the file read last (informative)
	Dev      uint64 `json:"dev"`               // device of the file
	Ino      uint64 `json:"ino"`               // inode of the file
	Offset   int64  `json:"offset"`            // bytes consumed
	Size     int64  `json:"size"`              // size when last seen
	MTime    int64  `json:"mtime"`             // mtime (Unix nanoseconds) when last seen
	HeadLen  int    `json:"head_len"`          // bytes hashed into HeadHash
	HeadHash uint64 `json:"head_hash"`         // FNV-1a of the first HeadLen bytes
	InLong   bool   `json:"in_long,omitempty"` // Offset lies inside a cut line
}

// Valid reports whether a decoded cursor is self-consistent; a state file
// that decodes but fails this is treated as corrupt.
func (c Cursor) Valid() error {
	switch {
	case c.Offset < 0 || c.Size < 0:
		return errors.New("negative offset or size")
	case c.HeadLen < 0 || c.HeadLen > headBytes:
		return fmt.Errorf("head length %d out of range", c.HeadLen)
	case c.Ino == 0:
		return errors.New("no inode")
	}
	return nil
}

// Options tune a Follow.
type Options struct {
	FromStart bool      // first run: read the current file from its start
	MaxBytes  int64     // read at most this many bytes (DefaultMaxBytes if 0)
	MaxLine   int       // cut lines longer than this (DefaultMaxLine if 0)
	Deadline  time.Time // stop reading at this time (zero: no deadline)
}

// Report says what a Follow did.
type Report struct {
	FirstRun  bool     // there was no cursor: positions were only taken
	Truncated bool     // the file shrank or was rewritten: read from its start
	Rotated   bool     // the log was rotated since the last run
	Lost      bool     // the rotated file was not found: its unread end is lost
	LostBytes int64    // how much of it was unread when last seen
	Files     []string // files read, in order
	BytesRead int64    // bytes consumed
	Lines     int64    // lines delivered
	CutLines  int64    // lines longer than MaxLine, delivered cut
	Capped    bool     // stopped at MaxBytes or the deadline: more next run
	CappedBy  string   // "max bytes" or "deadline"

	CurrentMTime time.Time // mtime of the current file (for liveness)
	CurrentSize  int64     // its size
}

// Source names a log: its current file and how to list its rotated
// siblings, oldest first.
type Source struct {
	Path    string
	Rotated func() ([]string, error)
}

// fileInfo is what Follow needs to know of a file.
type fileInfo struct {
	path     string
	dev, ino uint64
	size     int64
	mtime    int64
}

func statFile(path string) (fileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileInfo{}, err
	}
	if !fi.Mode().IsRegular() {
		return fileInfo{}, &fs.PathError{Op: "read", Path: path, Err: errors.New("not a regular file")}
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileInfo{}, &fs.PathError{Op: "stat", Path: path, Err: errors.New("no inode information")}
	}
	return fileInfo{path: path, dev: uint64(st.Dev), ino: uint64(st.Ino), size: fi.Size(), mtime: fi.ModTime().UnixNano()}, nil
}

// Follow reads the lines added to src since prev and returns the cursor to
// save. fn is called for every new line. On error the returned cursor is
// prev (nothing is saved that was not read).
func Follow(prev *Cursor, src Source, opt Options, fn LineFunc) (Cursor, Report, error) {
	c, rep, err := follow(prev, src, opt, fn)
	if err != nil {
		return cursorOrZero(prev), rep, err
	}
	return c, rep, nil
}

func follow(prev *Cursor, src Source, opt Options, fn LineFunc) (Cursor, Report, error) {
	var rep Report
	cur, err := statFile(src.Path)
	if err != nil {
		return Cursor{}, rep, err
	}
	rep.CurrentMTime = time.Unix(0, cur.mtime)
	rep.CurrentSize = cur.size
	f := &follower{opt: opt, fn: fn, rep: &rep, lr: newLineReader(opt.MaxLine)}
	if f.opt.MaxBytes <= 0 {
		f.opt.MaxBytes = DefaultMaxBytes
	}

	if prev == nil {
		rep.FirstRun = true
		if !opt.FromStart {
			return f.cursorAt(cur, cur.size, false)
		}
		return f.readFrom(cur, 0, false)
	}

	if same(cur, *prev) && headMatches(cur, *prev) {
		if cur.size < prev.Offset {
			rep.Truncated = true
			return f.readFrom(cur, 0, false)
		}
		return f.readFrom(cur, prev.Offset, prev.InLong)
	}
	if same(cur, *prev) {
		// Same inode, different beginning: rewritten in place.
		rep.Truncated = true
		return f.readFrom(cur, 0, false)
	}

	rep.Rotated = true
	var rotated []fileInfo
	if src.Rotated != nil {
		names, err := src.Rotated()
		if err != nil {
			return *prev, rep, err
		}
		for _, n := range names {
			if fi, err := statFile(n); err == nil && !same(fi, cursorOf(cur)) {
				rotated = append(rotated, fi)
			}
		}
	}
	// Find the file we were reading; everything rotated after it is unread.
	found := -1
	for i, fi := range rotated {
		if same(fi, *prev) && headMatches(fi, *prev) {
			found = i
			break
		}
	}
	var todo []fileInfo
	if found >= 0 {
		todo = rotated[found+1:]
		c, done, err := f.readRotated(rotated[found], prev.Offset, prev.InLong)
		if err != nil || !done {
			return c, *f.rep, err
		}
	} else {
		rep.Lost = true
		if prev.Size > prev.Offset {
			rep.LostBytes = prev.Size - prev.Offset
		}
		// Rotated files written after the last run hold unread lines.
		for _, fi := range rotated {
			if fi.mtime > prev.MTime {
				todo = append(todo, fi)
			}
		}
	}
	for _, fi := range todo {
		c, done, err := f.readRotated(fi, 0, false)
		if err != nil || !done {
			return c, *f.rep, err
		}
	}
	return f.readFrom(cur, 0, false)
}

func cursorOrZero(prev *Cursor) Cursor {
	if prev == nil {
		return Cursor{}
	}
	return *prev
}

func cursorOf(fi fileInfo) Cursor { return Cursor{Dev: fi.dev, Ino: fi.ino} }

func same(fi fileInfo, c Cursor) bool { return fi.dev == c.Dev && fi.ino == c.Ino }

// headMatches compares the first bytes of the file with the cursor's hash.
// A file that cannot be read does not match.
func headMatches(fi fileInfo, c Cursor) bool {
	if c.HeadLen == 0 {
		return true
	}
	if fi.size < int64(c.HeadLen) {
		return false
	}
	h, n, err := headHash(fi.path, c.HeadLen)
	return err == nil && n == c.HeadLen && h == c.HeadHash
}

func headHash(path string, max int) (uint64, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	var b [headBytes]byte
	if max > headBytes {
		max = headBytes
	}
	n, err := io.ReadFull(f, b[:max])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, 0, err
	}
	h := fnv.New64a()
	h.Write(b[:n])
	return h.Sum64(), n, nil
}

type follower struct {
	opt Options
	fn  LineFunc
	rep *Report
	lr  *lineReader
}

// errCapped and errDeadline stop a scan early.
var (
	errCapped   = errors.New("max bytes")
	errDeadline = errors.New("deadline")
)

// readRotated finishes a rotated file (it no longer grows, so a last line
// without a line break is complete). done is false when reading stopped
// early; the cursor then points into this file.
func (f *follower) readRotated(fi fileInfo, from int64, inLong bool) (Cursor, bool, error) {
	c, err := f.read(fi, from, inLong, true)
	return c, err == nil && !f.rep.Capped, err
}

// readFrom reads the current file from an offset and returns the cursor.
// The current file is never final: the server may still be writing its
// last line, so an unterminated end is left for the next run.
func (f *follower) readFrom(fi fileInfo, from int64, inLong bool) (Cursor, Report, error) {
	c, err := f.read(fi, from, inLong, false)
	return c, *f.rep, err
}

func (f *follower) read(fi fileInfo, from int64, inLong, final bool) (Cursor, error) {
	if from > fi.size {
		from = fi.size
	}
	file, err := os.Open(fi.path)
	if err != nil {
		return Cursor{}, err
	}
	defer file.Close()
	// Size may have grown since the stat; read only up to what was seen, so
	// the saved size and offset agree.
	if _, err := file.Seek(from, io.SeekStart); err != nil {
		return Cursor{}, err
	}
	budget := f.opt.MaxBytes - f.rep.BytesRead
	avail := fi.size - from
	limit := avail
	if limit > budget {
		limit = budget
	}
	if limit < 0 {
		limit = 0
	}
	f.rep.Files = append(f.rep.Files, fi.path)
	stop := func() error {
		if !f.opt.Deadline.IsZero() && time.Now().After(f.opt.Deadline) {
			return errDeadline
		}
		return nil
	}
	res, err := f.lr.scan(file, limit, final && limit == avail, inLong, stop, f.fn)
	f.rep.BytesRead += res.consumed
	f.rep.Lines += res.lines
	f.rep.CutLines += res.cutLines
	if err != nil {
		return Cursor{}, err
	}
	switch {
	case res.stoppedBy != nil:
		f.rep.Capped, f.rep.CappedBy = true, res.stoppedBy.Error()
	case limit < avail:
		f.rep.Capped, f.rep.CappedBy = true, errCapped.Error()
	}
	c, _, err := f.cursorAt(fi, from+res.consumed, res.inLong)
	return c, err
}

// cursorAt builds the cursor for fi at offset.
func (f *follower) cursorAt(fi fileInfo, offset int64, inLong bool) (Cursor, Report, error) {
	n := headBytes
	if fi.size < int64(n) {
		n = int(fi.size)
	}
	h, got, err := headHash(fi.path, n)
	if err != nil {
		return Cursor{}, *f.rep, err
	}
	return Cursor{Path: fi.path, Dev: fi.dev, Ino: fi.ino, Offset: offset, Size: fi.size, MTime: fi.mtime,
		HeadLen: got, HeadHash: h, InLong: inLong}, *f.rep, nil
}
