//go:build !linux

package command

import "syscall"

// groupLeaderAttr puts the program in a process group of its own. There is
// no parent-death signal here (Solaris, illumos): the group's watcher and
// KillAll stand in for it.
func groupLeaderAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
