//go:build !linux && !solaris && !illumos

package procinfo

import "time"

// Lookup is not available without a /proc the package knows.
func Lookup(pid int) (Info, error) { return Info{}, ErrUnsupported }

// Pids is not available without a /proc the package knows.
func Pids() ([]int, error) { return nil, ErrUnsupported }

// Hidden is false where nothing can be listed anyway.
func Hidden() bool { return false }

// BootTime is not known here.
func BootTime() (time.Time, bool) { return time.Time{}, false }
