//go:build !linux

package elfcoretest

import "testing"

// GenuineLinuxCore needs a Linux kernel to dump a process: elsewhere the
// test is skipped.
func GenuineLinuxCore(t testing.TB, dir string, limitKiB int) (string, int) {
	t.Helper()
	t.Skip("genuine Linux cores need a Linux kernel")
	return "", 0
}
