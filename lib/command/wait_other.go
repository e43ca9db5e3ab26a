//go:build !linux

package command

// waitExitNoReap is not implemented here: the caller reaps the leader
// first and then kills what is left of its group.
func waitExitNoReap(pid int) bool { return false }
