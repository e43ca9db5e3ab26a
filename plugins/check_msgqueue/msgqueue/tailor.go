package msgqueue

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/layout"
)

// maxTailorBytes bounds what is read of imta_tailor (a few hundred bytes
// on a real server).
const maxTailorBytes = 1 << 20

// queueDir is where the MTA keeps its queue: --queue-dir, else IMTA_QUEUE
// from BASE/config/imta_tailor (the MTA's own setting, Deployment Planning
// Guide Table 11-1), else BASE/data/queue. source says which, for messages.
func queueDir(option string, l *layout.Layout) (dir, source string, err error) {
	if option != "" {
		return option, "--queue-dir", nil
	}
	p := filepath.Join(l.Config, "imta_tailor")
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Lstat(p); lerr == nil {
			// A symlink to nothing is a broken configuration, not an
			// absent one: the queue may be elsewhere.
			return "", "", errors.New("dangling symbolic link")
		}
		return l.Queue, "BASE/data/queue", nil
	}
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		// Reading it would fail, and the default queue might be the wrong one.
		return "", "", errors.New("is a directory")
	}
	if q := parseTailor(io.LimitReader(f, maxTailorBytes))["IMTA_QUEUE"]; filepath.IsAbs(q) {
		return filepath.Clean(q), "IMTA_QUEUE in " + p, nil
	}
	return l.Queue, "BASE/data/queue", nil
}

// parseTailor reads imta_tailor's NAME=VALUE lines; lines starting with
// '!' or '#' are comments. Later settings win, as in the shell-like
// files the MTA reads.
func parseTailor(r io.Reader) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 64*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '!' || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		m[k] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	return m
}
