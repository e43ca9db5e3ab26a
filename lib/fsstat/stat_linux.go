//go:build linux

package fsstat

import "golang.org/x/sys/unix"

// Stat returns the usage of the file system holding path.
func Stat(path string) (Usage, error) {
	var s unix.Statfs_t
	if err := unix.Statfs(path, &s); err != nil {
		return Usage{}, err
	}
	bs := uint64(s.Bsize)
	if s.Frsize > 0 {
		bs = uint64(s.Frsize)
	}
	return Usage{
		Total: s.Blocks * bs, Free: s.Bfree * bs, Avail: s.Bavail * bs,
		Files: s.Files, FilesFree: s.Ffree, FilesAvail: s.Ffree,
	}, nil
}
