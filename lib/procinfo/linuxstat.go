package procinfo

import (
	"bytes"
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

// userHZ is the unit of the clock-tick fields of /proc/<pid>/stat. The
// kernel scales them to USER_HZ, which is 100 on every architecture Go
// builds Linux binaries for (only alpha and ia64 differ), so there is no
// sysconf(_SC_CLK_TCK) to call, and without cgo none could be.
const userHZ = 100

// parseStartTicks reads field 22 of /proc/<pid>/stat, starttime: clock
// ticks after boot. Like parseStat it counts the fields after the LAST ')'.
func parseStartTicks(b []byte) (uint64, bool) {
	end := bytes.LastIndexByte(b, ')')
	if end < 0 {
		return 0, false
	}
	// Field 3 (state) is the first after ')'; starttime is field 22.
	fields := strings.Fields(string(b[end+1:]))
	if len(fields) < 20 {
		return 0, false
	}
	t, err := strconv.ParseUint(fields[19], 10, 64)
	return t, err == nil
}

// parseBootTime reads the "btime SECONDS" line of /proc/stat: when the
// system booted, in seconds since the epoch.
func parseBootTime(b []byte) (int64, bool) {
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "btime "); ok {
			t, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
			return t, err == nil && t > 0
		}
	}
	return 0, false
}

// startTime is boot time plus the start ticks.
func startTime(boot int64, ticks uint64) time.Time {
	return time.Unix(boot, 0).Add(time.Duration(ticks) * (time.Second / userHZ))
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
