package command

import "syscall"

// groupLeaderAttr puts the program in a process group of its own and asks
// the kernel to SIGKILL it when the thread that started it exits (Process.run
// keeps that thread for the program's whole life).
func groupLeaderAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
