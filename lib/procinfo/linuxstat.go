package procinfo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"time"
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
	info := Info{
		Pid:    pid,
		PPid:   ppid,
		Name:   string(b[open+1 : end]),
		Zombie: fields[0] == "Z" || fields[0] == "X",
	}
	// Field 22, starttime, in clock ticks since boot: fields[0] is field 3.
	if len(fields) > 19 {
		info.startTicks, _ = strconv.ParseUint(fields[19], 10, 64)
	}
	return info, nil
}

// parseBootTime reads "btime <unix seconds>" from /proc/stat.
func parseBootTime(b []byte) (time.Time, bool) {
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return time.Unix(n, 0), err == nil && n > 0
		}
	}
	return time.Time{}, false
}

// clockTicks reads AT_CLKTCK (type 17) from an auxiliary vector
// (/proc/self/auxv of a 64-bit process: pairs of 64-bit words).
func clockTicks(auxv []byte) (uint64, bool) {
	const atClkTck = 17
	for i := 0; i+16 <= len(auxv); i += 16 {
		typ, val := binary.LittleEndian.Uint64(auxv[i:]), binary.LittleEndian.Uint64(auxv[i+8:])
		if typ == 0 {
			break
		}
		if typ == atClkTck && val > 0 {
			return val, true
		}
	}
	return 0, false
}

// argv0 is the first NUL-terminated word of /proc/<pid>/cmdline.
func argv0(cmd []byte) string {
	if i := bytes.IndexByte(cmd, 0); i >= 0 {
		cmd = cmd[:i]
	}
	return string(cmd)
}

// isPidName reports whether a /proc entry is a process directory: a
// positive decimal number with no sign or leading zero.
func isPidName(name string) (int, bool) {
	if name == "" || name[0] < '1' || name[0] > '9' || len(name) > 10 {
		return 0, false
	}
	for i := 0; i < len(name); i++ {
		if name[i] < '0' || name[i] > '9' {
			return 0, false
		}
	}
	pid, err := strconv.Atoi(name)
	return pid, err == nil && pid > 0 && pid <= 1<<31-1
}
