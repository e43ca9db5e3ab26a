// Package errtext says why a file operation failed, in the words a plugin
// prints after the path it already names: "does not exist", "permission
// denied", or the system's own reason, never the path a second time.
package errtext

import (
	"errors"
	"io/fs"
)

// Reason is err's cause without the path that a *fs.PathError repeats.
func Reason(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return Cause(err).Error()
}

// Cause is the error a *fs.PathError wraps, or err itself: the same
// reason without the path, kept as an error so that callers wrapping it
// with %w still answer errors.Is(err, fs.ErrNotExist) and the like.
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
