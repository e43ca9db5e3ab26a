//go:build linux

package procinfo

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// procRoot is where procfs is mounted; tests may point it elsewhere.
var procRoot = "/proc"

// Lookup reads /proc/<pid>. The command name and state come from
// /proc/<pid>/stat (readable for every process); exe and cmdline are
// best-effort, since another user's exe link is not readable without
// privileges.
func Lookup(pid int) (Info, error) {
	if pid <= 0 {
		return Info{}, fmt.Errorf("invalid pid %d", pid)
	}
	dir := procRoot + "/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		// ESRCH: the process exited between the open and the read.
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
			return Info{}, ErrNoProcess
		}
		return Info{}, err
	}
	info, err := parseStat(stat)
	if err != nil {
		return Info{}, fmt.Errorf("%s/stat: %v", dir, err)
	}
	if info.Pid != pid {
		// A thread id of another process: not a process of its own.
		return Info{}, ErrNoProcess
	}
	if exe, err := os.Readlink(dir + "/exe"); err == nil {
		info.Exe = exe
	}
	if cmd, err := os.ReadFile(dir + "/cmdline"); err == nil {
		info.Argv0 = argv0(cmd)
	}
	return info, nil
}

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
