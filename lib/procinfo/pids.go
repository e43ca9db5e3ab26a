//go:build linux || solaris || illumos

package procinfo

import (
	"os"
	"sort"
)

// Pids lists the process ids /proc shows, in ascending order: one
// directory per process on Linux and on Solaris and illumos alike. A
// process may exit between this list and its Lookup (ErrNoProcess then).
// Linux /proc mounted with hidepid leaves out other users' processes; see
// Hidden.
func Pids() ([]int, error) {
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return nil, err
	}
	pids := make([]int, 0, len(entries))
	for _, e := range entries {
		if pid, ok := isPidName(e.Name()); ok && e.IsDir() {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids, nil
}
