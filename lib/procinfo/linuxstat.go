package procinfo

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// The parsers of Linux /proc files are built on every platform so that
// they are tested wherever the tests run.

// parseStat reads pid, comm, state and ppid from /proc/<pid>/stat:
// "pid (comm) S ppid ...". comm may contain spaces and parentheses, so it
// ends at the LAST ')'.
func parseStat(b []byte) (Info, error) {
	open := bytes.IndexByte(b, '(')
	end := bytes.LastIndexByte(b, ')')
	if open < 1 || end < open {
		return Info{}, errors.New("unexpected format")
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:open])))
	if err != nil {
		return Info{}, errors.New("unexpected pid field")
	}
	fields := strings.Fields(string(b[end+1:]))
	if len(fields) < 2 {
		return Info{}, errors.New("unexpected format")
	}
	ppid, _ := strconv.Atoi(fields[1])
	return Info{
		Pid:    pid,
		PPid:   ppid,
		Name:   string(b[open+1 : end]),
		Zombie: fields[0] == "Z" || fields[0] == "X",
	}, nil
}

// argv0 is the first NUL-terminated word of /proc/<pid>/cmdline.
func argv0(cmd []byte) string {
	if i := bytes.IndexByte(cmd, 0); i >= 0 {
		cmd = cmd[:i]
	}
	return string(cmd)
}
