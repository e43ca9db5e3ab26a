package dblogs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// readBatch is how many directory entries are read at a time: the names of
// a directory with 100,000 files stream through without one huge slice.
const readBatch = 1024

// logFile is one Berkeley DB transaction log.
type logFile struct {
	name    string
	seq     uint64
	size    int64
	modTime time.Time
}

// IsLogName reports whether name is a Berkeley DB log file name: "log."
// followed by exactly ten decimal digits (log.0000000014). Region files
// (__db.001), databases (folder.db) and look-alikes (log.1,
// log.0000000001.bak) are not logs.
func IsLogName(name string) bool {
	if len(name) != 14 || name[:4] != "log." {
		return false
	}
	for i := 4; i < 14; i++ {
		if name[i] < '0' || name[i] > '9' {
			return false
		}
	}
	return true
}

func logSeq(name string) uint64 {
	var n uint64
	for i := 4; i < 14; i++ {
		n = n*10 + uint64(name[i]-'0')
	}
	return n
}

// scanLogs lists the log files of dir, sorted by sequence number. It reads
// directory names in batches and stats only the names that match, so a
// directory full of other files costs one getdents pass. A log that
// vanishes between the listing and the stat (log cleanup ran) is skipped;
// entries that are not regular files are not logs.
func scanLogs(dir string, stage func(string)) ([]logFile, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var logs []logFile
	for {
		stage(fmt.Sprintf("listing %s (%d logs so far)", dir, len(logs)))
		entries, err := f.ReadDir(readBatch)
		for _, e := range entries {
			if !IsLogName(e.Name()) {
				continue
			}
			fi, serr := os.Lstat(filepath.Join(dir, e.Name()))
			if serr != nil {
				if errors.Is(serr, fs.ErrNotExist) {
					continue
				}
				return nil, serr
			}
			if !fi.Mode().IsRegular() {
				continue
			}
			logs = append(logs, logFile{name: e.Name(), seq: logSeq(e.Name()), size: fi.Size(), modTime: fi.ModTime()})
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(logs, func(i, j int) bool { return logs[i].seq < logs[j].seq })
	return logs, nil
}
