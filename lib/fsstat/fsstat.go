// Package fsstat reads file system usage (statfs on Linux, statvfs on
// Solaris and illumos) in one portable shape, with the figures check_disk
// uses: space available to non-root users (f_bavail) as well as to root.
package fsstat

// Usage is one file system's capacity, in bytes and inodes.
type Usage struct {
	Total      uint64 // f_blocks * block size
	Free       uint64 // f_bfree: free, including root's reserve
	Avail      uint64 // f_bavail: free to non-root users
	Files      uint64 // f_files: inodes in all (0: no fixed limit, e.g. btrfs)
	FilesFree  uint64 // f_ffree
	FilesAvail uint64 // f_favail where the platform has it, else f_ffree
}

// Used is what is in use: Total - Free.
func (u Usage) Used() uint64 {
	if u.Free > u.Total {
		return 0
	}
	return u.Total - u.Free
}

// Basis is what non-root users can ever have: Used + Avail. Percentages are
// of this figure, as check_disk computes them (root's reserve excluded).
func (u Usage) Basis() uint64 { return u.Used() + u.Avail }

// FreePercent is Avail as a percentage of Basis (100 on an empty basis).
func (u Usage) FreePercent() float64 {
	if u.Basis() == 0 {
		return 100
	}
	return 100 * float64(u.Avail) / float64(u.Basis())
}

// HasInodeLimit is false for file systems that report no inodes.
func (u Usage) HasInodeLimit() bool { return u.Files > 0 }

// InodesUsed is Files - FilesFree.
func (u Usage) InodesUsed() uint64 {
	if u.FilesFree > u.Files {
		return 0
	}
	return u.Files - u.FilesFree
}

// InodesFreePercent is FilesAvail as a percentage of Files (100 without a
// limit).
func (u Usage) InodesFreePercent() float64 {
	if u.Files == 0 {
		return 100
	}
	return 100 * float64(u.FilesAvail) / float64(u.Files)
}
