package cores

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/msgstore-plugins/msgstore/lib/errtext"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// fileID is a file's identity: device and inode. Exclusions and loop
// detection compare identities, not path strings, since BASE/data is a
// symlink and the same directory has many names.
type fileID struct{ dev, ino uint64 }

func idOf(fi os.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st == nil {
		return fileID{}, false
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true
}

// root is a directory to search.
type root struct {
	path      string
	explicit  bool   // given on the command line: missing is reported
	why       string // for long output
	dedicated bool   // holds nothing but cores: every regular file is opened
}

// candidate is a file whose name makes it worth opening.
type candidate struct {
	path    string
	fi      os.FileInfo
	trusted bool // its name looks like a core's, or a system core pattern's
	byName  bool // its name alone looks like a core's
	// dedicated: found in a directory that holds nothing but cores;
	// whatever its name, it counts if its header says core.
	dedicated bool
}

// searcher walks the search directories. It never follows a symlink below
// a root (a root itself may be one: BASE/data is), never enters an
// excluded directory, and reads each directory once, whatever its names.
type searcher struct {
	env      *plugin.Env
	depth    int
	match    *matcher
	exclude  map[fileID]string
	visited  map[fileID]int // directory -> the depth budget it was read with
	files    map[fileID]bool
	found    []candidate
	problems []string // directories that could not be read
	skipped  []string // excluded directories met on the way
	links    []string // symlinks named like cores, not followed
	searched []string // for -v: each root and what became of it
	roots    []root   // the roots that were searched
}

func newSearcher(env *plugin.Env, depth int, m *matcher, exclude map[fileID]string) *searcher {
	return &searcher{env: env, depth: depth, match: m, exclude: exclude,
		visited: map[fileID]int{}, files: map[fileID]bool{}}
}

// dirsRead is the number of distinct directories read.
func (s *searcher) dirsRead() int { return len(s.visited) }

func (s *searcher) searchRoot(r root) {
	s.env.Stage("stat %s", r.path)
	fi, err := os.Stat(r.path)
	switch {
	case err != nil && !r.explicit && errors.Is(err, fs.ErrNotExist):
		// A default directory this host does not have.
		s.searched = append(s.searched, "no "+r.path+" ("+r.why+")")
		return
	case err != nil:
		s.problems = append(s.problems, "cannot search "+r.path+": "+errtext.Reason(err))
		return
	case !fi.IsDir():
		if r.explicit {
			s.problems = append(s.problems, "cannot search "+r.path+": not a directory")
		}
		return
	}
	kind := ""
	if r.dedicated {
		kind = ", any core"
	}
	s.searched = append(s.searched, fmt.Sprintf("searched %s (%s), depth %d%s", r.path, r.why, s.depth, kind))
	s.roots = append(s.roots, r)
	s.walk(r.path, fi, s.depth, r.dedicated)
}

// walk reads dir and descends into its subdirectories while budget lasts.
// The directory is closed before descending, so open descriptors do not
// grow with --depth.
func (s *searcher) walk(dir string, fi os.FileInfo, budget int, dedicated bool) {
	if s.env.Context().Err() != nil {
		return
	}
	if id, ok := idOf(fi); ok {
		if prev, seen := s.visited[id]; seen && prev >= budget {
			return // read already, at least as deep: a second name or a loop
		}
		s.visited[id] = budget
	}
	subdirs := s.readDir(dir, budget > 0, dedicated)
	for _, d := range subdirs {
		s.walk(d.path, d.fi, budget-1, dedicated)
	}
}

type subdir struct {
	path string
	fi   os.FileInfo
}

// readDir lists dir, collects candidates and returns the subdirectories to
// descend into (none when descend is false).
func (s *searcher) readDir(dir string, descend, dedicated bool) []subdir {
	s.env.Stage("reading directory %s", dir)
	f, err := os.Open(dir)
	if err != nil {
		s.problems = append(s.problems, "cannot read directory "+dir+": "+errtext.Reason(err))
		return nil
	}
	defer f.Close()
	prefix := joinPrefix(dir)
	var subdirs []subdir
	for {
		entries, err := f.ReadDir(1024)
		for _, e := range entries {
			if sd, ok := s.entry(prefix, e, descend, dedicated); ok {
				subdirs = append(subdirs, sd)
			}
		}
		if err == io.EOF || err == nil && len(entries) == 0 {
			break
		}
		if err != nil {
			s.problems = append(s.problems, "cannot read directory "+dir+": "+errtext.Reason(err))
			break
		}
	}
	return subdirs
}

// joinPrefix is what filepath.Join(dir, name) puts before name, for any
// name a directory listing returns (no '/', never "." or ".."): the path
// of an entry is then prefix+name, without cleaning it again for each of
// a million entries (filepath.Clean was 14% of a tree walk's CPU).
func joinPrefix(dir string) string {
	p := filepath.Join(dir, "x")
	return p[:len(p)-1]
}

// entry handles one directory entry: a subdirectory to descend into, a
// candidate file, or nothing. The file type comes from the directory
// itself (lstat semantics): a symlink is never a directory here. prefix is
// joinPrefix of the directory; the path is built only for the entries
// that need one.
func (s *searcher) entry(prefix string, e fs.DirEntry, descend, dedicated bool) (subdir, bool) {
	name := e.Name()
	switch {
	case e.IsDir():
		if !descend {
			return subdir{}, false
		}
		fi, err := e.Info()
		if err != nil {
			return subdir{}, false // gone since the listing
		}
		if id, ok := idOf(fi); ok {
			if why, excluded := s.exclude[id]; excluded {
				s.skipped = append(s.skipped, prefix+name+" ("+why+")")
				return subdir{}, false
			}
		}
		return subdir{path: prefix + name, fi: fi}, true
	case e.Type().IsRegular():
		cand, trusted, byName := s.match.match(name, dedicated)
		if !cand && !dedicated {
			return subdir{}, false
		}
		fi, err := e.Info()
		if err != nil {
			return subdir{}, false
		}
		if id, ok := idOf(fi); ok {
			if s.files[id] {
				return subdir{}, false // the same file under a second name
			}
			s.files[id] = true
		}
		s.found = append(s.found, candidate{path: prefix + name, fi: fi, trusted: trusted, byName: byName, dedicated: dedicated})
	case e.Type()&fs.ModeSymlink != 0:
		if _, _, byName := s.match.match(name, false); byName {
			s.links = append(s.links, prefix+name)
		}
	}
	return subdir{}, false
}
