//go:build solaris || illumos

package fsstat

import "golang.org/x/sys/unix"

// Stat returns the usage of the file system holding path (statvfs: sizes
// are in fragments of f_frsize).
func Stat(path string) (Usage, error) {
	var s unix.Statvfs_t
	if err := unix.Statvfs(path, &s); err != nil {
		return Usage{}, err
	}
	bs := uint64(s.Frsize)
	if bs == 0 {
		bs = uint64(s.Bsize)
	}
	return Usage{
		Total: s.Blocks * bs, Free: s.Bfree * bs, Avail: s.Bavail * bs,
		Files: s.Files, FilesFree: s.Ffree, FilesAvail: s.Favail,
	}, nil
}
