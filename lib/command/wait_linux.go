package command

import "golang.org/x/sys/unix"

// waitExitNoReap blocks until the process exits but leaves it a zombie
// (WNOWAIT): while the zombie exists its pid, and so the process group id,
// cannot be reused, so killing the group afterwards hits only its members.
// It reports false if it could not wait.
func waitExitNoReap(pid int) bool {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err == nil {
			return true
		}
		if err != unix.EINTR {
			return false
		}
	}
}
