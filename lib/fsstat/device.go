//go:build linux || solaris || illumos

package fsstat

import "golang.org/x/sys/unix"

// Device returns the device number of the file system holding path, to
// measure paths on one file system once.
func Device(path string) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, err
	}
	return uint64(st.Dev), nil
}
