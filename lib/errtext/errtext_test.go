package errtext

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"testing"
)

func TestReason(t *testing.T) {
	_, missing := os.Open("/nonexistent/x")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{missing, "does not exist"},
		{&fs.PathError{Op: "open", Path: "/x", Err: fs.ErrPermission}, "permission denied"},
		{&fs.PathError{Op: "open", Path: "/x", Err: syscall.ELOOP}, "too many levels of symbolic links"},
		{errors.New("plain"), "plain"},
	} {
		if got := Reason(tc.err); got != tc.want {
			t.Errorf("Reason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
