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

func TestCause(t *testing.T) {
	_, missing := os.Open("/nonexistent/x")
	plain := errors.New("plain")
	for _, tc := range []struct {
		err      error
		want     string
		notExist bool
	}{
		{missing, "no such file or directory", true},
		{&fs.PathError{Op: "open", Path: "/x", Err: syscall.ELOOP}, "too many levels of symbolic links", false},
		{plain, "plain", false},
	} {
		got := Cause(tc.err)
		if got.Error() != tc.want {
			t.Errorf("Cause(%v) = %q, want %q", tc.err, got, tc.want)
		}
		if errors.Is(got, fs.ErrNotExist) != tc.notExist {
			t.Errorf("Cause(%v) is ErrNotExist = %v, want %v", tc.err, !tc.notExist, tc.notExist)
		}
	}
	if Cause(plain) != plain {
		t.Error("Cause of an error without a path must be the error itself")
	}
}
