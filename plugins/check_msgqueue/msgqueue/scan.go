package msgqueue

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// readBatch is how many directory entries are read at a time: a queue of a
// million messages is streamed, never held in memory.
const readBatch = 512

// kind is what a file in a channel directory is.
type kind int

const (
	kindOther   kind = iota // not a queue file: ignored (counted for -v)
	kindMessage             // a message waiting for delivery
	kindHeld                // a held message (.HELD): not eligible for delivery
	kindTemp                // a file being written ($ prefix)
)

// classify tells a queue file by its name: message
// files are ZZ<random>.NN, where the first two characters count delivery
// attempts in complemented base 36; held messages end in .HELD; files being
// written start with '$'. The suffix is not checked beyond "there is one":
// 6.3 writes .00/.01, other releases may differ [P].
func classify(name string) kind {
	switch {
	case name == "" || name[0] == '.':
		return kindOther
	case name[0] == '$':
		return kindTemp
	}
	dot := strings.IndexByte(name, '.')
	if dot < 3 || dot == len(name)-1 || !isAlnum(name[0]) || !isAlnum(name[1]) {
		return kindOther
	}
	if strings.HasSuffix(strings.ToUpper(name), ".HELD") {
		return kindHeld
	}
	return kindMessage
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// attempts decodes the delivery attempts from the first two characters of
// a queue file name, "complemented base 36": ZZ = 0, ZY = 1, ZA = 25,
// Z0 = 35, YZ = 36. ok is false when they are not two of [0-9A-Z].
func attempts(name string) (int, bool) {
	if len(name) < 2 {
		return 0, false
	}
	hi, ok1 := base36(name[0])
	lo, ok2 := base36(name[1])
	if !ok1 || !ok2 {
		return 0, false
	}
	return (35-hi)*36 + (35 - lo), true
}

func base36(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// channel is what one channel's queue directory holds.
type channel struct {
	Name        string
	Dir         string
	Exists      bool      // false: no directory (nothing ever queued there)
	Messages    int       // waiting for delivery (held ones not counted)
	Held        int       // .HELD files
	Temp        int       // $ files being written
	Other       int       // files that are not queue files
	Oldest      time.Time // mtime of the oldest waiting message (zero: none)
	OldestName  string    // its path relative to the channel directory
	MaxAttempts int       // most delivery attempts among waiting messages
	Err         error     // the directory (or a subdirectory) could not be read
}

// scanQueue lists the channels of the queue directory (its subdirectories)
// and counts each. stage is called before every directory read so that a
// hang names the directory. The top directory's own files ($ temp files of
// the MTA) are counted in topTemp.
func scanQueue(ctx context.Context, dir string, ignore []string, stage func(string)) (chans []*channel, topTemp int, err error) {
	stage(dir)
	var names []string
	broken := map[string]error{} // symlinked channels that lead nowhere
	err = readDir(ctx, dir, func(d fs.DirEntry) {
		name := d.Name()
		switch {
		case name[0] == '$':
			topTemp++
		case name[0] == '.' || ignored(name, ignore):
		case d.Type()&fs.ModeSymlink != 0:
			// A channel moved to another disk: follow the link. One that
			// leads nowhere (disk not mounted, a loop) hides the channel's
			// messages, so it is a channel that cannot be read, not no
			// channel at all.
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				broken[name] = err
				names = append(names, name)
			} else if fi.IsDir() {
				names = append(names, name)
			}
		case d.IsDir():
			names = append(names, name)
		}
	})
	if err != nil {
		return nil, 0, err
	}
	sort.Strings(names)
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		c := &channel{Name: n, Dir: filepath.Join(dir, n), Exists: true}
		if err, ok := broken[n]; ok {
			c.Err = err
		} else {
			scanChannel(ctx, c, stage)
		}
		chans = append(chans, c)
	}
	return chans, topTemp, nil
}

func ignored(name string, globs []string) bool {
	for _, g := range globs {
		if ok, _ := filepath.Match(g, name); ok {
			return true
		}
	}
	return false
}

// scanChannel counts the queue files of a channel: those in its numbered
// subdirectories (6.3: <channel>/NNN/ZZ*.NN) and those directly in it
// (MS 7: <channel>/ZZ*.NN). Deeper levels are not queue layout and are not
// walked. Only waiting messages are stat'ed (for the oldest mtime).
func scanChannel(ctx context.Context, c *channel, stage func(string)) {
	var subdirs []string
	stage(c.Dir)
	err := readDir(ctx, c.Dir, func(d fs.DirEntry) {
		if d.IsDir() {
			if d.Name()[0] != '.' {
				subdirs = append(subdirs, d.Name())
			}
			return
		}
		c.count(c.Dir, "", d)
	})
	if err != nil {
		c.Err = err
		return
	}
	sort.Strings(subdirs)
	for _, sd := range subdirs {
		p := filepath.Join(c.Dir, sd)
		stage(p)
		err := readDir(ctx, p, func(d fs.DirEntry) {
			if d.IsDir() {
				c.Other++
				return
			}
			c.count(p, sd+"/", d)
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) { // a subdirectory may go while we read
			c.Err = err
			return
		}
	}
}

// count adds one directory entry to the channel's figures.
func (c *channel) count(dir, prefix string, d fs.DirEntry) {
	name := d.Name()
	k := classify(name)
	if k != kindOther && !d.Type().IsRegular() {
		k = kindOther // a symlink, socket or device is not a queue file
	}
	switch k {
	case kindOther:
		c.Other++
	case kindTemp:
		c.Temp++
	case kindHeld:
		c.Held++
	case kindMessage:
		fi, err := d.Info()
		if err != nil {
			return // delivered and removed while we listed it
		}
		c.Messages++
		if mt := fi.ModTime(); c.Oldest.IsZero() || mt.Before(c.Oldest) {
			c.Oldest, c.OldestName = mt, prefix+name
		}
		if a, ok := attempts(name); ok && a > c.MaxAttempts {
			c.MaxAttempts = a
		}
	}
}

// readDir calls fn for every entry of dir, readBatch entries at a time,
// and stops when ctx is cancelled.
func readDir(ctx context.Context, dir string, fn func(fs.DirEntry)) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		ents, err := f.ReadDir(readBatch)
		for _, d := range ents {
			if d.Name() != "" {
				fn(d)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
