//go:build !linux && !solaris && !illumos

package procinfo

// Lookup is not available without a /proc the package knows.
func Lookup(pid int) (Info, error) { return Info{}, ErrUnsupported }
